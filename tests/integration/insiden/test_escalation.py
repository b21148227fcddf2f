"""Escalation until acknowledged, with a frozen clock (every step's time passed as `now`), and
with a real worker and SMTP server: exactly once per incident, step and recipient."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail

from coordination.models import Delivery
from insiden.enums import EventKind, Severity, Status
from insiden.models import Incident
from insiden.notifications.escalation import escalations_run
from insiden.services.incidents import incident_acknowledge, incident_status_change
from tests.integration.deploy.test_many_processes import wait_until
from tests.integration.insiden.conftest import T0

pytestmark = pytest.mark.django_db


def _sent(incident) -> dict[str, set[str]]:
    rows = Delivery.objects.filter(key__startswith=f"i{incident.pk}.")
    result: dict[str, set[str]] = {}
    for email, key in rows.values_list("person__email", "key"):
        result.setdefault(key.rsplit(".", 1)[1], set()).add(email)
    return result


def test_a_critical_incident_escalates_at_the_deadline_and_twice_the_deadline(desk, report):
    incident = report(severity=Severity.CRITICAL)
    assert escalations_run(now=T0 + timedelta(minutes=14)) == {}
    assert escalations_run(now=T0 + timedelta(minutes=15)) == {"l1": 1}
    # Past the deadline: the regency's KPU staff and the Polda (the Polres's kind, one up).
    assert _sent(incident) == {
        "l0": {"polres1@uji.test"},
        "l1": {"kpu.kab1@uji.test", "polda@uji.test"},
    }
    assert escalations_run(now=T0 + timedelta(minutes=29)) == {}
    assert escalations_run(now=T0 + timedelta(minutes=30)) == {"l2": 1}
    assert _sent(incident)["l2"] == {"kpu.prov@uji.test"}
    assert escalations_run(now=T0 + timedelta(hours=5)) == {}
    incident.refresh_from_db()
    assert (incident.escalation_level, incident.next_escalation_at) == (2, None)
    assert list(
        incident.history.filter(kind=EventKind.ESCALATED).values_list("detail", flat=True)
    ) == ["l1", "l2"]


def test_acknowledging_stops_the_escalation(desk, report):
    incident = report(severity=Severity.HIGH)
    incident_acknowledge(
        actor=desk["people"]["polres_liaison"], incident=incident, now=T0 + timedelta(minutes=59)
    )
    assert escalations_run(now=T0 + timedelta(hours=3)) == {}
    assert set(_sent(incident)) == {"l0"}


def test_acknowledged_critical_is_reminded_hourly_until_resolved(desk, report):
    incident = report(severity=Severity.CRITICAL)
    incident = incident_acknowledge(
        actor=desk["people"]["polres_liaison"], incident=incident, now=T0 + timedelta(minutes=5)
    )
    assert escalations_run(now=T0 + timedelta(minutes=64)) == {}
    assert escalations_run(now=T0 + timedelta(minutes=65)) == {"h": 1}
    assert escalations_run(now=T0 + timedelta(minutes=125)) == {"h": 1}
    assert _sent(incident)["h1"] == {"polres1@uji.test"}
    assert _sent(incident)["h2"] == {"polres1@uji.test"}
    incident_status_change(actor=None, incident=incident, status=Status.RESOLVED)
    assert escalations_run(now=T0 + timedelta(hours=10)) == {}


def test_a_low_incident_waits_a_day(desk, report):
    report(severity=Severity.LOW)
    assert escalations_run(now=T0 + timedelta(hours=23, minutes=59)) == {}
    assert escalations_run(now=T0 + timedelta(hours=24)) == {"l1": 1}


def test_running_twice_sends_nothing_twice(desk, report):
    incidents = [report(severity=Severity.CRITICAL) for _ in range(3)]
    moment = T0 + timedelta(minutes=40)
    # Both steps are due: the first run records level 1, the next level 2, then nothing.
    assert escalations_run(now=moment) == {"l1": 3}
    assert escalations_run(now=moment) == {"l2": 3}
    assert escalations_run(now=moment) == {}
    rows = Counter(Delivery.objects.values_list("person_id", "key"))
    assert set(rows.values()) == {1}
    assert len(rows) == 3 * (1 + 2 + 1)
    assert all(i.history.filter(kind=EventKind.ESCALATED).count() == 2 for i in incidents)


def test_a_queued_escalation_is_not_sent_once_acknowledged(
    desk, report, django_capture_on_commit_callbacks
):
    incident = report(severity=Severity.CRITICAL)
    escalations_run(now=T0 + timedelta(minutes=15))
    incident_acknowledge(actor=desk["people"]["polres_liaison"], incident=incident)
    with django_capture_on_commit_callbacks(execute=True):
        from coordination.notifications.sending import deliveries_enqueue

        deliveries_enqueue(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"skipped"}
    assert mail.outbox == []


def test_the_mail_says_what_and_links_to_acknowledge(
    desk, report, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pilkada.example"
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(severity=Severity.CRITICAL, title="TPS 3 diserbu massa")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["polres1@uji.test"]
    assert "TPS 3 diserbu massa" in message.subject
    assert f"https://pilkada.example/insiden/{incident.pk}/terima/" in message.body


@pytest.mark.django_db(transaction=True)
def test_with_a_real_worker_and_smtp_each_recipient_gets_each_step_once(
    desk, report, smtp_server, celery_worker_process
):
    incidents = [report(severity=Severity.CRITICAL, title=f"Insiden {n}") for n in range(5)]
    # l0 to the Polres liaison for each, as the reports were committed.
    wait_until(lambda: smtp_server.count() >= 5, 60, celery_worker_process.tail)
    escalations_run(now=T0 + timedelta(minutes=15))
    escalations_run(now=T0 + timedelta(minutes=15))  # a second beat finds nothing new
    expected = 5 + 5 * 2
    wait_until(lambda: smtp_server.count() >= expected, 60, celery_worker_process.tail)
    time.sleep(1)
    received = Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)
    assert received == Counter({"polres1@uji.test": 5, "kpu.kab1@uji.test": 5, "polda@uji.test": 5})
    assert Incident.objects.filter(escalation_level=1).count() == len(incidents)
