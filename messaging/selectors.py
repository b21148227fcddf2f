"""Reads: a person's links and choices, and the router the outbox asks (`channels.route`)."""

from coordination.notifications import registry
from coordination.notifications.channels import EMAIL
from messaging import conf
from messaging.enums import TELEGRAM
from messaging.models import ChannelPreference, ChatLink


def enabled_chat_channels() -> list[str]:
    """The chat channels configured on this server (Telegram when its settings are there)."""
    return [TELEGRAM] if conf.telegram_enabled() else []


def active_link(*, person_id: int, channel: str) -> ChatLink | None:
    return ChatLink.objects.filter(person_id=person_id, channel=channel, is_active=True).first()


def link_of(*, person, channel: str) -> ChatLink | None:
    """The person's account on `channel`, linked or not (None: never linked)."""
    return ChatLink.objects.filter(person=person, channel=channel).first()


def topic_default(topic: registry.Topic, linked: list[str]) -> list[str]:
    """Urgent topics: email and every linked chat; the others: email."""
    return [EMAIL, *linked] if topic.urgent else [EMAIL]


def preferences_of(*, person) -> dict[str, list[str]]:
    """Each topic's channels as the person chose them (or the default), linked or not."""
    stored = dict(ChannelPreference.objects.filter(person=person).values_list("topic", "channels"))
    linked = list(
        ChatLink.objects.filter(
            person=person, is_active=True, channel__in=enabled_chat_channels()
        ).values_list("channel", flat=True)
    )
    return {
        value: list(stored.get(value) or topic_default(topic, linked))
        for value, topic in registry.TOPICS.items()
    }


def channels_for(person_ids: list[int], kind: str) -> dict[int, tuple[str, ...]]:
    """The router registered with `channels.register_router`: for each person, the channels a
    message of `kind` goes over. Two queries whatever the number of people; email for a kind
    without a topic, when no chat channel is configured, and whenever nothing else is left (a
    chosen chat that is not linked)."""
    chats = enabled_chat_channels()
    try:
        spec = registry.kind_for(kind)
    except LookupError:
        return {}
    topic = registry.TOPICS.get(spec.topic)
    chats = [name for name in chats if registry.sends_over(spec, name)]
    if topic is None or not chats or not person_ids:
        return {}
    ids = list(person_ids)
    links: dict[int, list[str]] = {}
    for person_id, channel in ChatLink.objects.filter(
        person_id__in=ids, channel__in=chats, is_active=True
    ).values_list("person_id", "channel"):
        links.setdefault(person_id, []).append(channel)
    if not links:
        return {}
    chosen = dict(
        ChannelPreference.objects.filter(person_id__in=list(links), topic=topic.value).values_list(
            "person_id", "channels"
        )
    )
    routes: dict[int, tuple[str, ...]] = {}
    for person_id in ids:
        linked = links.get(person_id, [])
        wanted = chosen.get(person_id) or topic_default(topic, linked)
        names = [name for name in wanted if name == EMAIL or name in linked]
        routes[person_id] = tuple(names) or (EMAIL,)
    return routes
