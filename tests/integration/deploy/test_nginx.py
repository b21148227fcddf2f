"""Through nginx with deploy/nginx/pilkada.conf, in front of gunicorn with the production
settings: the microcache, nothing personal in it, compression, HEAD and conditional GET, the
client's address as the login rate limit sees it, request and upload limits."""

import gzip
import socket
import time
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks.runner import stack
from outreach.enums import EventStatus
from tests import factories
from tests.integration.deploy.conftest import (
    LOGIN_FAILURES_PER_IP,
    PROXY_CACHE_SECONDS,
    web_password,
)

# A publication reaches every visitor of the proxy within the microcache's lifetime plus the
# second in which a web process may still use the publication counter it read.
PUBLICATION_BOUND = PROXY_CACHE_SECONDS + 1
FEED = "/sosialisasi/wilayah/17.01/kalender.ics"
CALENDAR = "/sosialisasi/?kab=17.01"
WRONG_PASSWORD = "bukan-kata-sandi-ini"
TOO_MANY = "Terlalu banyak percobaan masuk yang gagal"


@pytest.fixture
def staff(bengkulu):
    person = factories.kpu_staff(bengkulu, email="kpu.web@uji.test", full_name="Rahmawati Web")
    web_password(person)
    return person


def test_feed_and_calendar_come_from_the_microcache_and_follow_a_publication(
    proxied, staff, bengkulu
):
    factories.outreach_event(title="Forum warga Desa Satu")
    draft = factories.outreach_event(title="Simulasi baru terbit", status=EventStatus.DRAFT)
    visitor = proxied.visitor()

    first, second = visitor.get(proxied.url + FEED), visitor.get(proxied.url + FEED)
    assert (first.status, second.status) == (200, 200)
    assert (first.header("X-Cache-Status"), second.header("X-Cache-Status")) == ("MISS", "HIT")
    assert second.body == first.body
    assert "Forum warga Desa Satu" in first.text and "Simulasi baru terbit" not in first.text
    assert first.header("Cache-Control") == f"public, max-age=900, s-maxage={PROXY_CACHE_SECONDS}"
    page = visitor.get(proxied.url + CALENDAR)
    assert visitor.get(proxied.url + CALENDAR).header("X-Cache-Status") == "HIT"
    assert page.header("Cache-Control") == f"public, max-age=0, s-maxage={PROXY_CACHE_SECONDS}"

    editor = proxied.visitor()
    login = editor.log_in(proxied.url, staff.email, factories.DEFAULT_PASSWORD, origin=proxied.url)
    assert login.status == 302, login.text[:500]
    published = editor.post(
        f"{proxied.url}/sosialisasi/kelola/{draft.pk}/status/",
        {"status": EventStatus.PUBLISHED},
        origin=proxied.url,
    )
    assert published.status == 302, published.text[:500]
    published_at = time.monotonic()

    time.sleep(PUBLICATION_BOUND + 0.3)
    feed, page = visitor.get(proxied.url + FEED), visitor.get(proxied.url + CALENDAR)
    assert "Simulasi baru terbit" in feed.text
    assert "Simulasi baru terbit" in page.text
    print(f"\npublication visible through the proxy after {time.monotonic() - published_at:.1f} s")
    assert visitor.get(proxied.url + FEED).header("X-Cache-Status") == "HIT"


def test_nothing_personal_is_cached_log_in_load_log_out_load(proxied, staff, bengkulu):
    factories.outreach_event(title="Forum warga Desa Satu")
    person = proxied.visitor()
    anonymous = proxied.visitor()
    assert anonymous.get(proxied.url + CALENDAR).header("X-Cache-Status") == "MISS"

    person.log_in(proxied.url, staff.email, factories.DEFAULT_PASSWORD, origin=proxied.url)
    assert "sessionid" in person.cookies
    own = person.get(proxied.url + CALENDAR)
    assert own.status == 200
    assert 'class="user-link">Rahmawati' in own.text
    assert own.header("X-Cache-Status") == "BYPASS"
    assert "private" in own.header("Cache-Control")

    out = person.post(f"{proxied.url}/akun/logout/", {}, origin=proxied.url)
    assert out.status == 302
    # The "signed out" message waits in a fresh session until the next page shows it; then the
    # emptied session and its cookie are dropped.
    after = person.get(proxied.url + CALENDAR)
    assert after.status == 200 and "user-link" not in after.text
    assert "sessionid" not in person.cookies
    for _ in range(2):
        shared = anonymous.get(proxied.url + CALENDAR)
        assert "user-link" not in shared.text and "Rahmawati" not in shared.text
    assert shared.header("X-Cache-Status") == "HIT"

    cache_dir = proxied.nginx.workdir / "cache"
    stored = [path.read_bytes() for path in cache_dir.rglob("*") if path.is_file()]
    assert stored, "nothing in the microcache"
    assert not [body for body in stored if b"Rahmawati" in body or b"csrfmiddlewaretoken" in body]


def _compressed_types(proxied, visitor, encoding: str) -> dict[str, str]:
    found = {}
    for path in (CALENDAR, FEED, "/sosialisasi/data.json", "/sosialisasi/data.csv"):
        response = visitor.get(proxied.url + path, **{"Accept-Encoding": encoding})
        found[response.header("Content-Type").split(";")[0]] = response.header("Content-Encoding")
        # A client without gzip gets the same body, decompressed by nginx.
        plain = visitor.get(proxied.url + path)
        assert plain.header("Content-Encoding") is None
        assert gzip.decompress(response.body) == plain.body, path
    return found


def test_compression_http2_head_and_conditional_get(proxied, bengkulu):
    factories.outreach_event(title="Forum warga Desa Satu")
    visitor = proxied.visitor()

    expected = dict.fromkeys(("text/html", "text/calendar", "application/json", "text/csv"), "gzip")
    assert _compressed_types(proxied, visitor, "gzip") == expected
    # Shared pages and feeds stay in the cache as the portal's gzip, whatever else is offered.
    assert _compressed_types(proxied, visitor, "br, gzip") == expected
    if proxied.nginx.brotli:
        login = visitor.get(f"{proxied.url}/akun/login/", **{"Accept-Encoding": "br, gzip"})
        assert (login.status, login.header("Content-Encoding")) == (200, "br")

    with socket.create_connection((stack.HOST, proxied.nginx.https_port)) as raw:
        context = stack.client_context(proxied.nginx.cert, alpn=("h2", "http/1.1"))
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert (tls.selected_alpn_protocol(), tls.version()) == ("h2", "TLSv1.3")

    for path in (FEED, CALENDAR):
        full = visitor.get(proxied.url + path)
        head = visitor.head(proxied.url + path)
        assert (head.status, head.body) == (200, b"")
        assert head.header("ETag") == full.header("ETag")
        assert head.header("Content-Type") == full.header("Content-Type")
        etag, modified = full.header("ETag"), full.header("Last-Modified")
        assert visitor.get(proxied.url + path, **{"If-None-Match": etag}).status == 304
        assert visitor.get(proxied.url + path, **{"If-Modified-Since": modified}).status == 304

    css = next(Path(settings.BASE_DIR, "static", "css").glob("portal.css"))
    manifest = (proxied.nginx.public_dir / "static" / "staticfiles.json").read_text()
    hashed = manifest.split('"css/portal.css": "')[1].split('"')[0]
    static = visitor.get(f"{proxied.url}/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert static.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert static.header("Content-Encoding") == "gzip"
    assert gzip.decompress(static.body) == css.read_bytes()


def test_login_rate_limit_counts_the_real_client_and_believes_only_the_proxy(proxied, staff):
    limit = LOGIN_FAILURES_PER_IP
    attacker = proxied.visitor(source="127.0.0.2")
    bystander = proxied.visitor(source="127.0.0.3")

    def fail(visitor, n: int, **headers):
        visitor.headers = headers
        return visitor.log_in(proxied.url, f"tamu{n}@uji.test", WRONG_PASSWORD, origin=proxied.url)

    for n in range(limit):
        response = fail(attacker, n)
        assert response.status == 200 and TOO_MANY not in response.text
    assert TOO_MANY in fail(attacker, 99).text
    # Another address behind the same nginx is another client; a forged header changes nothing.
    assert TOO_MANY not in fail(bystander, 100, **{"X-Forwarded-For": "127.0.0.2"}).text
    assert TOO_MANY in fail(attacker, 101, **{"X-Forwarded-For": "10.9.8.7"}).text
    # Straight to gunicorn from an address that is not a trusted proxy: the forwarded headers
    # are dropped, so the claimed HTTPS is not believed and the visitor is sent to HTTPS.
    sneaky = proxied.visitor(source="127.0.0.2")
    sneaky.headers = {"X-Forwarded-For": "10.9.8.6", "X-Forwarded-Proto": "https"}
    assert sneaky.get(f"{proxied.web.base_url}/akun/login/").status == 301

    # nginx's flood limit on login POSTs: a clear page, before the portal is even asked.
    statuses = [fail(attacker, 200 + n).status for n in range(25)]
    assert 429 in statuses
    refused = fail(attacker, 300)
    assert refused.status == 429
    assert "Terlalu banyak permintaan" in refused.text and "Too many requests" in refused.text


def test_upload_over_the_limit_is_refused_by_nginx_with_a_clear_page(proxied, staff):
    visitor = proxied.visitor()
    target = f"{proxied.url}/koordinasi/rapat/1/notulen/"
    headers = {"Content-Type": "application/octet-stream", "Origin": proxied.url}
    too_big = b"x" * (settings.PILKADA_MAX_UPLOAD_BYTES + 1024 * 1024 + 1)
    refused = visitor.request("POST", target, body=too_big, headers=headers)
    assert refused.status == 413
    assert "Berkas terlalu besar" in refused.text and "10 MB" in refused.text
    # A file at the portal's limit passes nginx (the portal answers: here, no login, no token).
    at_limit = b"x" * (settings.PILKADA_MAX_UPLOAD_BYTES + 64 * 1024)
    reached = visitor.request("POST", target, body=at_limit, headers=headers)
    assert reached.status == 403
