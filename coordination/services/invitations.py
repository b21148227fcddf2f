"""Inviting people: there is no public sign-up, KPU staff invite each person to an agency."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import Agency, Invitation, Membership, Person
from coordination.notifications.accounts import (
    invitation_mail_queue,
    invitation_token,
    invitation_url,
)
from coordination.notifications.accounts import token_hash as _hash
from coordination.services.agencies import membership_create, validate_role_for_agency

__all__ = ["invitation_accept", "invitation_create", "invitation_find", "invitation_url"]


def invitation_find(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("agency", "agency__region")
        .filter(token_hash=_hash(token))
        .first()
    )


@transaction.atomic
def invitation_create(
    *, actor: Person, email: str, full_name: str, agency: Agency, role: str
) -> tuple[Invitation, str]:
    """Create an invitation and record the mail with its link (sent after the commit, through
    the outbox); returns it with the raw token."""
    if not permissions.can_invite_people(actor, agency):
        raise PermissionDenied(_("Anda tidak berwenang mengundang ke lembaga ini."))
    email = email.strip().lower()
    validate_role_for_agency(role=role, agency=agency)
    if Membership.objects.filter(
        person__email__iexact=email, agency=agency, is_active=True
    ).exists():
        raise ValidationError({"email": _("Orang ini sudah menjadi anggota lembaga tersebut.")})
    invitation = Invitation(
        email=email,
        full_name=full_name.strip(),
        agency=agency,
        role=role,
        # Replaced below by the hash of the real token, which needs the row's id and time.
        token_hash=secrets.token_hex(32),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.PILKADA_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    token = invitation_token(invitation)
    invitation.token_hash = _hash(token)
    invitation.save(update_fields=["token_hash"])
    invitation_mail_queue(
        invitation=invitation, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    return invitation, token


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> Person:
    """Turn a valid invitation into an account (or a new role for an existing account).

    The invitation row is locked so a double submit cannot create two accounts.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable():
        raise ValidationError(_("Tautan undangan tidak berlaku atau sudah kedaluwarsa."))
    person = Person.objects.filter(email__iexact=invitation.email).first()
    if person is None:
        person = Person(email=invitation.email, full_name=full_name.strip() or invitation.full_name)
        validate_password(password, user=person)
        person.set_password(password)
        person.full_clean()
        person.save()
    elif not person.is_active:
        raise ValidationError(_("Akun ini dinonaktifkan. Hubungi staf KPU."))
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    membership_create(person=person, agency=invitation.agency, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return person
