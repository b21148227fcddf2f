"""Linking a Telegram account: the deep link and QR code on the settings page, `/start <token>`
through the webhook (once, before it expires), unlinking from the page and by `/stop`; the
webhook's secret path and header; and everything off while the bot is not configured."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.enums import DeliveryKind
from coordination.models import Delivery
from coordination.notifications import outbox
from messaging import conf
from messaging.models import ChatLink, LinkToken
from tests import factories
from tests.integration.messaging.conftest import SECRET, link


def _webhook_url() -> str:
    return reverse("messaging:telegram_webhook", args=[conf.webhook_path_token()])


def _post_update(client, update: dict, *, secret: str = SECRET, url: str | None = None):
    return client.post(
        url or _webhook_url(),
        data=update,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


_update_ids = iter(range(5000, 10**6))


def _start(client, text: str, *, chat_id: int = 424242, username: str = "budi_uji", lang="id"):
    return _post_update(
        client,
        {
            "update_id": next(_update_ids),
            "message": {
                "message_id": 1,
                "from": {"id": chat_id, "is_bot": False, "first_name": "Budi",
                         "username": username, "language_code": lang},
                "chat": {"id": chat_id, "type": "private"},
                "date": 1,
                "text": text,
            },
        },
    )  # fmt: skip


def _deep_link_token(client) -> str:
    response = client.post(reverse("messaging:telegram_link"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("https://t.me/PilkadaStandInBot?start=")
    url = page[start : page.index('"', start)]
    token = urlsplit(url).query.removeprefix("start=")
    assert len(token) == 32
    assert "<svg" in page  # the QR code, drawn on the server
    return token


def test_link_token_flow_links_the_chat_once(client, telegram_on, regency_staff):
    client.force_login(regency_staff)
    page = client.get(reverse("messaging:settings")).content.decode()
    assert "Tautkan akun Telegram" in page
    token = _deep_link_token(client)
    stored = LinkToken.objects.get(person=regency_staff)
    assert stored.token_hash != token and stored.used_at is None

    assert _start(client, f"/start {token}").status_code == 200
    linked = ChatLink.objects.get(person=regency_staff)
    assert (linked.chat_id, linked.account_name, linked.is_active) == ("424242", "@budi_uji", True)
    (reply,) = telegram_on.to(424242)
    assert reply.text.startswith(f"Terhubung sebagai {regency_staff.full_name}.")

    # The same token again (from another account): refused, the link stays as it is.
    _start(client, f"/start {token}", chat_id=515151)
    assert telegram_on.to(515151)[0].text.startswith("Tautan ini tidak berlaku")
    assert list(ChatLink.objects.values_list("chat_id", flat=True)) == ["424242"]

    page = client.get(reverse("messaging:settings")).content.decode()
    assert "Akun Telegram @budi_uji terhubung." in page
    profile = client.get(reverse("coordination:profile")).content.decode()
    assert "Akun Telegram @budi_uji terhubung." in profile


def test_an_expired_or_unknown_token_links_nothing(client, telegram_on, regency_staff):
    client.force_login(regency_staff)
    token = _deep_link_token(client)
    LinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _start(client, f"/start {token}")
    _start(client, "/start bukan-token", chat_id=434343)
    _start(client, "/start", chat_id=454545)
    assert not ChatLink.objects.exists()
    assert [m.text.split(" (")[0] for m in telegram_on.snapshot()] == [
        "Tautan ini tidak berlaku"
    ] * 3


def test_a_new_deep_link_voids_the_previous_one(client, telegram_on, regency_staff):
    client.force_login(regency_staff)
    first = _deep_link_token(client)
    second = _deep_link_token(client)
    _start(client, f"/start {first}")
    assert not ChatLink.objects.exists()
    _start(client, f"/start {second}")
    assert ChatLink.objects.get().person == regency_staff


def test_unlink_from_the_page_and_stop_in_the_chat(client, telegram_on, regency_staff):
    client.force_login(regency_staff)
    link(regency_staff, chat_id="606060")
    response = client.post(reverse("messaging:telegram_unlink"))
    assert response.status_code == 302
    assert ChatLink.objects.get().unlink_reason == "person"
    assert not ChatLink.objects.get().is_active

    token = _deep_link_token(client)
    _start(client, f"/start {token}", chat_id=606060, lang="en")
    assert ChatLink.objects.get().is_active
    _start(client, "/stop", chat_id=606060, lang="en")
    stopped = ChatLink.objects.get()
    assert (stopped.is_active, stopped.unlink_reason) == (False, "stop")
    assert (
        telegram_on.to(606060)[-1].text
        == "This Telegram account is no longer linked to the portal."
    )


def test_linking_is_for_staff_only(client, telegram_on, bengkulu):
    outsider = factories.PersonFactory()
    client.force_login(outsider)
    assert client.get(reverse("messaging:settings")).status_code == 403
    assert client.post(reverse("messaging:telegram_link")).status_code == 403
    assert client.post(reverse("messaging:telegram_unlink")).status_code == 403
    client.logout()
    response = client.get(reverse("messaging:settings"))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_webhook_checks_its_path_and_the_secret_header(client, telegram_on, regency_staff):
    update = {"update_id": 1, "message": {"chat": {"id": 1, "type": "private"}, "text": "/stop"}}
    wrong_path = reverse("messaging:telegram_webhook", args=["bukan-jalur"])
    assert _post_update(client, update, url=wrong_path).status_code == 404
    assert _post_update(client, update, secret="salah").status_code == 403
    response = client.post(_webhook_url(), data=update, content_type="application/json")
    assert response.status_code == 403
    assert client.get(_webhook_url()).status_code == 405
    bad = client.post(
        _webhook_url(), data="{", content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )  # fmt: skip
    assert bad.status_code == 400
    assert telegram_on.calls == []
    assert _post_update(client, update).status_code == 200
    assert telegram_on.calls == ["sendMessage"]
    # Telegram sends an update again when we were slow: handled once.
    assert _post_update(client, update).status_code == 200
    assert telegram_on.calls == ["sendMessage"]


def test_without_the_settings_the_channel_is_off_and_nothing_changes(
    client, settings, bot_api, regency_staff, meeting
):
    settings.PILKADA_TELEGRAM_API_URL = bot_api.url
    settings.PILKADA_TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.PILKADA_TELEGRAM_BOT_TOKEN = ""  # the token missing: off
    link(regency_staff)
    from messaging.services import preferences_set

    client.force_login(regency_staff)
    page = client.get(reverse("messaging:settings")).content.decode()
    assert "Tautkan akun Telegram" not in page
    assert "Semua notifikasi dikirim lewat email." in page
    assert "Telegram" not in client.get(reverse("coordination:profile")).content.decode()
    assert client.post(reverse("messaging:telegram_link")).status_code == 404
    url = reverse("messaging:telegram_webhook", args=["x" * 40])
    assert _post_update(client, {"update_id": 3}, url=url).status_code == 404
    with pytest.raises(Exception, match="tidak sah"):
        preferences_set(actor=regency_staff, choices={"meetings": ["telegram"]})

    ids = outbox.deliveries_create(
        meeting=meeting, people=[regency_staff], kind=DeliveryKind.INVITATION, key="s0"
    )
    assert list(Delivery.objects.filter(pk__in=ids).values_list("channel", flat=True)) == ["email"]
    assert bot_api.calls == []
