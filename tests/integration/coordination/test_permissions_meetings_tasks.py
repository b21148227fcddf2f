"""Every grant and denial of the meeting and task predicates, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coordination import permissions
from tests import factories

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
