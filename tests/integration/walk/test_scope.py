"""Every URL of the apps, asked by people who must not see another scope's objects.

The world: province 17 with regencies 17.01 and 17.02. Everything the walk points at belongs to
regency 17.02 (its KPU, its Polres, a meeting, a task, a draft outreach event), and carries the
marker RAHASIA in its title. The visitors belong elsewhere: nobody logged in, a liaison of Bawaslu
17.01, and KPU staff of regency 17.01. For each URL pattern (read from the resolver, so a new
pattern without an entry here fails the walk) each visitor GETs and POSTs: no answer is a 500, no
out-of-scope object answers 200 or a success redirect, and no page that does answer shows RAHASIA.
"""

import pytest
from django.urls import reverse

from tests.integration.walk.conftest import (
    SCOPED,
    SECRET,
    _body,
    app_url_names,
)


def test_walk_covers_every_url_pattern(world):
    assert app_url_names() == sorted(world["targets"])


@pytest.mark.parametrize("visitor", ["anonymous", "liaison_17.01", "staff_17.01"])
def test_walk_nothing_out_of_scope_and_no_500(client, world, visitor):
    person = world["visitors"][visitor]
    client.raise_request_exception = False
    if person is not None:
        client.force_login(person)
    problems = []
    for name, (kind, kwargs) in sorted(world["targets"].items()):
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            for query in ({}, world["leak_query"]):
                if method == "post" and query:
                    continue
                response = getattr(client, method)(url, query)
                status = response.status_code
                where = f"{visitor} {method.upper()} {url} {query or ''} -> {status}"
                if status >= 500:
                    problems.append(f"server error: {where}")
                    continue
                if kind == SCOPED:
                    if status == 200 or (status == 302 and person is not None):
                        problems.append(f"out-of-scope object answered: {where}")
                    if status == 302 and person is None:
                        assert "/akun/login/" in response["Location"], where
                if status == 200 and SECRET.encode() in _body(response):
                    problems.append(f"out-of-scope object shown: {where}")
    assert problems == [], "\n".join(problems)


RISK_URLS = [
    "kerawanan:risk_detail",
    "kerawanan:risk_edit",
    "kerawanan:mitigation",
    "kerawanan:agenda_add",
]


@pytest.mark.parametrize("visitor", ["anonymous", "liaison_17.01", "staff_17.01"])
@pytest.mark.parametrize("visibility", ["terbatas", "rahasia", "ringkas_publik"])
def test_walk_risks_of_every_visibility_stay_out_of_scope(client, world, visitor, visibility):
    """The walk above points at the rahasia risk; the other two are just as out of scope."""
    person = world["visitors"][visitor]
    if person is not None:
        client.force_login(person)
    risk = world["risks"][visibility]
    for name in RISK_URLS:
        url = reverse(name, kwargs={"pk": risk.pk})
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in ((302,) if person is None else (403, 404, 405)), (name, method, status)
    listing = client.get(reverse("kerawanan:risk_list"), {"wilayah": "17.02"})
    assert SECRET.encode() not in listing.content
