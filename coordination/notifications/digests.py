"""Readiness digests by mail: the producer the beat job runs, and the two digest kinds.

- Daily, from PILKADA_DIGEST_HOUR (07:00) in the time zone of the agency's region: each liaison
  of an agency with overdue, at-risk or blocked tasks gets one digest (key = the local date).
- Weekly, on Monday from the same hour: KPU staff get a readiness summary of their regions
  (key = the ISO week), when their regions have open tasks.
- Nothing to say, no mail: the content is checked when the rows are made and again when the
  mail is built (a digest whose tasks were all finished in between is skipped).
- People who turned digests off (`Person.receives_digests`) get none; meeting mail is not
  affected by that switch.

The job runs every 15 minutes and creates what is due and not yet recorded, so a digest missed
at 07:00 (an outage) still goes out later the same morning, and never twice (unique key).
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coordination.enums import AgencyKind, DeliveryKind, RegionTimeZone, Role, TaskStatus
from coordination.extensions import (
    DIGEST_DAILY_RECIPIENTS,
    DIGEST_DAILY_SECTIONS,
    DIGEST_WEEKLY_SECTIONS,
    contributions,
)
from coordination.models import Delivery, Membership, Person, ReadinessTask
from coordination.notifications.channels import EMAIL
from coordination.notifications.chat import CHAT, ChatMessage
from coordination.notifications.mail import email_message
from coordination.notifications.outbox import deliveries_create
from coordination.notifications.registry import DIGESTS, Kind, register
from coordination.permissions import subtree_q
from coordination.selectors.readiness import ATTENTION_STATUSES, attention_q
from pilkada.common import localtime

LIST_LIMIT = 15


def digests_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Record (and enqueue) the digests due in every zone where it is past the digest hour."""
    now = now or timezone.now()
    result = {"daily": 0, "weekly": 0}
    for zone in RegionTimeZone.values:
        local = now.astimezone(ZoneInfo(zone))
        if local.hour < settings.PILKADA_DIGEST_HOUR:
            continue
        result["daily"] += _daily(zone, local.date(), now)
        if local.weekday() == 0:
            result["weekly"] += _weekly(zone, local.date(), now)
    return result


def _daily(zone: str, today: date, now: datetime) -> int:
    agencies = (
        ReadinessTask.objects.filter(attention_q(today), agency__region__timezone=zone)
        .values("agency_id")
        .distinct()
    )
    others = {
        pk for ids in contributions(DIGEST_DAILY_RECIPIENTS, zone=zone, today=today) for pk in ids
    }
    people = Person.objects.filter(
        Q(
            memberships__in=Membership.objects.filter(
                agency_id__in=agencies, role=Role.LIAISON, is_active=True, agency__is_active=True
            )
        )
        | Q(pk__in=others),
        is_active=True,
        receives_digests=True,
    ).distinct()
    return len(
        deliveries_create(people=people, kind=DeliveryKind.DIGEST_DAILY, key=today.isoformat())
    )


def _weekly(zone: str, today: date, now: datetime) -> int:
    staff = Membership.objects.filter(
        role=Role.KPU_STAFF,
        is_active=True,
        agency__kind=AgencyKind.KPU,
        agency__is_active=True,
        agency__region__timezone=zone,
        person__is_active=True,
        person__receives_digests=True,
    ).values_list("person_id", "agency__region_id")
    scopes: dict[int, set[str]] = {}
    for person_id, code in staff:
        scopes.setdefault(person_id, set()).add(code)
    wanted = [
        person_id
        for person_id, codes in scopes.items()
        if ReadinessTask.objects.filter(subtree_q(codes)).exclude(status=TaskStatus.DONE).exists()
    ]
    year, week, _weekday = today.isocalendar()
    return len(
        deliveries_create(
            people=Person.objects.filter(pk__in=wanted),
            kind=DeliveryKind.DIGEST_WEEKLY,
            key=f"{year}-W{week:02d}",
        )
    )


# --- content ------------------------------------------------------------------------------------


def _task_rows(tasks) -> list[dict]:
    return [
        {
            "title": task.title,
            "agency": task.agency.display_name,
            "region": task.region.name,
            "due": date_format(task.due_on, "j F Y"),
            "status": task.get_status_display(),
            "url": settings.SITE_URL + reverse("coordination:task_detail", args=[task.pk]),
        }
        for task in tasks
    ]


def task_list_url(**filters) -> str:
    """Absolute link to the task list with the filters of `coordination.views.tasks`
    (agency=<id>, attention=1, overdue=1, region=<code>)."""
    return f"{settings.SITE_URL}{reverse('coordination:task_list')}?{urlencode(filters)}"


def digest_day(delivery: Delivery) -> date:
    """The local day a digest speaks for: its date, or the Monday of its ISO week."""
    if delivery.kind == DeliveryKind.DIGEST_DAILY:
        return date.fromisoformat(delivery.key)
    year, week = delivery.key.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def digest_context(delivery: Delivery, now: datetime | None = None) -> dict | None:
    """What the digest says (as of its day), or None when there is nothing to say."""
    today = digest_day(delivery)
    if delivery.kind == DeliveryKind.DIGEST_DAILY:
        return _daily_context(delivery.person, today)
    return _weekly_context(delivery.person, today)


def _daily_context(person: Person, today: date) -> dict | None:
    memberships = Membership.objects.filter(
        person=person, role=Role.LIAISON, is_active=True, agency__is_active=True
    ).select_related("agency")
    sections = []
    for membership in memberships:
        agency = membership.agency
        tasks = ReadinessTask.objects.filter(agency=agency).select_related("agency", "region")
        overdue = tasks.filter(due_on__lt=today).exclude(status=TaskStatus.DONE).order_by("due_on")
        at_risk = tasks.filter(status__in=ATTENTION_STATUSES, due_on__gte=today).order_by("due_on")
        counts = (overdue.count(), at_risk.count())
        if any(counts):
            sections.append(
                {
                    "agency": agency.name,
                    "overdue_count": counts[0],
                    "at_risk_count": counts[1],
                    "overdue": _task_rows(overdue[:LIST_LIMIT]),
                    "at_risk": _task_rows(at_risk[:LIST_LIMIT]),
                    # Both lists together, on the task list the liaison works from.
                    "list_url": task_list_url(agency=agency.pk, attention=1),
                }
            )
    extras = contributions(DIGEST_DAILY_SECTIONS, person=person, today=today)
    if not sections and not extras:
        return None
    # The day the digest speaks for: the local date in the agency's zone when it was due.
    return {"sections": sections, "extras": extras, "day": localtime.date_text(today)}


def _weekly_context(person: Person, today: date) -> dict | None:
    memberships = Membership.objects.filter(
        person=person, role=Role.KPU_STAFF, is_active=True, agency__kind=AgencyKind.KPU
    ).select_related("agency__region")
    codes = {m.agency.region_id for m in memberships}
    if not codes:
        return None
    tasks = ReadinessTask.objects.filter(subtree_q(codes))
    counts = tasks.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        at_risk=Count("pk", filter=Q(status=TaskStatus.AT_RISK)),
        blocked=Count("pk", filter=Q(status=TaskStatus.BLOCKED)),
        overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status=TaskStatus.DONE)),
        due_this_week=Count(
            "pk",
            filter=Q(due_on__gte=today, due_on__lt=today + timedelta(days=7))
            & ~Q(status=TaskStatus.DONE),
        ),
    )
    extras = contributions(DIGEST_WEEKLY_SECTIONS, person=person, today=today)
    if counts["total"] == counts["done"] and not extras:
        return None
    overdue = _task_rows(
        tasks.filter(due_on__lt=today)
        .exclude(status=TaskStatus.DONE)
        .select_related("agency", "region")
        .order_by("due_on")[:LIST_LIMIT]
    )
    # The task list already keeps to the person's regions; one region is named in the link.
    list_filters = {"overdue": 1} | ({"region": next(iter(codes))} if len(codes) == 1 else {})
    return {
        "counts": counts,
        "regions": sorted(m.agency.region.name for m in memberships),
        "overdue": overdue,
        "overdue_more": counts["overdue"] - len(overdue),
        "overdue_url": task_list_url(**list_filters),
        "week": date_format(today, "j F Y"),
        "day": localtime.date_text(today),
        "extras": extras,
    }


def digest_message(delivery: Delivery):
    """The digest's message (in the active language)."""
    context = digest_context(delivery) or {}
    context.update(
        {
            "person": delivery.person,
            "kind": delivery.kind,
            "url": settings.SITE_URL + reverse("coordination:staff_home"),
            "profile_url": settings.SITE_URL + reverse("coordination:profile"),
            "language": translation.get_language(),
        }
    )
    if delivery.kind == DeliveryKind.DIGEST_DAILY:
        subject = _("Ringkasan harian tugas kesiapan: %(n)d perlu perhatian") % {
            "n": sum(s["overdue_count"] + s["at_risk_count"] for s in context.get("sections", []))
        }
    else:
        subject = _("Ringkasan mingguan kesiapan, %(week)s") % {"week": context.get("week", "")}
    return email_message(
        delivery,
        subject=subject,
        text=render_to_string("coordination/mail/digest.txt", context),
        html=render_to_string("coordination/mail/digest.html", context),
    )


def digest_chat(delivery: Delivery) -> ChatMessage:
    """A digest for a chat app: the counts, and the staff home to read the rest."""
    context = digest_context(delivery) or {}
    url = settings.SITE_URL + reverse("coordination:staff_home")
    if delivery.kind == DeliveryKind.DIGEST_DAILY:
        sections = context.get("sections", [])
        title = _("Ringkasan harian tugas kesiapan")
        lines = tuple(
            str(
                _("%(agency)s: %(overdue)d lewat tenggat, %(at_risk)d mendekati tenggat")
                % {
                    "agency": section["agency"],
                    "overdue": section["overdue_count"],
                    "at_risk": section["at_risk_count"],
                }
            )
            for section in sections
        )
        subject = _("Ringkasan harian tugas kesiapan: %(n)d perlu perhatian") % {
            "n": sum(s["overdue_count"] + s["at_risk_count"] for s in sections)
        }
    else:
        title = _("Ringkasan mingguan kesiapan, %(week)s") % {"week": context.get("week", "")}
        counts = context.get("counts") or {}
        lines = (
            str(
                _(
                    "%(done)d dari %(total)d tugas selesai; %(overdue)d lewat tenggat, "
                    "%(blocked)d terhambat"
                )
                % {
                    "done": counts.get("done", 0),
                    "total": counts.get("total", 0),
                    "overdue": counts.get("overdue", 0),
                    "blocked": counts.get("blocked", 0),
                }
            ),
        )
        subject = title
    return ChatMessage(title=str(title), lines=lines, url=url, subject=str(subject))


def digest_useful_until(delivery: Delivery) -> datetime:
    """The end of the digest's day. Rows do not record their zone, so the day ends in WIB, the
    latest of the three (WITA and WIT digests get one or two hours more, never less)."""
    day = digest_day(delivery) + timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(RegionTimeZone.WIB))


def _obsolete(delivery: Delivery, now: datetime) -> str:
    if not delivery.person.receives_digests:
        return "digests turned off"
    return "" if digest_context(delivery, now) else "nothing to report"


for _value in (DeliveryKind.DIGEST_DAILY, DeliveryKind.DIGEST_WEEKLY):
    register(
        Kind(
            value=_value.value,
            label=_value.label,
            builders={EMAIL: digest_message, CHAT: digest_chat},
            topic=DIGESTS,
            obsolete=_obsolete,
            useful_until=digest_useful_until,
        )
    )


def person_digests_set(*, person: Person, receives_digests: bool) -> None:
    """A person's own choice about readiness digests; invitations and reminders for meetings
    they are invited to are not covered by it and always go out."""
    person.receives_digests = receives_digests
    person.save(update_fields=["receives_digests"])
