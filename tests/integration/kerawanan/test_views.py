"""The register's pages: filters, the phone-first form (with and without the region step),
editing, mitigation and agenda forms, heat tables with drill-down, the IKP taxonomy."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coordination.models import ReadinessTask, Region
from kerawanan.enums import RiskStatus, Visibility
from kerawanan.models import AgendaItem, IkpDimension, Mitigation, Risk
from tests import factories


def _titles(response) -> list[str]:
    return [risk.title for risk in response.context["page"].object_list]


def test_list_is_sorted_by_level_then_review_and_filters_combine(client, people, make_risk):
    today = timezone.localdate()
    make_risk(title="Sedang", likelihood=3, impact=3, review_on=today)
    make_risk(title="Tinggi nanti", likelihood=4, impact=4, review_on=today + dt.timedelta(days=9))
    make_risk(title="Tinggi lewat", likelihood=4, impact=4, review_on=today - dt.timedelta(days=1))
    make_risk(title="Sangat tinggi TPS", likelihood=5, impact=5, tps_numbers=[4])
    make_risk(title="Ditutup", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    client.force_login(people["regency_staff"])
    url = reverse("kerawanan:risk_list")
    assert _titles(client.get(url)) == [
        "Sangat tinggi TPS",
        "Ditutup",
        "Tinggi lewat",
        "Tinggi nanti",
        "Sedang",
    ]
    assert _titles(client.get(url, {"tingkat": ["3"]})) == ["Tinggi lewat", "Tinggi nanti"]
    assert _titles(client.get(url, {"tinjauan": "lewat"})) == ["Tinggi lewat"]
    assert _titles(client.get(url, {"tps": "1"})) == ["Sangat tinggi TPS"]
    assert _titles(client.get(url, {"terbuka": "1", "tingkat": ["4"]})) == ["Sangat tinggi TPS"]
    assert _titles(client.get(url, {"wilayah": "17.02"})) == []
    assert _titles(client.get(url, {"q": "lewat"})) == ["Tinggi lewat"]


def test_unmitigated_filter_and_garbage_parameters(client, people, make_risk, agencies):
    make_risk(title="Tanpa mitigasi")
    covered = make_risk(title="Ada mitigasi")
    election = factories.ElectionFactory()
    task = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.01"), agency=agencies["polres"], election=election
    )
    Mitigation.objects.create(risk=covered, task=task)
    client.force_login(people["province_staff"])
    url = reverse("kerawanan:risk_list")
    assert _titles(client.get(url, {"tanpa_mitigasi": "1"})) == ["Tanpa mitigasi"]
    garbage = {"wilayah": "'; --", "tingkat": ["9", "x"], "dimensi": "²", "pemilik": "-1"}
    assert client.get(url, garbage).status_code == 200


def _form_data(agencies, **changes):
    data = {
        "owner": agencies["bawaslu"].pk,
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.01",
        "wilayah_desa": "17.01.01.2001",
        "tps": "5, 2",
        "title": "TPS dekat jembatan putus",
        "description": "",
        "category": "akses_geografis",
        "ikp": str(IkpDimension.objects.get(name="Pelaksanaan pemungutan suara").pk),
        "likelihood": "4",
        "impact": "5",
        "source": "ikp_bawaslu",
        "visibility": Visibility.RESTRICTED,
        "acting_agencies": [agencies["polres"].pk],
        "status": RiskStatus.IDENTIFIED,
        "review_on": "",
    }
    data.update(changes)
    return data


def test_a_liaison_records_a_tps_rawan_through_the_form(client, people, agencies):
    client.force_login(people["owner_liaison"])
    response = client.post(reverse("kerawanan:risk_create"), _form_data(agencies))
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kerawanan:risk_detail", args=[risk.pk])
    assert (risk.region_id, risk.tps_numbers, risk.level) == ("17.01.01.2001", [2, 5], 4)
    assert risk.dimension.name == "Penyelenggaraan pemilu"
    assert risk.subdimension.name == "Pelaksanaan pemungutan suara"


def test_the_region_step_keeps_what_was_typed_and_shows_no_errors(client, people, agencies):
    client.force_login(people["owner_liaison"])
    data = _form_data(agencies, wilayah_kec="", wilayah_desa="", title="Diketik dulu")
    data["pilih_wilayah"] = "1"
    response = client.post(reverse("kerawanan:risk_create"), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert not form.is_bound
    assert [c for c, _n in form.fields["wilayah_kec"].choices][1:] == ["17.01.01", "17.01.02"]
    assert 'value="Diketik dulu"' in response.content.decode()
    assert Risk.objects.count() == 0


def test_form_errors_keep_the_input(client, people, agencies):
    client.force_login(people["owner_liaison"])
    bad = _form_data(agencies, wilayah_desa="", tps="3", title="Masih di sini")
    response = client.post(reverse("kerawanan:risk_create"), bad)
    assert response.status_code == 400
    assert response.context["form"].errors["tps"] == ["Pilih desa/kelurahan untuk nomor TPS."]
    assert 'value="Masih di sini"' in response.content.decode()
    outside = _form_data(agencies, wilayah_kab="17.02", wilayah_kec="", wilayah_desa="", tps="")
    assert client.post(reverse("kerawanan:risk_create"), outside).status_code == 400
    assert Risk.objects.count() == 0


def test_edit_records_the_change(client, people, agencies, make_risk):
    risk = make_risk(title="Lama")
    client.force_login(people["owner_liaison"])
    url = reverse("kerawanan:risk_edit", args=[risk.pk])
    assert client.get(url).context["form"].initial["wilayah_desa"] == "17.01.01.2001"
    data = _form_data(agencies, title="Baru", note="Judul diperjelas.")
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("kerawanan:risk_detail", args=[risk.pk])).content.decode()
    assert "Judul diperjelas." in page
    assert "Lama → Baru" in page


def test_mitigation_page_creates_a_task_for_the_polres(client, people, agencies, make_risk):
    factories.ElectionFactory()
    risk = make_risk(acting_agencies=[])
    client.force_login(people["regency_staff"])
    url = reverse("kerawanan:mitigation", args=[risk.pk])
    form = client.get(url).context["form"]
    assert agencies["polres"] in form.fields["agency"].queryset
    assert agencies["polres_other"] not in form.fields["agency"].queryset
    response = client.post(
        url,
        {
            "title": "Patroli",
            "agency": agencies["polres"].pk,
            "due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "category": "keamanan",
            "priority": "high",
        },
    )
    assert response.status_code == 302
    task = ReadinessTask.objects.get(mitigations__risk=risk)
    assert task.agency == agencies["polres"]
    refused = client.post(url, {"title": "x", "agency": agencies["polres_other"].pk})
    assert refused.status_code == 400


def test_mitigation_page_links_an_existing_task_by_number(client, people, agencies, make_risk):
    election = factories.ElectionFactory()
    risk = make_risk()
    task = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.01"), agency=agencies["kodim"], election=election
    )
    hidden = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.02"), agency=agencies["polres_other"], election=election
    )
    client.force_login(people["regency_staff"])
    url = reverse("kerawanan:mitigation", args=[risk.pk])
    assert client.post(url, {"link": "1", "task": hidden.pk}).status_code == 400
    assert client.post(url, {"link": "1", "task": task.pk}).status_code == 302
    assert list(Mitigation.objects.values_list("task_id", flat=True)) == [task.pk]


def test_agenda_from_the_risk_page_and_the_meeting_page(client, people, make_risk, kpu_regency):
    risk = make_risk()
    meeting = factories.meeting(region=Region.objects.get(code="17.01"), organiser=kpu_regency)
    client.force_login(people["regency_staff"])
    page = client.get(reverse("kerawanan:risk_detail", args=[risk.pk]))
    assert meeting in page.context["agenda_form"].fields["meeting"].queryset
    client.post(reverse("kerawanan:agenda_add", args=[risk.pk]), {"meeting": meeting.pk})
    assert AgendaItem.objects.filter(meeting=meeting, risk=risk).exists()
    body = client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("kerawanan:risk_detail", args=[risk.pk]) in body
    client.post(reverse("kerawanan:agenda_remove", args=[meeting.pk, risk.pk]))
    assert not AgendaItem.objects.exists()
    client.post(reverse("kerawanan:agenda_high_risks", args=[meeting.pk]))
    assert AgendaItem.objects.filter(meeting=meeting, risk=risk).exists()


def test_agenda_changes_are_refused_to_others(client, people, make_risk, kpu_regency):
    risk = make_risk()
    meeting = factories.meeting(region=Region.objects.get(code="17.01"), organiser=kpu_regency)
    client.force_login(people["other_regency_staff"])
    assert client.post(reverse("kerawanan:agenda_high_risks", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("kerawanan:agenda_add", args=[risk.pk]), {}).status_code == 404
    client.force_login(people["owner_liaison"])
    assert client.post(reverse("kerawanan:agenda_high_risks", args=[meeting.pk])).status_code == 403
    assert not AgendaItem.objects.exists()


def test_heat_tables_drill_down_from_province_to_regency_to_the_list(client, people, make_risk):
    make_risk(likelihood=5, impact=5, category="keamanan")
    make_risk(likelihood=2, impact=2, category="keamanan")
    make_risk(likelihood=2, impact=2, region=Region.objects.get(code="17.01.02"))
    client.force_login(people["province_staff"])
    table = client.get(reverse("kerawanan:heat_region", args=["17"])).context["table"]
    row = next(r for r in table.rows if r.code == "17.01")
    cell = next(c for c in row.cells if c.key == "keamanan")
    assert (cell.count, cell.top, row.total.count) == (2, 4, 3)
    body = client.get(reverse("kerawanan:heat_region", args=["17"])).content.decode()
    assert reverse("kerawanan:heat_region", args=["17.01"]) in body
    assert "wilayah=17.01&amp;terbuka=1&amp;kategori=keamanan" in body
    regency = client.get(reverse("kerawanan:heat_region", args=["17.01"])).context["table"]
    assert [(r.code, r.total.count) for r in regency.rows] == [("17.01.01", 2), ("17.01.02", 1)]
    dims = client.get(reverse("kerawanan:heat_region", args=["17"]), {"sumbu": "dimensi"})
    assert [label for _v, label in dims.context["table"].columns][:2] == [
        "Konteks sosial politik",
        "Penyelenggaraan pemilu",
    ]
    national = client.get(reverse("kerawanan:heat")).context["table"]
    assert [(r.code, r.total.count) for r in national.rows] == [("17", 3)]
    for code in ("17.01.01", "99", "x"):
        assert client.get(reverse("kerawanan:heat_region", args=[code])).status_code == 404


def test_taxonomy_is_kept_by_province_staff(client, people):
    url = reverse("kerawanan:dimension_list")
    client.force_login(people["regency_staff"])
    assert client.get(url).status_code == 403
    client.force_login(people["province_staff"])
    parent = IkpDimension.objects.get(name="Kontestasi")
    response = client.post(url, {"name": "Kampanye digital", "parent": parent.pk, "order": 3})
    assert response.status_code == 302
    created = IkpDimension.objects.get(name="Kampanye digital")
    assert created.parent == parent
    duplicate = client.post(url, {"name": "kampanye DIGITAL", "parent": parent.pk, "order": 1})
    assert duplicate.status_code == 400
    edit = reverse("kerawanan:dimension_edit", args=[created.pk])
    client.post(edit, {"name": "Kampanye daring", "order": 3})
    created.refresh_from_db()
    assert (created.name, created.is_active) == ("Kampanye daring", False)


def test_region_children_for_the_picker(client, people):
    client.force_login(people["owner_liaison"])
    response = client.get(reverse("kerawanan:region_children", args=["17.01"]))
    assert response.json() == {
        "children": [
            {"code": "17.01.01", "name": "Kecamatan 17.01.01"},
            {"code": "17.01.02", "name": "Kecamatan 17.01.02"},
        ]
    }
    assert client.get(reverse("kerawanan:region_children", args=["abc"])).json() == {"children": []}
