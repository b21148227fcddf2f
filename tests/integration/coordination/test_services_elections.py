from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.services.elections import (
    checklist_create,
    election_create,
    stage_create,
    stage_update,
)

ITEM = {"title": "Gudang", "category": "logistik", "agency_kind": "kpu", "days_before_voting": 7}


def test_election_create_refused_to_regency_staff(regency_staff):
    with pytest.raises(PermissionDenied):
        election_create(actor=regency_staff, name="X", voting_day=date(2030, 1, 1))


def test_election_create_by_province_staff(province_staff):
    election = election_create(actor=province_staff, name=" X ", voting_day=date(2030, 1, 1))
    assert (election.name, election.is_active) == ("X", True)


def test_stage_create_appends_after_last_order(province_staff):
    election = election_create(actor=province_staff, name="X", voting_day=date(2030, 1, 1))
    day = date(2029, 12, 1)
    first = stage_create(
        actor=province_staff, election=election, name="A", starts_on=day, ends_on=day
    )
    second = stage_create(actor=None, election=election, name="B", starts_on=day, ends_on=day)
    assert (first.order, second.order) == (1, 2)


def test_stage_update_refuses_end_before_start(province_staff):
    election = election_create(actor=None, name="X", voting_day=date(2030, 1, 1))
    stage = stage_create(
        actor=None,
        election=election,
        name="A",
        starts_on=date(2029, 1, 2),
        ends_on=date(2029, 1, 3),
    )
    with pytest.raises(ValidationError) as exc:
        stage_update(
            actor=province_staff,
            stage=stage,
            name="A",
            starts_on=date(2029, 1, 5),
            ends_on=date(2029, 1, 3),
            order=1,
        )
    assert list(exc.value.message_dict) == ["ends_on"]


def test_checklist_create_refused_to_regency_staff(regency_staff):
    election = election_create(actor=None, name="X", voting_day=date(2030, 1, 1))
    with pytest.raises(PermissionDenied):
        checklist_create(actor=regency_staff, election=election, name="C", items=[ITEM])


def test_checklist_create_rolls_back_on_bad_item(province_staff):
    from coordination.models import Checklist

    election = election_create(actor=None, name="X", voting_day=date(2030, 1, 1))
    with pytest.raises(ValidationError):
        checklist_create(
            actor=province_staff,
            election=election,
            name="C",
            items=[ITEM, {**ITEM, "category": "bukan-kategori"}],
        )
    assert not Checklist.objects.exists()
