"""The outbox with a kind and a channel that coordination does not know: what another app (an
incident escalation, a webhook) plugs in through the registry."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications import outbox, sending
from coordination.notifications.channels import DeliveryError, register_channel
from coordination.notifications.registry import Kind, kind_label, register

KIND = "test.ping"


@dataclass
class RecordingChannel:
    """A channel that keeps what it was given; `refuse` makes it fail like a far end would."""

    name: str = "test-channel"
    sent: list = field(default_factory=list)
    refuse: DeliveryError | None = None

    def send(self, delivery, message, *, accepted) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append(message)
        accepted()


RECORDER = register_channel(RecordingChannel())
register(
    Kind(
        value=KIND,
        label="Ping",
        builders={RECORDER.name: lambda delivery: f"ping {delivery.key}"},
        obsolete=lambda delivery, now: "gone" if delivery.key.endswith("-old") else "",
    )
)


@pytest.fixture
def channel():
    RECORDER.sent.clear()
    RECORDER.refuse = None
    return RECORDER


def _row(key: str, channel: RecordingChannel) -> Delivery:
    return Delivery(kind=KIND, channel=channel.name, key=key, next_attempt_at=timezone.now())


def test_rows_without_a_person_are_recorded_once(db, channel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.rows_create([_row("sub-1:evt-1", channel)])
        again = outbox.rows_create([_row("sub-1:evt-1", channel)])
    assert Delivery.objects.filter(kind=KIND).count() == 1
    assert first == again == [Delivery.objects.get(kind=KIND).pk]
    assert channel.sent == ["ping sub-1:evt-1"]
    assert Delivery.objects.get(kind=KIND).status == DeliveryStatus.SENT


def test_an_obsolete_row_is_skipped_with_its_reason(
    db, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.rows_create([_row("sub-1:evt-old", channel)])
    row = Delivery.objects.get(kind=KIND)
    assert (row.status, row.last_error) == (DeliveryStatus.SKIPPED, "gone")
    assert channel.sent == []


def test_a_permanent_refusal_fails_the_row_at_once(db, channel, django_capture_on_commit_callbacks):
    channel.refuse = DeliveryError("403 Forbidden: bot was blocked by the user", permanent=True)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.rows_create([_row("sub-1:evt-2", channel)])
    row = Delivery.objects.get(kind=KIND)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert row.last_error == "403 Forbidden: bot was blocked by the user"


def test_a_temporary_refusal_waits_as_long_as_the_far_end_asks(db, channel):
    channel.refuse = DeliveryError("429 Too Many Requests", retry_after=7)
    [pk] = outbox.rows_create([_row("sub-1:evt-3", channel)])
    result = sending.delivery_send(delivery_id=pk)
    row = Delivery.objects.get(pk=pk)
    assert (result.outcome, result.retry_in, row.status) == ("retry", 7, DeliveryStatus.QUEUED)


def test_rows_of_two_kinds_at_once_are_refused(db, channel):
    other = Delivery(kind="other", channel=channel.name, key="k", next_attempt_at=timezone.now())
    with pytest.raises(ValueError):
        outbox.rows_create([_row("k", channel), other])


def test_kind_label_of_an_unregistered_kind_is_its_value(channel):
    assert (kind_label(KIND), kind_label("never.registered")) == ("Ping", "never.registered")


# --- a channel with many far ends: one breaker each ------------------------------------------


@dataclass
class WebhookLikeChannel:
    """Posts to a target named in the key ("<host>:<event>"); `down` hosts do not answer."""

    name: str = "test-hooks"
    sent: list = field(default_factory=list)
    down: set = field(default_factory=set)

    def breaker_key(self, delivery) -> str:
        return f"{self.name}:{delivery.key.split(':', 1)[0]}"

    def send(self, delivery, message, *, accepted) -> None:
        host = delivery.key.split(":", 1)[0]
        if host in self.down:
            raise DeliveryError(f"connect to {host}: connection refused", unreachable=True)
        self.sent.append(message)
        accepted()


HOOKS = register_channel(WebhookLikeChannel())
HOOK_KIND = "test.hook"
register(
    Kind(
        value=HOOK_KIND,
        label="Hook",
        builders={HOOKS.name: lambda delivery: f"hook {delivery.key}"},
    )
)


def test_an_unreachable_far_end_pauses_only_its_own_rows(db, settings):
    from coordination.notifications.breaker import Breaker

    settings.PILKADA_BREAKER_FAILURES = 2
    for host in ("a.test", "b.test"):
        Breaker(f"{HOOKS.name}:{host}").reset()
    HOOKS.sent.clear()
    HOOKS.down = {"a.test"}
    rows = [
        Delivery(kind=HOOK_KIND, channel=HOOKS.name, key=key, next_attempt_at=timezone.now())
        for key in ["a.test:1", "a.test:2", "a.test:3", "b.test:1", "b.test:2"]
    ]
    ids = outbox.rows_create(rows)
    outcomes = [sending.delivery_send(delivery_id=pk).outcome for pk in ids]
    # Two failures open a.test's breaker; its third row waits; b.test is not affected.
    assert outcomes == ["retry", "waiting", "waiting", "sent", "sent"]
    assert HOOKS.sent == ["hook b.test:1", "hook b.test:2"]
    assert Breaker(f"{HOOKS.name}:a.test").state().open
    assert not Breaker(f"{HOOKS.name}:b.test").state().open


def test_a_kind_without_useful_until_is_retried_for_the_default_bound(db, channel, settings):
    channel.refuse = DeliveryError("503 try later")
    [pk] = outbox.rows_create([_row("sub-1:evt-4", channel)])
    settings.PILKADA_DELIVERY_USEFUL_SECONDS = 3600
    assert sending.delivery_send(delivery_id=pk).outcome == "retry"
    # A day (here: made two hours ago, one allowed) after it was made, it is no longer worth it.
    Delivery.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert sending.delivery_send(delivery_id=pk).outcome == DeliveryStatus.FAILED
    row = Delivery.objects.get(pk=pk)
    assert row.last_error.startswith("not delivered while useful (past ")
    assert row.last_error.endswith("last error: 503 try later")
