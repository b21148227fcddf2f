"""Meeting reminders: slots per offset, recomputed on change, dispatched by the beat job; and the
reminder delivery kind.

Rules
- A meeting has one slot per offset in `Meeting.reminder_offsets` (minutes before the start),
  due at ``starts_at - offset``. `meeting_reminders_sync` recomputes the *unsent* slots whenever
  the meeting changes: a rescheduled meeting gets slots for its new start, a cancelled one none.
- A slot whose due time had already passed when it was created is not made: the invitation or
  update just sent says the same thing (a meeting created 30 minutes before it starts gets no
  "1 hour before" reminder).
- The beat job dispatches every slot that is due and still pending, however late, as long as
  the meeting has not started; so after an outage the reminders still go out. When several slots
  of one meeting are due at once (a long outage), only the one nearest the start is sent.
- A slot is expanded into one `Delivery` per recipient (key ``<offset>m@<start UTC>``), under the
  same unique constraint as all mail; two beat processes dispatching at once lock disjoint slots
  (SKIP LOCKED) and, should they ever meet, the constraint keeps one row per person.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import DeliveryKind, MeetingStatus, ReminderStatus
from coordination.models import Meeting, MeetingReminder, Region, ReminderDefault
from coordination.notifications.channels import EMAIL
from coordination.notifications.chat import CHAT
from coordination.notifications.mail import lead_time
from coordination.notifications.meeting_mail import RELATED, meeting_chat, meeting_message
from coordination.notifications.outbox import deliveries_create
from coordination.notifications.registry import REMINDERS, Kind, register
from coordination.selectors.notifications import reminder_recipients

# Four weeks: a longer lead is a planning note, not a reminder.
MAX_REMINDER_MINUTES = 28 * 24 * 60
MAX_REMINDERS = 5


def clean_reminder_minutes(values) -> list[int]:
    """Distinct whole minutes, largest first; raises ValidationError on anything else."""
    try:
        minutes = sorted({int(value) for value in values}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Pengingat harus berupa bilangan bulat menit.")) from exc
    if any(m < 1 or m > MAX_REMINDER_MINUTES for m in minutes):
        raise ValidationError(
            _("Pengingat harus antara 1 menit dan %(days)d hari sebelum rapat.")
            % {"days": MAX_REMINDER_MINUTES // 1440}
        )
    if len(minutes) > MAX_REMINDERS:
        raise ValidationError(_("Paling banyak %(n)d pengingat per rapat.") % {"n": MAX_REMINDERS})
    return minutes


def start_stamp(starts_at: datetime) -> str:
    return starts_at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminder_key(minutes: int, starts_at: datetime) -> str:
    return f"{minutes}m@{start_stamp(starts_at)}"


def reminder_minutes(delivery) -> int:
    """The offset of a reminder delivery ("60m@20241120T0200Z" -> 60)."""
    return int(delivery.key.split("m@", 1)[0])


def _offsets(meeting: Meeting) -> list[int]:
    # Stored data is not trusted blindly: a bad value must not stop the other reminders.
    result = set()
    for value in meeting.reminder_offsets or []:
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < minutes <= MAX_REMINDER_MINUTES:
            result.add(minutes)
    return sorted(result, reverse=True)


# --- defaults -----------------------------------------------------------------------------------


def default_reminder_minutes(*, region: Region | str) -> list[int]:
    """The offsets for a new meeting in `region`: the nearest region up the tree whose KPU staff
    set a default, else PILKADA_DEFAULT_REMINDER_MINUTES."""
    code = region if isinstance(region, str) else region.pk
    parts = code.split(".")
    chain = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    rows = {
        row.region_id: row.minutes_before
        for row in ReminderDefault.objects.filter(region_id__in=chain)
    }
    for candidate in chain:
        if candidate in rows:
            return list(rows[candidate])
    return list(settings.PILKADA_DEFAULT_REMINDER_MINUTES)


def reminder_minutes_for_staff(*, user) -> list[int]:
    """The default offered on a new meeting's form: that of the widest region the person
    manages (PILKADA_DEFAULT_REMINDER_MINUTES for anyone else)."""
    codes = sorted(permissions.access_for(user).staff_region_codes, key=lambda c: (len(c), c))
    if codes:
        return default_reminder_minutes(region=codes[0])
    return list(settings.PILKADA_DEFAULT_REMINDER_MINUTES)


@transaction.atomic
def reminder_default_set(*, actor, region: Region, minutes_before) -> ReminderDefault:
    """KPU staff set the reminder offsets new meetings in their region start with."""
    if not permissions.can_manage_region(actor, region):
        raise PermissionDenied(_("Anda tidak berwenang mengatur wilayah ini."))
    minutes = clean_reminder_minutes(minutes_before)
    if not minutes:
        raise ValidationError(_("Pilih sedikitnya satu pengingat."))
    row, _created = ReminderDefault.objects.update_or_create(
        region=region, defaults={"minutes_before": minutes, "updated_by": actor}
    )
    return row


# --- slots --------------------------------------------------------------------------------------


@transaction.atomic
def meeting_reminders_sync(*, meeting: Meeting, now: datetime | None = None) -> None:
    """Make the meeting's pending slots match its current start, offsets and status."""
    now = now or timezone.now()
    pending = MeetingReminder.objects.filter(meeting=meeting, status=ReminderStatus.PENDING)
    if meeting.status != MeetingStatus.SCHEDULED:
        pending.update(status=ReminderStatus.SKIPPED, processed_at=now)
        return
    wanted = {(m, meeting.starts_at - timedelta(minutes=m)) for m in _offsets(meeting)}
    existing = set()
    obsolete = []
    for slot in MeetingReminder.objects.filter(meeting=meeting):
        pair = (slot.minutes_before, slot.due_at)
        if slot.status == ReminderStatus.PENDING and pair not in wanted:
            obsolete.append(slot.pk)
        else:
            existing.add(pair)
    MeetingReminder.objects.filter(pk__in=obsolete).delete()
    MeetingReminder.objects.bulk_create(
        [
            MeetingReminder(meeting=meeting, minutes_before=m, due_at=due)
            for m, due in sorted(wanted - existing)
            if due > now
        ],
        ignore_conflicts=True,
    )


def reminders_dispatch_due(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Expand every due slot into deliveries; returns how many deliveries were queued.

    Each batch is its own transaction, so a crash loses at most the batch in progress (which is
    simply dispatched again by the next run: its slots were never marked).
    """
    now = now or timezone.now()
    queued = 0
    while True:
        with transaction.atomic():
            slots = list(
                MeetingReminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("meeting")
                .filter(status=ReminderStatus.PENDING, due_at__lte=now)
                .order_by("due_at", "pk")[:batch_size]
            )
            if not slots:
                return queued
            queued += _dispatch(slots, now)
        if len(slots) < batch_size:
            return queued


def _dispatch(slots: list[MeetingReminder], now: datetime) -> int:
    by_meeting: dict[int, list[MeetingReminder]] = defaultdict(list)
    for slot in slots:
        by_meeting[slot.meeting_id].append(slot)
    dispatched, skipped, queued = [], [], 0
    for group in by_meeting.values():
        meeting = group[0].meeting
        offsets = set(_offsets(meeting))
        current = [
            slot
            for slot in group
            if slot.minutes_before in offsets
            and slot.due_at == meeting.starts_at - timedelta(minutes=slot.minutes_before)
        ]
        if len(current) != len(group) and meeting.status == MeetingStatus.SCHEDULED:
            # Changed without going through the services: recompute before the next run.
            meeting_reminders_sync(meeting=meeting, now=now)
        if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now or not current:
            skipped += [slot.pk for slot in group]
            continue
        nearest = min(current, key=lambda slot: slot.minutes_before)
        skipped += [slot.pk for slot in group if slot is not nearest]
        dispatched.append(nearest.pk)
        queued += len(
            deliveries_create(
                meeting=meeting,
                people=reminder_recipients(meeting=meeting),
                kind=DeliveryKind.REMINDER,
                key=reminder_key(nearest.minutes_before, meeting.starts_at),
                now=now,
            )
        )
    MeetingReminder.objects.filter(pk__in=dispatched).update(
        status=ReminderStatus.DISPATCHED, processed_at=now
    )
    MeetingReminder.objects.filter(pk__in=skipped, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SKIPPED, processed_at=now
    )
    return queued


# --- the kind -----------------------------------------------------------------------------------


def _obsolete(delivery, now: datetime) -> str:
    meeting = delivery.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        return "meeting cancelled"
    if meeting.starts_at <= now:
        return "meeting already started"
    if not delivery.key.endswith("@" + start_stamp(meeting.starts_at)):
        return "meeting rescheduled"
    return ""


def _build(delivery):
    return meeting_message(delivery, lead=lead_time(reminder_minutes(delivery)))


def _chat(delivery):
    return meeting_chat(delivery, lead=lead_time(reminder_minutes(delivery)))


register(
    Kind(
        value=DeliveryKind.REMINDER.value,
        label=DeliveryKind.REMINDER.label,
        builders={EMAIL: _build, CHAT: _chat},
        topic=REMINDERS,
        obsolete=_obsolete,
        related=RELATED,
        detail=lambda delivery: _("%(n)s menit sebelum") % {"n": reminder_minutes(delivery)},
        # A reminder is worth retrying until the meeting starts.
        useful_until=lambda delivery: delivery.meeting.starts_at,
    )
)
