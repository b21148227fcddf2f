"""A kind made for the tests of one-tap actions: a message about a meeting, offering "Terima"
to its recipient. Acknowledging takes the permission to manage the meeting's region and is
recorded once (the first wins; a second press answers who did it). What an incident escalation
does with `incident_acknowledge`, on a meeting."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import permissions
from coordination.models import Person
from coordination.notifications import registry
from coordination.notifications.channels import EMAIL
from coordination.notifications.chat import CHAT, Action, ChatMessage, Done
from coordination.notifications.mail import email_message
from pilkada.common import localtime

KIND = "uji_tindakan"
written: list[tuple[int, int]] = []  # (meeting id, person id) of every acknowledgement written


def _key(meeting_id: int) -> str:
    return f"uji-tindakan:{meeting_id}"


def acknowledged(meeting_id: int):
    return cache.get(_key(meeting_id))


def acknowledge(*, delivery, person) -> Done:
    meeting = delivery.meeting
    if not permissions.can_manage_region(person, meeting.region):
        raise PermissionDenied
    now = timezone.now()
    if cache.add(_key(meeting.pk), (person.pk, now), 3600):
        written.append((meeting.pk, person.pk))
        return Done(by=person.full_name, at=now, place=meeting.region, now=True)
    by, at = cache.get(_key(meeting.pk))
    return Done(by=Person.objects.get(pk=by).full_name, at=at, place=meeting.region, now=False)


def _chat(delivery) -> ChatMessage:
    meeting = delivery.meeting
    return ChatMessage(
        title=f"Eskalasi: {meeting.title}",
        lines=(localtime.datetime_text(meeting.starts_at, meeting.region),),
        url=f"https://portal.uji/rapat/{meeting.pk}/",
        actions=() if acknowledged(meeting.pk) else ("ack",),
    )


def _email(delivery):
    return email_message(
        delivery, subject=f"Eskalasi: {delivery.meeting.title}", text="eskalasi", html="<p>x</p>"
    )


KIND_SPEC = registry.register(
    registry.Kind(
        value=KIND,
        label="Uji tindakan",
        builders={EMAIL: _email, CHAT: _chat},
        related=("meeting", "meeting__region"),
        topic=registry.INCIDENTS,
    )
)
registry.register_action(
    KIND,
    Action(
        name="ack",
        label=_("Terima"),
        perform=acknowledge,
        done_text=_("Diterima oleh %(by)s, %(when)s"),
    ),
)
