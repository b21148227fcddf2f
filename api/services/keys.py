"""Writes of API keys: make one (shown once), revoke it, note its use.

A token is "pk_" + an 8-character prefix + "_" + 43 characters of randomness (256 bits). The
prefix finds the row; the SHA-256 of the whole token is compared in constant time.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import permissions
from api.enums import Scope
from api.models import ApiKey
from coordination.enums import AgencyKind
from coordination.models import Agency, Person
from coordination.permissions import Access

TOKEN_START = "pk_"  # noqa: S105 (the public start of every token)
PREFIX_LENGTH = 8
# How often the last-use time is written: a busy key would otherwise write on every request.
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # shown once, never stored


def split_token(token: str) -> str | None:
    """The prefix of a well-formed token, or None."""
    if not token.startswith(TOKEN_START) or len(token) > 100:
        return None
    rest = token[len(TOKEN_START) :]
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or len(secret) < 32:
        return None
    return prefix


def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def key_access(key: ApiKey) -> Access:
    """The rights a key acts with: its agency's (see api.rest.authentication)."""
    agency = key.agency
    ids = frozenset({agency.pk})
    kpu = agency.kind == AgencyKind.KPU
    return Access(
        is_superuser=False,
        staff_region_codes=(agency.region_id,) if kpu else (),
        agency_ids=ids,
        liaison_agency_ids=frozenset() if kpu else ids,
        staff_agency_ids=ids if kpu else frozenset(),
        agency_region_codes=(agency.region_id,),
    )


@transaction.atomic
def api_key_create(
    *,
    actor: Person | None,
    agency: Agency,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime,
) -> NewKey:
    """Make a key for `agency` (KPU staff of its region); the token is in the answer only."""
    if actor is not None and not permissions.can_manage_agency_integration(actor, agency):
        raise PermissionDenied(_("Lembaga ini di luar kewenangan Anda."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("Beri nama kunci ini.")]
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        errors["scopes"] = [_("Pilih cakupan yang tersedia.")]
    longest = now + dt.timedelta(days=settings.PILKADA_API_KEY_MAX_DAYS)
    if expires_at <= now or expires_at > longest:
        errors["expires_at"] = [
            _("Masa berlaku antara sekarang dan %(days)s hari lagi.")
            % {"days": settings.PILKADA_API_KEY_MAX_DAYS}
        ]
    if not agency.is_active:
        errors["agency"] = [_("Lembaga ini tidak aktif.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    principal = Person.objects.create_user(
        email=f"kunci-{prefix}@api.invalid",
        password=None,
        full_name=f"API: {name} ({agency.display_name})"[:150],
        receives_digests=False,
    )
    key = ApiKey.objects.create(
        name=name,
        agency=agency,
        principal=principal,
        prefix=prefix,
        token_hash=_hash(token),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=actor,
    )
    return NewKey(key=key, token=token)


@transaction.atomic
def api_key_revoke(*, actor: Person | None, key: ApiKey) -> ApiKey:
    """Revoke at once; the key's account is switched off, its history stays."""
    if actor is not None and not permissions.can_manage_api_key(actor, key):
        raise PermissionDenied(_("Kunci ini di luar kewenangan Anda."))
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        Person.objects.filter(pk=locked.principal_id).update(is_active=False)
    return locked


def api_key_touch(*, key: ApiKey, ip: str | None, now: dt.datetime) -> None:
    """Note the last use (time and address), at most once a minute per key and address."""
    if key.last_used_at and now - key.last_used_at < TOUCH_EVERY and key.last_used_ip == ip:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip)
    key.last_used_at, key.last_used_ip = now, ip
