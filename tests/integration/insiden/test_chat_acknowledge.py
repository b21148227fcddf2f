""" "Terima" from a Telegram escalation message (against the Bot API stand-in): the responsible
liaison acknowledges with one press, the escalation stops, the message says who and when; a
second press writes nothing; those told at a later step who may not acknowledge get no button."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coordination.models import Delivery
from coordination.notifications import sending
from insiden.enums import EventKind, Severity, Status
from insiden.models import Incident
from insiden.notifications.escalation import KIND, escalations_run
from pilkada.common.localtime import datetime_text
from tests.integration.messaging.conftest import bot_api, link, telegram_on  # noqa: F401
from tests.integration.messaging.test_actions import _press

pytestmark = pytest.mark.django_db


def _sent(person, *, step: str) -> tuple[Delivery, str]:
    delivery = Delivery.objects.get(
        person=person, kind=KIND, channel="telegram", key__endswith=f".{step}"
    )
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "sent"
    return delivery, person.chat_links.get().chat_id


def test_the_liaison_acknowledges_from_the_message_once(client, telegram_on, desk, report):  # noqa: F811
    liaison = desk["people"]["polres_liaison"]
    liaison.full_name = "Bripka Andi Saputra"
    liaison.save(update_fields=["full_name"])
    link(liaison)
    now = timezone.now()
    incident = report(severity=Severity.CRITICAL, occurred_at=now, now=now)
    delivery, chat = _sent(liaison, step="l0")
    (sent,) = telegram_on.to(chat)
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "Terima", "callback_data": f"{delivery.pk}:ack"}]]
    }

    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:ack")

    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.acknowledged_by == liaison
    # Acknowledged and critical: the escalation gives way to the hourly reminder.
    assert incident.escalation_level == 0
    assert incident.next_escalation_at > incident.acknowledged_at
    when = datetime_text(incident.acknowledged_at, incident.region)
    line = f"Diterima oleh Bripka Andi Saputra, {when}"
    (edit,) = telegram_on.edits
    assert edit["text"].endswith(f"\n\n✅ {line}")
    assert "reply_markup" not in edit

    # Pressed again: nothing written, the same answer.
    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:ack")
    assert incident.history.filter(kind=EventKind.ACKNOWLEDGED).count() == 1
    assert [a["text"] for a in telegram_on.answers] == [line, line]


def test_staff_told_past_the_deadline_get_no_button(telegram_on, desk, report):  # noqa: F811
    staff = desk["people"]["regency_staff"]
    link(staff)
    reported = timezone.now() - timedelta(minutes=20)
    incident = report(severity=Severity.CRITICAL, occurred_at=reported, now=reported)
    escalations_run(now=timezone.now())
    assert Incident.objects.get(pk=incident.pk).escalation_level == 1
    _delivery, chat = _sent(staff, step="l1")
    (sent,) = telegram_on.to(chat)
    assert not sent.reply_markup
