"""A small HTTP client for the deployment tests: cookies, CSRF, a chosen source address.

Plain http.client, so nothing stands between the test and what nginx or gunicorn sent: every
header as received, the body as sent (compressed when it was). Loopback is 127.0.0.0/8, so a
client bound to 127.0.0.2 is a different visitor to nginx than one bound to 127.0.0.3.
"""

import http.client
import ssl
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return ", ".join(values) if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Client:
    """One visitor: their cookies, their address, their TLS trust."""

    context: ssl.SSLContext | None = None
    source: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    # Sent with every request (e.g. X-Forwarded-Proto when talking to gunicorn as nginx would).
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, url: str, *, body: bytes | None = None, headers=None):
        parts = urllib.parse.urlsplit(url)
        source = (self.source, 0) if self.source else None
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(
                parts.hostname, parts.port, context=self.context, timeout=30,
                source_address=source,
            )  # fmt: skip
        else:
            conn = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=30, source_address=source
            )
        sent = dict(self.headers)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            conn.close()
        for value in response.all("Set-Cookie"):
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str, **headers) -> Response:
        return self.request("GET", url, headers=headers)

    def head(self, url: str, **headers) -> Response:
        return self.request("HEAD", url, headers=headers)

    def post(self, url: str, data: dict[str, str], *, origin: str) -> Response:
        """A form POST with the CSRF token (from the cookie, fetched first when missing)."""
        if "csrftoken" not in self.cookies:
            self.get(url)
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request(
            "POST", url, body=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
        )  # fmt: skip

    def log_in(self, base: str, email: str, password: str, *, origin: str) -> Response:
        return self.post(
            f"{base}/akun/login/", {"login": email, "password": password}, origin=origin
        )
