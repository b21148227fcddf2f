"""Garbage in every query parameter never answers a 500. Every run sends each URL a sample of the
garbage values, chosen by a seed that moves on each day (printed in pytest's header; set
PILKADA_WALK_SEED to repeat a run); the full walk, every value on every URL, carries the `fuzz`
marker and runs with `make fuzz` (`pytest -m fuzz`). HEAD answers wherever GET does, and
oversized requests get a short 400."""

import pytest
from django.urls import reverse

from tests.conftest import walk_seed
from tests.integration.walk.conftest import (
    _body,
)

# --- garbage in, never a 500 ------------------------------------------------------------------

GARBAGE_VALUES = [
    "abc",
    "99999",
    "-1",
    "0",
    "²",  # a digit to str.isdigit(), not to int()
    "1e9",
    "9" * 30,
    "2024-13-45",
    "17.99.99",
    "../../etc/passwd",
    "x" * 5000,
    "\u0000",
    "' OR 1=1 --",
    "<script>",
]
GARBAGE_KEYS = [
    "page", "region", "regency", "district", "village", "agency", "agency_kind", "category",
    "status", "stage", "election", "overdue", "q", "when", "kind", "method", "segment",
    "segments", "from", "to", "start", "end", "date", "day", "year", "month", "view", "fmt",
    "format", "next", "sort", "order", "code", "checklist", "meeting", "lang",
    # the outreach calendar's and forms' own names, the dashboard's root
    "prov", "kab", "kec", "metode", "segmen", "dari", "sampai", "root", "wilayah_kab",
    "wilayah_kec", "wilayah_desa", "districts", "codes", "dates", "template",
    # the public request form and the follow page
    "requester_kind", "segment", "date_1", "participants", "email", "situs_web", "cap_waktu",
    "aksi", "_pilih_wilayah",
]  # fmt: skip


GARBAGE_VISITORS = ["anonymous", "staff_17.01", "superuser"]
# The sampled walk of every run gives each URL this many garbage values (each with GET and POST).
VALUES_PER_URL = 3


def sampled_values(seed: int, url_index: int, visitor_index: int) -> list[str]:
    """VALUES_PER_URL consecutive garbage values, from a start that moves on by VALUES_PER_URL
    with each seed: five consecutive seeds give every URL every value, and each run spreads all
    the values over the URLs."""
    start = seed * VALUES_PER_URL + url_index + 5 * visitor_index
    return [GARBAGE_VALUES[(start + step) % len(GARBAGE_VALUES)] for step in range(VALUES_PER_URL)]


def test_sampled_values_cover_every_value_of_every_url_in_five_runs():
    runs = -(-len(GARBAGE_VALUES) // VALUES_PER_URL)
    assert runs == 5
    for url_index in range(80):
        for visitor_index in range(len(GARBAGE_VISITORS)):
            for first in (0, 739_000):
                seen = [
                    value
                    for seed in range(first, first + runs)
                    for value in sampled_values(seed, url_index, visitor_index)
                ]
                assert sorted(set(seen)) == sorted(GARBAGE_VALUES)


def _garbage_walk(client, world, superuser, visitor, values_of) -> list[str]:
    """GET and POST every URL with every garbage key set to each of `values_of(url_index)`;
    answer the requests that got a 5xx."""
    person = superuser if visitor == "superuser" else world["visitors"][visitor]
    client.raise_request_exception = False
    if person is not None:
        client.force_login(person)
    problems = []
    for index, (name, (_kind, kwargs)) in enumerate(sorted(world["targets"].items())):
        url = reverse(name, kwargs=kwargs)
        for value in values_of(index):
            query = dict.fromkeys(GARBAGE_KEYS, value)
            for method in ("get", "post"):
                status = getattr(client, method)(url, query).status_code
                if status >= 500:
                    problems.append(f"{visitor} {method.upper()} {url} ={value[:20]!r} -> {status}")
    return problems


@pytest.mark.parametrize("visitor", GARBAGE_VISITORS)
def test_walk_garbage_query_parameters_sampled_never_500(client, world, superuser, visitor):
    seed = walk_seed()
    visitor_index = GARBAGE_VISITORS.index(visitor)
    problems = _garbage_walk(
        client, world, superuser, visitor, lambda i: sampled_values(seed, i, visitor_index)
    )
    assert problems == [], f"seed {seed} (PILKADA_WALK_SEED={seed} repeats it):\n" + "\n".join(
        problems
    )


@pytest.mark.fuzz
@pytest.mark.parametrize("visitor", GARBAGE_VISITORS)
def test_walk_garbage_query_parameters_never_500(client, world, superuser, visitor):
    problems = _garbage_walk(client, world, superuser, visitor, lambda _index: GARBAGE_VALUES)
    assert problems == [], "\n".join(problems)


SHELL_URLS = {
    "home": {},
    "about_data": {},
    "healthz": {},
    "robots_txt": {},
    "sitemap": {},
    "sitemap_section": {"section": "acara"},
    "favicon": {},
    "apple_touch_icon": {},
    "web_manifest": {},
    "security_txt": {},
    "language_switch": {"code": "en"},
    "account_login": {},
}


@pytest.mark.parametrize("visitor", ["anonymous", "staff_17.01"])
def test_walk_head_answers_wherever_get_does(client, world, settings, visitor):
    settings.PILKADA_SECURITY_CONTACT = ["keamanan@uji.test"]
    person = world["visitors"][visitor]
    client.raise_request_exception = False
    if person is not None:
        client.force_login(person)
    urls = [reverse(name, kwargs=kwargs) for name, (_kind, kwargs) in world["targets"].items()]
    urls += [reverse(name, kwargs=kwargs) for name, kwargs in SHELL_URLS.items()]
    problems = []
    for url in sorted(urls):
        get = client.get(url).status_code
        head = client.head(url)
        if get == 405:
            continue  # a POST-only action
        if head.status_code != get:
            problems.append(f"{visitor} {url}: GET {get}, HEAD {head.status_code}")
        elif head.content:
            problems.append(f"{visitor} {url}: HEAD answered with a body")


# (what, method, data): oversized management forms of every formset prefix in use, one parameter
# repeated past PILKADA_MAX_VALUES_PER_FIELD (600), and past Django's 1,000 fields in all.
PREFIXES = ("items", "actions", "form")

OVERSIZED = [
    ("total forms 2**31", "post", {f"{p}-TOTAL_FORMS": "2147483648" for p in PREFIXES}),
    ("total forms 1000", "post", {"items-TOTAL_FORMS": "1000", "items-INITIAL_FORMS": "0"}),
    ("initial forms huge", "post", {"actions-INITIAL_FORMS": "9" * 40}),
    ("700 repeated ids", "post", {"invited_agencies": ["1"] * 700}),
    ("700 repeated query ids", "get", {"region": ["17.02"] * 700}),
    ("5000 repeated parameters", "get", {"agency": [str(n) for n in range(5000)]}),
    ("5000 repeated fields", "post", {"present": [str(n) for n in range(5000)]}),
]  # fmt: skip

SHORT_BODY = 200


@pytest.mark.parametrize("what,method,data", OVERSIZED, ids=[row[0] for row in OVERSIZED])
def test_walk_oversized_requests_get_a_short_400(client, world, superuser, what, method, data):
    client.raise_request_exception = False
    problems = []
    for visitor, person in [("anonymous", None), ("superuser", superuser)]:
        if person is not None:
            client.force_login(person)
        for name, (_kind, kwargs) in sorted(world["targets"].items()):
            url = reverse(name, kwargs=kwargs)
            response = getattr(client, method)(url, data)
            body = _body(response)
            if response.status_code != 400 or len(body) > SHORT_BODY:
                problems.append(f"{visitor} {url}: {response.status_code}, {len(body)} bytes")
    assert problems == [], "\n".join(problems)
