"""Exactly once per channel across a killed worker: people who chose email and Telegram get one
mail and one Telegram message each, although the worker's main process is killed while its pool
is waiting on the Bot API (stand-in) mid-batch. A real `celery worker`, Redis, PostgreSQL, the
SMTP server and the Bot API stand-in on loopback."""

import time
from collections import Counter

import pytest
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications import recovery, registry
from messaging.enums import TELEGRAM
from messaging.models import ChannelPreference, ChatLink
from tests.integration.coordination.notifications.test_pipeline import (
    _meeting_with,
    _people,
    wait_until,
)
from tests.integration.messaging.conftest import SECRET
from tests.telegram_standin import TOKEN, USERNAME


@pytest.fixture
def telegram_worker_env(monkeypatch, telegram_on):
    """The worker started after this fixture talks to the same stand-in."""
    monkeypatch.setenv("PILKADA_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("PILKADA_TELEGRAM_BOT_USERNAME", USERNAME)
    monkeypatch.setenv("PILKADA_TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("PILKADA_TELEGRAM_API_URL", telegram_on.url)
    return telegram_on


def _statuses(meeting) -> Counter:
    rows = Delivery.objects.filter(meeting=meeting).values_list("channel", "status")
    return Counter(rows)


def test_worker_killed_mid_batch_each_channel_delivers_once(
    bengkulu, telegram_worker_env, smtp_server, celery_worker_process, settings
):
    bot_api = telegram_worker_env
    settings.PILKADA_DELIVERY_STALE_SECONDS = 20
    settings.PILKADA_DELIVERY_REQUEUE_SECONDS = 5
    people = _people(40, "dua-saluran")
    now = timezone.now()
    ChatLink.objects.bulk_create(
        [
            ChatLink(person=p, channel=TELEGRAM, chat_id=str(800_000 + n), linked_at=now)
            for n, p in enumerate(people)
        ]
    )
    ChannelPreference.objects.bulk_create(
        [
            ChannelPreference(person=p, topic=registry.MEETINGS, channels=["email", "telegram"])
            for p in people
        ]
    )
    meeting = _meeting_with(people, bengkulu)

    # Both pool processes end up waiting for the Bot API's answer to a sendMessage that the
    # stand-in has not taken yet (outside the window for a duplicate); then the main process dies.
    bot_api.hold_after = 12
    meeting_notifications.meeting_created(meeting=meeting)
    wait_until(
        lambda: bot_api.held >= 2, 60,
        lambda: f"senders not held: {bot_api.count()} in\n{celery_worker_process.tail()}",
    )  # fmt: skip
    celery_worker_process.kill_main()
    # Released once the pool has gone with its main process: a held request whose sender died
    # is dropped by the stand-in (Telegram never had it); one released to a living sender would
    # be the documented window (the far end has it, the row not yet), which this test is not.
    time.sleep(2)
    bot_api.hold_after = None
    at_kill = bot_api.count()
    assert 12 <= at_kill < 40, f"the kill did not land mid-batch ({at_kill} delivered)"

    time.sleep(1)
    celery_worker_process.start()
    last_sweep = [0.0]

    def sweep():
        if time.monotonic() - last_sweep[0] > 2:
            last_sweep[0] = time.monotonic()
            recovery.deliveries_recover()

    wait_until(
        lambda: (
            _statuses(meeting)
            == Counter({("email", DeliveryStatus.SENT): 40, (TELEGRAM, DeliveryStatus.SENT): 40})
        ),
        120,
        lambda: f"not all sent: {_statuses(meeting)}\n{celery_worker_process.tail()}",
        poll=sweep,
    )
    time.sleep(12)  # past the visibility timeout: redelivered tasks must find "sent" and stop
    chats = Counter(message.chat_id for message in bot_api.snapshot())
    assert chats == Counter({str(800_000 + n): 1 for n in range(40)})
    mails = Counter(rcpt for rcpts, _message in smtp_server.snapshot() for rcpt in rcpts)
    assert mails == Counter({p.email: 1 for p in people})
    assert bot_api.refused == []
    print(f"\n{bot_api.dropped} held requests dropped with the killed pool, {at_kill} sent before")
