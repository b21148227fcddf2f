"""A small synchronous client of the Telegram Bot API (https://core.telegram.org/bots/api),
plain `httpx` over its documented HTTP interface.

Why not python-telegram-bot: since version 20 it is asyncio throughout; inside a Celery task
(prefork, synchronous) every call would need an event loop of its own, and the library's own
rate limiter and retries would compete with the outbox's. The portal uses five methods
(getMe, sendMessage, editMessageText, answerCallbackQuery, setWebhook) with JSON in and out;
a blocking POST per call, one connection pool per process, is all it takes.

Every answer of the API is `{"ok": bool, "result": ..., "description": ..., "error_code": ...,
"parameters": {"retry_after": n}}`. A refusal raises `BotAPIError` with the HTTP status and, for
429, how long Telegram asked us to wait; a transport failure (refused, timed out, reset) or a
5xx is `unreachable`. The bot token is part of every URL: it never appears in an error.
"""

import logging
import os

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)

_client: httpx.Client | None = None
_client_pid: int | None = None


class BotAPIError(Exception):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        unreachable: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.unreachable = unreachable


def _http() -> httpx.Client:
    """One client (connection pool) per process: a forked pool child makes its own."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        _client = httpx.Client(timeout=TIMEOUT)
        _client_pid = os.getpid()
    return _client


def call(method: str, **params) -> dict | list | bool:
    """Call one Bot API method with JSON parameters; its `result`, or BotAPIError."""
    token = settings.PILKADA_TELEGRAM_BOT_TOKEN
    base = settings.PILKADA_TELEGRAM_API_URL.rstrip("/")
    url = f"{base}/bot{token}/{method}"
    try:
        response = _http().post(url, json=params)
    except httpx.HTTPError as exc:
        detail = str(exc).replace(token, "<token>") if token else str(exc)
        raise BotAPIError(f"{method}: {type(exc).__name__}: {detail}", unreachable=True) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if response.status_code == 200 and answer.get("ok"):
        return answer.get("result")
    status = answer.get("error_code") or response.status_code
    description = str(answer.get("description") or response.reason_phrase)[:500]
    retry_after = (answer.get("parameters") or {}).get("retry_after")
    raise BotAPIError(
        f"{method}: {status} {description}",
        status=status,
        retry_after=int(retry_after) if isinstance(retry_after, int | float) else None,
        unreachable=status >= 500,
    )
