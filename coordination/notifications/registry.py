"""The kinds of delivery the outbox knows, each registered by the module that produces it.

The outbox (`outbox.py`) claims, sends, retries and recovers rows without knowing what they are
about; for everything kind-specific it asks the kind registered here:

- `builders[channel](delivery)` makes the message for a channel (`channels.py`: "email" is built
  in), in the recipient's language (already active when called), and sets `delivery.subject` for
  the delivery log; a kind sent on several channels has one builder per channel;
- `obsolete(delivery, now)` says why a queued row must no longer go out ("" when it should):
  a reminder for a meeting that was cancelled, a digest with nothing left to say;
- `related` names what `select_related` should fetch with the row before the two are called;
- `useful_until(delivery)`, optional, says until when a message is worth retrying while the far
  end fails temporarily: a reminder until its meeting starts, an invitation until the meeting
  ends, a digest until its day ends, an escalation until it is acknowledged. Without it a row is
  retried for PILKADA_DELIVERY_USEFUL_SECONDS after it was made (`useful_until` below). A
  permanent refusal fails at once whatever the hook says;
- `language(delivery)`, optional, the language to build in when the row has no person (an
  invitation to an address without an account); otherwise the person's language is used;
- `detail(delivery)`, optional, adds a few words to the kind in the delivery log ("60 menit
  sebelum" for a reminder);
- `topic`, optional, the group of kinds a person chooses channels for (`TOPICS`: invitations and
  changes, reminders, digests, incidents). A kind with a topic goes to each person over the
  channels they chose for it (`channels.route`); a kind without one (account mail) only by email;

One-tap actions ("Terima" on an escalation, `chat.Action`) are registered for a kind with
`register_action(kind, action)`, by the module that owns the service the action calls (a layer
above the kind's module: the kind's module builds messages, the action writes); the kind's chat
builder names the actions a message offers.

Builders are looked up by the channel's name, then by the format it sends (`channels.Channel.
message_format`): a kind's "chat" builder (`chat.ChatMessage`, short text) serves every chat
channel (Telegram, later WhatsApp) without the kind knowing them.

A new kind is one module that calls `register(Kind(...))` at import and one line in its app's
`AppConfig.ready()` that imports the module (coordination's own kinds: `coordination.apps`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coordination.notifications.channels import message_format


@dataclass(frozen=True)
class Topic:
    """A group of kinds a person chooses channels for. An urgent topic goes over every channel the
    person has linked unless they chose otherwise; the others go by email until they choose."""

    value: str
    label: str
    urgent: bool = False


MEETINGS = "meetings"
REMINDERS = "reminders"
DIGESTS = "digests"
INCIDENTS = "incidents"

TOPICS: dict[str, Topic] = {
    topic.value: topic
    for topic in (
        Topic(MEETINGS, _("Undangan dan perubahan rapat")),
        Topic(REMINDERS, _("Pengingat rapat")),
        Topic(DIGESTS, _("Ringkasan kesiapan")),
        Topic(INCIDENTS, _("Penugasan dan eskalasi insiden"), urgent=True),
    )
}


def _never_obsolete(delivery, now: datetime) -> str:
    return ""


@dataclass(frozen=True)
class Kind:
    value: str
    label: str
    builders: dict[str, Callable]
    obsolete: Callable[[object, datetime], str] = _never_obsolete
    related: tuple[str, ...] = field(default=())
    detail: Callable[[object], str] | None = None
    useful_until: Callable[[object], datetime] | None = None
    language: Callable[[object], str] | None = None
    topic: str = ""

    def action(self, name: str):
        """The action called `name` registered for this kind (a `chat.Action`), or None."""
        return _ACTIONS.get(self.value, {}).get(name)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind; registering the same value twice with a different spec is a programming error."""
    existing = _KINDS.get(kind.value)
    if existing is not None and existing != kind:
        raise ValueError(f"delivery kind {kind.value!r} is already registered")
    _KINDS[kind.value] = kind
    return kind


_ACTIONS: dict[str, dict[str, object]] = {}


def register_action(kind: str, action) -> None:
    """Offer `action` (a `chat.Action`) on chat messages of `kind` whose builder names it."""
    _ACTIONS.setdefault(kind, {})[action.name] = action


def kind_for(value: str) -> Kind:
    """The registered kind; a LookupError means its module was never imported (see above)."""
    try:
        return _KINDS[value]
    except KeyError as exc:
        raise LookupError(f"no delivery kind {value!r} is registered") from exc


def builder_for(kind: Kind, channel: str) -> Callable:
    """The kind's builder for the channel: its own, else the one for the channel's format."""
    builder = kind.builders.get(channel)
    if builder is None:
        builder = kind.builders.get(message_format(channel))
    if builder is None:
        raise LookupError(f"delivery kind {kind.value!r} has no {channel!r} builder")
    return builder


def sends_over(kind: Kind, channel: str) -> bool:
    """Whether the kind can build a message for the channel."""
    return channel in kind.builders or message_format(channel) in kind.builders


def useful_until(kind: Kind, delivery) -> datetime:
    """Until when the row is worth another attempt (see `Kind.useful_until`)."""
    if kind.useful_until is not None:
        return kind.useful_until(delivery)
    return delivery.created_at + timedelta(seconds=settings.PILKADA_DELIVERY_USEFUL_SECONDS)


def kind_label(value: str) -> str:
    kind = _KINDS.get(value)
    return str(kind.label) if kind is not None else value


def kind_detail(delivery) -> str:
    kind = _KINDS.get(delivery.kind)
    return kind.detail(delivery) if kind is not None and kind.detail is not None else ""


def kind_choices() -> list[tuple[str, str]]:
    """(value, label) of every registered kind, for filters of the delivery log."""
    return [(kind.value, kind.label) for kind in _KINDS.values()]
