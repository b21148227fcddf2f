"""Recording and changing risks: the level from the matrix, the checks, who may record for whom,
and the append-only history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.models import Region
from kerawanan.enums import MATRIX, RiskChangeKind, RiskLevel, RiskStatus, Visibility, risk_level
from kerawanan.models import IkpDimension, RiskChange
from kerawanan.services.risks import parse_tps, risk_create, risk_update


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [(1, 1, 1), (2, 2, 1), (1, 5, 2), (3, 3, 2), (2, 5, 3), (4, 4, 3), (4, 5, 4), (5, 5, 4)],
)
def test_level_comes_from_the_matrix(likelihood, impact, level):
    assert risk_level(likelihood, impact) == level
    assert MATRIX[likelihood - 1][impact - 1] == level


def test_parse_tps_sorts_and_refuses_what_is_not_a_tps_number():
    assert parse_tps("7, 3;12 3") == [3, 7, 12]
    assert parse_tps("") == []
    for bad in ("0", "1000", "x", "²", "-2"):
        with pytest.raises(ValidationError):
            parse_tps(bad)


def test_create_computes_the_level_and_records_the_first_history_entry(make_risk, people):
    risk = make_risk(likelihood=4, impact=5, tps_numbers=[7, 3])
    assert risk.level == RiskLevel.VERY_HIGH
    assert risk.tps_numbers == [3, 7]
    (entry,) = RiskChange.objects.filter(risk=risk)
    assert entry.kind == RiskChangeKind.CREATED


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"region": "17"}, "region"),
        ({"region": "17.01.01", "tps_numbers": [1]}, "tps_numbers"),
        ({"tps_numbers": list(range(1, 52))}, "tps_numbers"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": 0}, "impact"),
        ({"title": "  "}, "title"),
    ],
)
def test_create_refuses_bad_values_on_their_fields(make_risk, fields, error_field):
    if "region" in fields:
        fields["region"] = Region.objects.get(code=fields["region"])
    with pytest.raises(ValidationError) as caught:
        make_risk(**fields)
    assert error_field in caught.value.message_dict


def test_a_subdimension_must_belong_to_the_dimension(make_risk):
    other = IkpDimension.objects.get(name="Kontestasi", parent=None)
    with pytest.raises(ValidationError) as caught:
        make_risk(dimension=other)
    assert "subdimension" in caught.value.message_dict


def test_a_retired_dimension_is_refused_for_new_risks(make_risk, dimension):
    dimension.is_active = False
    dimension.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as caught:
        make_risk()
    assert "dimension" in caught.value.message_dict


def test_a_liaison_records_for_their_own_agency_within_its_region(make_risk, people, agencies):
    liaison = people["owner_liaison"]
    risk = make_risk(title="Dari Bawaslu", owner=agencies["bawaslu"])
    assert risk.owner == agencies["bawaslu"]
    created = risk_create(
        actor=liaison,
        title="TPS rawan banjir",
        category="bencana",
        dimension=risk.dimension,
        likelihood=3,
        impact=3,
        source="ikp_bawaslu",
        region=risk.region,
        owner=agencies["bawaslu"],
    )
    assert created.created_by == liaison
    with pytest.raises(ValidationError) as caught:  # another agency's name
        risk_create(
            actor=liaison,
            title="Atas nama Polres",
            category="keamanan",
            dimension=risk.dimension,
            likelihood=3,
            impact=3,
            source="polri_tni",
            region=risk.region,
            owner=agencies["polres"],
        )
    assert "region" in caught.value.message_dict
    with pytest.raises(ValidationError):  # outside the agency's regency
        risk_create(
            actor=liaison,
            title="Di kabupaten lain",
            category="keamanan",
            dimension=risk.dimension,
            likelihood=3,
            impact=3,
            source="ikp_bawaslu",
            region=Region.objects.get(code="17.02"),
            owner=agencies["bawaslu"],
        )


def test_a_person_without_a_role_records_nothing(make_risk, people, agencies):
    risk = make_risk()
    with pytest.raises(PermissionDenied):
        risk_create(
            actor=people["nobody"],
            title="x",
            category="lainnya",
            dimension=risk.dimension,
            likelihood=1,
            impact=1,
            source="lainnya",
            region=risk.region,
            owner=agencies["bawaslu"],
        )


def test_update_appends_one_entry_naming_each_changed_field(make_risk, people, agencies):
    risk = make_risk(likelihood=2, impact=2)
    staff = people["regency_staff"]
    updated = risk_update(
        actor=staff,
        risk=risk,
        likelihood=5,
        status=RiskStatus.MONITORED,
        acting_agencies=[agencies["polres"], agencies["kodim"]],
        review_on=dt.date(2030, 1, 2),
        note="Dinaikkan setelah rakor.",
    )
    assert updated.level == RiskLevel.HIGH
    entry = RiskChange.objects.filter(risk=risk, kind=RiskChangeKind.UPDATED).get()
    assert entry.author == staff
    assert entry.note == "Dinaikkan setelah rakor."
    assert entry.changes == [
        {"field": "likelihood", "from": 2, "to": 5},
        {"field": "level", "from": 1, "to": 3},
        {
            "field": "acting_agencies",
            "from": ["Polres 17.01"],
            "to": ["Kodim 17.01", "Polres 17.01"],
        },
        {"field": "status", "from": "teridentifikasi", "to": "dipantau"},
        {"field": "review_on", "from": None, "to": "2030-01-02"},
    ]


def test_update_without_a_change_adds_no_entry(make_risk, people):
    risk = make_risk()
    risk_update(actor=people["owner_liaison"], risk=risk, title=risk.title)
    assert RiskChange.objects.filter(risk=risk).count() == 1


def test_update_is_refused_to_those_who_only_read(make_risk, people):
    risk = make_risk()
    for role in ("acting_liaison", "above_liaison", "other_regency_staff"):
        with pytest.raises(PermissionDenied):
            risk_update(actor=people[role], risk=risk, visibility=Visibility.SECRET)


def test_history_entries_are_immutable(make_risk):
    entry = RiskChange.objects.get(risk=make_risk())
    entry.note = "diubah"
    with pytest.raises(ValueError):
        entry.save()


def test_an_agency_deactivated_since_stays_but_cannot_be_named_anew(make_risk, people, agencies):
    risk = make_risk(acting_agencies=[agencies["polres"]])
    agencies["polres"].is_active = False
    agencies["polres"].save(update_fields=["is_active"])
    risk_update(actor=people["regency_staff"], risk=risk, title="Masih bisa diubah")
    with pytest.raises(ValidationError) as caught:
        make_risk(acting_agencies=[agencies["polres"]])
    assert "acting_agencies" in caught.value.message_dict
