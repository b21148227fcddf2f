"""The API's incident matrix: a key of each agency of the desk's world reads, acknowledges and
changes exactly what a member of that agency may on the desk (the same predicates, one set of
rules): a rahasia and a terbatas security incident of 17.01, reported by the Bawaslu 17.01
liaison and routed to the Polres 17.01."""

import pytest

from insiden.enums import Status
from insiden.models import Incident
from tests.integration.api.conftest import key_client, make_key
from tests.integration.insiden.test_visibility import SEES

# Each agency's key has the rights of this person of the desk's world.
KEYS = {
    "kpu_prov": "province_staff",
    "kpu": "regency_staff",
    "kpu_other": "other_regency_staff",
    "polres": "polres_liaison",
    "polres_other": "polres_other_liaison",
    "polda": "polda_liaison",
    "bawaslu": "bawaslu_liaison",
    "bawaslu_prov": "bawaslu_prov_liaison",
    "pemda": "pemda_liaison",
}
# Who may take the incident (the responsible Polres) and who may find it unverified (the
# Polres and KPU staff of its region).
ACKNOWLEDGE = {"polres"}
UNVERIFY = {"polres", "kpu", "kpu_prov"}


def expected_status(agency: str, visibility: str, allowed: set) -> int:
    """404 to a key that may not read the incident, else 200 where the desk allows, 403."""
    if KEYS[agency] not in SEES[visibility]:
        return 404
    return 200 if agency in allowed else 403


@pytest.fixture
def incidents(desk, report):
    reporter = desk["people"]["bawaslu_liaison"]
    return {v: report(actor=reporter, visibility=v, title=f"Insiden {v}") for v in SEES}


def _client(desk, agency: str):
    return key_client(make_key(desk["agencies"][agency], name=agency).token)


@pytest.mark.parametrize("agency", sorted(KEYS))
@pytest.mark.parametrize("visibility", ["terbatas", "rahasia"])
def test_a_key_reads_what_its_agency_reads_on_the_desk(desk, incidents, agency, visibility):
    client = _client(desk, agency)
    incident = incidents[visibility]
    can = KEYS[agency] in SEES[visibility]
    listed = client.get("/api/v1/incidents/")
    assert listed.status_code == 200
    assert (incident.pk in [row["id"] for row in listed.json()["results"]]) == can
    assert client.get(f"/api/v1/incidents/{incident.pk}/").status_code == (200 if can else 404)


@pytest.mark.parametrize("agency", sorted(KEYS))
def test_a_key_acknowledges_where_the_desk_lets_its_agency(desk, incidents, agency):
    client = _client(desk, agency)
    incident = incidents["rahasia"]
    response = client.post(f"/api/v1/incidents/{incident.pk}/acknowledge/", {}, format="json")
    expected = expected_status(agency, "rahasia", ACKNOWLEDGE)
    assert response.status_code == expected, response.content
    taken = Incident.objects.get(pk=incident.pk).status == Status.ACKNOWLEDGED
    assert taken == (expected == 200)


@pytest.mark.parametrize("agency", sorted(KEYS))
def test_a_key_changes_the_status_where_the_desk_lets_its_agency(desk, incidents, agency):
    client = _client(desk, agency)
    incident = incidents["terbatas"]
    response = client.post(
        f"/api/v1/incidents/{incident.pk}/status/", {"status": "tidak_terverifikasi"},
        format="json",
    )  # fmt: skip
    expected = expected_status(agency, "terbatas", UNVERIFY)
    assert response.status_code == expected, response.content
    changed = Incident.objects.get(pk=incident.pk).status == Status.UNVERIFIED
    assert changed == (expected == 200)
