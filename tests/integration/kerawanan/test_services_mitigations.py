"""Mitigations are readiness tasks, created through coordination's one task service and linked
both ways; meetings put risks on their agenda."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination.enums import TaskStatus
from coordination.models import Region
from coordination.services.readiness import task_status_update
from kerawanan.enums import RiskChangeKind, RiskStatus, Visibility
from kerawanan.models import AgendaItem, Mitigation, RiskChange
from kerawanan.services.agenda import agenda_add, agenda_add_high_risks, agenda_remove
from kerawanan.services.mitigations import mitigation_create, mitigation_link
from tests import factories


@pytest.fixture
def election(db):
    return factories.ElectionFactory()


def _task_kwargs(agency):
    return {
        "title": "Patroli TPS rawan",
        "agency": agency,
        "due_on": timezone.localdate() + dt.timedelta(days=5),
        "category": "keamanan",
    }


def test_staff_create_a_mitigation_task_as_themselves(make_risk, people, agencies, election):
    risk = make_risk(acting_agencies=[])
    staff = people["regency_staff"]
    task = mitigation_create(actor=staff, risk=risk, **_task_kwargs(agencies["polres"]))
    assert task.created_by == staff
    assert task.region_id == risk.region_id
    assert task.election == election
    assert task.priority == "high"  # a high risk's mitigation starts high
    assert Mitigation.objects.filter(risk=risk, task=task).exists()
    risk.refresh_from_db()
    assert risk.status == RiskStatus.MITIGATING
    assert list(risk.acting_agencies.all()) == [agencies["polres"]]
    entry = RiskChange.objects.filter(risk=risk, kind=RiskChangeKind.MITIGATION).get()
    assert [c["field"] for c in entry.changes] == ["mitigation", "acting_agencies_added", "status"]


def test_the_owning_liaison_creates_one_through_a_system_write(
    make_risk, people, agencies, election
):
    risk = make_risk(visibility=Visibility.SECRET, acting_agencies=[])
    liaison = people["owner_liaison"]
    task = mitigation_create(actor=liaison, risk=risk, **_task_kwargs(agencies["polres"]))
    assert task.created_by == liaison
    # The Polres now acts on the risk, so its liaison reads the rahasia risk it mitigates.
    from kerawanan.permissions import can_view_risk

    assert can_view_risk(people["acting_liaison"], risk)


@pytest.mark.parametrize("role", ["acting_liaison", "above_liaison", "other_regency_staff"])
def test_others_may_not_create_mitigations(make_risk, people, agencies, election, role):
    risk = make_risk()
    with pytest.raises(PermissionDenied):
        mitigation_create(actor=people[role], risk=risk, **_task_kwargs(agencies["polres"]))


def test_the_agency_must_be_involved_or_above_the_risk(make_risk, people, agencies, election):
    risk = make_risk()
    with pytest.raises(ValidationError) as caught:
        mitigation_create(
            actor=people["province_staff"], risk=risk, **_task_kwargs(agencies["polres_other"])
        )
    assert "agency" in caught.value.message_dict


def test_without_an_active_election_no_task_is_made(make_risk, people, agencies):
    risk = make_risk()
    with pytest.raises(ValidationError):
        mitigation_create(
            actor=people["regency_staff"], risk=risk, **_task_kwargs(agencies["polres"])
        )


def test_link_an_existing_task_and_see_it_on_both_pages(
    client, make_risk, people, agencies, election
):
    risk = make_risk(acting_agencies=[])
    task = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.01"), agency=agencies["kodim"], election=election
    )
    mitigation_link(actor=people["regency_staff"], risk=risk, task=task)
    with pytest.raises(ValidationError):
        mitigation_link(actor=people["regency_staff"], risk=risk, task=task)
    assert agencies["kodim"] in risk.acting_agencies.all()
    client.force_login(people["local_liaison"])  # Kodim: the task's agency
    task_page = client.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    assert reverse("kerawanan:risk_detail", args=[risk.pk]) in task_page
    risk_page = client.get(reverse("kerawanan:risk_detail", args=[risk.pk])).content.decode()
    assert reverse("coordination:task_detail", args=[task.pk]) in risk_page


def test_linking_a_task_the_person_cannot_see_is_refused(make_risk, people, agencies, election):
    risk = make_risk()
    task = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.02"), agency=agencies["polres_other"], election=election
    )
    with pytest.raises(PermissionDenied):
        mitigation_link(actor=people["owner_liaison"], risk=risk, task=task)


def test_the_risk_page_shows_when_all_mitigations_are_done(
    client, make_risk, people, agencies, election
):
    risk = make_risk()
    first = mitigation_create(
        actor=people["regency_staff"], risk=risk, **_task_kwargs(agencies["polres"])
    )
    second = mitigation_create(
        actor=people["regency_staff"], risk=risk, **_task_kwargs(agencies["kodim"])
    )
    client.force_login(people["regency_staff"])
    url = reverse("kerawanan:risk_detail", args=[risk.pk])
    assert client.get(url).context["done_count"] == 0
    for task in (first, second):
        task_status_update(actor=people["regency_staff"], task=task, status=TaskStatus.DONE)
    response = client.get(url)
    assert response.context["all_done"] is True
    assert "Semua mitigasi selesai." in response.content.decode()
    listing = client.get(reverse("kerawanan:risk_list")).content.decode()
    assert "Semua mitigasi selesai" in listing


def test_a_meeting_puts_the_high_risks_of_its_region_on_the_agenda(make_risk, people, kpu_regency):
    high = make_risk(title="Tinggi", likelihood=4, impact=4)
    make_risk(title="Rendah", likelihood=1, impact=2)
    make_risk(title="Ditutup", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    meeting = factories.meeting(region=Region.objects.get(code="17.01"), organiser=kpu_regency)
    staff = people["regency_staff"]
    assert agenda_add_high_risks(actor=staff, meeting=meeting) == 1
    assert agenda_add_high_risks(actor=staff, meeting=meeting) == 0  # once
    assert list(AgendaItem.objects.values_list("risk_id", flat=True)) == [high.pk]
    agenda_remove(actor=staff, meeting=meeting, risk=high)
    assert not AgendaItem.objects.exists()
    kinds = RiskChange.objects.filter(risk=high, kind=RiskChangeKind.AGENDA).count()
    assert kinds == 2


def test_the_agenda_needs_the_meeting_manager_and_a_visible_risk(make_risk, people, kpu_regency):
    secret = make_risk(visibility=Visibility.SECRET)
    meeting = factories.meeting(region=Region.objects.get(code="17.01"), organiser=kpu_regency)
    with pytest.raises(PermissionDenied):
        agenda_add(actor=people["owner_liaison"], meeting=meeting, risks=[secret])
    with pytest.raises(PermissionDenied):
        agenda_add(actor=people["other_regency_staff"], meeting=meeting, risks=[secret])
