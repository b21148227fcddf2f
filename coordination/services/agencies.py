"""Creating and changing agencies and memberships."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Membership, Person, Region


@transaction.atomic
def agency_create(
    *,
    actor: Person | None,
    name: str,
    kind: str,
    region: Region,
    short_name: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    website: str = "",
) -> Agency:
    """Register an agency. `actor` None is a system write (commands, demo data)."""
    if actor is not None and not permissions.can_manage_region(actor, region):
        raise PermissionDenied(_("Wilayah ini di luar kewenangan Anda."))
    agency = Agency(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        region=region,
        email=email,
        phone=phone,
        address=address,
        website=website,
    )
    agency.full_clean()
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError as exc:  # a concurrent duplicate slipped past full_clean
        raise ValidationError(
            {"name": _("Lembaga dengan nama ini sudah ada di wilayah tersebut.")}
        ) from exc
    return agency


@transaction.atomic
def agency_update(*, actor: Person, agency: Agency, **fields) -> Agency:
    if not permissions.can_manage_agency(actor, agency):
        raise PermissionDenied(_("Lembaga ini di luar kewenangan Anda."))
    region = fields.get("region")
    if region is not None and not permissions.can_manage_region(actor, region):
        raise PermissionDenied(_("Wilayah ini di luar kewenangan Anda."))
    allowed = {
        "name",
        "short_name",
        "kind",
        "region",
        "email",
        "phone",
        "address",
        "website",
        "is_active",
    }
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"agency_update() got an unexpected field {key!r}")
        setattr(agency, key, value)
    agency.full_clean()
    agency.save(update_fields=list(fields))
    return agency


def validate_role_for_agency(*, role: str, agency: Agency) -> None:
    if role == Role.KPU_STAFF and agency.kind != AgencyKind.KPU:
        raise ValidationError({"role": _("Peran staf KPU hanya untuk lembaga KPU.")})


@transaction.atomic
def membership_create(*, person: Person, agency: Agency, role: str) -> Membership:
    """Give a person a role in an agency (or reactivate and update an existing membership)."""
    validate_role_for_agency(role=role, agency=agency)
    membership, created = Membership.objects.select_for_update().get_or_create(
        person=person, agency=agency, defaults={"role": role}
    )
    if not created and (membership.role != role or not membership.is_active):
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    permissions.forget_access(person)
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Person, membership: Membership) -> Membership:
    if not permissions.can_manage_agency(actor, membership.agency):
        raise PermissionDenied(_("Lembaga ini di luar kewenangan Anda."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    permissions.forget_access(membership.person)
    return membership
