"""The URL walk's world (see test_scope.py and test_garbage.py): province 17 with regencies 17.01
and 17.02, everything the walk points at in 17.02 marked RAHASIA, and the visitors who belong
elsewhere."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from coordination.enums import AgencyKind, DeliveryKind, DeliveryStatus, TaskStatus
from coordination.models import Agency, Checklist, Delivery, ElectionStage, Region
from coordination.services.meeting_records import meeting_document_add
from coordination.services.readiness import task_status_update
from kerawanan.models import IkpDimension
from outreach.tokens import request_token
from tests import factories

SECRET = "RAHASIA"
APPS = ("coordination", "outreach", "kerawanan", "messaging", "insiden", "api", "integrasi")

# How each URL's object relates to the visitors: "scoped" objects belong to regency 17.02 and must
# never answer 200 to them; "open" pages (lists, forms, public pages) may answer, but never with
# an out-of-scope object on them.
SCOPED, OPEN = "scoped", "open"


def _walk(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def app_url_names() -> list[str]:
    return sorted(n for n in set(_walk(get_resolver())) if n.split(":")[0] in APPS)


def _risks_of_every_visibility(region, owner, meeting) -> dict:
    """A risk of each visibility in a village of 17.02, on the 17.02 meeting's agenda."""
    from kerawanan.services.agenda import agenda_add
    from kerawanan.services.risks import risk_create
    from kerawanan.services.taxonomy import dimensions_seed

    dimensions_seed()
    dimension = IkpDimension.objects.filter(parent__isnull=True).first()
    risks = {
        visibility: risk_create(
            actor=None,
            title=f"Kerawanan {SECRET} {visibility}",
            category="keamanan",
            dimension=dimension,
            likelihood=5,
            impact=5,
            source="polri_tni",
            region=Region.objects.get(code="17.02.01.2001"),
            tps_numbers=[3],
            owner=owner,
            visibility=visibility,
        )
        for visibility in ("terbatas", "rahasia", "ringkas_publik")
    }
    agenda_add(actor=None, meeting=meeting, risks=list(risks.values()))
    return risks


def _secret_incident():
    """A rahasia incident with a photo in a village of 17.02, routed to the Polres 17.02."""
    from insiden.services.incidents import incident_create

    return incident_create(
        actor=None,
        title=f"Insiden {SECRET} 17.02",
        category="keamanan",
        severity=4,
        occurred_at=timezone.now(),
        region=Region.objects.get(code="17.02.01.2001"),
        tps_number=3,
        visibility="rahasia",
        photos=[SimpleUploadedFile(f"{SECRET}.jpg", factories.jpeg_bytes())],
    )


def _api_key(agency):
    from api.enums import Scope
    from api.services.keys import api_key_create

    made = api_key_create(
        actor=None,
        agency=agency,
        name=f"Kunci {SECRET}",
        scopes=list(Scope.values),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return made.key


def _subscription(api_key):
    from api.models import WebhookSubscription

    # Made directly: the service would refuse this address outside tests.
    return WebhookSubscription.objects.create(
        agency=api_key.agency,
        api_key=api_key,
        url=f"https://hook.example.go.id/{SECRET}",
        events=["task.updated"],
        secret="whsec_" + "A" * 43 + "=",
    )


@pytest.fixture
def world(bengkulu, django_capture_on_commit_callbacks):
    own = Region.objects.get(code="17.01")
    other = Region.objects.get(code="17.02")
    staff_own = factories.kpu_staff(own, email="kpu.kab1@uji.test")
    staff_other = factories.kpu_staff(other, email="kpu.kab2@uji.test")
    kpu_other = Agency.objects.get(kind=AgencyKind.KPU, region=other)
    bawaslu_own = factories.AgencyFactory(name="Bawaslu 17.01", kind=AgencyKind.BAWASLU, region=own)
    liaison_own = factories.liaison(bawaslu_own, email="bawaslu.kab1@uji.test")
    polres_other = factories.AgencyFactory(name="Polres 17.02", kind=AgencyKind.POLRI, region=other)
    polres_liaison = factories.liaison(polres_other, email="polres.kab2@uji.test")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.meeting(
            region=other,
            organiser=kpu_other,
            invited=[kpu_other, polres_other],
            title=f"Rapat {SECRET} Kab 17.02",
            starts_at=timezone.now() - dt.timedelta(hours=3),
            status="held",
        )
        document = meeting_document_add(
            actor=staff_other,
            meeting=meeting,
            upload=SimpleUploadedFile(f"{SECRET}.pdf", b"%PDF-1.4 uji"),
        )
    delivery = Delivery.objects.create(
        meeting=meeting,
        person=polres_liaison,
        kind=DeliveryKind.REMINDER,
        key="60m@20241120T0200Z",
        email=polres_liaison.email,
        status=DeliveryStatus.FAILED,
        next_attempt_at=timezone.now(),
    )
    election = factories.ElectionFactory()
    stage = ElectionStage.objects.create(
        election=election,
        name="Kampanye",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    checklist = Checklist.objects.create(name="Logistik", election=election)
    task = factories.ReadinessTaskFactory(
        region=other, agency=polres_other, election=election, title=f"Tugas {SECRET} 17.02"
    )
    with django_capture_on_commit_callbacks(execute=True):
        update = task_status_update(
            actor=polres_liaison,
            task=task,
            status=TaskStatus.AT_RISK,
            note=f"Catatan {SECRET}",
            evidence_file=SimpleUploadedFile(f"{SECRET}.jpg", factories.jpeg_bytes()),
        )
    draft = factories.outreach_event("17.02.01.2001", status="draft", title=f"Draf {SECRET} 17.02")
    risks = _risks_of_every_visibility(other, polres_other, meeting)
    incident = _secret_incident()
    asked = factories.outreach_request(
        "17.02.01.2001", requester_name=f"Pemohon {SECRET}", note=f"Catatan {SECRET}"
    )
    dimension = IkpDimension.objects.filter(parent__isnull=True).first()
    today = timezone.localdate()
    api_key = _api_key(polres_other)
    subscription = _subscription(api_key)
    targets = {
        "coordination:staff_home": (OPEN, {}),
        "coordination:profile": (OPEN, {}),
        "coordination:agency_list": (OPEN, {}),
        "coordination:agency_create": (OPEN, {}),
        "coordination:agency_detail": (SCOPED, {"pk": polres_other.pk}),
        "coordination:invitation_create": (OPEN, {}),
        "coordination:invitation_accept": (OPEN, {"token": "bukan-token"}),
        "coordination:meeting_deliveries": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_delivery_retry": (
            SCOPED,
            {"pk": meeting.pk, "delivery_pk": delivery.pk},
        ),
        "coordination:reminder_defaults": (OPEN, {}),
        "coordination:digest_preference": (OPEN, {}),
        "coordination:meeting_list": (OPEN, {}),
        "coordination:my_meetings": (OPEN, {}),
        "coordination:meeting_create": (OPEN, {}),
        "coordination:meeting_detail": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_edit": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_cancel": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_respond": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_attendance": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_minutes": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_document_add": (SCOPED, {"pk": meeting.pk}),
        "coordination:meeting_document": (SCOPED, {"pk": meeting.pk, "doc_pk": document.pk}),
        "coordination:meeting_document_delete": (
            SCOPED,
            {"pk": meeting.pk, "doc_pk": document.pk},
        ),
        "coordination:task_list": (OPEN, {}),
        "coordination:task_create": (OPEN, {}),
        "coordination:task_import": (OPEN, {}),
        "coordination:checklist_stamp": (OPEN, {}),
        "coordination:update_feed": (OPEN, {}),
        "coordination:task_detail": (SCOPED, {"pk": task.pk}),
        "coordination:task_edit": (SCOPED, {"pk": task.pk}),
        "coordination:task_status_fragment": (SCOPED, {"pk": task.pk}),
        "coordination:task_evidence": (SCOPED, {"pk": task.pk, "update_pk": update.pk}),
        "coordination:dashboard": (OPEN, {}),
        "coordination:dashboard_agencies": (OPEN, {}),
        "coordination:election_list": (OPEN, {}),
        "coordination:election_create": (OPEN, {}),
        "coordination:election_detail": (OPEN, {"pk": election.pk}),
        "coordination:election_edit": (OPEN, {"pk": election.pk}),
        "coordination:stage_create": (OPEN, {"pk": election.pk}),
        "coordination:stage_edit": (OPEN, {"pk": stage.pk}),
        "coordination:checklist_create": (OPEN, {"pk": election.pk}),
        "coordination:checklist_detail": (OPEN, {"pk": checklist.pk}),
        "coordination:checklist_edit": (OPEN, {"pk": checklist.pk}),
        "outreach:calendar": (OPEN, {}),
        "outreach:calendar_month_current": (OPEN, {}),
        "outreach:calendar_month": (OPEN, {"year": today.year, "month": today.month}),
        "outreach:calendar_week_current": (OPEN, {}),
        "outreach:calendar_week": (OPEN, {"day": today.isoformat()}),
        "outreach:event_short": (SCOPED, {"pk": draft.pk}),
        "outreach:event_detail": (SCOPED, {"pk": draft.pk, "slug": draft.slug}),
        "outreach:event_ics": (SCOPED, {"pk": draft.pk}),
        "outreach:event_card": (SCOPED, {"pk": draft.pk, "version": draft.sequence}),
        "outreach:feed_ics": (OPEN, {}),
        "outreach:feed_json": (OPEN, {}),
        "outreach:feed_csv": (OPEN, {}),
        "outreach:region_feed_ics": (OPEN, {"code": "17.02"}),
        "outreach:region_feed_json": (OPEN, {"code": "17.02"}),
        "outreach:region_feed_csv": (OPEN, {"code": "17.02"}),
        "outreach:manage_list": (OPEN, {}),
        "outreach:manage_create": (OPEN, {}),
        "outreach:manage_import": (OPEN, {}),
        "outreach:manage_import_template": (OPEN, {}),
        "outreach:manage_import_template_xlsx": (OPEN, {}),
        "outreach:manage_region_children": (OPEN, {"code": "17.02"}),
        "outreach:manage_detail": (SCOPED, {"pk": draft.pk}),
        "outreach:manage_update": (SCOPED, {"pk": draft.pk}),
        "outreach:manage_status": (SCOPED, {"pk": draft.pk}),
        "outreach:manage_delete": (SCOPED, {"pk": draft.pk}),
        "outreach:manage_report": (SCOPED, {"pk": draft.pk}),
        "outreach:manage_duplicate": (SCOPED, {"pk": draft.pk}),
        "outreach:request_form": (OPEN, {}),
        "outreach:request_sent": (OPEN, {}),
        "outreach:request_confirm": (OPEN, {"token": request_token(asked, "confirm")}),
        # The requester's own page (its link is theirs): it never shows the name or the note.
        "outreach:request_follow": (OPEN, {"token": request_token(asked, "follow")}),
        "outreach:request_list": (OPEN, {}),
        "outreach:request_detail": (SCOPED, {"pk": asked.pk}),
        "outreach:request_accept": (SCOPED, {"pk": asked.pk}),
        "outreach:request_propose": (SCOPED, {"pk": asked.pk}),
        "outreach:request_decline": (SCOPED, {"pk": asked.pk}),
        "outreach:coverage": (OPEN, {}),
        "outreach:coverage_csv": (OPEN, {}),
        "outreach:coverage_xlsx": (OPEN, {}),
        "outreach:coverage_regency": (SCOPED, {"code": "17.02"}),
        "outreach:coverage_regency_csv": (SCOPED, {"code": "17.02"}),
        "outreach:coverage_regency_xlsx": (SCOPED, {"code": "17.02"}),
        "kerawanan:risk_list": (OPEN, {}),
        "kerawanan:risk_create": (OPEN, {}),
        "kerawanan:risk_detail": (SCOPED, {"pk": risks["rahasia"].pk}),
        "kerawanan:risk_edit": (SCOPED, {"pk": risks["rahasia"].pk}),
        "kerawanan:mitigation": (SCOPED, {"pk": risks["rahasia"].pk}),
        "kerawanan:agenda_add": (SCOPED, {"pk": risks["rahasia"].pk}),
        "kerawanan:agenda_high_risks": (SCOPED, {"meeting_pk": meeting.pk}),
        "kerawanan:agenda_remove": (SCOPED, {"meeting_pk": meeting.pk, "pk": risks["rahasia"].pk}),
        "kerawanan:import": (OPEN, {}),
        "kerawanan:import_template": (OPEN, {"kind": "xlsx"}),
        "kerawanan:heat": (OPEN, {}),
        "kerawanan:heat_region": (OPEN, {"code": "17.02"}),
        "kerawanan:public_summary": (OPEN, {}),
        "kerawanan:public_summary_region": (OPEN, {"code": "17"}),
        "kerawanan:dimension_list": (OPEN, {}),
        "kerawanan:dimension_edit": (OPEN, {"pk": dimension.pk}),
        "kerawanan:region_children": (OPEN, {"code": "17.02"}),
        "messaging:settings": (OPEN, {}),
        "messaging:telegram_link": (OPEN, {}),
        "messaging:telegram_unlink": (OPEN, {}),
        "messaging:telegram_webhook": (OPEN, {"secret": "bukan-rahasia"}),
        "insiden:incident_list": (OPEN, {}),
        "insiden:report": (OPEN, {}),
        "insiden:incident_detail": (SCOPED, {"pk": incident.pk}),
        "insiden:acknowledge": (SCOPED, {"pk": incident.pk}),
        "insiden:status": (SCOPED, {"pk": incident.pk}),
        "insiden:refer": (SCOPED, {"pk": incident.pk}),
        "insiden:merge": (SCOPED, {"pk": incident.pk}),
        "insiden:comment": (SCOPED, {"pk": incident.pk}),
        "insiden:photo_add": (SCOPED, {"pk": incident.pk}),
        "insiden:photo": (SCOPED, {"pk": incident.pk, "photo_pk": incident.photos.first().pk}),
        "insiden:risk": (SCOPED, {"pk": incident.pk}),
        "insiden:task": (SCOPED, {"pk": incident.pk}),
        "insiden:rules_index": (OPEN, {}),
        "insiden:rules": (OPEN, {"code": "17"}),
        "insiden:region_children": (OPEN, {"code": "17.02"}),
        "insiden:triage": (OPEN, {}),
        "insiden:triage_verify": (SCOPED, {"pk": incident.pk}),
        "insiden:triage_archive": (SCOPED, {"pk": incident.pk}),
        "insiden:triage_merge": (SCOPED, {"pk": incident.pk}),
        "insiden:public_report": (OPEN, {}),
        "insiden:public_sent": (OPEN, {}),
        "insiden:public_status": (OPEN, {}),
        "insiden:situation": (OPEN, {}),
        "insiden:wall": (OPEN, {"code": "17"}),
        "integrasi:key_list": (OPEN, {}),
        "integrasi:key_create": (OPEN, {}),
        "integrasi:key_revoke": (SCOPED, {"pk": api_key.pk}),
        "integrasi:subscription_list": (OPEN, {}),
        "integrasi:subscription_create": (OPEN, {}),
        "integrasi:subscription_detail": (SCOPED, {"pk": subscription.pk}),
        "integrasi:subscription_test": (SCOPED, {"pk": subscription.pk}),
        "integrasi:subscription_rotate": (SCOPED, {"pk": subscription.pk}),
        "integrasi:subscription_switch": (SCOPED, {"pk": subscription.pk}),
        "api:schema": (OPEN, {}),
        "api:docs": (OPEN, {}),
        "api:redoc": (OPEN, {}),
        "api:region-list": (OPEN, {}),
        "api:region-detail": (OPEN, {"code": "17.02"}),
        "api:event-list": (OPEN, {}),
        "api:event-detail": (SCOPED, {"pk": draft.pk}),
        "api:agency-list": (OPEN, {}),
        "api:agency-detail": (SCOPED, {"pk": polres_other.pk}),
        "api:meeting-list": (OPEN, {}),
        "api:meeting-detail": (SCOPED, {"pk": meeting.pk}),
        "api:task-list": (OPEN, {}),
        "api:task-detail": (SCOPED, {"pk": task.pk}),
        "api:task-status": (SCOPED, {"pk": task.pk}),
        "api:risk-list": (OPEN, {}),
        "api:risk-detail": (SCOPED, {"pk": risks["rahasia"].pk}),
        "api:incident-list": (OPEN, {}),
        "api:incident-detail": (SCOPED, {"pk": incident.pk}),
        "api:incident-status": (SCOPED, {"pk": incident.pk}),
        "api:incident-acknowledge": (SCOPED, {"pk": incident.pk}),
    }
    # Filters that point at the other regency's objects: an open page must ignore them or
    # answer 404, never list what they select.
    leak_query = {
        "region": "17.02",
        "regency": "17.02",
        "district": "17.02.01",
        "agency": str(polres_other.pk),
        "status": "draft",
        "when": "all",
        "wilayah": "17.02",
        "pemilik": str(polres_other.pk),
        "visibilitas": "rahasia",
    }
    visitors = {"anonymous": None, "liaison_17.01": liaison_own, "staff_17.01": staff_own}
    return {"targets": targets, "visitors": visitors, "leak_query": leak_query, "risks": risks}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
