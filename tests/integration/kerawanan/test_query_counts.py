"""The register's pages cost the same number of queries at a small and at a larger size of data
(more risks, TPS entries, history, mitigations and agenda items)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import Region
from kerawanan.enums import RiskCategory, Visibility
from kerawanan.models import Mitigation
from kerawanan.services.agenda import agenda_add
from kerawanan.services.risks import risk_update
from tests import factories

VISIBILITIES = list(Visibility)
CATEGORIES = list(RiskCategory)
PLACES = ["17.01.01.2001", "17.01.02", "17.01", "17.02.01.2002", "17.02"]


@pytest.fixture
def setting(people, agencies, make_risk, kpu_regency):
    election = factories.ElectionFactory()
    regency = Region.objects.get(code="17.01")
    focus = make_risk(title="Fokus", likelihood=4, impact=4)
    meeting = factories.meeting(region=regency, organiser=kpu_regency)
    task = factories.ReadinessTaskFactory(
        region=regency, agency=agencies["polres"], election=election
    )
    Mitigation.objects.create(risk=focus, task=task)
    state = {"n": 0}

    def grow(n: int) -> None:
        for _ in range(n):
            i = state["n"] = state["n"] + 1
            place = Region.objects.get(code=PLACES[i % len(PLACES)])
            risk = make_risk(
                title=f"Risiko {i}",
                region=place,
                tps_numbers=[i % 9 + 1] if place.level == 4 else [],
                visibility=VISIBILITIES[i % 3],
                category=CATEGORIES[i % len(CATEGORIES)],
                likelihood=i % 5 + 1,
                owner=agencies["polres_other"]
                if place.code.startswith("17.02")
                else agencies["bawaslu"],
                acting_agencies=[agencies["kodim"]],
            )
            extra = factories.ReadinessTaskFactory(
                region=regency, agency=agencies["kodim"], election=election
            )
            Mitigation.objects.create(risk=focus, task=extra)
            Mitigation.objects.create(risk=risk, task=extra)
            risk_update(actor=None, risk=focus, description=f"Catatan {i}")
            agenda_add(actor=None, meeting=meeting, risks=[risk])
            other = factories.meeting(region=regency, organiser=kpu_regency, title=f"Rapat {i}")
            agenda_add(actor=None, meeting=other, risks=[focus])

    return {"focus": focus, "meeting": meeting, "task": task, "grow": grow}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url_name", "args", "query"),
    [
        ("owner_liaison", "kerawanan:risk_list", [], ""),
        ("local_liaison", "kerawanan:risk_list", [], "tanpa_mitigasi=1&tps=1"),
        ("province_staff", "kerawanan:risk_list", [], "format=csv"),
        ("province_staff", "kerawanan:risk_list", [], "format=xlsx"),
        ("regency_staff", "kerawanan:risk_detail", ["focus"], ""),
        ("owner_liaison", "kerawanan:risk_detail", ["focus"], ""),
        ("province_staff", "kerawanan:heat", [], ""),
        ("province_staff", "kerawanan:heat_region", ["17"], ""),
        ("above_liaison", "kerawanan:heat_region", ["17"], "sumbu=dimensi"),
        ("local_liaison", "kerawanan:heat_region", ["17.01"], ""),
        (None, "kerawanan:public_summary_region", ["17"], ""),
        ("province_staff", "coordination:dashboard", [], ""),
        ("regency_staff", "coordination:meeting_detail", ["meeting"], ""),
        ("regency_staff", "coordination:task_detail", ["task"], ""),
    ],
)
def test_query_count_does_not_grow(client, people, setting, who, url_name, args, query):
    if who is not None:
        client.force_login(people[who])
    url = reverse(url_name, args=[setting[a].pk if a in setting else a for a in args])
    url += f"?{query}" if query else ""
    setting["grow"](2)
    small = _queries(client, url)
    setting["grow"](12)
    large = _queries(client, url)
    assert large == small
