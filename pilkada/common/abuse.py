"""Keeping public forms (no account, no external CAPTCHA) usable by people and costly for bots.

- `parse_rates("5/h,20/d")`: limits as "count/period" (s, m, h, d, with an optional number:
  "3/10m"), comma-separated; a malformed value is a configuration error.
- `network_of(address)`: the /24 of an IPv4 address, the /64 of an IPv6 one: one household or
  one mobile operator's customer behind changing addresses shares it.
- `limits_exceeded(scope, key, rates)` counts one attempt against each rate in the shared cache
  (fixed windows, one `add` and one `incr` per rate, atomic in Redis) and answers True once any
  window is over its count. Scopes: "ip", "net", "email", ... with a prefix per form.
- `FormStamp`: a signed, time-stamped hidden value put in the form when it is shown. A submission
  without a valid stamp, sent sooner than PILKADA_PUBLIC_FORM_MIN_SECONDS after it was shown or
  later than PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS, is refused; a bot that posts without loading
  the page, or fills it in a blink, is refused.
- `PublicFormGuard`: a form mixin adding the stamp and a honeypot field (hidden from people and
  from screen readers; a bot that fills every field fills it too). `guard_result()` says "bot"
  (answer as if it worked and do nothing), "too_fast"/"stale" (an error on the form) or "".
- `seen_recently(namespace, text, seconds)`: the same normalised text submitted again within
  the period (a duplicate flood).

Time comes from `clock()` (seconds since the epoch), so tests move time without sleeping.
"""

import hashlib
import ipaddress
import re
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
STAMP_SALT = "pilkada.common.abuse.stamp"
HONEYPOT = "situs_web"
STAMP = "cap_waktu"


def clock() -> float:
    return time.time()


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse_rates(value: str | list[str], *, setting: str = "rate limit") -> tuple[Rate, ...]:
    """ "5/h,20/d" -> (Rate(5, 3600), Rate(20, 86400)); "" -> () (no limit)."""
    parts = value if isinstance(value, list) else value.split(",")
    rates = []
    for part in parts:
        if not part.strip():
            continue
        match = _RATE.match(part)
        if match is None or int(match.group(1)) < 1:
            raise ImproperlyConfigured(f"{setting}: {part!r} is not a rate such as 5/h or 3/10m")
        count, number, unit = match.groups()
        rates.append(Rate(int(count), int(number or 1) * _UNITS[unit]))
    return tuple(rates)


def network_of(address: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of `address`; an unparsable address is itself."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_address(request) -> str:
    """The client's address (REMOTE_ADDR, already the real client behind trusted proxies:
    pilkada/common/proxy.py)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value: str) -> str:
    # Keys never carry an address or an email in the clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def limits_exceeded(scope: str, key: str, rates: tuple[Rate, ...]) -> bool:
    """Count one attempt by `key` in `scope` against every rate; True when any is exceeded.

    Fixed windows: at most twice a rate's count can pass around a window's edge, which is
    enough to stop floods and never blocks a person for longer than one window.
    """
    now = clock()
    exceeded = False
    for rate in rates:
        window = int(now // rate.seconds)
        cache_key = f"abuse:{scope}:{rate.seconds}:{window}:{_digest(key.lower())}"
        # add() is a no-op when the key exists; incr() is atomic in Redis.
        cache.add(cache_key, 0, timeout=rate.seconds + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between the two calls
            cache.set(cache_key, 1, timeout=rate.seconds + 5)
            count = 1
        if count > rate.count:
            exceeded = True
    return exceeded


def seen_recently(namespace: str, text: str, seconds: int) -> bool:
    """True when the same text (case, spacing and punctuation aside) came within `seconds`;
    records it either way."""
    normalised = " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())
    if not normalised:
        return False
    key = f"abuse:text:{namespace}:{_digest(normalised)}"
    return not cache.add(key, 1, timeout=seconds)


class FormStamp:
    """The time a form was shown, signed so it cannot be forged or moved."""

    @staticmethod
    def make() -> str:
        return signing.dumps(round(clock(), 3), salt=STAMP_SALT)

    @staticmethod
    def check(value: str) -> str:
        """ "" when the submission's timing is plausible, else "missing", "too_fast" or "stale"."""
        try:
            shown = float(signing.loads(value or "", salt=STAMP_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return "missing"
        age = clock() - shown
        if age < settings.PILKADA_PUBLIC_FORM_MIN_SECONDS:
            return "too_fast"
        if age > settings.PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS:
            return "stale"
        return ""


class PublicFormGuard(forms.Form):
    """Mix into a public form (first among the bases): a honeypot and the time stamp.

    The view calls `guard_result()` after `is_valid()`: "bot" means pretend it worked (a bot
    learns nothing), anything else non-empty has already been put on the form as an error.
    """

    situs_web = forms.CharField(
        label=_("Jangan isi kolom ini"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    cap_waktu = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get(STAMP):
            self.initial[STAMP] = FormStamp.make()
        self._guard = ""

    def clean(self):
        data = super().clean()
        if (data.get(HONEYPOT) or "").strip():
            self._guard = "bot"
            return data
        stamp = FormStamp.check(data.get(STAMP, ""))
        if stamp == "missing":
            # A form posted without being shown (or by an old page): treat like a bot.
            self._guard = "bot"
        elif stamp == "too_fast":
            self._guard = stamp
            raise forms.ValidationError(
                _("Formulir terkirim terlalu cepat. Periksa isinya, lalu kirim sekali lagi.")
            )
        elif stamp == "stale":
            self._guard = stamp
            self.refresh_stamp()
            raise forms.ValidationError(
                _("Formulir ini sudah terlalu lama terbuka. Periksa isinya, lalu kirim lagi.")
            )
        return data

    def guard_result(self) -> str:
        return self._guard

    def refresh_stamp(self) -> None:
        """A stale form shown again gets a fresh stamp (any other keeps the one it was shown
        with: the time to fill counts from the first display, region steps included)."""
        self.data = self.data.copy()
        self.data[STAMP] = FormStamp.make()

    @property
    def honeypot_field(self):
        return self[HONEYPOT]
