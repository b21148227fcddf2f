"""Every grant and denial of the meeting and task predicates, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coordination import permissions
from tests import factories

pytestmark = pytest.mark.unit

ROLES = [
    "province_staff",
    "regency_staff",
    "other_regency_staff",
    "bawaslu_liaison",
    "polres_liaison",
    "nobody",
    "superuser",
    "anonymous",
]


@pytest.fixture
def people(
    request,
    province_staff,
    regency_staff,
    bawaslu_liaison,
    polres_liaison,
    nobody,
    superuser,
    other_regency,
):
    other = factories.kpu_staff(other_regency, email="kpu.lain@uji.test")
    return {
        "province_staff": province_staff,
        "regency_staff": regency_staff,
        "other_regency_staff": other,
        "bawaslu_liaison": bawaslu_liaison,
        "polres_liaison": polres_liaison,
        "nobody": nobody,
        "superuser": superuser,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def meeting(regency, kpu_regency, bawaslu):
    return factories.meeting(region=regency, organiser=kpu_regency, invited=[kpu_regency, bawaslu])


@pytest.fixture
def task(regency, bawaslu):
    return factories.ReadinessTaskFactory(region=regency, agency=bawaslu)


EXPECTED = {
    # role: (view_meeting, manage_meeting, respond, view_task, update_task, manage_task)
    "province_staff": (True, True, False, True, True, True),
    "regency_staff": (True, True, True, True, True, True),
    "other_regency_staff": (False, False, False, False, False, False),
    "bawaslu_liaison": (True, False, True, True, True, False),
    "polres_liaison": (False, False, False, False, False, False),
    "nobody": (False, False, False, False, False, False),
    "superuser": (True, True, False, True, True, True),
    "anonymous": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_meeting_and_task_predicates(role, people, meeting, task):
    user = people[role]
    got = (
        permissions.can_view_meeting(user, meeting),
        permissions.can_manage_meeting(user, meeting),
        permissions.can_respond_to_invitation(user, meeting),
        permissions.can_view_task(user, task),
        permissions.can_update_task(user, task),
        permissions.can_manage_task(user, task),
    )
    assert got == EXPECTED[role]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("province_staff", (True, True, True, True)),
        ("regency_staff", (True, True, True, False)),
        ("bawaslu_liaison", (False, False, False, False)),
        ("nobody", (False, False, False, False)),
        ("superuser", (True, True, True, True)),
        ("anonymous", (False, False, False, False)),
    ],
)
def test_staff_only_predicates(role, expected, people):
    user = people[role]
    assert (
        permissions.can_create_meeting(user),
        permissions.can_view_dashboard(user),
        permissions.can_view_update_feed(user),
        permissions.can_manage_elections(user),
    ) == expected


def test_directly_invited_person_sees_and_answers(meeting, nobody):
    from coordination.services.meetings import meeting_invitee_add

    assert permissions.can_view_meeting(nobody, meeting) is False
    meeting_invitee_add(actor=None, meeting=meeting, person=nobody)
    assert permissions.can_view_meeting(nobody, meeting) is True
    assert permissions.can_respond_to_invitation(nobody, meeting) is True


def test_kpu_staff_of_responsible_kpu_updates_own_task(regency, kpu_regency, regency_staff):
    task = factories.ReadinessTaskFactory(region=regency, agency=kpu_regency)
    assert permissions.can_update_task(regency_staff, task) is True


# --- follow-ups on a meeting page ---------------------------------------------------------------
# The minutes are shared with every invited agency: whoever may see the meeting sees each
# follow-up's title, agency, due date and status; a follow-up is a link only for those who may
# open the task (`can_view_task`), so nobody is offered a link that answers 404.

FOLLOW_UPS = {
    # role: (status of the meeting page, follow-ups shown as links)
    "province_staff": (200, {"bawaslu", "polres"}),
    "regency_staff": (200, {"bawaslu", "polres"}),
    "other_regency_staff": (404, set()),
    "bawaslu_liaison": (200, {"bawaslu"}),
    "polres_liaison": (200, {"polres"}),
    "nobody": (403, set()),
    "superuser": (200, {"bawaslu", "polres"}),
    "anonymous": (302, set()),
}


@pytest.fixture
def minutes_with_follow_ups(regency, kpu_regency, bawaslu, polres_other):
    from datetime import timedelta

    from django.utils import timezone

    from coordination.enums import MeetingStatus

    past = timezone.now() - timedelta(hours=3)
    held = factories.meeting(
        region=regency,
        organiser=kpu_regency,
        invited=[kpu_regency, bawaslu, polres_other],
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        status=MeetingStatus.HELD,
    )
    tasks = {
        "bawaslu": factories.ReadinessTaskFactory(
            region=regency, agency=bawaslu, meeting=held, title="Pemetaan TPS rawan"
        ),
        "polres": factories.ReadinessTaskFactory(
            region=regency, agency=polres_other, meeting=held, title="Pengawalan logistik"
        ),
    }
    return held, tasks


@pytest.mark.parametrize("role", ROLES)
def test_meeting_follow_ups_link_only_tasks_the_person_may_open(
    role, people, minutes_with_follow_ups, client
):
    from django.urls import reverse

    meeting, tasks = minutes_with_follow_ups
    user = people[role]
    if role != "anonymous":
        client.force_login(user)
    response = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    status, linked = FOLLOW_UPS[role]
    assert response.status_code == status
    assert {name for name, task in tasks.items() if permissions.can_view_task(user, task)} == linked
    if status != 200:
        return
    page = response.content.decode()
    for name, task in tasks.items():
        link = f'<a href="{reverse("coordination:task_detail", args=[task.pk])}">{task.title}</a>'
        assert (link in page) is (name in linked)
        # Title, agency and due date are shown to every participant, linked or not.
        shown = link if name in linked else task.title
        assert f"{shown} — {task.agency.display_name}, tenggat " in page
