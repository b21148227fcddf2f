from datetime import timedelta

import pytest
from django.urls import reverse

from coordination.models import ElectionStage, MeetingDocument
from tests import factories
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:coordination_region_changelist",
        "admin:coordination_person_changelist",
        "admin:coordination_person_add",
        "admin:coordination_agency_changelist",
        "admin:coordination_invitation_changelist",
        "admin:coordination_meeting_changelist",
    ],
)
def test_admin_pages_work_for_superusers(client, bengkulu, url_name):
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse(url_name)).status_code == 200


def test_admin_is_closed_to_kpu_staff(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("admin:coordination_region_changelist"))
    assert response.status_code == 302


# --- readiness ------------------------------------------------------------------------------


@pytest.fixture
def readiness(bengkulu):
    """One of each readiness object, so every admin page has a row to show and to open."""
    from coordination.models import Agency, Region
    from coordination.services.elections import checklist_create
    from coordination.services.readiness import task_status_update

    regency = Region.objects.get(code="17.01")
    agency = factories.AgencyFactory(name="Bawaslu 17.01", kind="bawaslu", region=regency)
    liaison = factories.liaison(agency, email="penghubung@uji.test")
    election = factories.ElectionFactory()
    stage = ElectionStage.objects.create(
        election=election,
        name="Kampanye",
        starts_on=election.voting_day - timedelta(days=30),
        ends_on=election.voting_day - timedelta(days=3),
    )
    checklist = checklist_create(
        actor=None,
        name="Kesiapan TPS",
        election=election,
        items=[
            {
                "title": "Gudang logistik",
                "category": "logistik",
                "agency_kind": "bawaslu",
                "days_before_voting": 14,
                "stage": stage,
            }
        ],
    )
    task = factories.ReadinessTaskFactory(region=regency, agency=agency, stage=stage)
    update = task_status_update(actor=liaison, task=task, status="in_progress", progress=30)
    kpu = Agency.objects.filter(kind="kpu").first() or factories.AgencyFactory(
        kind="kpu", region=regency
    )
    meeting = factories.meeting(region=regency, organiser=kpu, invited=[agency])
    document = MeetingDocument.objects.create(
        meeting=meeting,
        file="private/meetings/x/notulen.pdf",
        original_name="notulen.pdf",
        content_type="application/pdf",
        size=10,
    )
    return {
        "election": election,
        "electionstage": stage,
        "checklist": checklist,
        "checklistitem": checklist.items.get(),
        "readinesstask": task,
        "taskupdate": update,
        "meetingdocument": document,
    }


READINESS_MODELS = [
    "election",
    "electionstage",
    "checklist",
    "checklistitem",
    "readinesstask",
    "taskupdate",
    "meetingdocument",
]


@pytest.mark.parametrize("model", READINESS_MODELS)
def test_admin_readiness_changelist_and_change_page_work(client, superuser, readiness, model):
    client.force_login(superuser)
    listing = client.get(reverse(f"admin:coordination_{model}_changelist"))
    change = client.get(reverse(f"admin:coordination_{model}_change", args=[readiness[model].pk]))
    assert listing.status_code == 200
    assert change.status_code == 200


@pytest.mark.parametrize("model", ["election", "electionstage", "checklist", "checklistitem"])
def test_admin_timeline_and_checklist_can_be_added(client, superuser, readiness, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:coordination_{model}_add")).status_code == 200


def test_admin_status_history_is_read_only(client, superuser, readiness):
    client.force_login(superuser)
    update = readiness["taskupdate"]
    add = client.get(reverse("admin:coordination_taskupdate_add"))
    delete = client.get(reverse("admin:coordination_taskupdate_delete", args=[update.pk]))
    change = client.post(
        reverse("admin:coordination_taskupdate_change", args=[update.pk]), {"note": "diubah"}
    )
    update.refresh_from_db()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    assert update.note == ""


def test_admin_task_status_is_not_editable(client, superuser, readiness):
    client.force_login(superuser)
    task = readiness["readinesstask"]
    page = client.get(reverse("admin:coordination_readinesstask_change", args=[task.pk]))
    assert 'name="status"' not in page.content.decode()
    assert 'name="title"' in page.content.decode()


def test_admin_meeting_documents_are_not_added_in_admin(client, superuser, readiness):
    client.force_login(superuser)
    assert client.get(reverse("admin:coordination_meetingdocument_add")).status_code == 403


@pytest.mark.parametrize("model", ["readinesstask", "taskupdate", "meetingdocument"])
def test_admin_readiness_lists_have_constant_query_count(client, superuser, readiness, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coordination.services.readiness import task_status_update

    client.force_login(superuser)
    url = reverse(f"admin:coordination_{model}_changelist")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    task = readiness["readinesstask"]
    liaison = readiness["taskupdate"].author
    meeting = readiness["meetingdocument"].meeting
    for i in range(12):
        other = factories.ReadinessTaskFactory(
            region=task.region,
            agency=factories.AgencyFactory(kind="polri", region=task.region),
        )
        factories.liaison(other.agency, email=f"polres{i}@uji.test")
        task_status_update(actor=liaison, task=task, status="at_risk", note=f"catatan {i}")
        MeetingDocument.objects.create(
            meeting=meeting,
            file=f"private/meetings/x/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=10,
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_admin_readiness_is_closed_to_kpu_staff(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("admin:coordination_readinesstask_changelist"))
    assert response.status_code == 302
