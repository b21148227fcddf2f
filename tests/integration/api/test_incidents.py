"""The incident desk in the API: who reads which incident (terbatas, rahasia), scopes, a report
and a status change through the desk's services with their validation and permissions, the
Idempotency-Key on both, ETags and the list's query count at two sizes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from api.enums import Scope
from coordination.models import Region
from insiden.enums import EventKind, Severity, Source, Status
from insiden.models import Incident, IncidentHistory
from insiden.services.incidents import incident_create
from tests import factories
from tests.integration.api.conftest import key_client, make_key

PROBLEM = "application/problem+json"
VILLAGE = "17.01.01.2001"


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def incident(region=VILLAGE, *, category="politik_uang", visibility="terbatas", title="Insiden"):
    """Reported by the system: politik uang goes to the Bawaslu of 17.01, logistik to the KPU,
    keamanan in 17.02 to its Polres."""
    return incident_create(
        actor=None,
        title=title,
        category=category,
        severity=Severity.HIGH,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        region=Region.objects.get(code=region),
        visibility=visibility,
    )


@pytest.fixture
def incidents(api_world):
    return {
        "bawaslu": incident(title="Amplop di TPS 3"),
        "kpu_rahasia": incident(category="logistik", visibility="rahasia", title="RAHASIA KPU"),
        "kpu": incident(category="logistik", title="Kotak suara rusak"),
        "other": incident("17.02.01.2001", category="keamanan", title="Kerumunan 17.02"),
    }


def report_body(**fields) -> dict:
    body = {
        "title": "Politik uang di TPS 5",
        "category": "politik_uang",
        "severity": Severity.HIGH,
        "region": VILLAGE,
        "tps_number": 5,
        "occurred_at": "2026-11-27T08:30:00",
        "description": "Dua orang membagikan amplop.",
    }
    body.update(fields)
    return body


# --- reading: the desk's visibility rule ---------------------------------------------------------


def test_liaison_key_reads_what_its_agency_reads_on_the_desk(api_world, incidents):
    client = key_client(api_world.liaison_key.token)
    assert ids(client.get("/api/v1/incidents/")) == [incidents["kpu"].pk, incidents["bawaslu"].pk]
    for name in ("kpu_rahasia", "other"):
        assert client.get(f"/api/v1/incidents/{incidents[name].pk}/").status_code == 404, name
    detail = client.get(f"/api/v1/incidents/{incidents['bawaslu'].pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert (body["agency"], body["status"], body["region"], body["regency"]) == (
        api_world.bawaslu.pk,
        Status.REPORTED,
        VILLAGE,
        "17.01",
    )
    assert body["involved_agencies"] == [api_world.bawaslu.pk]
    assert "reporter_contact" not in body and "reporter" not in body


def test_kpu_key_reads_its_regency_rahasia_included(api_world, incidents):
    client = key_client(api_world.kpu_key.token)
    assert ids(client.get("/api/v1/incidents/")) == [
        incidents["kpu"].pk,
        incidents["kpu_rahasia"].pk,
        incidents["bawaslu"].pk,
    ]
    assert client.get(f"/api/v1/incidents/{incidents['other'].pk}/").status_code == 404


def test_session_person_reads_as_on_the_desk(api_world, incidents):
    client = APIClient()
    client.force_login(api_world.liaison)
    assert ids(client.get("/api/v1/incidents/")) == [incidents["kpu"].pk, incidents["bawaslu"].pk]
    client.force_login(factories.PersonFactory(email="tanpa.peran@uji.test"))
    assert client.get("/api/v1/incidents/").status_code == 403


def test_list_filters_mirror_the_desk_and_are_bounded(api_world, incidents):
    client = key_client(api_world.kpu_key.token)
    assert ids(client.get("/api/v1/incidents/", {"category": "politik_uang"})) == [
        incidents["bawaslu"].pk
    ]
    assert ids(client.get("/api/v1/incidents/", {"agency": api_world.bawaslu.pk})) == [
        incidents["bawaslu"].pk
    ]
    assert ids(client.get("/api/v1/incidents/", {"region": "17.01.02"})) == []
    assert ids(client.get("/api/v1/incidents/", {"status": "selesai"})) == []
    assert len(ids(client.get("/api/v1/incidents/", {"severity": 3, "open": "true"}))) == 3
    bad = client.get(
        "/api/v1/incidents/", {"severity": "9", "region": "x" * 200, "agency": "-1", "status": "?"}
    )
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    assert sorted(bad.json()["errors"]) == ["agency", "region", "severity", "status"]


def test_incidents_need_their_scope(api_world, incidents):
    w = api_world
    others = [s for s in Scope.values if not s.startswith("incidents")]
    without = key_client(make_key(w.bawaslu, scopes=others, name="tanpa").token)
    assert without.get("/api/v1/incidents/").status_code == 403
    read_only = key_client(make_key(w.bawaslu, scopes=[Scope.INCIDENTS_READ], name="baca").token)
    assert read_only.get("/api/v1/incidents/").status_code == 200
    url = f"/api/v1/incidents/{incidents['bawaslu'].pk}/"
    assert read_only.post(url + "acknowledge/", {}, format="json").status_code == 403
    assert read_only.post("/api/v1/incidents/", report_body(), format="json").status_code == 403
    anonymous = APIClient()
    assert anonymous.get("/api/v1/incidents/").status_code == 401
    assert anonymous.post("/api/v1/incidents/", report_body(), format="json").status_code == 401
    assert Incident.objects.count() == 4
    assert not IncidentHistory.objects.exclude(kind=EventKind.REPORTED).exists()


def test_etag_answers_304_and_changes_with_the_incident(api_world, incidents):
    client = key_client(api_world.liaison_key.token)
    url = f"/api/v1/incidents/{incidents['bawaslu'].pk}/"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    client.post(url + "acknowledge/", {}, format="json")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- reporting: the desk's service and its validation ---------------------------------------------


def test_a_key_reports_through_the_desk_service(api_world, mailoutbox):
    w = api_world
    response = key_client(w.liaison_key.token).post(
        "/api/v1/incidents/", report_body(), format="json"
    )
    assert response.status_code == 201, response.content
    made = Incident.objects.get()
    assert response.json()["id"] == made.pk
    principal = w.liaison_key.key.principal
    assert (made.source, made.reporter, made.reporter_agency, made.agency) == (
        Source.API,
        principal,
        w.bawaslu,
        w.bawaslu,
    )
    # Without an offset the time is the region's local time (WIB), as on the report form.
    assert made.occurred_at == dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)
    (entry,) = IncidentHistory.objects.filter(incident=made)
    assert (entry.kind, entry.author) == (EventKind.REPORTED, principal)
    assert made.tps_number == 5 and made.region_id == VILLAGE


def test_a_person_reports_with_the_session_as_a_member(api_world):
    client = APIClient()
    client.force_login(api_world.liaison)
    response = client.post("/api/v1/incidents/", report_body(), format="json")
    assert response.status_code == 201, response.content
    assert Incident.objects.get().source == Source.MEMBER


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"region": "18.01.01.2001"}, "region"),  # outside the Bawaslu's province
        ({"region": "19.01"}, "region"),  # no such region
        ({"region": "17"}, "region"),
        ({"region": "17.01", "tps_number": 3}, "tps_number"),
        ({"tps_number": 1000}, "tps_number"),
        ({"occurred_at": "2099-01-01T00:00:00+07:00"}, "occurred_at"),
        ({"category": "gosip"}, "category"),
        ({"reporter_agency": 999999}, "reporter_agency"),
        ({"title": ""}, "title"),
    ],
)
def test_report_validation_is_the_desks(api_world, fields, field):
    factories.region_tree("18", regencies=1, districts=1, villages=1)
    response = key_client(api_world.liaison_key.token).post(
        "/api/v1/incidents/", report_body(**fields), format="json"
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == [field]
    assert Incident.objects.count() == 0


def test_report_with_idempotency_key_makes_one_incident(api_world):
    client = key_client(api_world.liaison_key.token)
    first = client.post("/api/v1/incidents/", report_body(), format="json",
                        HTTP_IDEMPOTENCY_KEY="lapor-1")  # fmt: skip
    again = client.post("/api/v1/incidents/", report_body(), format="json",
                        HTTP_IDEMPOTENCY_KEY="lapor-1")  # fmt: skip
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1
    other = client.post("/api/v1/incidents/", report_body(title="Lain"), format="json",
                        HTTP_IDEMPOTENCY_KEY="lapor-1")  # fmt: skip
    assert other.status_code == 422 and other["Content-Type"] == PROBLEM
    # Another system's key of the same name is its own.
    kpu = key_client(api_world.kpu_key.token).post(
        "/api/v1/incidents/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="lapor-1"
    )
    assert kpu.status_code == 201 and kpu.json()["id"] != first.json()["id"]
    assert Incident.objects.count() == 2


# --- status and acknowledgement: the desk's services and predicates ------------------------------


def test_responsible_key_acknowledges_then_handles(api_world, incidents):
    client = key_client(api_world.liaison_key.token)
    url = f"/api/v1/incidents/{incidents['bawaslu'].pk}/"
    taken = client.post(url + "acknowledge/", {"note": "Tim meluncur"}, format="json")
    assert taken.status_code == 200, taken.content
    assert taken.json()["status"] == Status.ACKNOWLEDGED
    assert client.post(url + "acknowledge/", {}, format="json").json()["status"] == "diterima"
    handled = client.post(url + "status/", {"status": "ditangani", "note": "Ditangani"},
                          format="json")  # fmt: skip
    assert handled.status_code == 200 and handled.json()["status"] == Status.HANDLING
    kinds = list(
        IncidentHistory.objects.filter(incident=incidents["bawaslu"]).values_list("kind", "note")
    )
    assert kinds == [
        (EventKind.REPORTED, ""),
        (EventKind.ACKNOWLEDGED, "Tim meluncur"),
        (EventKind.STATUS, "Ditangani"),
    ]


def test_status_denials_are_the_desks(api_world, incidents):
    w = api_world
    url = f"/api/v1/incidents/{incidents['bawaslu'].pk}/"
    kpu = key_client(w.kpu_key.token)
    # KPU staff of the region handle the incident but only the responsible agency acknowledges.
    assert kpu.post(url + "acknowledge/", {}, format="json").status_code == 403
    assert kpu.post(url + "status/", {"status": "diterima"}, format="json").status_code == 403
    # A transition the lifecycle does not have is the service's validation error.
    skipped = kpu.post(url + "status/", {"status": "selesai"}, format="json")
    assert skipped.status_code == 400 and list(skipped.json()["errors"]) == ["status"]
    # An agency of the region that reads the incident but has no part in it changes nothing.
    polres = factories.AgencyFactory(name="Polres 17.01", kind="polri", region=w.regency)
    reader = key_client(make_key(polres, name="Polres").token)
    assert reader.get(url).status_code == 200
    assert reader.post(url + "status/", {"status": "ditangani"}, format="json").status_code == 403
    # An incident the key may not read is missing.
    other = f"/api/v1/incidents/{incidents['other'].pk}/"
    liaison = key_client(w.liaison_key.token)
    assert liaison.post(other + "acknowledge/", {}, format="json").status_code == 404
    assert liaison.post(other + "status/", {"status": "diterima"}, format="json").status_code == 404
    assert Incident.objects.filter(status=Status.REPORTED).count() == 4


def test_status_change_with_idempotency_key_writes_once(api_world, incidents):
    client = key_client(api_world.kpu_key.token)
    url = f"/api/v1/incidents/{incidents['kpu'].pk}/status/"
    body = {"status": "diterima", "note": "Diterima"}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    handled = {"status": "ditangani"}
    assert client.post(url, handled, format="json", HTTP_IDEMPOTENCY_KEY="s2").status_code == 200
    assert client.post(url, handled, format="json", HTTP_IDEMPOTENCY_KEY="s2").status_code == 200
    assert client.post(url, {"status": "selesai"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="s2").status_code == 422  # fmt: skip
    entries = IncidentHistory.objects.filter(incident=incidents["kpu"]).values_list("kind")
    assert [kind for (kind,) in entries] == [
        EventKind.REPORTED,
        EventKind.ACKNOWLEDGED,
        EventKind.STATUS,
    ]


# --- the list's cost ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def _grow(start: int, n: int) -> None:
    for i in range(start, start + n):
        incident(title=f"Insiden {i}", category=["politik_uang", "logistik"][i % 2])
        incident("17.01.02.2001", category="logistik", visibility="rahasia", title=f"R {i}")


@pytest.mark.parametrize("key", ["kpu_key", "liaison_key"])
@pytest.mark.parametrize("query", ["", "?region=17.01&open=true", "?severity=3&limit=5"])
def test_incident_list_query_count_does_not_grow(api_world, key, query):
    client = key_client(getattr(api_world, key).token)
    url = f"/api/v1/incidents/{query}"
    _grow(0, 2)
    client.get(url)  # the key's last use is written once a minute: not part of the count
    small = _queries(client, url)
    _grow(2, 8)
    assert _queries(client, url) == small
