"""Query counts of the staff pages the other tests do not measure: each is asked at a small and at
a larger size of data, and must cost the same number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.enums import AgencyKind, TaskStatus
from coordination.models import Agency, ReadinessTask, Region
from coordination.services.readiness import task_status_update
from tests import factories


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def setting(regency_staff):
    regency = Region.objects.get(code="17.01")
    kpu = Agency.objects.get(kind=AgencyKind.KPU, region=regency)
    bawaslu = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency, name="Bawaslu")
    liaison = factories.liaison(bawaslu, email="bawaslu@uji.test")
    election = factories.ElectionFactory()
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu, election=election)
    meeting = factories.meeting(region=regency, organiser=kpu, invited=[kpu, bawaslu])
    state = {"n": 0}

    def grow(n: int) -> None:
        for _ in range(n):
            i = state["n"] = state["n"] + 1
            agency = factories.AgencyFactory(kind=AgencyKind.OTHER, region=regency, name=f"L{i}")
            factories.liaison(agency, email=f"orang{i}@uji.test")
            factories.invite(meeting, factories.PersonFactory(email=f"tamu{i}@uji.test"))
            factories.meeting(
                region=regency,
                organiser=kpu,
                invited=[bawaslu, agency],
                starts_at=timezone.now() + timedelta(days=1 + i),
                title=f"Rapat {i}",
            )
            factories.ReadinessTaskFactory(
                region=regency, agency=bawaslu, election=election, title=f"Tugas {i}"
            )
            task_status_update(
                actor=liaison, task=task, status=TaskStatus.IN_PROGRESS, note=f"catatan {i}"
            )
            factories.outreach_event("17.01.01.2001", status="draft", title=f"Draf {i}")

    return {
        "staff": regency_staff,
        "liaison": liaison,
        "meeting": meeting,
        "task": task,
        "grow": grow,
    }


@pytest.mark.parametrize(
    ("who", "url_name", "kwargs_of"),
    [
        ("liaison", "coordination:my_meetings", None),
        ("liaison", "coordination:task_list", None),
        ("liaison", "coordination:meeting_list", None),
        ("liaison", "coordination:task_detail", "task"),
        ("staff", "coordination:agency_list", None),
        ("staff", "coordination:meeting_detail", "meeting"),
        ("staff", "coordination:task_detail", "task"),
        ("staff", "outreach:manage_list", None),
    ],
)
def test_page_query_count_does_not_grow(client, setting, who, url_name, kwargs_of):
    client.force_login(setting[who])
    kwargs = {"pk": setting[kwargs_of].pk} if kwargs_of else {}
    url = reverse(url_name, kwargs=kwargs)
    setting["grow"](2)
    small = _queries(client, url)
    setting["grow"](12)
    large = _queries(client, url)
    assert large == small


# --- the staff lists and the dashboard, with tasks in two regencies and their history --------


def _many_meetings(regency, kpu_regency, bawaslu, n):
    for i in range(n):
        factories.meeting(
            region=regency,
            organiser=kpu_regency,
            invited=[kpu_regency, bawaslu],
            title=f"Rakor {i}",
            starts_at=timezone.now() + timedelta(days=i + 1),
        )


def _tasks(n, regency, agency, election):
    statuses = [TaskStatus.DONE, TaskStatus.AT_RISK, TaskStatus.BLOCKED, TaskStatus.IN_PROGRESS]
    for i in range(n):
        factories.ReadinessTaskFactory(
            region=regency,
            agency=agency,
            election=election,
            status=statuses[i % 4],
            due_on=timezone.localdate() + timedelta(days=(i % 5) - 2),
        )


@pytest.mark.parametrize(
    "url_name",
    [
        "coordination:dashboard",
        "coordination:task_list",
        "coordination:meeting_list",
        "coordination:update_feed",
    ],
)
def test_province_staff_page_query_count_does_not_grow(
    client,
    province_staff,
    regency,
    other_regency,
    kpu_regency,
    bawaslu,
    bawaslu_liaison,
    election,
    url_name,
):
    client.force_login(province_staff)
    url = reverse(url_name)
    _tasks(4, regency, bawaslu, election)
    _many_meetings(regency, kpu_regency, bawaslu, 2)
    for task in ReadinessTask.objects.filter(agency=bawaslu)[:2]:
        task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.IN_PROGRESS)
    small = _queries(client, url)
    _tasks(40, regency, bawaslu, election)
    polres = factories.AgencyFactory(kind=AgencyKind.POLRI, region=other_regency)
    _tasks(20, other_regency, polres, election)
    _many_meetings(regency, kpu_regency, bawaslu, 12)
    for task in ReadinessTask.objects.filter(agency=bawaslu)[:20]:
        task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.DONE)
    large = _queries(client, url)
    assert large == small
