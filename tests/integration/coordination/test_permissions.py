"""The role matrix of the README's "Roles": every grant and every denial of coordination's
predicates, first for regions, agencies and the staff area, then for meetings and tasks."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coordination import permissions
from coordination.enums import AgencyKind, Role
from coordination.models import Region
from coordination.services.meetings import meeting_invitee_add
from tests import factories
from tests.factories import AgencyFactory, MembershipFactory, PersonFactory, kpu_staff, liaison

# --- regions, agencies, the staff area ------------------------------------------------------------


@pytest.fixture
def world(bengkulu):
    r1 = Region.objects.get(code="17.01")
    r2 = Region.objects.get(code="17.02")
    bawaslu_prov = AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu, name="Bawaslu Prov")
    polres_r1 = AgencyFactory(kind=AgencyKind.POLRI, region=r1, name="Polres R1")
    polres_r2 = AgencyFactory(kind=AgencyKind.POLRI, region=r2, name="Polres R2")
    superuser = PersonFactory(email="root@uji.test", is_superuser=True, is_staff=True)
    return {
        "province": bengkulu,
        "r1": r1,
        "r2": r2,
        "bawaslu_prov": bawaslu_prov,
        "polres_r1": polres_r1,
        "polres_r2": polres_r2,
        "province_staff": kpu_staff(bengkulu),
        "regency_staff": kpu_staff(r1),
        "liaison": liaison(bawaslu_prov),
        "nobody": PersonFactory(),
        "superuser": superuser,
        "anonymous": AnonymousUser(),
    }


# who -> the region subtrees they manage
SCOPES = {"province_staff": ("17",), "regency_staff": ("17.01",)}
ALL_REGIONS = [
    "17",
    "17.01",
    "17.01.01",
    "17.01.01.2001",
    "17.01.02.2002",
    "17.02",
    "17.02.01.2001",
    "17.02.02.2002",
]


@pytest.mark.parametrize(
    "who", ["province_staff", "regency_staff", "liaison", "nobody", "superuser", "anonymous"]
)
@pytest.mark.parametrize("code", ALL_REGIONS)
def test_can_manage_region_matrix(world, who, code):
    roots = SCOPES.get(who, ())
    expected = who == "superuser" or any(code == r or code.startswith(r + ".") for r in roots)
    assert permissions.can_manage_region(world[who], code) is expected


@pytest.mark.parametrize(
    ("who", "agency", "expected"),
    [
        ("province_staff", "polres_r2", True),
        ("regency_staff", "polres_r1", True),
        ("regency_staff", "polres_r2", False),
        ("regency_staff", "bawaslu_prov", False),
        ("liaison", "bawaslu_prov", False),
        ("nobody", "polres_r1", False),
        ("anonymous", "polres_r1", False),
        ("superuser", "polres_r2", True),
    ],
)
def test_can_manage_agency(world, who, agency, expected):
    assert permissions.can_manage_agency(world[who], world[agency]) is expected
    assert permissions.can_invite_people(world[who], world[agency]) is expected


@pytest.mark.parametrize(
    ("who", "agency", "expected"),
    [
        ("liaison", "bawaslu_prov", True),
        ("liaison", "polres_r1", False),
        ("regency_staff", "polres_r1", True),
        ("regency_staff", "polres_r2", False),
        ("nobody", "bawaslu_prov", False),
        ("anonymous", "bawaslu_prov", False),
    ],
)
def test_can_view_agency(world, who, agency, expected):
    assert permissions.can_view_agency(world[who], world[agency]) is expected


@pytest.mark.parametrize(
    ("who", "staff", "area"),
    [
        ("province_staff", True, True),
        ("regency_staff", True, True),
        ("liaison", False, True),
        ("nobody", False, False),
        ("anonymous", False, False),
        ("superuser", True, True),
    ],
)
def test_kpu_staff_and_staff_area(world, who, staff, area):
    assert permissions.is_kpu_staff(world[who]) is staff
    assert permissions.can_use_staff_area(world[who]) is area


def test_liaison_predicates(world):
    person = world["liaison"]
    assert permissions.is_liaison_of(person, world["bawaslu_prov"].pk)
    assert not permissions.is_liaison_of(person, world["polres_r1"].pk)
    assert permissions.is_member_of(person, world["bawaslu_prov"].pk)


def test_kpu_staff_role_outside_kpu_agency_grants_no_region(world):
    # A "KPU staff" role only counts in a KPU office; elsewhere it grants nothing.
    person = PersonFactory()
    MembershipFactory(person=person, agency=world["polres_r1"], role=Role.KPU_STAFF)
    assert not permissions.is_kpu_staff(person)
    assert not permissions.can_manage_region(person, "17.01")


def test_inactive_membership_and_inactive_account_grant_nothing(world):
    staff = world["regency_staff"]
    staff.memberships.update(is_active=False)
    permissions.forget_access(staff)
    assert not permissions.can_manage_region(staff, "17.01")
    other = kpu_staff(world["r2"])
    other.is_active = False
    assert not permissions.can_manage_region(other, "17.02")


def test_access_is_read_once_per_user(world, django_assert_num_queries):
    person = world["province_staff"]
    permissions.forget_access(person)
    with django_assert_num_queries(1):
        for code in ALL_REGIONS:
            permissions.can_manage_region(person, code)
        permissions.is_kpu_staff(person)


def test_subtree_q_selects_exactly_the_subtree(world):
    codes = set(
        Region.objects.filter(permissions.subtree_q(["17.01"], field="parent")).values_list(
            "code", flat=True
        )
    )
    # Regions whose parent lies in 17.01: its districts and villages, nothing of 17.02.
    assert codes == {
        "17.01.01",
        "17.01.02",
        "17.01.01.2001",
        "17.01.01.2002",
        "17.01.02.2001",
        "17.01.02.2002",
    }


def test_subtree_q_on_regions_includes_the_root(world):
    codes = set(
        Region.objects.filter(permissions.subtree_q(["17.02.01"], field="code")).values_list(
            "code", flat=True
        )
    )
    assert codes == {"17.02.01", "17.02.01.2001", "17.02.01.2002"}


# --- meetings and tasks ---------------------------------------------------------------------------


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
    assert permissions.can_view_meeting(nobody, meeting) is False
    meeting_invitee_add(actor=None, meeting=meeting, person=nobody)
    assert permissions.can_view_meeting(nobody, meeting) is True
    assert permissions.can_respond_to_invitation(nobody, meeting) is True


def test_kpu_staff_of_responsible_kpu_updates_own_task(regency, kpu_regency, regency_staff):
    task = factories.ReadinessTaskFactory(region=regency, agency=kpu_regency)
    assert permissions.can_update_task(regency_staff, task) is True


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
