from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination import permissions
from coordination.enums import AgencyKind, Role
from coordination.models import Invitation, Membership, Person, Region
from coordination.services.invitations import invitation_accept, invitation_create, invitation_url
from tests.factories import AgencyFactory, PersonFactory


@pytest.fixture
def polres_r1(bengkulu):
    return AgencyFactory(
        kind=AgencyKind.POLRI, region=Region.objects.get(code="17.01"), name="Polres R1"
    )


@pytest.fixture
def polres_r2(bengkulu):
    return AgencyFactory(
        kind=AgencyKind.POLRI, region=Region.objects.get(code="17.02"), name="Polres R2"
    )


def test_invitation_create_mails_a_link_after_commit(
    regency_staff, polres_r1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invitation_create(
            actor=regency_staff,
            email=" Budi@Polres.TEST ",
            full_name="Budi",
            agency=polres_r1,
            role=Role.LIAISON,
        )
    assert invitation.email == "budi@polres.test"
    assert invitation.token_hash != token  # only the hash is stored
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@polres.test"]
    assert invitation_url(token) in mail.outbox[0].body


def test_invitation_create_outside_scope_is_denied(regency_staff, polres_r2):
    with pytest.raises(PermissionDenied):
        invitation_create(
            actor=regency_staff,
            email="x@y.test",
            full_name="X",
            agency=polres_r2,
            role=Role.LIAISON,
        )
    assert Invitation.objects.count() == 0


def test_invitation_create_kpu_staff_role_needs_kpu_agency(province_staff, polres_r1):
    with pytest.raises(ValidationError) as exc:
        invitation_create(
            actor=province_staff,
            email="x@y.test",
            full_name="X",
            agency=polres_r1,
            role=Role.KPU_STAFF,
        )
    assert "role" in exc.value.error_dict


def test_invitation_create_refuses_existing_member(province_staff, polres_r1):
    member = PersonFactory(email="ada@uji.test")
    Membership.objects.create(person=member, agency=polres_r1, role=Role.LIAISON)
    with pytest.raises(ValidationError) as exc:
        invitation_create(
            actor=province_staff,
            email="ADA@uji.test",
            full_name="Ada",
            agency=polres_r1,
            role=Role.LIAISON,
        )
    assert "email" in exc.value.error_dict


def test_invitation_accept_creates_person_and_membership(province_staff, polres_r1):
    _, token = invitation_create(
        actor=province_staff,
        email="baru@uji.test",
        full_name="Baru",
        agency=polres_r1,
        role=Role.LIAISON,
    )
    person = invitation_accept(token=token, password="Sangat-Rahasia-2024", full_name="Baru Sekali")
    assert person.full_name == "Baru Sekali"
    assert person.check_password("Sangat-Rahasia-2024")
    assert permissions.is_liaison_of(person, polres_r1.pk)
    # The link works once.
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="Sangat-Rahasia-2024")
    assert Person.objects.filter(email="baru@uji.test").count() == 1


def test_invitation_accept_expired_changes_nothing(province_staff, polres_r1):
    invitation, token = invitation_create(
        actor=province_staff,
        email="telat@uji.test",
        full_name="Telat",
        agency=polres_r1,
        role=Role.LIAISON,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="Sangat-Rahasia-2024")
    assert not Person.objects.filter(email="telat@uji.test").exists()


def test_invitation_accept_rejects_weak_password(province_staff, polres_r1):
    _, token = invitation_create(
        actor=province_staff,
        email="lemah@uji.test",
        full_name="Lemah",
        agency=polres_r1,
        role=Role.LIAISON,
    )
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="12345678")
    assert not Person.objects.filter(email="lemah@uji.test").exists()


def test_invitation_accept_unknown_token(db):
    with pytest.raises(ValidationError):
        invitation_accept(token="tidak-ada", password="Sangat-Rahasia-2024")


def test_invitation_accept_for_existing_person_adds_a_role(province_staff, polres_r1):
    existing = PersonFactory(email="lama@uji.test")
    _, token = invitation_create(
        actor=province_staff,
        email="lama@uji.test",
        full_name="Lama",
        agency=polres_r1,
        role=Role.LIAISON,
    )
    person = invitation_accept(token=token, password="")
    assert person.pk == existing.pk
    assert Membership.objects.filter(person=existing, agency=polres_r1, role=Role.LIAISON).exists()
