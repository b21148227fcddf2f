"""The mail server goes down for longer than the old retry budget and comes back, with a real
worker process, Redis (broker and the breaker's cache) and an SMTP server on loopback.

The worker retries from one second up to two (PILKADA_DELIVERY_RETRY_BASE/MAX_SECONDS) and its
breaker cools down for a second (tests/integration/conftest.py); the recovery job, which beat
runs every minute, is sent to the worker by the test every second or two."""

import time
from collections import Counter
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery, MeetingInvitee, Person
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications import reminders
from tests import factories
from tests.integration.coordination.notifications.test_pipeline import _people, wait_until
from tests.integration.services import WORKER_PROCESSES

# With the fixed count of five attempts (1 + 2 + 4 + 8 s apart at these settings) every message
# failed for good after 15 seconds of outage.
OLD_RETRY_BUDGET = 15


class Recovery:
    """What beat does every PILKADA_DELIVERY_RECOVERY_SECONDS, on a test-sized clock: the
    recovery task, run by the worker (whose cache holds the breaker)."""

    def __init__(self, every: float = 1.0):
        self.every, self.last, self.sent = every, 0.0, 0

    def __call__(self):
        from pilkada.celery import app

        if time.monotonic() - self.last > self.every:
            self.last = time.monotonic()
            self.sent += 1
            app.send_task("coordination.recover_deliveries")

    def run_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self()
            time.sleep(0.1)


def _statuses(**filters) -> Counter:
    return Counter(Delivery.objects.filter(**filters).values_list("status", flat=True))


def _received(smtp_server) -> Counter:
    return Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)


def _meeting(region, people, starts_in: timedelta):
    start = (timezone.now() + starts_in).replace(microsecond=0)
    meeting = factories.MeetingFactory(
        region=region, starts_at=start, ends_at=start + timedelta(hours=2), reminder_offsets=[60]
    )
    MeetingInvitee.objects.bulk_create(
        [MeetingInvitee(meeting=meeting, person=person) for person in people]
    )
    reminders.meeting_reminders_sync(meeting=meeting, now=start - timedelta(hours=2))
    return meeting


def test_long_outage_every_reminder_of_a_meeting_not_yet_started_arrives_once(
    bengkulu, smtp_server, celery_worker_process
):
    later = [_meeting(bengkulu, _people(10, f"nanti{n}-"), timedelta(days=2)) for n in range(2)]
    soon = _meeting(bengkulu, _people(5, "segera-"), timedelta(seconds=12))
    smtp_server.down()
    started = time.monotonic()
    for meeting in [soon, *later]:  # each at its own due time, the earliest first
        reminders.reminders_dispatch_due(now=meeting.starts_at - timedelta(minutes=60))
    assert Delivery.objects.filter(kind=DeliveryKind.REMINDER).count() == 25

    recovery = Recovery()
    recovery.run_for(OLD_RETRY_BUDGET + 10)  # the server stays down well past the old budget
    assert smtp_server.count() == 0
    assert _statuses(status=DeliveryStatus.SENT) == {}
    # The queue waited behind the breaker instead of spending attempts on a dead server: the
    # failures that opened it, then at most one probe per second of cooldown (the old retries
    # spent five attempts on each of the 25 rows).
    spent = sum(Delivery.objects.values_list("attempts", flat=True))
    assert spent <= 3 + time.monotonic() - started + 2

    smtp_server.up()
    wait_until(
        lambda: _statuses(meeting__in=later) == {DeliveryStatus.SENT: 20}, 60,
        lambda: f"not all sent: {_statuses()}\n{celery_worker_process.tail()}",
        poll=recovery,
    )  # fmt: skip
    recovery.run_for(3)  # anything still moving has time to arrive twice, if it ever would
    received = _received(smtp_server)
    later_people = Person.objects.filter(meeting_invites__meeting__in=later)
    assert received == {person.email: 1 for person in later_people}
    # The meeting that started during the outage got no reminder after its start.
    assert not set(received) & set(
        Person.objects.filter(meeting_invites__meeting=soon).values_list("email", flat=True)
    )
    assert set(_statuses(meeting=soon)) <= {DeliveryStatus.SKIPPED, DeliveryStatus.FAILED}


def test_breaker_one_probe_at_a_time_and_the_queue_resumes_by_itself(
    bengkulu, smtp_server, celery_worker_process
):
    people = _people(30, "pemutus")
    start = timezone.now() + timedelta(days=3)
    meeting = factories.MeetingFactory(
        region=bengkulu, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    MeetingInvitee.objects.bulk_create([MeetingInvitee(meeting=meeting, person=p) for p in people])
    smtp_server.down()
    started = time.monotonic()
    meeting_notifications.meeting_created(meeting=meeting)

    wait_until(
        lambda: _statuses().get(DeliveryStatus.WAITING, 0) == 30, 60,
        lambda: f"the queue did not wait: {_statuses()}\n{celery_worker_process.tail()}",
    )  # fmt: skip
    spent = sum(Delivery.objects.values_list("attempts", flat=True))
    # The three failures that opened the breaker, the send the worker's other process had in
    # flight when it opened (two processes, each with a batch in hand), and at most one probe per
    # second of cooldown while the rest of the 30 went by (on a busy machine that takes a moment).
    assert spent <= 3 + (WORKER_PROCESSES - 1) + time.monotonic() - started

    recovery = Recovery(every=1.5)
    recovery.run_for(9)
    time.sleep(1)  # the last probe ends
    probes = sum(Delivery.objects.values_list("attempts", flat=True)) - spent
    # At most one probe per recovery round, and the other 29 rows spent nothing.
    assert 1 <= probes <= recovery.sent
    assert _statuses() == {DeliveryStatus.WAITING: 30}

    smtp_server.up()
    wait_until(
        lambda: _statuses() == {DeliveryStatus.SENT: 30}, 60,
        lambda: f"did not resume: {_statuses()}\n{celery_worker_process.tail()}",
        poll=recovery,
    )  # fmt: skip
    recovery.run_for(3)
    assert _received(smtp_server) == {p.email: 1 for p in people}


def test_password_reset_with_the_mail_server_down_answers_and_mails_later(
    client, province_staff, smtp_server, celery_worker_process
):
    smtp_server.down()
    response = client.post(reverse("account_reset_password"), {"email": "kpu.prov@uji.test"})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("account_reset_password_done"),
    )
    unknown = client.post(reverse("account_reset_password"), {"email": "siapa@uji.test"})
    assert (unknown.status_code, unknown["Location"]) == (302, response["Location"])

    recovery = Recovery()
    wait_until(
        lambda: _statuses(kind=DeliveryKind.ACCOUNT) == {DeliveryStatus.QUEUED: 1}
        or DeliveryStatus.WAITING in _statuses(kind=DeliveryKind.ACCOUNT), 30,
        lambda: f"no attempt: {_statuses()}\n{celery_worker_process.tail()}",
    )  # fmt: skip
    smtp_server.up()
    wait_until(
        lambda: _statuses(kind=DeliveryKind.ACCOUNT) == {DeliveryStatus.SENT: 1}, 60,
        lambda: f"reset mail not sent: {_statuses()}\n{celery_worker_process.tail()}",
        poll=recovery,
    )  # fmt: skip
    ((rcpts, message),) = smtp_server.snapshot()
    assert rcpts == ["kpu.prov@uji.test"]
    link = next(w for w in message.get_content().split() if "/akun/password/reset/key/" in w)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"password1": "Sandi-Baru-2024!", "password2": "Sandi-Baru-2024!"})
    assert done.status_code == 302
    province_staff.refresh_from_db()
    assert province_staff.check_password("Sandi-Baru-2024!")
