"""Optional error tracking: off without SENTRY_DSN; with it, errors reach the tracker without
personal data. The tracker is a stand-in on loopback that accepts Sentry's envelope protocol."""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from pilkada.sentry import REDACTED, scrub_event

ROOT = Path(__file__).resolve().parents[3]


def test_scrub_event_removes_personal_data():
    event = {
        "request": {
            "url": "https://portal/undangan/terima/?token=abc&email=budi@contoh.test",
            "query_string": "token=abc",
            "cookies": {"sessionid": "x"},
            "data": {"password": "rahasia"},
            "headers": {"Cookie": "sessionid=x", "Authorization": "Bearer y", "User-Agent": "UA"},
        },
        "user": {"id": 7, "email": "budi@contoh.test", "username": "budi"},
        "logentry": {"message": "kirim ke budi@contoh.test gagal", "params": ["budi"]},
        "exception": {
            "values": [
                {
                    "value": "nomor 0812-3456-7890 ditolak",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"email": "b@c.id"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "SELECT ...", "data": {"params": ["b@c.id"]}}]},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["request"] == {
        "url": "https://portal/undangan/terima/",
        "headers": {"User-Agent": "UA"},
    }
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["logentry"] == {"message": f"kirim ke {REDACTED} gagal"}
    exception = scrubbed["exception"]["values"][0]
    assert exception["value"] == f"nomor {REDACTED} ditolak"
    assert exception["stacktrace"]["frames"] == [{"function": "f"}]
    assert scrubbed["breadcrumbs"]["values"] == [{"message": "SELECT ..."}]


def test_sentry_is_off_by_default():
    import sentry_sdk

    assert sentry_sdk.get_client().is_active() is False


class _Envelopes(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server interface
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            pytest.skip("brotli envelope without a brotli decoder")
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_error_reaches_the_tracker_without_personal_data(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Envelopes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        script = (
            "import django, sentry_sdk; django.setup()\n"
            "sentry_sdk.set_user({'id': 7, 'email': 'budi@contoh.test'})\n"
            "try:\n"
            "    raise ValueError('undangan untuk budi@contoh.test gagal')\n"
            "except ValueError as exc:\n"
            "    sentry_sdk.capture_exception(exc)\n"
            "sentry_sdk.flush(5)\n"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pilkada.settings",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
            "PILKADA_VAR_DIR": str(tmp_path),
        }
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    finally:
        server.shutdown()
    assert len(_Envelopes.received) == 1
    body = _Envelopes.received[0].decode()
    assert "budi@contoh.test" not in body
    items = [json.loads(line) for line in body.splitlines() if line.startswith("{")]
    event = next(item for item in items if "exception" in item)
    assert event["exception"]["values"][0]["value"] == f"undangan untuk {REDACTED} gagal"
    assert event["user"] == {"id": 7}
