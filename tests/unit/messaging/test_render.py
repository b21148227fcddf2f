"""The Telegram text of a chat message and the in-process token buckets."""

from types import SimpleNamespace

from coordination.notifications.chat import Action, ChatMessage
from coordination.notifications.registry import Kind, register_action
from messaging import ratelimit
from messaging.telegram import keyboard, render


def test_render_escapes_and_puts_the_link_last():
    message = ChatMessage(
        title="Rapat <A&B>", lines=("Senin, 09.00 WIB", ""), url="https://x/?a=1&b=2"
    )
    assert (
        render(message) == "<b>Rapat &lt;A&amp;B&gt;</b>\nSenin, 09.00 WIB\nhttps://x/?a=1&amp;b=2"
    )
    assert render(message, done="Diterima oleh <Sri>").endswith("\n\n✅ Diterima oleh &lt;Sri&gt;")


def test_render_cuts_a_long_text():
    text = render(ChatMessage(title="x", lines=("y" * 5000,)))
    assert len(text) == 3500 and text.endswith("…")


def test_keyboard_offers_the_named_actions_of_the_kind():
    kind = Kind(value="uji_unit", label="uji", builders={})
    register_action("uji_unit", Action(name="ack", label="Terima", perform=lambda **kw: None))
    delivery = SimpleNamespace(pk=41)
    assert keyboard(delivery, ChatMessage(title="t", actions=("ack", "hilang")), kind) == {
        "inline_keyboard": [[{"text": "Terima", "callback_data": "41:ack"}]]
    }
    assert keyboard(delivery, ChatMessage(title="t"), kind) is None


def test_local_buckets_one_per_second_per_chat_and_the_overall_rate(settings):
    settings.PILKADA_TELEGRAM_RATE_PER_SECOND = 3
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ratelimit.local_reset()
    assert ratelimit.take("1") == 0
    assert 0.9 < ratelimit.take("1") <= 1.0  # the same chat within the second
    assert ratelimit.take("2") == 0
    assert ratelimit.take("3") == 0
    assert 0.2 < ratelimit.take("4") <= 1 / 3  # three per second overall, all taken
