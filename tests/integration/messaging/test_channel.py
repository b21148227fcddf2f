"""The Telegram channel in the outbox, against the Bot API stand-in: the short message (the
person's language, the time in the region's zone, the link), Telegram's answers turned into the
outbox's (429 retry_after, 403 blocked: link off and email instead, 400 for good), a Bot API
that cannot be reached counting towards the breaker, and the bot token kept out of errors and
logs."""

import logging
from datetime import timedelta

from django.core import mail
from django.utils import timezone, translation

from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery
from coordination.notifications import outbox, registry, sending
from coordination.notifications.breaker import Breaker
from coordination.notifications.reminders import reminder_key
from messaging.services import preferences_set
from pilkada.common.localtime import datetime_text, span_text
from tests import factories
from tests.integration.messaging.conftest import link
from tests.telegram_standin import TOKEN


def _telegram_only(person):
    preferences_set(
        actor=person,
        choices={topic: ["telegram"] for topic in registry.TOPICS},
    )


def _invite(meeting, person, key="s0") -> Delivery:
    outbox.deliveries_create(
        meeting=meeting, people=[person], kind=DeliveryKind.INVITATION, key=key
    )
    return Delivery.objects.get(person=person, channel="telegram", key=key)


def test_an_invitation_is_a_short_message_in_the_persons_language(
    telegram_on, settings, bengkulu, meeting
):
    person = factories.kpu_staff(bengkulu, language="en")
    chat = link(person).chat_id
    _telegram_only(person)
    meeting.location = "Aula KPU <Bengkulu>"
    meeting.save()
    delivery = _invite(meeting, person)
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "sent"

    (sent,) = telegram_on.to(chat)
    with translation.override("en"):
        when = span_text(meeting.starts_at, meeting.ends_at, meeting.region)
        start = datetime_text(meeting.starts_at, meeting.region)
        subject = f"Meeting invitation: Rakor Logistik, {start}"
    assert "WIB" in when
    assert sent.text == (
        "<b>Meeting invitation: Rakor Logistik</b>\n"
        f"{when}\n"
        "Aula KPU &lt;Bengkulu&gt;\n"
        f"{settings.SITE_URL}/koordinasi/rapat/{meeting.pk}/"
    )
    assert sent.reply_markup is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.subject, delivery.message_id) == (
        "sent",
        subject,
        f"{chat}:1",
    )
    assert mail.outbox == []


def test_429_is_retried_after_the_wait_telegram_asked_for(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu)
    chat = link(person).chat_id
    _telegram_only(person)
    telegram_on.throttle(chat, 1, retry_after=17)
    delivery = _invite(meeting, person)
    result = sending.delivery_send(delivery_id=delivery.pk)
    assert (result.outcome, result.retry_in) == ("retry", 17)
    delivery.refresh_from_db()
    assert delivery.status == "queued"
    assert delivery.last_error == "sendMessage: 429 Too Many Requests: retry after 17"
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "sent"
    assert len(telegram_on.to(chat)) == 1


def test_a_blocked_bot_unlinks_and_the_message_goes_by_email(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu, email="diblokir@uji.test")
    account = link(person)
    _telegram_only(person)
    telegram_on.blocked.add(account.chat_id)
    delivery = _invite(meeting, person)
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "failed"

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == (
        "sendMessage: 403 Forbidden: bot was blocked by the user; by email instead"
    )
    account.refresh_from_db()
    assert (account.is_active, account.unlink_reason) == (False, "blocked")
    email_row = Delivery.objects.get(person=person, channel="email")
    assert (email_row.kind, email_row.key, email_row.meeting_id) == ("invitation", "s0", meeting.pk)
    assert sending.delivery_send(delivery_id=email_row.pk).outcome == "sent"
    assert [m.to for m in mail.outbox] == [["diblokir@uji.test"]]
    # From now on the person's messages go by email.
    outbox.deliveries_create(meeting=meeting, people=[person], kind=DeliveryKind.UPDATE, key="s1")
    assert Delivery.objects.get(kind="update").channel == "email"


def test_400_fails_for_good_and_falls_back_to_email(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu)
    account = link(person)
    preferences_set(actor=person, choices={registry.MEETINGS: ["email", "telegram"]})
    telegram_on.missing.add(account.chat_id)
    delivery = _invite(meeting, person)
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "failed"
    delivery.refresh_from_db()
    # The person already gets it by email: no second email row.
    assert delivery.last_error == "sendMessage: 400 Bad Request: chat not found; by email instead"
    assert Delivery.objects.filter(person=person, channel="email").count() == 1
    account.refresh_from_db()
    assert account.is_active


def test_an_unreachable_bot_api_counts_towards_the_breaker(
    telegram_on, settings, bengkulu, meeting
):
    settings.PILKADA_BREAKER_FAILURES = 2
    people = [factories.kpu_staff(bengkulu) for _ in range(3)]
    for person in people:
        link(person)
        _telegram_only(person)
    telegram_on.down()
    rows = [_invite(meeting, person) for person in people]
    outcomes = [sending.delivery_send(delivery_id=row.pk).outcome for row in rows]
    assert outcomes == ["retry", "waiting", "waiting"]
    assert Breaker("telegram").state().open
    row = Delivery.objects.get(pk=rows[0].pk)
    assert row.last_error.startswith("sendMessage: ConnectError")
    assert TOKEN not in row.last_error


def test_unlinked_after_the_row_was_made_goes_by_email(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu)
    link(person)
    _telegram_only(person)
    delivery = _invite(meeting, person)
    person.chat_links.update(is_active=False)
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "failed"
    assert Delivery.objects.get(person=person, channel="email").status == "queued"
    assert telegram_on.calls == []


def test_the_token_stays_out_of_the_logs(telegram_on, bengkulu, meeting, caplog):
    caplog.set_level(logging.DEBUG)
    person = factories.kpu_staff(bengkulu)
    link(person)
    _telegram_only(person)
    sending.delivery_send(delivery_id=_invite(meeting, person).pk)
    assert telegram_on.count() == 1
    assert TOKEN not in caplog.text


def test_a_reminder_and_a_digest_as_chat_messages(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu)
    chat = link(person).chat_id
    _telegram_only(person)
    key = reminder_key(60, meeting.starts_at)
    outbox.deliveries_create(meeting=meeting, people=[person], kind=DeliveryKind.REMINDER, key=key)
    row = Delivery.objects.get(kind="reminder")
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    text = telegram_on.to(chat)[0].text
    assert text.startswith("<b>Pengingat rapat: Rakor Logistik</b>\nDimulai 1 jam lagi.\n")

    agency = factories.AgencyFactory(region=bengkulu, name="Bawaslu Provinsi")
    liaison = factories.liaison(agency)
    liaison_chat = link(liaison).chat_id
    _telegram_only(liaison)
    factories.ReadinessTaskFactory(
        agency=agency, region=bengkulu, due_on=timezone.localdate() - timedelta(days=1)
    )
    outbox.deliveries_create(
        people=[liaison], kind=DeliveryKind.DIGEST_DAILY, key=timezone.localdate().isoformat()
    )
    row = Delivery.objects.get(kind="digest_daily")
    assert row.channel == "telegram"
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    assert telegram_on.to(liaison_chat)[0].text.startswith(
        "<b>Ringkasan harian tugas kesiapan</b>\nBawaslu Provinsi: 1 lewat tenggat, 0 mendekati"
    )
