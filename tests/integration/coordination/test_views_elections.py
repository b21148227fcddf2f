"""Election timeline and checklist template screens: who reads, who writes, what is saved."""

from datetime import date

import pytest
from django.urls import reverse

from coordination.models import Checklist, ChecklistItem, Election, ElectionStage
from coordination.services.elections import checklist_create, stage_create
from tests import factories


@pytest.fixture
def election(db):
    return factories.ElectionFactory(name="Pilkada Uji", voting_day=date(2030, 11, 27))


@pytest.fixture
def stage(election):
    return stage_create(
        actor=None,
        election=election,
        name="Kampanye",
        starts_on=date(2030, 9, 25),
        ends_on=date(2030, 11, 23),
    )


@pytest.fixture
def checklist(election, stage):
    return checklist_create(
        actor=None,
        election=election,
        name="Kesiapan TPS",
        items=[
            {
                "title": "Gudang logistik siap",
                "category": "logistik",
                "agency_kind": "kpu",
                "days_before_voting": 14,
                "stage": stage,
            },
            {
                "title": "Rekap selesai",
                "category": "pengawasan",
                "agency_kind": "bawaslu",
                "days_before_voting": -5,
            },
        ],
    )


def _item(prefix: int, **values) -> dict:
    row = {
        "title": "",
        "category": "logistik",
        "agency_kind": "kpu",
        "days": "",
        "relation": "before",
        "stage": "",
        "priority": "normal",
        "description": "",
        "pk": "",
    }
    row.update(values)
    return {f"items-{prefix}-{key}": value for key, value in row.items()}


def _management(total: int, initial: int = 0) -> dict:
    return {
        "items-TOTAL_FORMS": str(total),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
    }


# --- who may see and who may change -----------------------------------------------------------

READ_PAGES = ["election_list", "election_detail", "checklist_detail"]
WRITE_PAGES = ["election_create", "election_edit", "stage_create", "stage_edit"]
WRITE_PAGES += ["checklist_create", "checklist_edit"]


def _url(name, election, stage, checklist):
    args = {
        "election_list": [],
        "election_create": [],
        "election_detail": [election.pk],
        "election_edit": [election.pk],
        "stage_create": [election.pk],
        "stage_edit": [stage.pk],
        "checklist_create": [election.pk],
        "checklist_detail": [checklist.pk],
        "checklist_edit": [checklist.pk],
    }[name]
    return reverse(f"coordination:{name}", args=args)


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
@pytest.mark.parametrize("who", ["province_staff", "superuser"])
def test_election_pages_open_to_province_staff_and_superusers(
    client, request, who, name, election, stage, checklist
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, election, stage, checklist)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_election_pages_readable_by_regency_staff(
    client, regency_staff, name, election, stage, checklist
):
    client.force_login(regency_staff)
    response = client.get(_url(name, election, stage, checklist))
    assert response.status_code == 200
    assert "/ubah/" not in response.content.decode()
    assert "/baru/" not in response.content.decode()


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_election_writes_refused_to_regency_staff(
    client, regency_staff, name, election, stage, checklist
):
    client.force_login(regency_staff)
    url = _url(name, election, stage, checklist)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Diubah"}).status_code == 403
    election.refresh_from_db()
    assert election.name == "Pilkada Uji"


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
@pytest.mark.parametrize("who", ["bawaslu_liaison", "nobody"])
def test_election_pages_closed_to_liaisons_and_people_without_role(
    client, request, who, name, election, stage, checklist
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, election, stage, checklist)).status_code == 403


def test_election_pages_send_anonymous_to_login(client, election):
    response = client.get(reverse("coordination:election_list"))
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_election_links_in_staff_home_only_for_kpu_staff(client, regency_staff, bawaslu_liaison):
    client.force_login(regency_staff)
    staff_page = client.get(reverse("coordination:staff_home")).content.decode()
    client.force_login(bawaslu_liaison)
    liaison_page = client.get(reverse("coordination:staff_home")).content.decode()
    assert reverse("coordination:election_list") in staff_page
    assert reverse("coordination:election_list") not in liaison_page


# --- elections and stages ---------------------------------------------------------------------


def test_election_create_then_stages_by_province_staff(client, province_staff):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:election_create"),
        {"name": "Pilkada 2029", "voting_day": "2029-11-28", "is_active": "on"},
    )
    election = Election.objects.get(name="Pilkada 2029")
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:election_detail", args=[election.pk])
    assert election.voting_day == date(2029, 11, 28)
    assert election.is_active is True
    stage_url = reverse("coordination:stage_create", args=[election.pk])
    client.post(stage_url, {"name": "Kampanye", "starts_on": "2029-09-25", "ends_on": "2029-11-24"})
    client.post(
        stage_url, {"name": "Masa tenang", "starts_on": "2029-11-25", "ends_on": "2029-11-27"}
    )
    stages = list(election.stages.order_by("order").values_list("name", "order"))
    assert stages == [("Kampanye", 1), ("Masa tenang", 2)]
    page = client.get(reverse("coordination:election_detail", args=[election.pk])).content.decode()
    assert "Masa tenang" in page
    assert "25 Sep 2029" in page


def test_election_create_refuses_duplicate_name_and_keeps_input(client, province_staff, election):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:election_create"),
        {"name": "Pilkada Uji", "voting_day": "2031-01-02"},
    )
    assert response.status_code == 400
    assert Election.objects.count() == 1
    assert 'value="2031-01-02"' in response.content.decode()
    assert response.context["form"].errors["name"]


def test_election_edit_changes_voting_day_and_active(client, superuser, election):
    client.force_login(superuser)
    response = client.post(
        reverse("coordination:election_edit", args=[election.pk]),
        {"name": "Pilkada Uji Ulang", "voting_day": "2030-12-04"},
    )
    election.refresh_from_db()
    assert response.status_code == 302
    assert (election.name, election.voting_day, election.is_active) == (
        "Pilkada Uji Ulang",
        date(2030, 12, 4),
        False,
    )


def test_stage_refuses_end_before_start_with_message(client, province_staff, election):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:stage_create", args=[election.pk]),
        {"name": "Kampanye", "starts_on": "2030-10-01", "ends_on": "2030-09-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "Tanggal selesai tidak boleh sebelum tanggal mulai."
    ]
    assert not ElectionStage.objects.exists()


def test_stage_refuses_duplicate_name_in_same_election(client, province_staff, stage):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:stage_create", args=[stage.election_id]),
        {"name": "kampanye", "starts_on": "2030-10-01", "ends_on": "2030-10-02"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert ElectionStage.objects.count() == 1


def test_stage_edit_moves_dates_and_keeps_order_when_blank(client, province_staff, stage):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:stage_edit", args=[stage.pk]),
        {"name": "Kampanye", "starts_on": "2030-09-20", "ends_on": "2030-11-20", "order": ""},
    )
    stage.refresh_from_db()
    assert response.status_code == 302
    assert (stage.starts_on, stage.ends_on, stage.order) == (
        date(2030, 9, 20),
        date(2030, 11, 20),
        1,
    )


def test_election_list_query_count_is_constant(client, province_staff, django_assert_num_queries):
    client.force_login(province_staff)
    url = reverse("coordination:election_list")
    factories.ElectionFactory(name="A", voting_day=date(2030, 1, 1))
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(10):
        election = factories.ElectionFactory(name=f"E{i}", voting_day=date(2031, 1, 1 + i))
        stage_create(
            actor=None,
            election=election,
            name="Tahap",
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 1, 2),
        )
    with django_assert_num_queries(4):
        client.get(url)


# --- checklists -------------------------------------------------------------------------------


def test_checklist_create_with_items_before_and_after_voting(client, province_staff, stage):
    client.force_login(province_staff)
    data = {"name": "Logistik TPS", "description": "Untuk semua kabupaten/kota"}
    data |= _management(3)
    data |= _item(0, title="Kotak suara tiba", days="10", stage=str(stage.pk), priority="high")
    data |= _item(1, title="Kotak suara kembali", days="3", relation="after", agency_kind="kpu")
    data |= _item(2)  # a blank row is ignored
    response = client.post(reverse("coordination:checklist_create", args=[stage.election_id]), data)
    checklist = Checklist.objects.get(name="Logistik TPS")
    assert response.status_code == 302
    assert checklist.created_by == province_staff
    rows = list(
        checklist.items.order_by("order").values_list(
            "title", "days_before_voting", "stage_id", "priority", "order"
        )
    )
    assert rows == [
        ("Kotak suara tiba", 10, stage.pk, "high", 1),
        ("Kotak suara kembali", -3, None, "normal", 2),
    ]
    page = client.get(reverse("coordination:checklist_detail", args=[checklist.pk]))
    assert "H-10" in page.content.decode()
    assert "H+3" in page.content.decode()


def test_checklist_create_without_items_keeps_input(client, province_staff, election):
    client.force_login(province_staff)
    data = {"name": "Kosong", "description": "Catatan saya"} | _management(1) | _item(0)
    response = client.post(reverse("coordination:checklist_create", args=[election.pk]), data)
    assert response.status_code == 400
    assert not Checklist.objects.exists()
    assert "Isi paling sedikit satu butir." in response.content.decode()
    assert "Catatan saya" in response.content.decode()


def test_checklist_item_with_missing_days_shows_field_error(client, province_staff, election):
    client.force_login(province_staff)
    data = {"name": "Tanpa tenggat"} | _management(1) | _item(0, title="Sesuatu")
    response = client.post(reverse("coordination:checklist_create", args=[election.pk]), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["days"]
    assert 'value="Sesuatu"' in response.content.decode()


def test_checklist_item_refuses_stage_of_another_election(client, province_staff, election):
    other = factories.ElectionFactory(name="Lain", voting_day=date(2031, 5, 5))
    foreign = stage_create(
        actor=None, election=other, name="X", starts_on=date(2031, 1, 1), ends_on=date(2031, 1, 2)
    )
    client.force_login(province_staff)
    data = {"name": "Salah"} | _management(1) | _item(0, title="A", days="1", stage=str(foreign.pk))
    response = client.post(reverse("coordination:checklist_create", args=[election.pk]), data)
    assert response.status_code == 400
    assert not Checklist.objects.exists()


def test_checklist_edit_changes_adds_and_removes_items(client, province_staff, checklist):
    first, second = checklist.items.order_by("order")
    client.force_login(province_staff)
    url = reverse("coordination:checklist_edit", args=[checklist.pk])
    assert client.get(url).status_code == 200
    data = {"name": "Kesiapan TPS (revisi)", "description": ""} | _management(3, initial=2)
    data |= _item(0, pk=str(first.pk), title="Gudang logistik siap", days="21", agency_kind="kpu")
    data |= _item(1, pk=str(second.pk), title="Rekap selesai", days="5", relation="after")
    data["items-1-DELETE"] = "on"
    data |= _item(2, title="Bimtek KPPS", category="sdm", days="7")
    response = client.post(url, data)
    checklist.refresh_from_db()
    assert response.status_code == 302
    assert checklist.name == "Kesiapan TPS (revisi)"
    rows = list(checklist.items.order_by("order").values_list("pk", "title", "days_before_voting"))
    assert rows == [
        (first.pk, "Gudang logistik siap", 21),
        (rows[1][0], "Bimtek KPPS", 7),
    ]
    assert not ChecklistItem.objects.filter(pk=second.pk).exists()


def test_checklist_edit_refuses_item_of_another_checklist(
    client, province_staff, checklist, election
):
    other = checklist_create(
        actor=None,
        election=election,
        name="Lain",
        items=[{"title": "B", "category": "ti", "agency_kind": "kpu", "days_before_voting": 1}],
    )
    foreign = other.items.get()
    client.force_login(province_staff)
    data = {"name": "Kesiapan TPS"} | _management(1, initial=0)
    data |= _item(0, pk=str(foreign.pk), title="Dicuri", days="1")
    response = client.post(reverse("coordination:checklist_edit", args=[checklist.pk]), data)
    foreign.refresh_from_db()
    assert response.status_code == 400
    assert foreign.title == "B"


def test_checklist_stamp_page_preselects_checklist(client, province_staff, checklist):
    client.force_login(province_staff)
    response = client.get(reverse("coordination:checklist_stamp"), {"checklist": checklist.pk})
    assert response.context["form"].initial == {"checklist": checklist.pk}


def test_checklist_detail_query_count_is_constant(
    client, province_staff, checklist, stage, django_assert_num_queries
):
    client.force_login(province_staff)
    url = reverse("coordination:checklist_detail", args=[checklist.pk])
    with django_assert_num_queries(5):
        client.get(url)
    for i in range(10):
        ChecklistItem.objects.create(
            checklist=checklist,
            title=f"Butir {i}",
            category="ti",
            agency_kind="kpu",
            days_before_voting=i,
            stage=stage,
            order=10 + i,
        )
    with django_assert_num_queries(5):
        client.get(url)


def test_election_detail_shows_stage_dates_to_regency_staff(client, regency_staff, stage):
    client.force_login(regency_staff)
    page = client.get(reverse("coordination:election_detail", args=[stage.election_id]))
    assert "25 Sep 2030" in page.content.decode()
