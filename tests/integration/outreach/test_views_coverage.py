import csv
import io

import pytest
from django.urls import reverse

from coordination.models import Region
from outreach.services.events import event_report_save
from tests import factories
from tests.integration.outreach.conftest import at


@pytest.fixture
def coverage_data(bengkulu):
    Region.objects.filter(code__in=["17.01.02.2002", "17.02.01.2002"]).update(is_remote=True)
    held = factories.outreach_event("17.01.01.2001", when=at(-3), segments=["perempuan"])
    event_report_save(actor=None, event=held, participants=40, women=25)
    factories.outreach_event("17.01.01.2001", when=at(5), segments=["keluarga"])
    factories.outreach_event("17.01.01", when=at(6))  # district level: covers no village
    factories.outreach_event("17.01.02.2001", when=at(7), status="cancelled")
    factories.outreach_event("17.01.02.2002", when=at(7), status="draft")
    factories.outreach_event("17.01", when=at(2), method="radio", segments=["perempuan"])


def test_regency_coverage_counts(client, province_staff, coverage_data):
    client.force_login(province_staff)
    context = client.get(reverse("outreach:coverage_regency", args=["17.01"])).context
    rows = {d.region.code: d for d in context["districts"]}
    assert (rows["17.01.01"].events, rows["17.01.01"].participants) == (3, 40)
    assert (rows["17.01.01"].villages_covered, rows["17.01.01"].villages_total) == (1, 2)
    # Cancelled and draft events do not count.
    assert (rows["17.01.02"].events, rows["17.01.02"].covered) == (0, False)
    uncovered = [(v.code, v.is_remote) for _d, v in context["uncovered_villages"]]
    # Remote ones first.
    assert uncovered == [
        ("17.01.02.2002", True),
        ("17.01.01.2002", False),
        ("17.01.02.2001", False),
    ]
    segments = {s["code"]: s for s in context["segments"]}
    assert (segments["perempuan"]["face"], segments["perempuan"]["media"]) == (1, 1)
    assert segments["perempuan"]["participants"] == 40
    assert context["totals"]["face"] == 3 and context["totals"]["media"] == 1


def test_province_overview_one_row_per_regency(client, province_staff, coverage_data):
    client.force_login(province_staff)
    rows = client.get(reverse("outreach:coverage")).context["rows"]
    first, second = rows
    assert (first["region"].code, first["districts_covered"], first["villages_covered"]) == (
        "17.01", 1, 1,
    )  # fmt: skip
    assert (first["face"], first["media"], first["participants"]) == (3, 1, 40)
    assert (first["remote"], first["remote_uncovered"]) == (1, 1)
    assert (second["region"].code, second["face"], second["remote_uncovered"]) == ("17.02", 0, 1)


def test_province_overview_ignores_an_unreadable_province_code(client, province_staff, bengkulu):
    # A NUL character reached PostgreSQL and answered 500 (found by the URL walk's fuzz run);
    # now an unreadable code is no code: the person's own province.
    client.force_login(province_staff)
    response = client.get(reverse("outreach:coverage"), {"prov": "\x00"})
    assert response.status_code == 200
    assert response.context["province"].code == "17"
    response = client.get(reverse("outreach:coverage_csv"), {"prov": "17\x00"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cakupan-sosialisasi-17.csv"'


def test_coverage_csv_exports(client, province_staff, coverage_data):
    client.force_login(province_staff)
    overview = client.get(reverse("outreach:coverage_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(overview)))
    assert [r["kode"] for r in rows] == ["17.01", "17.02"]
    assert rows[0]["desa_terjangkau"] == "1"
    regency = client.get(reverse("outreach:coverage_regency_csv", args=["17.01"]))
    lines = list(csv.DictReader(io.StringIO(regency.content.decode("utf-8-sig"))))
    village = next(r for r in lines if r["kode"] == "17.01.01.2001")
    assert (village["kegiatan_tatap_muka"], village["peserta"]) == ("2", "40")


def test_regency_staff_coverage_scope(client, regency_staff, coverage_data):
    client.force_login(regency_staff)
    assert client.get(reverse("outreach:coverage_regency", args=["17.01"])).status_code == 200
    assert client.get(reverse("outreach:coverage_regency", args=["17.02"])).status_code == 404
    rows = client.get(reverse("outreach:coverage")).context["rows"]
    assert [r["region"].code for r in rows] == ["17.01"]


@pytest.mark.parametrize("n", [2, 25])
def test_coverage_query_count_is_constant(client, province_staff, many_events,
                                          django_assert_num_queries, n):  # fmt: skip
    many_events(n)
    client.force_login(province_staff)
    client.get(reverse("outreach:coverage"))  # warm the session
    # One of them counts the requests from the public per kabupaten/kota or kecamatan.
    with django_assert_num_queries(11):
        assert client.get(reverse("outreach:coverage")).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(reverse("outreach:coverage_regency", args=["17.02"])).status_code == 200
