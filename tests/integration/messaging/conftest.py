"""The Telegram tests' world: the Bot API stand-in on loopback (tests/telegram_standin.py), the
bot's settings pointing at it, linked accounts, and a kind with a one-tap action."""

import itertools

import pytest
from django.utils import timezone

from messaging import ratelimit
from messaging.enums import TELEGRAM
from messaging.models import ChatLink
from tests.telegram_standin import TOKEN, USERNAME, BotAPIStandIn

SECRET = "rahasia-webhook_uji"
_chat_ids = itertools.count(700100)


@pytest.fixture
def bot_api():
    standin = BotAPIStandIn()
    standin.up()
    ratelimit.local_reset()
    yield standin
    standin.down()


@pytest.fixture
def telegram_on(settings, bot_api):
    settings.PILKADA_TELEGRAM_BOT_TOKEN = TOKEN
    settings.PILKADA_TELEGRAM_BOT_USERNAME = USERNAME
    settings.PILKADA_TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.PILKADA_TELEGRAM_API_URL = bot_api.url
    return bot_api


def link(person, *, chat_id: str | None = None, active: bool = True) -> ChatLink:
    return ChatLink.objects.create(
        person=person,
        channel=TELEGRAM,
        chat_id=chat_id or str(next(_chat_ids)),
        account_name=f"@{person.full_name.split()[0].lower()}",
        is_active=active,
        linked_at=timezone.now(),
    )


@pytest.fixture
def meeting(bengkulu):
    from tests import factories

    return factories.MeetingFactory(region=bengkulu, title="Rakor Logistik")
