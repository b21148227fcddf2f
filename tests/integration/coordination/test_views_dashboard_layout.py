"""What the dashboard shows first: the worst agencies (the rest on a page of their own), one
countdown wording everywhere, and drawn icons instead of emoji."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.enums import AgencyKind, TaskStatus
from coordination.views.dashboard import SCORECARDS_SHOWN
from tests import factories


@pytest.fixture
def agencies(regency):
    """Fourteen agencies, each with one task; five of them in trouble in different ways."""
    election = factories.ElectionFactory()
    today = timezone.localdate()
    made = {}
    trouble = {
        "A overdue": {"status": TaskStatus.IN_PROGRESS, "due_on": today - timedelta(days=3)},
        "B blocked": {"status": TaskStatus.BLOCKED},
        "C at risk": {"status": TaskStatus.AT_RISK},
        "D not started": {"status": TaskStatus.NOT_STARTED},
    }
    for i in range(14):
        name = list(trouble)[i] if i < len(trouble) else f"Z done {i:02d}"
        agency = factories.AgencyFactory(name=name, kind=AgencyKind.OTHER, region=regency)
        fields = trouble.get(name, {"status": TaskStatus.DONE, "progress": 100})
        fields.setdefault("due_on", today + timedelta(days=10))
        factories.ReadinessTaskFactory(region=regency, agency=agency, election=election, **fields)
        made[name] = agency
    return made


def _scorecard_names(body: str) -> list[str]:
    table = body[body.index('<table class="scorecards">') :]
    table = table[: table.index("</table>")]
    return re.findall(r'\?agency=\d+">([^<]+)</a>', table)


def test_dashboard_shows_the_worst_agencies_first_and_links_the_rest(
    client, province_staff, agencies
):
    client.force_login(province_staff)
    body = client.get(reverse("coordination:dashboard")).content.decode()
    names = _scorecard_names(body)
    assert len(names) == SCORECARDS_SHOWN
    assert names[:4] == ["A overdue", "B blocked", "C at risk", "D not started"]
    assert "Lihat kartu skor semua 14 lembaga" in body
    assert reverse("coordination:dashboard_agencies") in body


def test_agencies_page_lists_every_agency_worst_first(client, province_staff, agencies):
    client.force_login(province_staff)
    response = client.get(reverse("coordination:dashboard_agencies"))
    assert response.status_code == 200
    names = _scorecard_names(response.content.decode())
    assert names == ["A overdue", "B blocked", "C at risk", "D not started"] + [
        f"Z done {i:02d}" for i in range(4, 14)
    ]


def test_agencies_page_keeps_to_the_persons_scope(client, regency_staff, agencies):
    client.force_login(regency_staff)
    url = reverse("coordination:dashboard_agencies")
    assert client.get(url, {"root": "17.02"}).status_code == 404
    assert client.get(url, {"root": "17.01"}).status_code == 200


def test_agencies_page_denied_to_liaison(client, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:dashboard_agencies")).status_code == 403


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (45, "<strong>45</strong> hari lagi menuju pemungutan suara Pilkada (uji) pada"),
        (0, "hari pemungutan suara Pilkada (uji)."),
        (-3, "Pemungutan suara Pilkada (uji) pada"),
    ],
)
def test_countdown_has_one_wording_and_no_doubled_brackets(
    client, province_staff, superuser, days, text
):
    factories.ElectionFactory(
        name="Pilkada (uji)", voting_day=timezone.localdate() + timedelta(days=days)
    )
    for person in (province_staff, superuser):
        client.force_login(person)
        body = client.get(reverse("coordination:dashboard")).content.decode()
        countdown = re.search(r'<p class="countdown">(.*?)</p>', body, re.S).group(1)
        assert text in countdown
        assert ") (" not in countdown
        if days < 0:
            assert "sudah lewat 3 hari." in countdown


def test_overdue_and_evidence_symbols_are_drawn_not_emoji(client, province_staff, regency):
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency)
    factories.ReadinessTaskFactory(
        region=regency,
        agency=agency,
        election=factories.ElectionFactory(),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(province_staff)
    for url in (reverse("coordination:dashboard"), reverse("coordination:task_list")):
        body = client.get(url).content.decode()
        assert '<svg class="icon"' in body
        assert not re.search("[\U0001f300-\U0001faff\u23f0]", body), url


def test_task_page_shows_key_facts_before_the_update_form(
    client, bawaslu_liaison, regency, bawaslu
):
    task = factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=factories.ElectionFactory()
    )
    client.force_login(bawaslu_liaison)
    body = client.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    main = body[body.index("<main") :]
    assert main.index("Tenggat</dt>") < main.index("<form") < main.index("Riwayat status")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _agencies_with_tasks(regency, n: int, start: int) -> None:
    election = factories.ElectionFactory()
    for i in range(start, start + n):
        agency = factories.AgencyFactory(name=f"Lembaga {i:03d}", region=regency)
        factories.ReadinessTaskFactory(region=regency, agency=agency, election=election)


@pytest.mark.parametrize("url_name", ["coordination:dashboard", "coordination:dashboard_agencies"])
def test_scorecard_pages_query_count_does_not_grow_with_agencies(
    client, province_staff, regency, url_name
):
    client.force_login(province_staff)
    url = reverse(url_name)
    _agencies_with_tasks(regency, 3, 0)
    small = _queries(client, url)
    _agencies_with_tasks(regency, 60, 3)
    assert _queries(client, url) == small
