"""A stage is chosen under its election's name everywhere, and the delegate list says what an
empty choice means."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from coordination.forms.elections import ChecklistItemForm
from coordination.forms.meetings import RSVPForm
from coordination.forms.tasks import TaskForm
from coordination.models import ElectionStage
from tests import factories


@pytest.fixture
def two_elections(db):
    first = factories.ElectionFactory(name="Pilkada 2024", voting_day=dt.date(2024, 11, 27))
    second = factories.ElectionFactory(name="Pilkada ulang 2025", voting_day=dt.date(2025, 8, 27))
    for election in (second, first):
        for order, name in enumerate(["Pendaftaran", "Kampanye"]):
            ElectionStage.objects.create(
                election=election,
                name=name,
                order=order,
                starts_on=election.voting_day - dt.timedelta(days=60 - order),
                ends_on=election.voting_day - dt.timedelta(days=30 - order),
            )
    return first, second


def _groups(html: str) -> list[tuple[str, list[str]]]:
    return [
        (label, re.findall(r"<option [^>]*>([^<]+)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    ]


def test_task_form_groups_stages_by_election(two_elections):
    html = str(TaskForm()["stage"])
    assert _groups(html) == [
        ("Pilkada 2024", ["Pendaftaran", "Kampanye"]),
        ("Pilkada ulang 2025", ["Pendaftaran", "Kampanye"]),
    ]
    assert '<option value="" selected>Tanpa tahapan</option>' in html


def test_task_form_still_takes_a_grouped_stage(two_elections):
    stage = ElectionStage.objects.get(election=two_elections[1], name="Kampanye")
    form = TaskForm(data={"stage": stage.pk})
    form.is_valid()
    assert form.cleaned_data["stage"] == stage


def test_checklist_item_form_groups_its_elections_stages(two_elections):
    first, _second = two_elections
    form = ChecklistItemForm(stages=ElectionStage.objects.filter(election=first))
    assert _groups(str(form["stage"])) == [("Pilkada 2024", ["Pendaftaran", "Kampanye"])]


def test_task_list_filter_groups_stages(client, province_staff, two_elections):
    client.force_login(province_staff)
    body = client.get(reverse("coordination:task_list")).content.decode()
    select = body[body.index('id="f-stage"') :]
    select = select[: select.index("</select>")]
    assert _groups(select) == [
        ("Pilkada 2024", ["Pendaftaran", "Kampanye"]),
        ("Pilkada ulang 2025", ["Pendaftaran", "Kampanye"]),
    ]


def test_delegate_list_has_a_real_empty_label(db):
    html = str(RSVPForm()["delegate"])
    assert '<option value="" selected>Tidak diwakilkan</option>' in html
    assert "---------" not in html
