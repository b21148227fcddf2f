"""A stand-in for the Telegram Bot API, served on loopback for the tests (not Telegram: it
implements only what the portal uses, the way https://core.telegram.org/bots/api documents it).

Methods: getMe, sendMessage, editMessageText, answerCallbackQuery, setWebhook, each answering
`{"ok": true, "result": ...}` as Telegram does. Errors as Telegram answers them, scripted per
chat: `blocked` (403 "Forbidden: bot was blocked by the user"), `missing` (400 "Bad Request:
chat not found"), `throttle(chat, n, retry_after)` (429 with `parameters.retry_after` for the
next n messages to the chat). A wrong bot token is 401. `hold_after = n` makes every
sendMessage after the n-th wait until `hold_after` is None again; a held request whose client
went away meanwhile (a killed worker) is dropped without being recorded, like a message Telegram
never fully received.
"""

import json
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:stand-in-token"
USERNAME = "PilkadaStandInBot"


@dataclass
class Sent:
    chat_id: str
    message_id: int
    text: str
    reply_markup: dict | None
    at: float


@dataclass
class BotAPIStandIn:
    token: str = TOKEN
    username: str = USERNAME
    messages: list[Sent] = field(default_factory=list)
    edits: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    webhook: dict = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    throttled: dict[str, list[int]] = field(default_factory=dict)
    refused: list[tuple[str, int]] = field(default_factory=list)
    hold_after: int | None = None
    held: int = 0
    dropped: int = 0

    def __post_init__(self):
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # --- control --------------------------------------------------------------------------------

    def up(self) -> None:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                standin._handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        self.hold_after = None
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def throttle(self, chat_id, times: int, retry_after: int) -> None:
        self.throttled[str(chat_id)] = [retry_after] * times

    def to(self, chat_id) -> list[Sent]:
        return [m for m in self.snapshot() if m.chat_id == str(chat_id)]

    def snapshot(self) -> list[Sent]:
        with self.lock:
            return list(self.messages)

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Sent]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return self.snapshot()
            time.sleep(0.05)
        raise AssertionError(f"{self.count()} messages, expected {count}")

    # --- the API --------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b"{}"
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return self._answer(request, 400, error="Bad Request: can't parse JSON")
        prefix, _slash, method = request.path.lstrip("/").partition("/")
        if prefix != f"bot{self.token}":
            return self._answer(request, 401, error="Unauthorized")
        with self.lock:
            self.calls.append(method)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return self._answer(request, 404, error="Not Found: method not found")
        handler(request, params)

    def _answer(self, request, status: int, *, result=None, error: str = "", retry_after=None):
        if status == 200:
            payload = {"ok": True, "result": result}
        else:
            payload = {"ok": False, "error_code": status, "description": error}
            if retry_after is not None:
                payload["parameters"] = {"retry_after": retry_after}
        data = json.dumps(payload).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass

    def _getMe(self, request, params):  # noqa: N802
        self._answer(
            request,
            200,
            result={
                "id": 123456,
                "is_bot": True,
                "first_name": "Pilkada",
                "username": self.username,
            },
        )

    def _setWebhook(self, request, params):  # noqa: N802
        with self.lock:
            self.webhook = dict(params)
        self._answer(request, 200, result=True)

    def _answerCallbackQuery(self, request, params):  # noqa: N802
        with self.lock:
            self.answers.append(dict(params))
        self._answer(request, 200, result=True)

    def _editMessageText(self, request, params):  # noqa: N802
        with self.lock:
            self.edits.append(dict(params))
        self._answer(request, 200, result={"message_id": params.get("message_id")})

    def _sendMessage(self, request, params):  # noqa: N802
        chat = str(params.get("chat_id"))
        text = params.get("text") or ""
        if not text:
            return self._answer(request, 400, error="Bad Request: message text is empty")
        with self.lock:
            waits = self.throttled.get(chat)
            retry_after = waits.pop(0) if waits else None
        if retry_after is not None:
            with self.lock:
                self.refused.append((chat, 429))
            return self._answer(
                request,
                429,
                error=f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        if chat in self.blocked:
            with self.lock:
                self.refused.append((chat, 403))
            return self._answer(request, 403, error="Forbidden: bot was blocked by the user")
        if chat in self.missing:
            with self.lock:
                self.refused.append((chat, 400))
            return self._answer(request, 400, error="Bad Request: chat not found")
        if self.hold_after is not None and self.count() >= self.hold_after:
            with self.lock:
                self.held += 1
            while self.hold_after is not None and self.count() >= self.hold_after:
                time.sleep(0.05)
            if _gone(request.connection):
                with self.lock:
                    self.dropped += 1
                return None
        with self.lock:
            message_id = 1 + sum(1 for m in self.messages if m.chat_id == chat)
            self.messages.append(
                Sent(chat, message_id, text, params.get("reply_markup"), time.monotonic())
            )
        self._answer(
            request,
            200,
            result={"message_id": message_id, "chat": {"id": int(chat), "type": "private"}},
        )


def _gone(connection: socket.socket) -> bool:
    """The client closed its end (its process died) while the request was held."""
    try:
        readable, _w, _x = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
