"""A minimal asyncio SMTP server on loopback for the mail benchmark (`mail_rate.py`), so that
the server's own parsing does not bound the figure: it answers EHLO, MAIL, RCPT, DATA, RSET,
NOOP and QUIT and keeps the copies per Message-ID (`<delivery-<id>@...>`, the outbox's)."""

import asyncio
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

HOST = "127.0.0.1"
MESSAGE_ID = re.compile(rb"\r\nMessage-ID: <delivery-(\d+)@", re.IGNORECASE)


@dataclass
class Inbox:
    lock: threading.Lock = field(default_factory=threading.Lock)
    copies: Counter = field(default_factory=Counter)
    messages: int = 0
    connections: int = 0
    last_at: float = 0.0

    def count(self) -> int:
        with self.lock:
            return self.messages


class _Session(asyncio.Protocol):
    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self.buffer = bytearray()
        self.data: bytearray | None = None

    def connection_made(self, transport):
        self.transport = transport
        with self.inbox.lock:
            self.inbox.connections += 1
        transport.write(b"220 bench ESMTP\r\n")

    def data_received(self, chunk: bytes):
        if self.data is not None:
            self._collect(chunk)
            return
        self.buffer += chunk
        while self.data is None and b"\r\n" in self.buffer:
            line, _, rest = bytes(self.buffer).partition(b"\r\n")
            self.buffer = bytearray(rest)
            self._command(line)
        if self.data is not None and self.buffer:
            rest, self.buffer = bytes(self.buffer), bytearray()
            self._collect(rest)

    def _command(self, line: bytes) -> None:
        verb = line[:4].upper()
        if verb == b"EHLO":
            self.transport.write(b"250-bench\r\n250-SIZE 33554432\r\n250 8BITMIME\r\n")
        elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            self.transport.write(b"250 OK\r\n")
        elif verb == b"DATA":
            self.data = bytearray()
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        else:
            self.transport.write(b"502 Not implemented\r\n")

    def _collect(self, chunk: bytes) -> None:
        data = self.data
        start = max(0, len(data) - 4)
        data += chunk
        end = data.find(b"\r\n.\r\n", start)
        if end < 0:
            return
        message, rest = bytes(data[: end + 2]), bytes(data[end + 5 :])
        self.data = None
        match = MESSAGE_ID.search(message)
        with self.inbox.lock:
            self.inbox.messages += 1
            self.inbox.copies[int(match.group(1)) if match else 0] += 1
            self.inbox.last_at = time.perf_counter()
        self.transport.write(b"250 OK queued\r\n")
        if rest:
            self.data_received(rest)


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        self.loop = asyncio.new_event_loop()
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            self.port = sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.loop.create_server(lambda: _Session(self.inbox), HOST, self.port)
        )
        self.ready.set()
        self.loop.run_forever()
        server.close()

    def start(self) -> None:
        self.thread.start()
        self.ready.wait(10)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
