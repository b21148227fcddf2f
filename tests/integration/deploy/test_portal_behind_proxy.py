"""The portal's side of the proxy: whose address and scheme it believes, what it lets a shared
cache keep, and what it answers while the database is down."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import OperationalError
from django.test import Client, RequestFactory

from outreach.http import public_resource
from pilkada.common.proxy import TrustedProxyMiddleware, client_address, parse_networks
from pilkada.outage import server_error
from tests import factories

NETWORKS = parse_networks(["127.0.0.1", "10.0.0.0/8"])
LOGIN = "/akun/login/"
TOO_MANY = "Terlalu banyak percobaan masuk yang gagal"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # nginx on this machine
        ("127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own claim
        ("127.0.0.1", "203.0.113.9, 10.1.1.1", "203.0.113.9"),  # load balancer, then nginx
        ("127.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),  # all ours: the leftmost
        ("127.0.0.1", "bogus, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, bogus", "127.0.0.1"),  # a proxy of ours wrote nonsense
        ("192.0.2.7", "203.0.113.9", "192.0.2.7"),  # not a proxy: the header means nothing
        ("2001:db8::1", "203.0.113.9", "2001:db8::1"),
    ],
)
def test_client_address_reads_forwarded_for_from_the_right(remote, forwarded, expected):
    assert client_address(remote, forwarded, NETWORKS) == expected


def test_forwarded_headers_from_anyone_but_a_proxy_are_dropped(settings):
    settings.PILKADA_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def view(request):
        seen.update(request.META)
        return None

    middleware = TrustedProxyMiddleware(view)
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_FORWARDED_PROTO": "https"}
    middleware(RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", **headers))
    assert seen["REMOTE_ADDR"] == "192.0.2.7"
    assert "HTTP_X_FORWARDED_PROTO" not in seen and "HTTP_X_FORWARDED_FOR" not in seen

    middleware(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers))
    assert (seen["REMOTE_ADDR"], seen["PILKADA_PROXY_ADDR"]) == ("203.0.113.9", "127.0.0.1")
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_login_rate_limit_counts_the_address_the_proxy_reported(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}

    def fail(client, remote: str, forwarded: str, n: int) -> str:
        response = client.post(
            LOGIN, {"login": f"tamu{n}@uji.test", "password": "salah-sekali"},
            REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded,
        )  # fmt: skip
        assert response.status_code == 200
        return response.content.decode()

    client = Client()
    # From nginx (trusted): each reported client has its own count.
    assert TOO_MANY not in fail(client, "127.0.0.1", "203.0.113.1", 1)
    assert TOO_MANY not in fail(client, "127.0.0.1", "203.0.113.1", 2)
    assert TOO_MANY in fail(client, "127.0.0.1", "203.0.113.1", 3)
    assert TOO_MANY not in fail(client, "127.0.0.1", "203.0.113.2", 4)
    # Straight from a stranger: a new forged address each time does not escape the count.
    for n, forged in enumerate(("198.51.100.1", "198.51.100.2"), start=5):
        assert TOO_MANY not in fail(client, "192.0.2.7", forged, n)
    assert TOO_MANY in fail(client, "192.0.2.7", "198.51.100.3", 7)


def test_anonymous_public_pages_are_shareable_for_seconds_personal_ones_never(
    client, bengkulu, settings
):
    settings.OUTREACH_PROXY_CACHE_SECONDS = 5
    factories.outreach_event(title="Forum warga Desa Satu")
    page = client.get("/sosialisasi/")
    assert page["Cache-Control"] == "public, max-age=0, s-maxage=5"
    assert client.get("/sosialisasi/")["Cache-Control"] == "public, max-age=0, s-maxage=5"
    feed = client.get("/sosialisasi/kalender.ics")
    assert feed["Cache-Control"] == "public, max-age=900, s-maxage=5"

    staff = factories.kpu_staff(bengkulu, email="kpu.cache@uji.test")
    client.force_login(staff)
    assert client.get("/sosialisasi/")["Cache-Control"] == "private, no-cache"
    assert client.get("/sosialisasi/kalender.ics")["Cache-Control"] == (
        "public, max-age=900, s-maxage=5"
    )

    settings.OUTREACH_PROXY_CACHE_SECONDS = 0
    client.logout()
    assert client.get("/sosialisasi/?q=x")["Cache-Control"] == "private, no-cache"
    assert client.get("/sosialisasi/kalender.ics?q=x")["Cache-Control"] == "public, max-age=900"


def test_a_page_with_a_message_waiting_is_not_shareable(rf, settings, db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    settings.OUTREACH_PROXY_CACHE_SECONDS = 5

    @public_resource("test-scope")
    def view(request):
        return HttpResponse("<p>page</p>")

    request = rf.get("/sosialisasi/uji/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Tersimpan.")
    assert "private" in view(request)["Cache-Control"]


def test_database_down_is_a_503_without_a_traceback(rf):
    try:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    except OperationalError:
        response = server_error(rf.get("/koordinasi/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Layanan sedang tidak tersedia" in body and "Traceback" not in body
    assert "5432" not in body

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/koordinasi/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()


def test_shared_responses_are_gzipped_once_by_the_portal_personal_ones_never(
    client, bengkulu, settings
):
    import gzip

    settings.OUTREACH_PROXY_CACHE_SECONDS = 5
    factories.outreach_event(title="Forum warga Desa Satu")
    plain = client.get("/sosialisasi/")
    packed = client.get("/sosialisasi/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == f"W/{plain['ETag']}"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    assert (
        client.get(
            "/sosialisasi/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]
        ).status_code
        == 304
    )
    feed = client.get("/sosialisasi/kalender.ics", HTTP_ACCEPT_ENCODING="gzip")
    assert feed["Content-Encoding"] == "gzip"

    client.force_login(factories.kpu_staff(bengkulu, email="kpu.gzip@uji.test"))
    own = client.get("/sosialisasi/", HTTP_ACCEPT_ENCODING="gzip")
    assert own.has_header("Content-Encoding") is False and b"csrfmiddlewaretoken" in own.content
