"""No request may hold a worker: formsets and multi-value fields take what a person needs, and a
request that announces more is refused before anything is built or rendered."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coordination.enums import MeetingStatus
from coordination.forms.elections import MAX_CHECKLIST_ITEMS, ChecklistItemFormSet
from coordination.forms.meetings import ActionItemFormSet
from coordination.models import Agency, Checklist
from pilkada.common.bounds import request_too_large
from tests import factories


@pytest.fixture
def election(db):
    return factories.ElectionFactory(name="Pilkada Uji", voting_day=date(2030, 11, 27))


def _checklist_post(client, election, total: int):
    return client.post(
        reverse("coordination:checklist_create", args=[election.pk]),
        {"name": "Besar", "items-TOTAL_FORMS": str(total), "items-INITIAL_FORMS": "0"},
    )


def test_every_formset_is_bounded_and_says_so():
    for formset, most in [(ChecklistItemFormSet, MAX_CHECKLIST_ITEMS), (ActionItemFormSet, 20)]:
        assert (formset.max_num, formset.absolute_max, formset.validate_max) == (most, most, True)


def test_checklist_with_a_thousand_forms_announced_is_a_short_400(client, province_staff, election):
    client.force_login(province_staff)
    response = _checklist_post(client, election, 1000)
    assert response.status_code == 400
    assert response.content == b"Permintaan terlalu besar."
    assert not Checklist.objects.exists()


def test_checklist_past_its_limit_is_a_form_error_with_bounded_forms(
    client, province_staff, election
):
    client.force_login(province_staff)
    response = _checklist_post(client, election, MAX_CHECKLIST_ITEMS + 50)
    assert response.status_code == 400
    formset = response.context["formset"]
    assert len(formset.forms) == MAX_CHECKLIST_ITEMS
    assert formset.non_form_errors() == [
        f"Harap ajukan paling banyak {MAX_CHECKLIST_ITEMS} formulir."
    ]
    assert not Checklist.objects.exists()


def test_minutes_past_the_action_limit_is_a_form_error(client, regency_staff, bengkulu):
    from coordination.models import Region

    regency = Region.objects.get(code="17.01")
    kpu = Agency.objects.get(region=regency)
    past = timezone.now() - timedelta(hours=3)
    held = factories.meeting(
        region=regency, organiser=kpu, invited=[kpu], starts_at=past, status=MeetingStatus.HELD
    )
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_minutes", args=[held.pk]),
        {"minutes": "Notulen.", "actions-TOTAL_FORMS": "150", "actions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400
    assert len(response.context["actions_formset"].forms) == 20
    held.refresh_from_db()
    assert held.minutes == ""


def test_meeting_form_refuses_more_agencies_than_a_meeting_invites(
    client, province_staff, bengkulu
):
    client.force_login(province_staff)
    response = client.post(
        reverse("coordination:meeting_create"),
        {"invited_agencies": [str(n) for n in range(1, 502)], "title": "Rakor"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["invited_agencies"] == ["Paling banyak 500 pilihan."]


def test_repeated_copies_of_one_id_count_once(province_staff, bengkulu):
    from coordination.forms.meetings import AgencyChoiceField

    kpu = Agency.objects.get(region_id="17")
    field = AgencyChoiceField(queryset=Agency.objects.all())
    assert list(field.clean([str(kpu.pk)] * 550)) == [kpu]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("items-TOTAL_FORMS=200", ""),
        ("items-TOTAL_FORMS=201", "too many forms announced in 'items-TOTAL_FORMS'"),
        ("x-INITIAL_FORMS=" + "9" * 500, "too many forms announced in 'x-INITIAL_FORMS'"),
        ("items-TOTAL_FORMS=abc", ""),  # not a number: the formset reports it
        ("a=1&" * 600 + "b=2", ""),
        ("a=1&" * 601, "too many values for 'a'"),
    ],
)
def test_request_too_large_reads_the_query_and_the_body(query, reason, settings):
    settings.PILKADA_MAX_FORMS, settings.PILKADA_MAX_VALUES_PER_FIELD = 200, 600
    assert request_too_large(RequestFactory().get("/?" + query)) == reason
    post = RequestFactory().post("/", query, content_type="application/x-www-form-urlencoded")
    assert request_too_large(post) == reason
