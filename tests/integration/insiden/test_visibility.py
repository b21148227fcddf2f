"""Visibility: the filter (`visible_q`) and the predicate (`can_view_incident`) agree for every
role and visibility, and every page and count shows only what the person may read."""

import pytest
from django.urls import reverse

from coordination.models import Region
from insiden import permissions
from insiden.models import Incident
from insiden.selectors.incidents import IncidentFilters
from insiden.selectors.situation import grid
from insiden.services.incidents import incident_refer

pytestmark = pytest.mark.django_db

ROLES = [
    "superuser", "province_staff", "regency_staff", "other_regency_staff", "polres_liaison",
    "polres_other_liaison", "polda_liaison", "bawaslu_liaison", "bawaslu_prov_liaison",
    "pemda_liaison", "nobody",
]  # fmt: skip

# Who reads the incidents below (a security incident in a village of 17.01, reported by the
# Bawaslu 17.01 liaison, routed to the Polres 17.01).
SEES = {
    # The rahasia one is reported first: the wall view names each regency's oldest
    # unacknowledged incident, which is the rahasia one for those who read it.
    "rahasia": {"superuser", "province_staff", "regency_staff", "polres_liaison",
                "bawaslu_liaison"},
    "terbatas": {
        "superuser", "province_staff", "regency_staff", "polres_liaison", "polda_liaison",
        "bawaslu_liaison", "bawaslu_prov_liaison", "pemda_liaison",
    },
}  # fmt: skip


@pytest.fixture
def incidents(desk, report):
    reporter = desk["people"]["bawaslu_liaison"]
    return {v: report(actor=reporter, visibility=v, title=f"Insiden {v}") for v in SEES}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("visibility", ["terbatas", "rahasia"])
def test_filter_and_predicate_agree(desk, incidents, who, visibility):
    person = desk["people"][who]
    incident = incidents[visibility]
    rule = permissions.visible_q(person)
    qs = Incident.objects.filter(pk=incident.pk)
    by_filter = (qs if rule is None else qs.filter(rule)).exists()
    assert by_filter == permissions.can_view_incident(person, incident) == (who in SEES[visibility])


def test_a_referral_lets_the_new_agency_read_a_rahasia_incident(desk, incidents):
    incident = incidents["rahasia"]
    other = desk["people"]["polres_other_liaison"]
    assert not permissions.can_view_incident(other, incident)
    incident_refer(actor=None, incident=incident, agency=desk["agencies"]["polda"])
    incident = Incident.objects.get(pk=incident.pk)
    assert permissions.can_view_incident(desk["people"]["polda_liaison"], incident)


@pytest.mark.parametrize("who", ROLES[:-1])
def test_every_page_and_count_shows_only_what_may_be_read(client, desk, incidents, who):
    person = desk["people"][who]
    client.force_login(person)
    secret = incidents["rahasia"]
    can = who in SEES["rahasia"]
    pages = [
        reverse("insiden:incident_list"),
        reverse("insiden:situation"),
        reverse("insiden:situation") + "?wilayah=17.01",
        reverse("insiden:situation") + "?wilayah=17.01.01",
        reverse("insiden:situation") + f"?lembaga={desk['agencies']['polres'].pk}",
        reverse("insiden:wall", kwargs={"code": "17"}),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert ("Insiden rahasia" in body) == can, url
    detail = client.get(reverse("insiden:incident_detail", kwargs={"pk": secret.pk}))
    assert detail.status_code == (200 if can else 404)
    # The grid's count: both incidents for those who read both, one for those who read terbatas.
    expected = sum(who in SEES[v] for v in SEES)
    for filters in (IncidentFilters(), IncidentFilters(region="17.01"),
                    IncidentFilters(region="17.01.01"),
                    IncidentFilters(agency=desk["agencies"]["polres"].pk)):  # fmt: skip
        counted = sum(total for _c, _n, _cells, total in grid(user=person, filters=filters).rows)
        assert counted == expected, filters


def test_counters_and_direct_counts_do_not_double(desk, report):
    """A KPU staff member of 17.01 who is also a Polres 17.02 liaison reads the 17.02 rahasia
    incident routed to that Polres (counted directly) and the 17.02 terbatas one (from the
    counters, as a member of an agency of 17.02): each once."""
    from tests import factories

    person = desk["people"]["regency_staff"]
    factories.MembershipFactory(person=person, agency=desk["agencies"]["polres_other"],
                                role="liaison")  # fmt: skip
    report()
    report(region=Region.objects.get(code="17.02.01.2001"), visibility="rahasia")
    report(region=Region.objects.get(code="17.02.01.2001"), category="logistik")
    rows = {
        code: total for code, _n, _c, total in grid(user=person, filters=IncidentFilters()).rows
    }
    assert rows == {"17.01": 1, "17.02": 2}
