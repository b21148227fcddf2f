"""Incident webhooks, to the receiver on loopback that verifies each signature with the
`standardwebhooks` package: `incident.assigned` reaches the agency an incident was routed or
referred to, `incident.escalated` the agencies an escalation step concerns, and nobody else."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from api.enums import EventType
from api.models import WebhookEvent, WebhookMessage
from api.services.webhooks import subscription_create
from coordination.models import Region
from insiden.enums import Severity
from insiden.models import Incident
from insiden.notifications.escalation import escalations_run
from insiden.services.incidents import incident_create, incident_refer
from tests.integration.api.conftest import key_client, make_key

EVENTS = [EventType.INCIDENT_ASSIGNED, EventType.INCIDENT_ESCALATED]


@pytest.fixture
def subscriptions(api_world, receiver):
    """The Bawaslu and the KPU of 17.01, and the Polres of 17.02, each hear both events."""
    w = api_world
    polres_key = make_key(w.polres_other, name="Polres")
    return {
        name: subscription_create(
            actor=None, api_key=key.key, url=f"{receiver.url}?{name}", events=EVENTS
        )
        for name, key in (("bawaslu", w.liaison_key), ("kpu", w.kpu_key), ("polres", polres_key))
    }


def received(receiver) -> list[tuple[str, str, int, dict]]:
    """(subscription's agency name, type, incident id, data) of every request, each signature
    verified with the secret of the subscription its webhook-id names."""
    messages = {
        m.webhook_id: m for m in WebhookMessage.objects.select_related("subscription__agency")
    }
    out = []
    for request in receiver.requests:
        message = messages[request.headers["webhook-id"]]
        body = Webhook(message.subscription.secret).verify(request.body, request.headers)
        assert body == json.loads(request.body)
        out.append((message.subscription.agency.name, body["type"], body["data"]["id"], body))
    return out


def test_assigned_reaches_the_routed_agency_then_the_one_referred_to(
    api_world, receiver, subscriptions, django_capture_on_commit_callbacks
):
    w = api_world
    body = {
        "title": "Amplop di TPS 5",
        "category": "politik_uang",
        "severity": Severity.HIGH,
        "region": "17.01.01.2001",
        "occurred_at": "2026-11-27T08:30:00+07:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = key_client(w.kpu_key.token).post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    ((agency, kind, pk, first),) = received(receiver)
    assert (agency, kind, pk) == (w.bawaslu.name, "incident.assigned", incident.pk)
    assert (first["data"]["agency"], first["data"]["status"]) == (w.bawaslu.pk, "dilaporkan")

    with django_capture_on_commit_callbacks(execute=True):
        incident_refer(actor=w.staff, incident=incident, agency=w.kpu, note="Logistik")
    assert [row[:3] for row in received(receiver)] == [
        (w.bawaslu.name, "incident.assigned", incident.pk),
        (w.kpu.name, "incident.assigned", incident.pk),
    ]
    referred = received(receiver)[1][3]["data"]
    assert (referred["agency"], referred["status"]) == (w.kpu.pk, "dirujuk")
    assert WebhookMessage.objects.count() == 2


def test_escalated_reaches_the_agencies_each_step_concerns(
    api_world, receiver, subscriptions, django_capture_on_commit_callbacks
):
    w = api_world
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_create(
            actor=None,
            title="Amplop di TPS 7",
            category="politik_uang",
            severity=Severity.HIGH,  # an hour to acknowledge
            occurred_at=now,
            region=Region.objects.get(code="17.01.01.2001"),
            now=now,
        )
    assert [row[:2] for row in received(receiver)] == [(w.bawaslu.name, "incident.assigned")]

    # Past the deadline (l1): the responsible Bawaslu and the regency's KPU; not the Polres.
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=now + dt.timedelta(minutes=61)) == {"l1": 1}
    escalated = [row for row in received(receiver) if row[1] == "incident.escalated"]
    assert sorted(row[0] for row in escalated) == sorted([w.bawaslu.name, w.kpu.name])
    assert {row[3]["data"]["escalation_level"] for row in escalated} == {1}

    # Past twice the deadline (l2): the province's KPU (none in this world) and the Bawaslu.
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=now + dt.timedelta(minutes=121)) == {"l2": 1}
    escalated = [row for row in received(receiver) if row[1] == "incident.escalated"]
    assert [row[0] for row in escalated[2:]] == [w.bawaslu.name]
    assert escalated[2][3]["data"]["escalation_level"] == 2 and escalated[2][2] == incident.pk
    # One message per (event, subscription): a second fan-out of every event adds nothing.
    from api.services.webhooks import event_fan_out

    before = WebhookMessage.objects.count()
    for event in WebhookEvent.objects.all():
        event_fan_out(event_id=event.pk)
    assert WebhookMessage.objects.count() == before == 4


def test_an_agency_that_may_not_read_the_incident_hears_nothing(
    api_world, receiver, subscriptions, django_capture_on_commit_callbacks
):
    """A rahasia incident escalated at l1 concerns the province's agency of the responsible kind,
    but only those who may read it on the desk hear of it."""
    w = api_world
    from tests import factories

    polda = factories.AgencyFactory(name="Polda 17", kind="polri", region=w.regency.parent)
    subscription_create(
        actor=None, api_key=make_key(polda, name="Polda").key, url=receiver.url, events=EVENTS
    )
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        incident_create(
            actor=None, title="RAHASIA", category="keamanan", severity=Severity.HIGH,
            occurred_at=now, region=Region.objects.get(code="17.02.01.2001"),
            visibility="rahasia", now=now,
        )  # fmt: skip
        incident_create(
            actor=None, title="Terbatas", category="keamanan", severity=Severity.HIGH,
            occurred_at=now, region=Region.objects.get(code="17.02.01.2001"), now=now,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=now + dt.timedelta(minutes=61)) == {"l1": 2}
    heard = sorted((row[0], row[1], row[3]["data"]["title"]) for row in received(receiver))
    assert heard == sorted(
        [
            (w.polres_other.name, "incident.assigned", "RAHASIA"),
            (w.polres_other.name, "incident.assigned", "Terbatas"),
            (w.polres_other.name, "incident.escalated", "RAHASIA"),
            (w.polres_other.name, "incident.escalated", "Terbatas"),
            ("Polda 17", "incident.escalated", "Terbatas"),
        ]
    )
