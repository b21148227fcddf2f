"""Every URL of the apps with the ids the fuzz may put in it: the object in the visitors' own
scope and, where there is one, the same kind of object in another regency."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from outreach.tokens import request_token

APPS = ("coordination", "outreach", "messaging", "insiden", "api", "integrasi")


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
    incidents = [{"pk": w.incident.pk}, {"pk": w.incident_other.pk}]
    reports = [{"pk": w.public_report.pk}, {"pk": w.incident_other.pk}]
    asked = [{"pk": w.asked.pk}, {"pk": w.asked_other.pk}]
    tokens = [
        {"token": request_token(w.asked, "follow")},
        {"token": request_token(w.asked_other, "confirm")},
        {"token": "bukan-token"},
    ]
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
        "outreach:request_form": none,
        "outreach:request_sent": none,
        "outreach:request_confirm": tokens,
        "outreach:request_follow": tokens,
        "outreach:request_list": none,
        "outreach:request_detail": asked,
        "outreach:request_accept": asked,
        "outreach:request_propose": asked,
        "outreach:request_decline": asked,
        "outreach:coverage": none,
        "outreach:coverage_csv": none,
        "outreach:coverage_xlsx": none,
        "outreach:coverage_regency": regions,
        "outreach:coverage_regency_csv": regions,
        "outreach:coverage_regency_xlsx": regions,
        "messaging:settings": none,
        "messaging:telegram_link": none,
        "messaging:telegram_unlink": none,
        # The webhook answers 404 to any path but the one derived from the bot's secret.
        "messaging:telegram_webhook": [{"secret": "bukan-rahasia"}],
        "insiden:incident_list": none,
        "insiden:report": none,
        "insiden:incident_detail": incidents,
        "insiden:acknowledge": incidents,
        "insiden:status": incidents,
        "insiden:refer": incidents,
        "insiden:merge": incidents,
        "insiden:comment": incidents,
        "insiden:photo_add": incidents,
        "insiden:photo": [
            {"pk": w.incident.pk, "photo_pk": w.incident_photo.pk},
            {"pk": w.incident_other.pk, "photo_pk": w.incident_photo.pk},
        ],
        "insiden:risk": incidents,
        "insiden:task": incidents,
        "insiden:rules_index": none,
        "insiden:rules": [{"code": "17"}, {"code": "18"}],
        "insiden:region_children": regions,
        "insiden:triage": none,
        "insiden:triage_verify": reports,
        "insiden:triage_archive": reports,
        "insiden:triage_merge": reports,
        "insiden:public_report": none,
        "insiden:public_sent": none,
        "insiden:public_status": none,
        "insiden:situation": none,
        "insiden:wall": [{"code": "17"}, {"code": "18"}],
        "integrasi:key_list": none,
        "integrasi:key_create": none,
        "integrasi:key_revoke": [{"pk": 1}],
        "integrasi:subscription_list": none,
        "integrasi:subscription_create": none,
        "integrasi:subscription_detail": [{"pk": 1}],
        "integrasi:subscription_test": [{"pk": 1}],
        "integrasi:subscription_rotate": [{"pk": 1}],
        "integrasi:subscription_switch": [{"pk": 1}],
        "api:schema": none,
        "api:docs": none,
        "api:redoc": none,
        "api:region-list": none,
        "api:region-detail": regions,
        "api:event-list": none,
        "api:event-detail": events,
        "api:agency-list": none,
        "api:agency-detail": [{"pk": w.bawaslu.pk}, {"pk": w.polres.pk}],
        "api:meeting-list": none,
        "api:meeting-detail": meetings,
        "api:task-list": none,
        "api:task-detail": tasks,
        "api:task-status": tasks,
        "api:risk-list": none,
        "api:risk-detail": [{"pk": 1}, {"pk": 2}],
        "api:incident-list": none,
        "api:incident-detail": incidents,
        "api:incident-status": incidents,
        "api:incident-acknowledge": incidents,
    }


def urls(w) -> list[str]:
    return [
        reverse(name, kwargs=kwargs)
        for name, variants in sorted(url_kwargs(w).items())
        for kwargs in variants
    ]
