"""/healthz/mail: what a monitoring system reads about the outbox, and when it alarms."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery
from coordination.notifications.breaker import Breaker
from tests import factories


def _row(status, *, age=timedelta(0), updated=timedelta(0), key="k"):
    person = factories.PersonFactory()
    row = Delivery.objects.create(
        person=person,
        kind=DeliveryKind.DIGEST_DAILY,
        key=key,
        email=person.email,
        status=status,
        next_attempt_at=timezone.now(),
    )
    Delivery.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - age, updated_at=timezone.now() - updated
    )
    return row


@pytest.fixture
def email_breaker():
    breaker = Breaker("email")
    breaker.reset()
    yield breaker
    breaker.reset()


def test_mail_health_is_ok_and_counts_when_all_flows(client, db, email_breaker):
    _row(DeliveryStatus.QUEUED, age=timedelta(seconds=30))
    _row(DeliveryStatus.SENT)
    _row(DeliveryStatus.FAILED, updated=timedelta(hours=2))  # too long ago to count
    response = client.get(reverse("healthz_mail"))
    assert response.status_code == 200
    body = response.json()
    assert body["oldest_pending_seconds"] in (30, 31)
    body.pop("oldest_pending_seconds")
    assert body == {
        "status": "ok",
        "queued": 1,
        "waiting": 0,
        "sending": 0,
        "failed_last_hour": 0,
        "breakers_open": [],
        "alarms": [],
    }
    assert "no-cache" in response["Cache-Control"]


def test_mail_health_alarms_on_an_open_breaker_old_mail_and_failures(
    client, db, email_breaker, settings
):
    settings.PILKADA_MAIL_ALARM_AGE_SECONDS = 900
    settings.PILKADA_MAIL_ALARM_FAILURES = 2
    _row(DeliveryStatus.WAITING, age=timedelta(minutes=20))
    _row(DeliveryStatus.FAILED, updated=timedelta(minutes=10))
    _row(DeliveryStatus.FAILED, updated=timedelta(minutes=50))
    for _ in range(settings.PILKADA_BREAKER_FAILURES):
        email_breaker.failed()
    response = client.get(reverse("healthz_mail"))
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["waiting"], body["failed_last_hour"]) == ("alarm", 1, 2)
    assert body["breakers_open"] == ["email"]
    assert [alarm.split(":")[0].split(" ")[0] for alarm in body["alarms"]] == [
        "breaker",
        "oldest",
        "2",
    ]


@pytest.mark.parametrize("rows", [1, 30])
def test_mail_health_queries_do_not_grow_with_the_queue(
    client, db, email_breaker, django_assert_num_queries, rows
):
    for n in range(rows):
        _row(DeliveryStatus.QUEUED, key=f"k{n}")
    with django_assert_num_queries(2):  # the counts, and the channels of waiting rows
        assert client.get(reverse("healthz_mail")).status_code == 200
