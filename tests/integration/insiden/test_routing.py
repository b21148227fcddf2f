"""Routing rules and deadlines: defaults, province rules, fallbacks, and who may change them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coordination.models import Region
from insiden.enums import DEFAULT_ROUTES, Category, Severity
from insiden.models import AckDeadline, RoutingRule
from insiden.services.routing import (
    ack_deadline_set,
    ack_minutes,
    responsible_agency,
    routing_defaults_seed,
    routing_rule_set,
)
from tests.integration.insiden.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "category,agency",
    [
        (Category.SECURITY, "polres"),
        (Category.MONEY_POLITICS, "bawaslu"),
        (Category.NEUTRALITY, "bawaslu"),
        (Category.QUIET_PERIOD, "bawaslu"),
        (Category.LOGISTICS, "kpu"),
        (Category.POLLING_STATION, "kpu"),
        (Category.DISASTER, "pemda"),
        (Category.VOTER_LIST, "kpu"),
        (Category.OTHER, "kpu"),
    ],
)
def test_default_routes_go_to_the_agency_of_the_regency(desk, report, category, agency):
    incident = report(category=category)
    assert incident.agency == desk["agencies"][agency]
    assert {a.pk for a in incident.involved_agencies.all()} == {desk["agencies"][agency].pk}


def test_without_the_routed_kind_in_the_regency_the_regency_kpu_acts(desk, report):
    # 17.02 has a Polres but no Pemda.
    incident = report(category=Category.DISASTER, region=Region.objects.get(code="17.02.01.2001"))
    assert incident.agency == desk["agencies"]["kpu_other"]


def test_a_province_rule_overrides_the_default_and_a_severity_rule_overrides_that(desk, report):
    province = Region.objects.get(code="17")
    staff = desk["people"]["province_staff"]
    routing_rule_set(
        actor=staff, province=province, category="logistik", severity=0, agency_kind="polri"
    )
    routing_rule_set(
        actor=staff,
        province=province,
        category="logistik",
        severity=Severity.LOW,
        agency_kind="bawaslu",
    )
    assert report(category="logistik", severity=Severity.HIGH).agency == desk["agencies"]["polres"]
    assert report(category="logistik", severity=Severity.LOW).agency == desk["agencies"]["bawaslu"]
    routing_rule_set(
        actor=staff, province=province, category="logistik", severity=Severity.LOW, agency_kind=""
    )
    assert report(category="logistik", severity=Severity.LOW).agency == desk["agencies"]["polres"]


def test_seeded_defaults_route_the_same_as_no_rules(desk):
    province = Region.objects.get(code="17")
    assert routing_defaults_seed(province=province) == len(DEFAULT_ROUTES)
    assert routing_defaults_seed(province=province) == 0
    assert (
        responsible_agency(regency_code="17.01", category="keamanan", severity=3)
        == (desk["agencies"]["polres"])
    )


def test_deadlines_default_and_per_province(desk, report):
    assert [ack_minutes(province_code="17", severity=s) for s in (4, 3, 2, 1)] == [
        15,
        60,
        240,
        1440,
    ]
    ack_deadline_set(
        actor=desk["people"]["province_staff"],
        province=Region.objects.get(code="17"),
        severity=Severity.CRITICAL,
        minutes=10,
    )
    incident = report(severity=Severity.CRITICAL)
    assert incident.ack_due_at == T0 + timedelta(minutes=10)
    assert incident.next_escalation_at == T0 + timedelta(minutes=10)
    assert report(severity=Severity.LOW).ack_due_at == T0 + timedelta(hours=24)


@pytest.mark.parametrize("who", ["regency_staff", "polres_liaison", "polda_liaison", "nobody"])
def test_only_province_staff_change_rules(desk, who):
    province = Region.objects.get(code="17")
    with pytest.raises(PermissionDenied):
        routing_rule_set(
            actor=desk["people"][who],
            province=province,
            category="logistik",
            severity=0,
            agency_kind="polri",
        )
    with pytest.raises(PermissionDenied):
        ack_deadline_set(actor=desk["people"][who], province=province, severity=4, minutes=5)
    assert RoutingRule.objects.count() == 0
    assert AckDeadline.objects.count() == 0


def test_rules_page_for_province_staff_only(client, desk):
    url = reverse("insiden:rules", kwargs={"code": "17"})
    client.force_login(desk["people"]["regency_staff"])
    assert client.get(url).status_code == 403
    client.force_login(desk["people"]["polres_liaison"])
    assert client.get(url).status_code == 403
    client.force_login(desk["people"]["province_staff"])
    assert client.get(url).status_code == 200
    data = {f"route_{c}": k.value for c, k in DEFAULT_ROUTES.items()}
    data["route_logistik"] = "pemda"
    data.update({"minutes_4": "20", "minutes_3": "60", "minutes_2": "240", "minutes_1": "1440"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert RoutingRule.objects.get(province_id="17", category="logistik").agency_kind == "pemda"
    assert ack_minutes(province_code="17", severity=4) == 20
    assert AckDeadline.objects.count() == 1


def test_a_rule_written_outside_the_services_takes_effect_at_the_next_report(desk, report):
    # The province's rules are cached; a write from the admin (a plain save) drops the copy.
    assert report(category="logistik").agency == desk["agencies"]["kpu"]
    RoutingRule.objects.create(
        province_id="17", category="logistik", severity=0, agency_kind="bawaslu"
    )
    assert report(category="logistik").agency == desk["agencies"]["bawaslu"]
    deadline = AckDeadline.objects.create(province_id="17", severity=Severity.HIGH, minutes=30)
    assert ack_minutes(province_code="17", severity=Severity.HIGH) == 30
    deadline.delete()
    assert ack_minutes(province_code="17", severity=Severity.HIGH) == 60
