"""The visibility matrix: every role x every visibility x every surface that shows a risk or
counts it (the list, the risk page, the CSV and XLSX exports, a heat cell, a count), and the
predicate against the filter for every pair.

Three risks in a village of 17.01, one per visibility, owned by Bawaslu 17.01 with Polres 17.01
to act; each in its own category so a heat cell counts exactly one of them.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kerawanan import permissions
from kerawanan.enums import RiskCategory, Visibility
from kerawanan.selectors.risks import risks_visible_to

CATEGORY = {
    Visibility.RESTRICTED: RiskCategory.LOGISTICS,
    Visibility.SECRET: RiskCategory.SECURITY,
    Visibility.PUBLIC_SUMMARY: RiskCategory.MONEY_POLITICS,
}
ALL = {Visibility.RESTRICTED, Visibility.SECRET, Visibility.PUBLIC_SUMMARY}
NOT_SECRET = {Visibility.RESTRICTED, Visibility.PUBLIC_SUMMARY}
# Which visibilities each role reads (kerawanan.permissions, README "Kerawanan").
SEES = {
    "superuser": ALL,
    "province_staff": ALL,
    "regency_staff": ALL,
    "other_regency_staff": set(),
    "owner_liaison": ALL,
    "acting_liaison": ALL,
    "local_liaison": NOT_SECRET,
    "above_liaison": NOT_SECRET,
    "unrelated_liaison": set(),
    "nobody": set(),
}
ROLES = sorted(SEES)
VISIBILITIES = sorted(ALL)


@pytest.fixture
def risks(make_risk):
    return {
        v: make_risk(title=f"Risiko {v} RAHASIA-UJI", visibility=v, category=CATEGORY[v])
        for v in VISIBILITIES
    }


def _client(client, person):
    client.force_login(person)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_predicate_and_filter_agree(people, risks, role, visibility):
    person, risk = people[role], risks[visibility]
    expected = visibility in SEES[role]
    assert permissions.can_view_risk(person, risk) is expected
    assert risks_visible_to(person).filter(pk=risk.pk).exists() is expected


@pytest.mark.parametrize("role", ROLES)
def test_list_page_export_heat_and_count(client, people, risks, role):
    """Each surface shows (or counts) exactly the risks of the visibilities the role reads."""
    person = people[role]
    client = _client(client, person)
    if role == "nobody":  # no role anywhere: the register is closed to them
        assert client.get(reverse("kerawanan:risk_list")).status_code == 403
        detail = reverse("kerawanan:risk_detail", args=[risks["terbatas"].pk])
        assert client.get(detail).status_code == 403
        return
    listing = client.get(reverse("kerawanan:risk_list")).content.decode()
    csv_body = client.get(reverse("kerawanan:risk_list") + "?format=csv").content.decode()
    xlsx = client.get(reverse("kerawanan:risk_list") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    xlsx_titles = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    heat = client.get(reverse("kerawanan:heat_region", args=["17.01"])).context["table"]
    heat_row = next(row for row in heat.rows if row.code == "17.01.01")
    by_category = {cell.key: cell.count for cell in heat_row.cells}
    for visibility, risk in risks.items():
        seen = visibility in SEES[role]
        page = client.get(reverse("kerawanan:risk_detail", args=[risk.pk]))
        assert page.status_code == (200 if seen else 404), (role, visibility)
        assert (risk.title in listing) is seen, (role, visibility, "list")
        assert (risk.title in csv_body) is seen, (role, visibility, "csv")
        assert (risk.title in xlsx_titles) is seen, (role, visibility, "xlsx")
        assert by_category[CATEGORY[visibility]] == int(seen), (role, visibility, "heat")
        count = client.get(reverse("kerawanan:risk_list"), {"visibilitas": visibility})
        assert count.context["page"].paginator.count == int(seen), (role, visibility, "count")
    assert heat_row.total.count == len(SEES[role])


def test_anonymous_gets_the_login_page_and_only_public_counts(client, risks):
    response = client.get(reverse("kerawanan:risk_list"))
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]
    page = client.get(reverse("kerawanan:risk_detail", args=[risks["rahasia"].pk]))
    assert page.status_code == 302
    summary = client.get(reverse("kerawanan:public_summary_region", args=["17"]))
    assert summary.status_code == 200
    row = next(row for row in summary.context["table"].rows if row.code == "17.01")
    assert {cell.key: cell.count for cell in row.cells if cell.count} == {
        RiskCategory.MONEY_POLITICS: 1
    }
    assert b"RAHASIA-UJI" not in summary.content


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_mitigate_only_for_staff_of_the_region_and_the_owner(client, people, risks, role):
    person, risk = people[role], risks["rahasia"]
    may_change = role in {"superuser", "province_staff", "regency_staff", "owner_liaison"}
    assert permissions.can_edit_risk(person, risk) is may_change
    assert permissions.can_mitigate_risk(person, risk) is may_change
    client.force_login(person)
    status = client.get(reverse("kerawanan:risk_edit", args=[risk.pk])).status_code
    # Those who read the risk but may not change it are refused (403); to everyone else it
    # does not exist (404); a person without any role never gets past the register's guard.
    reads = Visibility.SECRET in SEES[role]
    expected = 200 if may_change else 403 if reads or role == "nobody" else 404
    assert status == expected
