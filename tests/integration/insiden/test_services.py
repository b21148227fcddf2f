"""Reporting, the idempotency key, every status transition and who may make it, referral,
merging, comments, risks and tasks."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from coordination.models import Delivery, Region
from insiden.enums import OPEN, EventKind, Severity, Status
from insiden.models import Incident, IncidentCounter, IncidentHistory, IncidentOpenCounter
from insiden.services.counters import counters_rebuild
from insiden.services.incidents import (
    incident_acknowledge,
    incident_comment_add,
    incident_create,
    incident_merge,
    incident_refer,
    incident_status_change,
)
from tests.integration.insiden.conftest import T0, VILLAGE

pytestmark = pytest.mark.django_db


def _counts():
    return {
        (c.regency_id, c.category, c.severity, c.status, c.visibility): c.count
        for c in IncidentCounter.objects.exclude(count=0)
    }


def _open_counts():
    return {
        (c.region_id, c.level, c.category, c.severity, c.visibility): c.count
        for c in IncidentOpenCounter.objects.exclude(count=0)
    }


def test_report_routes_records_history_counts_and_tells_the_liaisons(desk, report):
    liaison = desk["people"]["polres_liaison"]
    incident = report(actor=liaison, severity=Severity.CRITICAL)
    assert incident.agency == desk["agencies"]["polres"]
    assert incident.reporter == liaison
    assert incident.reporter_agency == desk["agencies"]["polres"]
    assert incident.status == Status.REPORTED
    assert incident.ack_due_at == T0 + timedelta(minutes=15)
    assert list(incident.history.values_list("kind", "to_status")) == [
        (EventKind.REPORTED, Status.REPORTED)
    ]
    assert _counts() == {("17.01", "keamanan", 4, "dilaporkan", "terbatas"): 1}
    assert _open_counts() == {
        ("17", IncidentOpenCounter.Level.PROVINCE, "keamanan", 4, "terbatas"): 1,
        ("17.01", IncidentOpenCounter.Level.REGENCY, "keamanan", 4, "terbatas"): 1,
    }
    assert list(Delivery.objects.values_list("person__email", "kind", "key")) == [
        ("polres1@uji.test", "insiden_eskalasi", f"i{incident.pk}.r1.l0")
    ]


def test_the_same_key_twice_is_the_same_incident(desk, report):
    liaison = desk["people"]["polres_liaison"]
    first = report(actor=liaison, idempotency_key="k" * 32)
    second = report(actor=liaison, idempotency_key="k" * 32, title="Ketukan kedua")
    assert second.pk == first.pk
    assert Incident.objects.count() == 1
    assert Delivery.objects.count() == 1
    with pytest.raises(ValidationError):
        report(actor=desk["people"]["bawaslu_liaison"], idempotency_key="k" * 32)


@pytest.mark.django_db(transaction=True)
def test_the_same_key_posted_at_once_from_two_connections_is_one_incident(desk, require_postgres):
    liaison = desk["people"]["polres_liaison"]
    region = Region.objects.get(code=VILLAGE)
    barrier, results, errors = threading.Barrier(2), [], []

    def post():
        try:
            barrier.wait(timeout=10)
            results.append(
                incident_create(
                    actor=liaison, title="Dua ketukan", category="keamanan", severity=3,
                    occurred_at=T0, region=region, idempotency_key="sama", now=T0,
                ).pk
            )  # fmt: skip
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1
    assert Incident.objects.count() == 1
    assert _counts() == {("17.01", "keamanan", 3, "dilaporkan", "terbatas"): 1}


def test_report_checks(desk, report):
    with pytest.raises(ValidationError) as excinfo:
        report(region=Region.objects.get(code="17.01.01"), tps_number=3)
    assert "tps_number" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        report(region=Region.objects.get(code="17"))
    assert "region" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        report(occurred_at=T0 + timedelta(hours=1))
    assert "occurred_at" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        report(actor=desk["people"]["nobody"])
    assert Incident.objects.count() == 0


def test_a_public_report_by_the_system_keeps_its_contact(desk, report):
    incident = report(source="publik", reporter_contact="0812-000-000")
    assert incident.reporter is None
    assert incident.reporter_contact == "0812-000-000"
    assert incident.source == "publik"


# --- transitions: (from, to) and who may ----------------------------------------------------

MAY_HANDLE = {"polres_liaison", "regency_staff", "province_staff", "superuser"}
EVERYONE = [
    "province_staff", "regency_staff", "other_regency_staff", "polres_liaison",
    "polres_other_liaison", "polda_liaison", "bawaslu_liaison", "nobody", "superuser",
]  # fmt: skip


def _to(report, status):
    incident = report()
    path = {
        Status.REPORTED: [],
        Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
        Status.HANDLING: [Status.ACKNOWLEDGED, Status.HANDLING],
        Status.RESOLVED: [Status.ACKNOWLEDGED, Status.RESOLVED],
        Status.UNVERIFIED: [Status.UNVERIFIED],
    }[status]
    for step in path:
        incident = incident_status_change(actor=None, incident=incident, status=step, now=T0)
    return incident


TRANSITION_CASES = [
    (Status.REPORTED, Status.ACKNOWLEDGED, {"polres_liaison", "superuser"}),
    (Status.REPORTED, Status.UNVERIFIED, MAY_HANDLE),
    (Status.ACKNOWLEDGED, Status.HANDLING, MAY_HANDLE),
    (Status.ACKNOWLEDGED, Status.RESOLVED, MAY_HANDLE),
    (Status.ACKNOWLEDGED, Status.UNVERIFIED, MAY_HANDLE),
    (Status.HANDLING, Status.RESOLVED, MAY_HANDLE),
    (Status.HANDLING, Status.UNVERIFIED, MAY_HANDLE),
    (Status.RESOLVED, Status.HANDLING, MAY_HANDLE),
    (Status.UNVERIFIED, Status.REPORTED, {"regency_staff", "province_staff", "superuser"}),
]


@pytest.mark.parametrize("before,after,allowed", TRANSITION_CASES)
@pytest.mark.parametrize("who", EVERYONE)
def test_every_transition_and_who_may_make_it(desk, report, before, after, allowed, who):
    incident = _to(report, before)
    actor = desk["people"][who]
    if who in allowed:
        changed = incident_status_change(actor=actor, incident=incident, status=after, now=T0)
        assert changed.status == after
        entry = changed.history.order_by("-pk").first()
        assert (entry.from_status, entry.to_status, entry.author) == (before, after, actor)
        assert _counts()[("17.01", "keamanan", 3, after, "terbatas")] == 1
        assert ("17.01", "keamanan", 3, before, "terbatas") not in _counts()
        opened = _open_counts().get(("17.01", 2, "keamanan", 3, "terbatas"), 0)
        assert opened == (1 if after in OPEN else 0)
    else:
        with pytest.raises(PermissionDenied):
            incident_status_change(actor=actor, incident=incident, status=after, now=T0)
        assert Incident.objects.get(pk=incident.pk).status == before


@pytest.mark.parametrize(
    "before,after",
    [
        (Status.REPORTED, Status.HANDLING),
        (Status.REPORTED, Status.RESOLVED),
        (Status.RESOLVED, Status.REPORTED),
        (Status.UNVERIFIED, Status.RESOLVED),
        (Status.ACKNOWLEDGED, Status.REPORTED),
    ],
)
def test_transitions_outside_the_lifecycle_are_refused(desk, report, before, after):
    incident = _to(report, before)
    with pytest.raises(ValidationError):
        incident_status_change(actor=None, incident=incident, status=after, now=T0)


def test_acknowledging_twice_changes_nothing_and_stops_escalation(desk, report):
    liaison = desk["people"]["polres_liaison"]
    incident = report(severity=Severity.HIGH)
    incident = incident_acknowledge(actor=liaison, incident=incident, now=T0 + timedelta(minutes=5))
    assert incident.next_escalation_at is None
    again = incident_acknowledge(actor=liaison, incident=incident, now=T0 + timedelta(minutes=9))
    assert again.acknowledged_at == T0 + timedelta(minutes=5)
    assert incident.history.filter(kind=EventKind.ACKNOWLEDGED).count() == 1


def test_an_acknowledged_critical_incident_is_reminded_hourly(desk, report):
    incident = report(severity=Severity.CRITICAL)
    incident = incident_acknowledge(
        actor=desk["people"]["polres_liaison"], incident=incident, now=T0
    )
    assert incident.next_escalation_at == T0 + timedelta(hours=1)


def test_referral_passes_the_incident_and_restarts_the_clock(desk, report):
    incident = report(category="politik_uang")
    assert incident.agency == desk["agencies"]["bawaslu"]
    later = T0 + timedelta(minutes=30)
    with pytest.raises(PermissionDenied):
        incident_refer(
            actor=desk["people"]["polres_liaison"], incident=incident,
            agency=desk["agencies"]["polres"], now=later,
        )  # fmt: skip
    referred = incident_refer(
        actor=desk["people"]["bawaslu_liaison"], incident=incident,
        agency=desk["agencies"]["polres"], note="Ada ancaman", now=later,
    )  # fmt: skip
    assert referred.status == Status.REFERRED
    assert referred.agency == desk["agencies"]["polres"]
    assert referred.escalation_round == 2
    assert referred.ack_due_at == later + timedelta(hours=1)
    assert {a.name for a in referred.involved_agencies.all()} == {"Bawaslu 17.01", "Polres 17.01"}
    keys = set(Delivery.objects.values_list("person__email", "key"))
    assert keys == {
        ("bawaslu1@uji.test", f"i{incident.pk}.r1.l0"),
        ("polres1@uji.test", f"i{incident.pk}.r2.l0"),
    }
    # The agency referred to acknowledges; the one that referred it no longer can.
    with pytest.raises(PermissionDenied):
        incident_acknowledge(actor=desk["people"]["bawaslu_liaison"], incident=referred)
    assert incident_acknowledge(actor=desk["people"]["polres_liaison"], incident=referred).status
    with pytest.raises(ValidationError):
        incident_refer(actor=None, incident=referred, agency=desk["agencies"]["polres_other"])


def test_merge_as_duplicate_and_the_main_page_lists_it(desk, report):
    main, copy = report(), report(title="Laporan yang sama")
    with pytest.raises(PermissionDenied):
        incident_merge(actor=desk["people"]["bawaslu_liaison"], incident=copy, into=main)
    merged = incident_merge(actor=desk["people"]["regency_staff"], incident=copy, into=main)
    assert merged.status == Status.DUPLICATE
    assert merged.next_escalation_at is None
    assert list(main.duplicates.all()) == [merged]
    assert main.history.filter(kind=EventKind.DUPLICATE_ADDED).count() == 1
    with pytest.raises(ValidationError):
        incident_merge(actor=None, incident=main, into=merged)
    with pytest.raises(ValidationError):
        incident_merge(actor=None, incident=main, into=main)


def test_comments_by_the_agencies_involved_and_the_regions_staff(desk, report):
    incident = report(actor=desk["people"]["bawaslu_liaison"])
    for who in ("polres_liaison", "bawaslu_liaison", "regency_staff"):
        incident_comment_add(actor=desk["people"][who], incident=incident, body="Sedang dicek")
    for who in ("polda_liaison", "polres_other_liaison", "other_regency_staff", "nobody"):
        with pytest.raises(PermissionDenied):
            incident_comment_add(actor=desk["people"][who], incident=incident, body="x")
    assert incident.comments.count() == 3


def test_history_is_append_only(desk, report):
    entry = IncidentHistory.objects.get(incident=report())
    entry.note = "diubah"
    with pytest.raises(ValueError):
        entry.save()


def test_counters_equal_a_recount(desk, report):
    incidents = [report(severity=s) for s in (1, 2, 3, 4)]
    incident_status_change(actor=None, incident=incidents[0], status=Status.UNVERIFIED)
    incident_acknowledge(actor=None, incident=incidents[1])
    incident_merge(actor=None, incident=incidents[2], into=incidents[3])
    before, open_before = _counts(), _open_counts()
    # Open: the acknowledged one and the one the duplicate was merged into, in the province's
    # row and in the regency's.
    assert sum(open_before.values()) == 4
    counters_rebuild()
    assert _counts() == before
    assert _open_counts() == open_before
