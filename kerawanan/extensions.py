"""What the register adds to coordination's pages and mail, through coordination's extension
slots (coordination/extensions.py); `register()` runs in KerawananConfig.ready()."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from coordination import extensions as slots
from coordination import permissions as core
from kerawanan.enums import RiskLevel, Visibility
from kerawanan.selectors.reviews import (
    DIGEST_LIMIT,
    meeting_agenda_risks,
    overdue_review_owner_liaisons,
    overdue_reviews_owned,
    overdue_reviews_visible,
    task_mitigated_risks,
    unmitigated_counts,
)


def dashboard_column(*, user, region_codes):
    """Per row region: high and very high risks without a mitigation task still open."""
    counts = unmitigated_counts(user=user, region_codes=list(region_codes))
    base = reverse("kerawanan:risk_list")
    cells = {
        code: (n, f"{base}?{urlencode({'wilayah': code, 'tanpa_mitigasi': 1})}")
        for code, n in counts.items()
    }
    return slots.DashboardColumn(
        label=_("Kerawanan tinggi tanpa mitigasi"),
        cells=cells,
        help_text=_(
            "Kerawanan tinggi dan sangat tinggi yang belum ditutup dan tidak punya tugas "
            "mitigasi yang masih berjalan."
        ),
    )


def meeting_section(*, user, meeting):
    risks = list(meeting_agenda_risks(user=user, meeting=meeting))
    can_manage = core.can_manage_meeting(user, meeting)
    if not risks and not can_manage:
        return None
    return slots.Section(
        "kerawanan/sections/meeting.html",
        {"risks": risks, "meeting": meeting, "can_manage": can_manage},
    )


def task_section(*, user, task):
    risks = list(task_mitigated_risks(user=user, task=task))
    if not risks:
        return None
    return slots.Section("kerawanan/sections/task.html", {"risks": risks})


def _digest_rows(risks) -> list[dict]:
    # Mail leaves the portal: a rahasia risk is named by its region only, never its title.
    rows = []
    for risk in risks[:DIGEST_LIMIT]:
        secret = risk.visibility == Visibility.SECRET
        rows.append(
            {
                "title": "" if secret else risk.title,
                "secret": secret,
                "region": risk.region.name,
                "level": RiskLevel(risk.level).label,
                "review_on": risk.review_on,
                "url": settings.SITE_URL + reverse("kerawanan:risk_detail", args=[risk.pk]),
            }
        )
    return rows


def digest_recipients(*, zone, today):
    return overdue_review_owner_liaisons(zone=zone, today=today)


def daily_section(*, person, today):
    risks = overdue_reviews_owned(person=person, today=today)
    count = risks.count()
    if not count:
        return None
    return slots.Section(
        "kerawanan/mail/reviews", {"count": count, "risks": _digest_rows(risks), "weekly": False}
    )


def weekly_section(*, person, today):
    if not core.access_for(person).is_kpu_staff:
        return None
    risks = overdue_reviews_visible(person=person, today=today)
    count = risks.count()
    if not count:
        return None
    return slots.Section(
        "kerawanan/mail/reviews", {"count": count, "risks": _digest_rows(risks), "weekly": True}
    )


def register() -> None:
    slots.contribute(slots.DASHBOARD_REGION_COLUMNS, dashboard_column)
    slots.contribute(slots.MEETING_SECTIONS, meeting_section)
    slots.contribute(slots.TASK_SECTIONS, task_section)
    slots.contribute(slots.DIGEST_DAILY_RECIPIENTS, digest_recipients)
    slots.contribute(slots.DIGEST_DAILY_SECTIONS, daily_section)
    slots.contribute(slots.DIGEST_WEEKLY_SECTIONS, weekly_section)
