"""Webhooks end to end, against a real receiver on loopback that verifies each signature with
the `standardwebhooks` package: who hears what (the key's rights), retries on 500 and on a
timeout, the SSRF guard, switching off an endpoint that keeps failing, the staff pages."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from api.enums import EventType, Scope
from api.models import WebhookEvent, WebhookMessage, WebhookSubscription
from api.services.webhooks import subscription_create, subscription_secret_rotate
from coordination.enums import DeliveryStatus, TaskStatus
from coordination.models import Delivery
from coordination.notifications import recovery
from coordination.services.readiness import task_status_update
from tests import factories
from tests.integration.api.conftest import key_client, make_key


@pytest.fixture
def retry_now(django_capture_on_commit_callbacks):
    """What the recovery job does for a row whose retry is due (tasks run in this process, where
    a retry's countdown cannot wait: the failed row waits for recovery instead)."""

    def run():
        # The retry's time has come and its task is gone: what recovery looks for.
        lost = timezone.now() - timedelta(seconds=settings.PILKADA_DELIVERY_REQUEUE_SECONDS + 1)
        Delivery.objects.filter(status=DeliveryStatus.QUEUED).update(next_attempt_at=lost)
        with django_capture_on_commit_callbacks(execute=True):
            recovery.deliveries_recover()

    return run


def subscribe(key, url, events, actor=None):
    return subscription_create(actor=actor, api_key=key, url=url, events=events)


def verified(subscription, received) -> dict:
    return Webhook(subscription.secret).verify(received.body, received.headers)


def test_meeting_created_reaches_the_invited_agency_signed(
    api_world, receiver, django_capture_on_commit_callbacks
):
    w = api_world
    sub = subscribe(w.liaison_key.key, receiver.url, [EventType.MEETING_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.meeting(region=w.regency, organiser=w.kpu, invited=[w.kpu, w.bawaslu],
                                    title="Rakor baru")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        factories.meeting(region=w.other_regency, title="Rakor RAHASIA lain")
    assert receiver.count() == 1
    body = verified(sub, receiver.requests[0])
    assert body["type"] == "meeting.created" and body["data"]["id"] == meeting.pk
    assert body["data"]["title"] == "Rakor baru"
    message = WebhookMessage.objects.get(subscription=sub)
    assert receiver.requests[0].headers["webhook-id"] == message.webhook_id
    assert message.delivery.status == DeliveryStatus.SENT and message.delivery.attempts == 1


def test_task_update_through_the_api_is_heard_by_both_agencies(
    api_world, receiver, django_capture_on_commit_callbacks
):
    w = api_world
    liaison_sub = subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_UPDATED])
    kpu_sub = subscribe(w.kpu_key.key, receiver.url + "?kpu", [EventType.TASK_UPDATED])
    polres_key = make_key(w.polres_other, name="Polres")
    subscribe(polres_key.key, receiver.url + "?polres", [EventType.TASK_UPDATED])
    with django_capture_on_commit_callbacks(execute=True):
        response = key_client(w.liaison_key.token).post(
            f"/api/v1/tasks/{w.task.pk}/status/", {"status": "in_progress"}, format="json"
        )
    assert response.status_code == 200
    assert receiver.count() == 2
    bodies = sorted(
        (r.headers["webhook-id"], json.loads(r.body)["data"]["status"]) for r in receiver.requests
    )
    expected = sorted(
        (m.webhook_id, "in_progress")
        for m in WebhookMessage.objects.filter(subscription__in=[liaison_sub, kpu_sub])
    )
    assert bodies == expected


def test_a_key_without_the_scope_hears_nothing(api_world, receiver):
    key = make_key(api_world.bawaslu, scopes=[Scope.TASKS_READ], name="tugas saja")
    with pytest.raises(Exception) as refused:
        subscribe(key.key, receiver.url, [EventType.MEETING_CREATED])
    assert "events" in refused.value.message_dict


def test_retried_after_a_500_and_after_a_timeout(
    api_world, receiver, retry_now, django_capture_on_commit_callbacks
):
    w = api_world
    sub = subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_UPDATED])
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.IN_PROGRESS)
    first = Delivery.objects.get(webhook_message__subscription=sub)
    assert (first.attempts, first.last_error, receiver.count()) == (1, "HTTP 500", 0)
    retry_now()
    first.refresh_from_db()
    assert (first.status, first.attempts, receiver.count()) == (DeliveryStatus.SENT, 2, 1)

    receiver.delay = 2.0  # past the 1-second timeout
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.DONE)
    receiver.delay = 0
    second = Delivery.objects.filter(webhook_message__subscription=sub).latest("pk")
    assert second.attempts == 1 and "timed out" in second.last_error
    retry_now()
    second.refresh_from_db()
    assert (second.status, second.attempts) == (DeliveryStatus.SENT, 2)
    # The late request of the timed-out attempt arrives too: the receiver tells by webhook-id.
    ids = receiver.ids()
    assert sorted(set(ids)) == sorted(
        m.webhook_id for m in WebhookMessage.objects.filter(subscription=sub)
    )
    assert [json.loads(r.body)["data"]["status"] for r in receiver.requests][-1] == "done"
    assert all(verified(sub, r) for r in receiver.requests)


def test_ssrf_guard_refuses_private_targets(
    api_world, receiver, settings, django_capture_on_commit_callbacks
):
    w = api_world
    sub = subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_UPDATED])
    settings.PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (receiver.url, "https://127.0.0.1/hook", "https://10.0.0.8/x", "https://[::1]/x",
                "https://169.254.169.254/latest"):  # fmt: skip
        with pytest.raises(Exception) as refused:
            subscribe(w.liaison_key.key, url, [EventType.TASK_UPDATED])
        assert "url" in refused.value.message_dict, url
    # A name that resolves to loopback is refused when sending, not only when subscribing.
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        url=receiver.url.replace("http://127.0.0.1", "https://localhost")
    )
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.IN_PROGRESS)
    delivery = Delivery.objects.get(webhook_message__subscription=sub)
    assert delivery.status == DeliveryStatus.FAILED
    assert "non-public address" in delivery.last_error
    assert receiver.count() == 0


def test_an_endpoint_that_keeps_failing_is_switched_off_and_its_owner_told(
    api_world, receiver, settings, mailoutbox, retry_now, django_capture_on_commit_callbacks
):
    w = api_world
    settings.PILKADA_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.PILKADA_WEBHOOK_DISABLE_AFTER_HOURS = 0
    sub = subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_UPDATED], actor=w.staff)
    receiver.statuses = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.IN_PROGRESS)
    retry_now()
    sub.refresh_from_db()
    assert (sub.is_active, sub.consecutive_failures) == (True, 2)
    retry_now()
    sub.refresh_from_db()
    assert (sub.is_active, sub.disabled_reason) == (False, "HTTP 500")
    told = [m for m in mailoutbox if sub.url in m.subject]
    assert [m.to for m in told] == [[w.staff.email]]
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.DONE)
    assert WebhookEvent.objects.count() == 1  # no active subscription: nothing recorded
    retry_now()
    assert Delivery.objects.get(webhook_message__subscription=sub).status == DeliveryStatus.SKIPPED


def test_rotated_secret_signs_with_both_for_a_day(
    api_world, receiver, django_capture_on_commit_callbacks
):
    w = api_world
    sub = subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_UPDATED])
    old = sub.secret
    sub = subscription_secret_rotate(actor=None, subscription=sub)
    with django_capture_on_commit_callbacks(execute=True):
        task_status_update(actor=w.liaison, task=w.task, status=TaskStatus.IN_PROGRESS)
    (received,) = receiver.requests
    assert Webhook(old).verify(received.body, received.headers)
    assert Webhook(sub.secret).verify(received.body, received.headers)
    assert len(received.headers["webhook-signature"].split(" ")) == 2


def test_staff_pages_test_event_and_delivery_log(
    client, api_world, receiver, django_capture_on_commit_callbacks
):
    w = api_world
    client.force_login(w.staff)
    response = client.post(reverse("integrasi:subscription_create"), {
        "api_key": w.liaison_key.key.pk, "url": receiver.url, "events": ["task.updated"],
    })  # fmt: skip
    sub = WebhookSubscription.objects.get()
    assert response.status_code == 302 and sub.created_by == w.staff
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrasi:subscription_test", args=[sub.pk]))
    assert verified(sub, receiver.requests[0])["type"] == "webhook.test"
    page = client.get(reverse("integrasi:subscription_detail", args=[sub.pk]))
    assert page.status_code == 200
    assert WebhookMessage.objects.get().webhook_id.encode() in page.content
    other = subscribe(make_key(w.polres_other, name="P").key, receiver.url, ["task.updated"])
    for name in ("subscription_detail", "subscription_test", "subscription_rotate"):
        url = reverse(f"integrasi:{name}", args=[other.pk])
        assert client.post(url).status_code in (404, 405)
        assert client.get(url).status_code in (404, 405)
    client.force_login(w.liaison)
    assert client.get(reverse("integrasi:subscription_list")).status_code == 403
