"""One-tap actions: a kind offers a button ("Terima"); pressing it runs the kind's action as
the person linked to the presser's account, only for the message's recipient and with their
permission, once; the press is answered and the message edited to say who did it and when."""

import itertools

from django.urls import reverse

from coordination.models import Delivery, Membership
from coordination.notifications import outbox, sending
from messaging import conf
from pilkada.common.localtime import datetime_text
from tests import factories
from tests.integration.messaging import kinds
from tests.integration.messaging.conftest import SECRET, link

_ids = itertools.count(90_000)


def _escalate(meeting, person) -> tuple[Delivery, str]:
    account = link(person)
    outbox.deliveries_create(meeting=meeting, people=[person], kind=kinds.KIND, key="e1")
    delivery = Delivery.objects.get(person=person, channel="telegram")
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "sent"
    return delivery, account.chat_id


def _press(client, *, presser_chat: str, message_chat: str, data: str, message_id: int = 1):
    update = {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cb{next(_ids)}",
            "from": {"id": int(presser_chat), "is_bot": False, "first_name": "X"},
            "message": {"message_id": message_id, "chat": {"id": int(message_chat),
                        "type": "private"}, "text": "..."},
            "chat_instance": "1",
            "data": data,
        },
    }  # fmt: skip
    url = reverse("messaging:telegram_webhook", args=[conf.webhook_path_token()])
    response = client.post(
        url, data=update, content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )  # fmt: skip
    assert response.status_code == 200


def test_the_message_offers_the_button(telegram_on, bengkulu, meeting):
    staff = factories.kpu_staff(bengkulu)
    delivery, chat = _escalate(meeting, staff)
    (sent,) = telegram_on.to(chat)
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "Terima", "callback_data": f"{delivery.pk}:ack"}]]
    }


def test_the_right_person_acknowledges_once_and_the_message_says_so(
    client, telegram_on, bengkulu, meeting
):
    kinds.written.clear()
    staff = factories.kpu_staff(bengkulu, full_name="Sri Wahyuni")
    delivery, chat = _escalate(meeting, staff)
    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:ack")

    assert kinds.written == [(meeting.pk, staff.pk)]
    by, at = kinds.acknowledged(meeting.pk)
    line = f"Diterima oleh Sri Wahyuni, {datetime_text(at, meeting.region)}"
    assert "WIB" in line
    (answer,) = telegram_on.answers
    assert (answer["text"], answer["show_alert"]) == (line, False)
    (edit,) = telegram_on.edits
    assert (str(edit["chat_id"]), edit["message_id"]) == (chat, 1)
    assert edit["text"].endswith(f"\n\n✅ {line}")
    assert edit["text"].startswith("<b>Eskalasi: Rakor Logistik</b>\n")
    assert "reply_markup" not in edit  # the button is gone

    # Pressed twice (a double tap, or the old message): nothing is written again.
    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:ack")
    assert kinds.written == [(meeting.pk, staff.pk)]
    assert [a["text"] for a in telegram_on.answers] == [line, line]


def test_someone_else_who_acknowledged_first_is_named(client, telegram_on, bengkulu, meeting):
    kinds.written.clear()
    first = factories.kpu_staff(bengkulu, full_name="Andi Saputra")
    second = factories.kpu_staff(bengkulu, full_name="Rina Marlina")
    first_delivery, first_chat = _escalate(meeting, first)
    outbox.deliveries_create(meeting=meeting, people=[second], kind=kinds.KIND, key="e1")
    second_account = link(second)
    second_delivery = Delivery.objects.get(person=second, channel="email")
    assert second_delivery  # linked after the rows were made: email only
    _press(
        client, presser_chat=first_chat, message_chat=first_chat, data=f"{first_delivery.pk}:ack"
    )
    outbox.deliveries_create(meeting=meeting, people=[second], kind=kinds.KIND, key="e2")
    row = Delivery.objects.get(person=second, channel="telegram", key="e2")
    sending.delivery_send(delivery_id=row.pk)
    # Already acknowledged: the message to the second person offers no button.
    assert telegram_on.to(second_account.chat_id)[0].reply_markup is None
    _press(client, presser_chat=second_account.chat_id, message_chat=second_account.chat_id,
           data=f"{row.pk}:ack")  # fmt: skip
    assert kinds.written == [(meeting.pk, first.pk)]
    assert telegram_on.answers[-1]["text"].startswith("Diterima oleh Andi Saputra, ")


def test_the_wrong_person_cannot_press_anothers_button(client, telegram_on, bengkulu, meeting):
    kinds.written.clear()
    staff = factories.kpu_staff(bengkulu)
    delivery, chat = _escalate(meeting, staff)
    stranger = factories.kpu_staff(bengkulu)
    stranger_chat = link(stranger).chat_id
    _press(client, presser_chat=stranger_chat, message_chat=chat, data=f"{delivery.pk}:ack")
    unlinked_chat = "31337"
    _press(client, presser_chat=unlinked_chat, message_chat=chat, data=f"{delivery.pk}:ack")
    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:hapus")
    _press(client, presser_chat=chat, message_chat=chat, data="bukan:angka")
    assert kinds.written == []
    assert [(a["text"], a["show_alert"]) for a in telegram_on.answers] == [
        ("Tombol ini untuk penerima pesan ini saja.", True),
        ("Akun Telegram ini tidak terhubung dengan portal.", True),
        ("Tombol ini tidak dikenal.", True),
        ("Tombol ini tidak dikenal.", True),
    ]
    assert telegram_on.edits == []


def test_a_recipient_without_the_permission_is_refused(client, telegram_on, bengkulu, meeting):
    kinds.written.clear()
    staff = factories.kpu_staff(bengkulu)
    delivery, chat = _escalate(meeting, staff)
    Membership.objects.filter(person=staff).update(is_active=False)  # moved to another post
    _press(client, presser_chat=chat, message_chat=chat, data=f"{delivery.pk}:ack")
    assert kinds.written == []
    assert [(a["text"], a["show_alert"]) for a in telegram_on.answers] == [
        ("Anda tidak berwenang melakukan ini.", True)
    ]
    assert telegram_on.edits == []
