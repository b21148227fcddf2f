"""The readiness dashboard (views/dashboard.py): KPU staff see their own region, with CSV export;
superusers first see the national summary, one row per province, at a constant query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.enums import AgencyKind, TaskStatus
from coordination.models import ReadinessTask, Region
from coordination.selectors.national import national_summary
from coordination.selectors.readiness import TaskFilters
from tests import factories


def _tasks(region_code: str, election, **fields) -> list[ReadinessTask]:
    region = Region.objects.get(code=region_code)
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=region)
    return factories.ReadinessTaskFactory(region=region, agency=agency, election=election, **fields)


@pytest.fixture
def two_provinces(bengkulu, election):
    factories.region_tree("18", regencies=1, districts=1, villages=1)
    late = timezone.localdate() - timedelta(days=2)
    _tasks("17.01", election, status=TaskStatus.DONE, progress=100)
    _tasks("17.01.01.2001", election, status=TaskStatus.AT_RISK)
    _tasks("17.02", election, status=TaskStatus.BLOCKED, due_on=late)
    _tasks("18.01", election, status=TaskStatus.IN_PROGRESS, due_on=late)
    _tasks("17", election)
    other = factories.ElectionFactory(name="Pemilihan lain")
    _tasks("18", other)  # another election: not counted
    return election


def test_national_summary_counts_per_province(two_provinces):
    rows = national_summary(filters=TaskFilters(), election=two_provinces)
    summary = [
        (r.code, r.cell.done, r.cell.total, r.cell.at_risk, r.cell.blocked, r.cell.overdue)
        for r in rows
    ]
    assert summary == [("17", 1, 4, 1, 1, 1), ("18", 0, 1, 0, 0, 1)]


def test_national_summary_honours_filters(two_provinces):
    rows = national_summary(filters=TaskFilters(status=TaskStatus.BLOCKED), election=two_provinces)
    assert [(r.code, r.cell.total) for r in rows] == [("17", 1), ("18", 0)]


def test_dashboard_national_for_superuser_with_drill_down(client, superuser, two_provinces):
    client.force_login(superuser)
    response = client.get(reverse("coordination:dashboard"), {"category": "logistik"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "coordination/dashboard/national.html"
    assert "Provinsi 18" in body
    assert 'href="?root=17&amp;category=logistik"' in body
    drill = client.get(reverse("coordination:dashboard"), {"root": "17"})
    assert drill.templates[0].name == "coordination/dashboard/index.html"
    assert drill.context["data"].root.code == "17"
    assert reverse("coordination:dashboard") + '">' in drill.content.decode()


def test_dashboard_national_csv(client, superuser, two_provinces):
    client.force_login(superuser)
    response = client.get(reverse("coordination:dashboard"), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "kode,provinsi,selesai,total,berisiko,terhambat,terlambat",
        "17,Provinsi 17,1,4,1,1,1",
        "18,Provinsi 18,0,1,0,0,1",
    ]


@pytest.mark.parametrize("who", ["province_staff", "regency_staff"])
def test_dashboard_national_not_shown_to_kpu_staff(client, request, who, two_provinces):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("coordination:dashboard"))
    assert response.templates[0].name == "coordination/dashboard/index.html"
    assert "Seluruh Indonesia" not in response.content.decode()
    assert "Provinsi 18" not in response.content.decode()


def test_dashboard_national_denied_to_liaison(client, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:dashboard")).status_code == 403


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("coordination:dashboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_national_query_count_is_constant(client, superuser, two_provinces):
    client.force_login(superuser)
    small = _count(client)
    for code in ("19", "20", "21"):
        factories.region_tree(code, regencies=1, districts=1, villages=1)
        for _i in range(5):
            _tasks(f"{code}.01", two_provinces, status=TaskStatus.AT_RISK)
    large = _count(client)
    assert small == large
    assert len(national_summary(filters=TaskFilters(), election=two_provinces)) == 5


def test_dashboard_regency_staff_sees_their_regency_only(
    client, regency_staff, regency, other_regency, bawaslu, polres_other, election
):
    factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=election, status=TaskStatus.DONE
    )
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten 17.01" in content
    assert "1/1" in content
    assert client.get(reverse("coordination:dashboard"), {"root": "17.02"}).status_code == 404
    assert client.get(reverse("coordination:dashboard"), {"root": "17"}).status_code == 404


def test_dashboard_csv_export(client, province_staff, regency, bawaslu, election):
    factories.ReadinessTaskFactory(
        region=regency,
        agency=bawaslu,
        election=election,
        category="logistik",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(province_staff)
    response = client.get(reverse("coordination:dashboard"), {"format": "csv"})
    assert response.status_code == 200
    assert (
        "17.01,Kabupaten 17.01,logistik,0,1,0,0,1"
        in response.content.decode("utf-8-sig").splitlines()
    )


def test_dashboard_denied_to_liaison(client, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:dashboard")).status_code == 403
