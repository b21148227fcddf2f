"""Triage of reports from the public: the list for the responsible agency, one-click verify (the
escalation starts), archive with a reason, merge into a suggestion; who may and who may not;
who sees the reporter's contact; a constant number of queries at two sizes of data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.models import Delivery, Region
from insiden.enums import EventKind, Status
from insiden.models import Incident
from insiden.selectors.public import merge_suggestions
from insiden.services import public_reports as services

pytestmark = pytest.mark.django_db

VILLAGE = "17.01.01.2001"
TRIAGE = reverse("insiden:triage")


@pytest.fixture
def public(desk):
    def make(**fields):
        values = {
            "category": "keamanan",
            "region": Region.objects.get(code=VILLAGE),
            "tps_number": 3,
            "occurred_at": timezone.now() - dt.timedelta(hours=1),
            "description": "Orang dihalangi masuk TPS.",
            "contact": "KONTAK-PELAPOR 0812",
        }
        values.update(fields)
        return services.public_report_create(**values)[0]

    return make


def _login(client, desk, who):
    client.force_login(desk["people"][who])


def test_list_shows_the_agency_its_reports_only(client, desk, public):
    mine = public()
    other = public(region=Region.objects.get(code="17.02.01.2001"), description="Lain tempat.")
    _login(client, desk, "polres_liaison")
    page = client.get(TRIAGE).content.decode()
    assert f"#{mine.pk} " in page
    assert f"#{other.pk} " not in page
    assert "KONTAK-PELAPOR 0812" in page
    _login(client, desk, "polres_other_liaison")
    page = client.get(TRIAGE).content.decode()
    assert f"#{other.pk} " in page
    assert f"#{mine.pk} " not in page


def test_list_denied_without_an_agency(client, desk):
    _login(client, desk, "nobody")
    assert client.get(TRIAGE).status_code == 403
    client.logout()
    assert client.get(TRIAGE).status_code == 302


def test_verify_makes_a_regular_incident_and_starts_the_escalation(client, desk, public):
    report = public()
    assert Delivery.objects.count() == 0
    _login(client, desk, "polres_liaison")
    response = client.post(reverse("insiden:triage_verify", args=[report.pk]), {"severity": "3"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REPORTED
    assert report.severity == 3
    assert report.next_escalation_at == report.ack_due_at
    assert report.ack_due_at > timezone.now()
    assert Delivery.objects.count() > 0
    assert report.history.filter(kind=EventKind.VERIFIED).count() == 1
    # A second click (the report is no longer awaiting) is refused and changes nothing.
    again = client.post(reverse("insiden:triage_verify", args=[report.pk]), {"severity": "2"})
    assert again.status_code == 403
    report.refresh_from_db()
    assert report.severity == 3


def test_archive_needs_a_reason_which_the_reporter_reads(client, desk, public):
    report = public()
    _login(client, desk, "polres_liaison")
    url = reverse("insiden:triage_archive", args=[report.pk])
    client.post(url, {"reason": ""})
    report.refresh_from_db()
    assert report.status == Status.AWAITING
    client.post(url, {"reason": "Tidak ada kejadian pada waktu itu."})
    report.refresh_from_db()
    assert report.status == Status.UNVERIFIED
    assert report.public_outcome == "Tidak ada kejadian pada waktu itu."
    assert report.closed_at is not None


def test_merge_only_into_a_suggestion(client, desk, public, report):
    near = report(occurred_at=timezone.now() - dt.timedelta(hours=2), now=None)
    far = report(title="Jauh waktunya", occurred_at=timezone.now() - dt.timedelta(days=2), now=None)
    other_tps = report(title="TPS lain", tps_number=9, now=None, occurred_at=timezone.now())
    item = public()
    suggestions = merge_suggestions(user=desk["people"]["polres_liaison"], reports=[item])
    assert [s.pk for s in suggestions[item.pk]] == [near.pk]
    _login(client, desk, "polres_liaison")
    url = reverse("insiden:triage_merge", args=[item.pk])
    for wrong in (far.pk, other_tps.pk, item.pk, 10**12):
        client.post(url, {"into": wrong})
        item.refresh_from_db()
        assert item.status == Status.AWAITING, wrong
    client.post(url, {"into": near.pk})
    item.refresh_from_db()
    assert item.status == Status.DUPLICATE
    assert item.duplicate_of_id == near.pk
    assert item.closed_at is not None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("polres_liaison", 302),
        ("superuser", 302),
        ("regency_staff", 403),  # reads it, does not handle it
        ("polda_liaison", 403),
        ("bawaslu_liaison", 403),
        ("polres_other_liaison", 404),  # another regency: may not read it
        ("nobody", 403),
    ],
)
def test_who_may_triage(client, desk, public, who, expected):
    report = public()
    _login(client, desk, who)
    for name, body in (
        ("insiden:triage_verify", {"severity": "2"}),
        ("insiden:triage_archive", {"reason": "Uji"}),
        ("insiden:triage_merge", {"into": "1"}),
    ):
        response = client.post(reverse(name, args=[report.pk]), body)
        if expected == 302:
            assert response.status_code == 302
            break
        assert response.status_code == expected, name
    report.refresh_from_db()
    assert (report.status != Status.AWAITING) == (expected == 302)


def test_contact_on_the_incident_page_only_for_the_handling_agency(client, desk, public):
    report = public()
    url = reverse("insiden:incident_detail", args=[report.pk])
    _login(client, desk, "polres_liaison")
    assert "KONTAK-PELAPOR 0812" in client.get(url).content.decode()
    for who in ("regency_staff", "province_staff", "polda_liaison"):
        _login(client, desk, who)
        page = client.get(url)
        assert page.status_code == 200, who
        assert "KONTAK-PELAPOR 0812" not in page.content.decode(), who


def test_triage_list_queries_do_not_grow_with_the_reports(client, desk, public, report):
    def grow(start, n):
        for i in range(start, start + n):
            report(title=f"Insiden {i}", now=None, occurred_at=timezone.now())
            public(description=f"Laporan warga nomor {i}", tps_number=i % 5 + 1)

    _login(client, desk, "polres_liaison")
    grow(0, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(TRIAGE).status_code == 200
    grow(3, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(TRIAGE).status_code == 200
    assert Incident.objects.filter(status=Status.AWAITING).count() == 15
    assert len(large.captured_queries) == len(small.captured_queries)
