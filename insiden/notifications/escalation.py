"""The escalation of an incident through the notification outbox: who is told, when, and the
delivery kind that builds the message. The one module that knows an escalation's keys and
recipients. It builds a mail and a chat message (Telegram); the chat message's one-tap "Terima"
is performed by `insiden.services.chat` through `incident_acknowledge`.

Steps (README, "Insiden"), each a key `i<incident>.r<round>.<step>`:

- `l0`, on reporting (and on a referral, a new round): the responsible agency's liaisons (and its
  KPU staff, when the agency is a KPU office);
- `l1`, past the acknowledgement deadline: KPU staff of the incident's regency, and the members
  of the same kind of agency one level up (the Polda for a Polres);
- `l2`, past twice the deadline: KPU staff of the province;
- `h<n>`, every hour while an acknowledged critical incident is not resolved: the responsible
  agency's liaisons again.

Exactly once per incident, step and recipient: the outbox's unique (person, kind, key, channel)
makes a second insert a no-op, and the beat job claims due incidents with SKIP LOCKED, so two
beats (or a job re-run after a killed worker) neither skip nor double a step. A queued message
whose step no longer applies (acknowledged in between, referred elsewhere) is not sent
(`_obsolete`).
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import Delivery
from coordination.notifications.channels import EMAIL
from coordination.notifications.chat import CHAT, ChatMessage
from coordination.notifications.mail import email_message
from coordination.notifications.outbox import rows_create
from coordination.notifications.registry import INCIDENTS, Kind, register
from insiden import permissions
from insiden.enums import CLOSED, CRITICAL_REMINDER_MINUTES, UNACKNOWLEDGED, EventKind, Severity
from insiden.models import Incident, IncidentHistory
from insiden.notifications.recipients import (
    FIRST,
    LATE,
    LATER,
    agencies_concerned,
    recipients_for,
)
from insiden.signals import incident_assigned, incident_escalated
from pilkada.common import localtime

KIND = "insiden_eskalasi"
# The chat button's action name (insiden.services.chat registers it).
ACKNOWLEDGE = "ack"


# --- keys ---------------------------------------------------------------------------------------


def step_key(incident: Incident, step: str) -> str:
    return f"i{incident.pk}.r{incident.escalation_round}.{step}"


def parse_key(key: str) -> tuple[int, int, str]:
    """ "i12.r1.l0" -> (12, 1, "l0")."""
    incident, round_, step = key.split(".", 2)
    return int(incident[1:]), int(round_[1:]), step


# --- recipients (recipients.py) ----------------------------------------------------------------


def notify(incidents: list[Incident], step: str, *, now: datetime | None = None) -> list[int]:
    """Record (and enqueue after the commit) the messages of `step` for the incidents."""
    now = now or timezone.now()
    recipients = recipients_for(incidents, step)
    rows = [
        Delivery(
            person_id=person_id,
            channel=EMAIL,
            kind=KIND,
            key=step_key(incident, step),
            email=email,
            next_attempt_at=now,
        )
        for incident in incidents
        for person_id, email in recipients[incident.pk]
    ]
    return rows_create(rows)


def notify_reported(incident: Incident) -> list[int]:
    """The responsible agency is told at once (in the reporting transaction), and so is every
    app that listens (`insiden.signals.incident_assigned`: the agency's systems by webhook)."""
    incident_assigned.send(sender=Incident, incident=incident, agency_id=incident.agency_id)
    return notify([incident], FIRST)


def _tell_escalated(by_step: dict[str, list[Incident]]) -> None:
    """`insiden.signals.incident_escalated` for the batch's `l1` and `l2` steps (nothing is read
    while no app listens)."""
    if not incident_escalated.has_listeners(Incident):
        return
    escalations = []
    for step in (LATE, LATER):
        if by_step.get(step):
            agencies = agencies_concerned(by_step[step], step)
            escalations += [(i, step, agencies[i.pk]) for i in by_step[step]]
    if escalations:
        incident_escalated.send(sender=Incident, escalations=escalations)


# --- the beat job -------------------------------------------------------------------------------


def _next_step(incident: Incident, now: datetime) -> tuple[str | None, dict]:
    """What is due for the incident now, and the fields that record it."""
    if incident.status in UNACKNOWLEDGED:
        span = incident.ack_due_at - incident.ack_started_at
        if incident.escalation_level == 0:
            return LATE, {
                "escalation_level": 1,
                "next_escalation_at": incident.ack_started_at + 2 * span,
            }
        if incident.escalation_level == 1:
            return LATER, {"escalation_level": 2, "next_escalation_at": None}
        return None, {"next_escalation_at": None}
    if incident.status not in CLOSED and incident.severity == Severity.CRITICAL:
        number = incident.reminders_sent + 1
        return f"h{number}", {
            "reminders_sent": number,
            "next_escalation_at": now + timedelta(minutes=CRITICAL_REMINDER_MINUTES),
        }
    return None, {"next_escalation_at": None}


_STEPS_UPDATE = f"""
UPDATE {Incident._meta.db_table} AS incident
SET escalation_level = step.level, next_escalation_at = step.next, reminders_sent = step.sent
FROM unnest(%s::bigint[], %s::smallint[], %s::timestamptz[], %s::smallint[])
    AS step (id, level, next, sent)
WHERE incident.id = step.id
"""  # noqa: S608 - the table name from the model, values as parameters


def _steps_record(batch: list[Incident]) -> None:
    """The batch's new escalation state in one statement (arrays joined on the id).
    `bulk_update` writes a CASE over every id for every column: quadratic in the batch, and
    most of the job's time at thousands of incidents. SQLite (development only) has no arrays:
    `bulk_update` there."""
    if connection.vendor != "postgresql":
        fields = ["escalation_level", "next_escalation_at", "reminders_sent"]
        Incident.objects.bulk_update(batch, fields)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _STEPS_UPDATE,
            [
                [i.pk for i in batch],
                [i.escalation_level for i in batch],
                [i.next_escalation_at for i in batch],
                [i.reminders_sent for i in batch],
            ],
        )


def escalations_run(*, now: datetime | None = None, batch_size: int = 500, budget: float = 50.0):
    """Escalate every incident whose next step is due; returns {step: incidents}.

    Batches of `batch_size` rows are claimed with SKIP LOCKED, each in its own transaction that
    records the step on the incident, its history and its outbox rows together; a second beat
    takes other rows, and a job killed half-way leaves the unfinished batch due for the next run.
    Stops after `budget` seconds (the next run, a minute later, goes on).
    """
    import time

    started = time.monotonic()
    done: dict[str, int] = defaultdict(int)
    while time.monotonic() - started < budget:
        moment = now or timezone.now()
        with transaction.atomic():
            batch = list(
                Incident.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("agency")
                .filter(next_escalation_at__lte=moment)
                .order_by("next_escalation_at")[:batch_size]
            )
            if not batch:
                break
            by_step: dict[str, list[Incident]] = defaultdict(list)
            history = []
            for incident in batch:
                step, fields = _next_step(incident, moment)
                for name, value in fields.items():
                    setattr(incident, name, value)
                if step is None:
                    continue
                by_step[step].append(incident)
                if step in (LATE, LATER):
                    history.append(
                        IncidentHistory(
                            incident=incident,
                            kind=EventKind.ESCALATED,
                            detail=step,
                        )
                    )
            _steps_record(batch)
            IncidentHistory.objects.bulk_create(history)
            for step, incidents in by_step.items():
                # The hourly reminders of one batch have different numbers: group by number.
                notify(incidents, step, now=moment)
                done[step[0] if step.startswith("h") else step] += len(incidents)
            _tell_escalated(by_step)
        if len(batch) < batch_size:
            break
    return dict(done)


# --- the delivery kind --------------------------------------------------------------------------

STEP_LABELS = {
    FIRST: gettext_lazy("Insiden baru untuk lembaga Anda"),
    LATE: gettext_lazy("Melewati batas waktu penerimaan"),
    LATER: gettext_lazy("Melewati dua kali batas waktu penerimaan"),
}


def _incident_of(delivery) -> Incident | None:
    pk, _round, _step = parse_key(delivery.key)
    return Incident.objects.select_related("region", "regency", "agency").filter(pk=pk).first()


def _obsolete(delivery, now: datetime) -> str:
    incident = _incident_of(delivery)
    if incident is None:
        return "incident gone"
    _pk, round_, step = parse_key(delivery.key)
    if step.startswith("h"):
        return "resolved" if incident.status in CLOSED else ""
    if round_ != incident.escalation_round:
        return "referred or reopened since"
    if incident.status not in UNACKNOWLEDGED:
        return "acknowledged"
    return ""


def acknowledge_url(incident: Incident) -> str:
    return settings.SITE_URL + reverse("insiden:acknowledge", args=[incident.pk])


def message_context(delivery) -> dict:
    incident = _incident_of(delivery)
    _pk, _round, step = parse_key(delivery.key)
    label = STEP_LABELS.get(step) or _("Pengingat: insiden kritis belum selesai")
    return {
        "incident": incident,
        "step": step,
        "label": label,
        "acknowledge": step in (FIRST, LATE, LATER),
        "occurred": localtime.datetime_text(incident.occurred_at, incident.region),
        "due": localtime.datetime_text(incident.ack_due_at, incident.region),
        "url": settings.SITE_URL + reverse("insiden:incident_detail", args=[incident.pk]),
        "acknowledge_url": acknowledge_url(incident),
    }


def _build_email(delivery):
    context = message_context(delivery)
    incident = context["incident"]
    subject = _("[%(severity)s] %(label)s: %(title)s — %(region)s") % {
        "severity": incident.get_severity_display(),
        "label": context["label"],
        "title": incident.title,
        "region": incident.regency.name,
    }
    return email_message(
        delivery,
        subject=subject,
        text=render_to_string("insiden/mail/escalation.txt", context),
        html=render_to_string("insiden/mail/escalation.html", context),
    )


def _may_acknowledge(delivery, incident: Incident, context: dict) -> bool:
    # The button only for whoever may press it: the later steps also tell KPU staff and the
    # agency one level up, who follow the incident but do not acknowledge it.
    return (
        context["acknowledge"]
        and delivery.person is not None
        and permissions.can_acknowledge_incident(delivery.person, incident)
    )


def _build_chat(delivery) -> ChatMessage:
    """The short message of a chat channel; "Terima" is offered while the incident waits for
    its acknowledgement (insiden.services.chat performs it)."""
    context = message_context(delivery)
    incident = context["incident"]
    subject = f"[{incident.get_severity_display()}] {context['label']}: {incident.title}"
    return ChatMessage(
        title=subject,
        lines=(
            f"#{incident.pk} · {incident.get_category_display()}",
            f"{incident.region.name}, {incident.regency.name}",
            _("Waktu kejadian: %(when)s") % {"when": context["occurred"]},
            _("Batas waktu diterima: %(when)s") % {"when": context["due"]},
        ),
        url=context["url"],
        actions=(ACKNOWLEDGE,) if _may_acknowledge(delivery, incident, context) else (),
        subject=subject,
    )


def _detail(delivery) -> str:
    _pk, _round, step = parse_key(delivery.key)
    return str(STEP_LABELS.get(step) or _("Pengingat per jam"))


register(
    Kind(
        value=KIND,
        label=gettext_lazy("Eskalasi insiden"),
        builders={EMAIL: _build_email, CHAT: _build_chat},
        # People choose the channels of incident messages (a linked chat account, or mail).
        topic=INCIDENTS,
        obsolete=_obsolete,
        detail=_detail,
        # Worth retrying for a day; an acknowledgement makes it obsolete sooner.
        useful_until=lambda delivery: delivery.created_at + timedelta(days=1),
    )
)
