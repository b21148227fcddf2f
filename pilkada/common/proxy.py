"""The client's address behind a reverse proxy, believed only when the proxy says it.

nginx (deploy/nginx/pilkada.conf) sets `X-Forwarded-For` to the address it saw and
`X-Forwarded-Proto` to its scheme. Anybody can send those headers too, so they count only on a
connection that comes from an address in PILKADA_TRUSTED_PROXIES; from anywhere else they are
dropped. Everything after this middleware (allauth's login rate limit, logs, the HTTPS check of
SECURE_PROXY_SSL_HEADER) then reads `REMOTE_ADDR` and sees the real client.
"""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """`127.0.0.1`, `10.0.0.0/8`, `::1` -> networks; anything else is a configuration error."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"PILKADA_TRUSTED_PROXIES: {value!r} is not an IP address or network"
            ) from exc
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The first address, reading X-Forwarded-For from the right, that is not a trusted proxy.

    Each proxy appends the address it saw, so the right end was written by our own proxies and
    the left end by whoever sent the request. A malformed entry stops the walk at the last proxy.
    """
    if not _trusted(_address(remote_addr), networks):
        return remote_addr
    client = remote_addr
    for entry in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _address(entry)
        if address is None:
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client


class TrustedProxyMiddleware:
    """Put the real client into REMOTE_ADDR; forwarded headers from anyone else are dropped.

    First in MIDDLEWARE, so SecurityMiddleware's HTTPS redirect already sees the trusted scheme.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = parse_networks(settings.PILKADA_TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if _trusted(_address(remote), self.networks):
            forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                meta["PILKADA_PROXY_ADDR"] = remote
                meta["REMOTE_ADDR"] = client_address(remote, forwarded, self.networks)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
