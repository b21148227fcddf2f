"""The desk's pages and the situation room cost the same number of queries at a small and at a
larger size of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import Region
from insiden.services.incidents import (
    incident_acknowledge,
    incident_comment_add,
    incident_merge,
)

pytestmark = pytest.mark.django_db

PLACES = ["17.01.01.2001", "17.01.02", "17.01", "17.02.01.2002", "17.02"]
CATEGORIES = ["keamanan", "logistik", "politik_uang", "bencana", "gangguan_tps"]


@pytest.fixture
def setting(desk, report):
    focus = report(title="Fokus")
    state = {"n": 0}

    def grow(n: int) -> None:
        for _ in range(n):
            i = state["n"] = state["n"] + 1
            incident = report(
                title=f"Insiden {i}",
                region=Region.objects.get(code=PLACES[i % len(PLACES)]),
                tps_number=None,
                category=CATEGORIES[i % len(CATEGORIES)],
                severity=i % 4 + 1,
                visibility="rahasia" if i % 3 == 0 else "terbatas",
                actor=desk["people"]["bawaslu_liaison"] if i % 2 else None,
            )
            if i % 4 == 0:
                incident_acknowledge(actor=None, incident=incident)
            if i % 5 == 0:
                incident_merge(actor=None, incident=incident, into=focus)
            incident_comment_add(actor=desk["people"]["regency_staff"], incident=focus, body=f"{i}")

    return {"focus": focus, "grow": grow}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url_name", "args", "query"),
    [
        ("province_staff", "insiden:situation", [], ""),
        ("regency_staff", "insiden:situation", [], "wilayah=17.01.01"),
        ("polres_liaison", "insiden:situation", [], ""),
        ("bawaslu_liaison", "insiden:situation", [], "kategori=keamanan&keparahan=3"),
        ("superuser", "insiden:situation", [], ""),
        ("province_staff", "insiden:wall", ["17"], ""),
        ("polres_liaison", "insiden:incident_list", [], ""),
        ("regency_staff", "insiden:incident_detail", ["focus"], ""),
        ("polres_liaison", "insiden:incident_detail", ["focus"], ""),
    ],
)
def test_query_count_flat_in_data_size(client, desk, setting, who, url_name, args, query):
    client.force_login(desk["people"][who])
    kwargs = (
        {"pk": setting["focus"].pk} if args == ["focus"] else ({"code": args[0]} if args else {})
    )
    url = reverse(url_name, kwargs=kwargs) + (f"?{query}" if query else "")
    setting["grow"](4)
    small = _queries(client, url)
    setting["grow"](20)
    large = _queries(client, url)
    assert small == large
    assert large <= 20
