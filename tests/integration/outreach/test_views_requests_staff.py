"""The "Minta sosialisasi" pages for KPU staff: the list of their regency's confirmed requests,
the answers (accept, propose another date, decline), the coverage beside the events, and the
query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.enums import EventStatus, RequestStatus
from outreach.models import OutreachEvent
from tests import factories


@pytest.fixture
def requests_both_regencies(bengkulu):
    return {
        "own": factories.outreach_request("17.01.01.2002", requester_name="SMA Negeri Satu"),
        "other": factories.outreach_request("17.02.01.2001", requester_name="Pesantren Dua"),
        "unconfirmed": factories.outreach_request("17.01.02.2002", status="unconfirmed"),
    }


def test_staff_list_shows_confirmed_requests_of_their_regency_only(
    client, regency_staff, requests_both_regencies
):
    client.force_login(regency_staff)
    page = client.get(reverse("outreach:request_list"))
    assert page.status_code == 200
    assert [r.pk for r in page.context["page"].object_list] == [requests_both_regencies["own"].pk]
    other = requests_both_regencies["other"]
    assert client.get(reverse("outreach:request_detail", args=[other.pk])).status_code == 404
    unconfirmed = requests_both_regencies["unconfirmed"]
    assert client.get(reverse("outreach:request_detail", args=[unconfirmed.pk])).status_code == 404
    assert (
        client.post(reverse("outreach:request_decline", args=[other.pk]), {"tolak-reason": "x"})
    ).status_code == 404
    other.refresh_from_db()
    assert other.status == RequestStatus.OPEN
    # The management list counts what waits.
    assert client.get(reverse("outreach:manage_list")).context["pending_requests"] == 1


def test_staff_pages_are_closed_to_liaisons_and_the_public(
    client, bawaslu_liaison, requests_both_regencies
):
    own = requests_both_regencies["own"]
    anonymous = client.get(reverse("outreach:request_detail", args=[own.pk]))
    assert anonymous.status_code == 302 and "/akun/login/" in anonymous["Location"]
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("outreach:request_list")).status_code == 403
    assert client.get(reverse("outreach:request_detail", args=[own.pk])).status_code == 403


def test_staff_accept_creates_the_draft_and_opens_it(
    client, regency_staff, kpu_regency, requests_both_regencies
):
    own = requests_both_regencies["own"]
    client.force_login(regency_staff)
    detail = client.get(reverse("outreach:request_detail", args=[own.pk]))
    assert b"SMA Negeri Satu" in detail.content and b"pemohon@uji.test" in detail.content
    day = own.first_date
    response = client.post(
        reverse("outreach:request_accept", args=[own.pk]),
        {
            "terima-date": day.isoformat(),
            "terima-start": "09:00",
            "terima-end": "11:00",
            "terima-method": "forum_warga",
            "terima-venue": "Aula SMA",
            "terima-organiser": kpu_regency.pk,
        },
    )
    event = OutreachEvent.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("outreach:manage_detail", args=[event.pk]),
    )
    own.refresh_from_db()
    assert (own.status, own.event_id) == (RequestStatus.ACCEPTED, event.pk)
    assert (event.status, event.venue) == (EventStatus.DRAFT, "Aula SMA")
    # Answered requests offer no more answers.
    again = client.get(reverse("outreach:request_detail", args=[own.pk]))
    assert again.context["accept_form"] is None


def test_staff_answer_errors_stay_on_the_page(client, regency_staff, requests_both_regencies):
    own = requests_both_regencies["own"]
    client.force_login(regency_staff)
    response = client.post(reverse("outreach:request_decline", args=[own.pk]), {"tolak-reason": ""})
    assert response.status_code == 200
    assert response.context["decline_form"].errors == {"reason": ["Bidang ini harus diisi."]}
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("outreach:request_propose", args=[own.pk]), {"usul-date": past.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["propose_form"].errors == {"date": ["Tanggal harus setelah hari ini."]}
    own.refresh_from_db()
    assert own.status == RequestStatus.OPEN


def test_coverage_shows_requests_per_kecamatan_beside_events(
    client, regency_staff, requests_both_regencies
):
    factories.outreach_request("17.01.01.2001", email="dua@uji.test")
    factories.outreach_event("17.01.02.2001")
    client.force_login(regency_staff)
    page = client.get(reverse("outreach:coverage_regency", args=["17.01"]))
    rows = {d.region.code: d for d in page.context["districts"]}
    assert (rows["17.01.01"].requests, rows["17.01.01"].events) == (2, 0)
    assert (rows["17.01.02"].requests, rows["17.01.02"].events) == (0, 1)
    assert [d.region.code for d in page.context["demand_unmet"]] == ["17.01.01"]
    assert b"Diminta, belum ada kegiatan tatap muka" in page.content
    csv_text = client.get(reverse("outreach:coverage_regency_csv", args=["17.01"])).content
    assert b"permintaan_masyarakat" in csv_text.splitlines()[0]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_staff_request_pages_cost_the_same_queries_at_two_sizes(client, regency_staff, bengkulu):
    client.force_login(regency_staff)
    first = factories.outreach_request("17.01.01.2001")
    urls = [
        reverse("outreach:request_list"),
        reverse("outreach:request_list") + "?status=semua",
        reverse("outreach:request_detail", args=[first.pk]),
    ]
    small = [_count(client, url) for url in urls]
    for n in range(12):
        factories.outreach_request(
            f"17.01.0{1 + n % 2}.200{1 + n % 2}", email=f"p{n}@uji.test", days_ahead=5 + n
        )
    assert [_count(client, url) for url in urls] == small
