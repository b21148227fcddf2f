"""Every URL of the apps with the ids the fuzz may put in it: the object in the visitors' own
scope and, where there is one, the same kind of object in another regency."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

APPS = ("coordination", "outreach")


def _walk(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def app_url_names() -> list[str]:
    return sorted(n for n in set(_walk(get_resolver())) if n.split(":")[0] in APPS)


def url_kwargs(w) -> dict[str, list[dict]]:
    """For each URL name, the keyword arguments to try (own scope first)."""
    today = timezone.localdate()
    meetings = [{"pk": w.meeting.pk}, {"pk": w.held.pk}, {"pk": w.meeting_other.pk}]
    tasks = [{"pk": w.task.pk}, {"pk": w.task_other.pk}]
    events = [{"pk": w.event.pk}, {"pk": w.event_other.pk}]
    regions = [{"code": "17.01"}, {"code": "17.02"}, {"code": "18"}]
    none = [{}]
    return {
        "coordination:staff_home": none,
        "coordination:profile": none,
        "coordination:agency_list": none,
        "coordination:agency_create": none,
        "coordination:agency_detail": [{"pk": w.bawaslu.pk}, {"pk": w.polres.pk}],
        "coordination:invitation_create": none,
        "coordination:invitation_accept": [{"token": "bukan-token"}],
        "coordination:meeting_deliveries": meetings,
        "coordination:meeting_delivery_retry": [
            {"pk": w.meeting.pk, "delivery_pk": w.delivery.pk},
            {"pk": w.meeting_other.pk, "delivery_pk": w.delivery.pk},
        ],
        "coordination:reminder_defaults": none,
        "coordination:digest_preference": none,
        "coordination:meeting_list": none,
        "coordination:my_meetings": none,
        "coordination:meeting_create": none,
        "coordination:meeting_detail": meetings,
        "coordination:meeting_edit": meetings,
        "coordination:meeting_cancel": meetings,
        "coordination:meeting_respond": meetings,
        "coordination:meeting_attendance": meetings,
        "coordination:meeting_minutes": meetings,
        "coordination:meeting_document_add": meetings,
        "coordination:meeting_document": [{"pk": w.held.pk, "doc_pk": w.document.pk}],
        "coordination:meeting_document_delete": [{"pk": w.held.pk, "doc_pk": w.document.pk}],
        "coordination:task_list": none,
        "coordination:task_create": none,
        "coordination:task_import": none,
        "coordination:checklist_stamp": none,
        "coordination:update_feed": none,
        "coordination:task_detail": tasks,
        "coordination:task_edit": tasks,
        "coordination:task_status_fragment": tasks,
        "coordination:task_evidence": [{"pk": w.task.pk, "update_pk": w.update.pk}],
        "coordination:dashboard": none,
        "coordination:dashboard_agencies": none,
        "coordination:election_list": none,
        "coordination:election_create": none,
        "coordination:election_detail": [{"pk": w.election.pk}],
        "coordination:election_edit": [{"pk": w.election.pk}],
        "coordination:stage_create": [{"pk": w.election.pk}],
        "coordination:stage_edit": [{"pk": w.stage.pk}],
        "coordination:checklist_create": [{"pk": w.election.pk}],
        "coordination:checklist_detail": [{"pk": w.checklist.pk}],
        "coordination:checklist_edit": [{"pk": w.checklist.pk}],
        "outreach:calendar": none,
        "outreach:calendar_month_current": none,
        "outreach:calendar_month": [{"year": today.year, "month": today.month}],
        "outreach:calendar_week_current": none,
        "outreach:calendar_week": [{"day": today.isoformat()}],
        "outreach:event_short": events,
        "outreach:event_detail": [
            {"pk": w.event.pk, "slug": w.event.slug},
            {"pk": w.event_other.pk, "slug": w.event_other.slug},
        ],
        "outreach:event_ics": events,
        "outreach:event_card": [{"pk": w.event.pk, "version": w.event.sequence}],
        "outreach:feed_ics": none,
        "outreach:feed_json": none,
        "outreach:feed_csv": none,
        "outreach:region_feed_ics": regions,
        "outreach:region_feed_json": regions,
        "outreach:region_feed_csv": regions,
        "outreach:manage_list": none,
        "outreach:manage_create": none,
        "outreach:manage_import": none,
        "outreach:manage_import_template": none,
        "outreach:manage_import_template_xlsx": none,
        "outreach:manage_region_children": regions,
        "outreach:manage_detail": events,
        "outreach:manage_update": events,
        "outreach:manage_status": events,
        "outreach:manage_delete": events,
        "outreach:manage_report": events,
        "outreach:manage_duplicate": events,
        "outreach:coverage": none,
        "outreach:coverage_csv": none,
        "outreach:coverage_xlsx": none,
        "outreach:coverage_regency": regions,
        "outreach:coverage_regency_csv": regions,
        "outreach:coverage_regency_xlsx": regions,
    }


def urls(w) -> list[str]:
    return [
        reverse(name, kwargs=kwargs)
        for name, variants in sorted(url_kwargs(w).items())
        for kwargs in variants
    ]
