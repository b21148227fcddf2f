"""The public situation summary and its open data: verified incidents per kabupaten/kota,
category and status, never rahasia, awaiting, archived or merged ones, no text, nothing below the
regency; outreach requests received and answered; cached at most 15 minutes with an ETag; a
constant number of queries at two sizes of data."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.enums import AgencyKind
from coordination.models import Agency, Region
from insiden.services.incidents import incident_create
from insiden.services.public_reports import public_report_archive, public_report_create
from outreach.services.requests import request_decline
from pilkada import public_summary
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = reverse("public_summary")
JSON = reverse("public_summary_json")
CSV = reverse("public_summary_csv")
SECRET_WORDS = ("RAHASIA-JUDUL", "RAHASIA-URAIAN", "RAHASIA-KONTAK", "17.01.01.2001", "Desa")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.delete(public_summary.CACHE_KEY)
    yield
    cache.delete(public_summary.CACHE_KEY)


@pytest.fixture
def desk_world(bengkulu):
    own = Region.objects.get(code="17.01")
    factories.kpu_staff(own, email="kpu.kab1@uji.test")
    factories.kpu_staff(Region.objects.get(code="17.02"), email="kpu.kab2@uji.test")
    factories.AgencyFactory(name="Polres 17.01", kind=AgencyKind.POLRI, region=own)
    return Agency.objects.get(kind=AgencyKind.KPU, region=own)


def _incident(code="17.01.01.2001", **fields):
    values = {
        "actor": None,
        "title": "RAHASIA-JUDUL kotak suara rusak",
        "description": "RAHASIA-URAIAN",
        "category": "logistik",
        "severity": 2,
        "occurred_at": timezone.now(),
        "region": Region.objects.get(code=code),
        "reporter_contact": "RAHASIA-KONTAK",
    }
    values.update(fields)
    return incident_create(**values)


def _public(**fields):
    values = {
        "category": "keamanan",
        "region": Region.objects.get(code="17.01.01.2001"),
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "description": "RAHASIA-URAIAN publik",
        "contact": "RAHASIA-KONTAK",
    }
    values.update(fields)
    return public_report_create(**values)[0]


def test_counts_only_verified_non_secret_incidents_per_regency(client, desk_world):
    _incident()
    _incident()
    _incident(category="keamanan", visibility="rahasia")
    _public()  # awaiting verification
    archived = _public(description="Laporan lain")
    public_report_archive(actor=None, incident=archived, reason="RAHASIA-ALASAN")
    data = client.get(JSON).json()
    assert data["incidents"] == [
        {
            "province": "Provinsi 17",
            "regency_code": "17.01",
            "regency": "Kabupaten 17.01",
            "category": "logistik",
            "status": "dilaporkan",
            "count": 2,
        }
    ]


def test_nothing_private_in_page_json_or_csv(client, desk_world):
    _incident()
    _public()
    for url in (PAGE, JSON, CSV):
        body = client.get(url).content.decode("utf-8-sig")
        for word in (*SECRET_WORDS, "RAHASIA-ALASAN"):
            assert word not in body, (url, word)


def test_csv_has_incidents_and_outreach_requests(client, desk_world):
    _incident()
    factories.outreach_request("17.01.01.2001", email="a@uji.test")
    declined = factories.outreach_request("17.01.02.2001", email="b@uji.test")
    request_decline(actor=None, request=declined, reason="Jadwal penuh")
    response = client.get(CSV)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == public_summary.CSV_HEADER
    assert rows[1:] == [
        ["Provinsi 17", "17.01", "Kabupaten 17.01", "insiden", "logistik", "dilaporkan", "1"],
        ["Provinsi 17", "17.01", "Kabupaten 17.01", "permintaan_sosialisasi", "", "diterima", "2"],
        ["Provinsi 17", "17.01", "Kabupaten 17.01", "permintaan_sosialisasi", "", "dijawab", "1"],
    ]
    data = client.get(JSON).json()
    assert data["outreach_totals"] == {"received": 2, "answered": 1}


def test_cached_at_most_fifteen_minutes_with_an_etag(client, desk_world):
    _incident()
    first = client.get(JSON)
    assert "max-age=900" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]
    again = client.get(JSON, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # A new incident shows once the cached figures expire, not before.
    _incident()
    assert client.get(JSON).json()["incidents"][0]["count"] == 1
    cache.delete(public_summary.CACHE_KEY)
    assert client.get(JSON).json()["incidents"][0]["count"] == 2
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "max-age=900" in page["Cache-Control"]


def test_signed_in_page_is_not_shared(client, desk_world):
    client.force_login(factories.PersonFactory(email="warga@uji.test"))
    page = client.get(PAGE)
    assert "private" in page["Cache-Control"]


def test_queries_constant_at_two_sizes(client, desk_world):
    def grow(n, start):
        for i in range(start, start + n):
            _incident(
                code=["17.01.01.2001", "17.02.01.2001", "17.01.02"][i % 3],
                category=["logistik", "bencana", "keamanan"][i % 3],
            )
            factories.outreach_request(
                ["17.01.01.2001", "17.02.02.2001"][i % 2], email=f"w{i}@uji.test"
            )

    grow(2, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE).status_code == 200
    cache.delete(public_summary.CACHE_KEY)
    grow(9, 2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(PAGE).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
