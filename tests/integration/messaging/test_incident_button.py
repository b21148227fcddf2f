"""The incident desk's "Terima" under an escalation's Telegram message: the responsible agency's
liaison acknowledges with one tap (the escalation stops), a second tap changes nothing, and the
people told only because the deadline passed get the message without the button."""

from django.utils import timezone

from coordination.models import Delivery
from coordination.notifications import sending
from insiden.enums import Status
from insiden.notifications.escalation import LATE, notify
from tests.integration.messaging.conftest import link
from tests.integration.messaging.test_actions import _press


def _sent_to(person) -> Delivery:
    row = Delivery.objects.filter(person=person, channel="telegram").latest("pk")
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    return row


def test_the_responsible_liaison_acknowledges_with_one_tap(client, telegram_on, desk, report):
    liaison = desk["people"]["polres_liaison"]
    chat = link(liaison).chat_id
    incident = report(now=timezone.now(), occurred_at=timezone.now())
    assert incident.agency == desk["agencies"]["polres"]
    # Escalations go to mail and to the linked chat by default (an urgent topic).
    assert set(Delivery.objects.filter(person=liaison).values_list("channel", flat=True)) == {
        "email",
        "telegram",
    }
    row = _sent_to(liaison)
    (sent,) = telegram_on.to(chat)
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "Terima", "callback_data": f"{row.pk}:terima"}]]
    }

    _press(client, presser_chat=chat, message_chat=chat, data=f"{row.pk}:terima")
    incident.refresh_from_db()
    assert (incident.status, incident.acknowledged_by) == (Status.ACKNOWLEDGED, liaison)
    assert incident.next_escalation_at is None  # a high, not critical, incident: no reminders
    (answer,) = telegram_on.answers
    assert answer["text"].startswith(f"Diterima oleh {liaison.full_name}, ")
    (edit,) = telegram_on.edits
    assert "reply_markup" not in edit

    _press(client, presser_chat=chat, message_chat=chat, data=f"{row.pk}:terima")
    assert incident.history.filter(kind="acknowledged").count() == 1
    assert [a["text"] for a in telegram_on.answers] == [answer["text"]] * 2


def test_those_told_of_the_deadline_get_no_button_and_cannot_acknowledge(
    client, telegram_on, desk, report
):
    staff = desk["people"]["regency_staff"]
    chat = link(staff).chat_id
    incident = report(now=timezone.now(), occurred_at=timezone.now())
    notify([incident], LATE)
    row = _sent_to(staff)
    assert telegram_on.to(chat)[0].reply_markup is None
    _press(client, presser_chat=chat, message_chat=chat, data=f"{row.pk}:terima")
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED
    assert telegram_on.answers[-1]["show_alert"] is True
