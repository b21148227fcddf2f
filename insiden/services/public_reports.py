"""Reports from the public ("Lapor"): made without an account, triaged by the responsible agency,
followed with a tracking code, and forgotten.

- `public_report_create` records the report through `incident_create` (source "publik", no
  actor): it waits for verification (Status.AWAITING), no escalation runs and nobody is messaged.
  The reporter gets a tracking code (`XXXX-XXXX-XXXX`, 12 characters from an alphabet without
  look-alikes: about 56 bits); the row keeps only an HMAC of it under SECRET_KEY.
- The responsible agency (the routing rules chose it) verifies a report (it becomes a regular
  incident and its acknowledgement clock and escalation start as for any report), archives it
  with a reason the reporter reads, or merges it into a suggested incident (same desa, same TPS
  when both name one, same category, within `SUGGESTION_HOURS`).
- `public_contacts_purge` (the daily retention job): a closed report's contact is erased
  PILKADA_PUBLIC_REPORT_RETENTION_DAYS after it was closed (UU 27/2022).

Rate limits, the honeypot, the time to fill and the duplicate-text check are the view's
(pilkada/common/abuse.py): they are about the HTTP client, not the report.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel
from coordination.models import Person, Region
from insiden import permissions
from insiden.enums import (
    PUBLIC_CATEGORIES,
    PUBLIC_SEVERITY,
    EventKind,
    PublicCategory,
    Severity,
    Source,
    Status,
)
from insiden.models import Incident
from insiden.notifications import escalation
from insiden.selectors.public import merge_suggestions
from insiden.services import counters
from insiden.services.history import history_add
from insiden.services.incidents import incident_create, incident_merge
from insiden.services.routing import ack_minutes
from insiden.version import situation_changed

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or copied from paper is not misread.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_GROUPS = 3
GROUP_LENGTH = 4
MAX_DESCRIPTION = 2000
MAX_CONTACT = 200
MAX_REASON = 500
PURGE_BATCH = 1000


def tracking_code_new() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _i in range(CODE_GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def tracking_code_normalise(code: str) -> str:
    """What a person typed, as the code: case, spaces and dashes aside; "" when it cannot be
    one."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch not in " -")
    if len(cleaned) != CODE_GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def tracking_digest(code: str) -> str:
    normalised = tracking_code_normalise(code)
    return salted_hmac("pilkada.insiden.tracking", normalised, algorithm="sha256").hexdigest()


def public_report_find(*, code: str) -> Incident | None:
    """The report a tracking code names, or None (malformed, unknown)."""
    if not tracking_code_normalise(code):
        return None
    return Incident.objects.filter(tracking_digest=tracking_digest(code)).first()


def _title(category: str, region: Region, tps_number: int | None) -> str:
    label = PublicCategory(category).label
    if tps_number:
        return _("%(category)s di %(place)s, TPS %(tps)s") % {
            "category": label,
            "place": region.name,
            "tps": tps_number,
        }
    return _("%(category)s di %(place)s") % {"category": label, "place": region.name}


def public_report_create(
    *,
    category: str,
    region: Region,
    occurred_at: datetime,
    description: str,
    tps_number: int | None = None,
    photos=(),
    contact: str = "",
    now: datetime | None = None,
) -> tuple[Incident, str]:
    """Record a report from the public; returns it and the tracking code (shown once)."""
    errors = {}
    if category not in PublicCategory.values:
        errors["category"] = _("Pilih jenis masalah.")
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = _("Pilih desa/kelurahan.")
    if not description.strip():
        errors["description"] = _("Ceritakan apa yang terjadi.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("Uraian paling banyak 2.000 karakter.")
    if len(contact) > MAX_CONTACT:
        errors["contact"] = _("Kontak paling banyak 200 karakter.")
    if errors:
        raise ValidationError(errors)
    code = tracking_code_new()
    with transaction.atomic():
        incident = incident_create(
            actor=None,
            title=_title(category, region, tps_number),
            category=PUBLIC_CATEGORIES[PublicCategory(category)],
            severity=PUBLIC_SEVERITY,
            occurred_at=occurred_at,
            region=region,
            description=description,
            tps_number=tps_number,
            photos=photos,
            source=Source.PUBLIC,
            reporter_contact=contact,
            now=now,
        )
        incident.tracking_digest = tracking_digest(code)
        incident.save(update_fields=["tracking_digest"])
    return incident, code


def _locked_awaiting(actor: Person | None, incident: Incident) -> Incident:
    locked = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("region", "regency", "agency")
        .get(pk=incident.pk)
    )
    if locked.status != Status.AWAITING:
        raise ValidationError(_("Laporan ini sudah ditangani."))
    if actor is not None and not permissions.can_triage_report(actor, locked):
        raise PermissionDenied(_("Hanya lembaga yang menangani yang dapat memeriksa laporan ini."))
    return locked


@transaction.atomic
def public_report_verify(
    *,
    actor: Person | None,
    incident: Incident,
    severity: int = PUBLIC_SEVERITY,
    now: datetime | None = None,
) -> Incident:
    """The report is real: it becomes a regular incident of the given severity, the responsible
    agency is told and the escalation runs as for any report."""
    now = now or timezone.now()
    locked = _locked_awaiting(actor, incident)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Tingkat keparahan tidak dikenal.")})
    # The counters' cell holds the severity: leave the old cell, enter the new one.
    counters.counter_add(locked, delta=-1)
    minutes = ack_minutes(province_code=locked.region_id[:2], severity=severity)
    locked.severity = severity
    locked.status = Status.REPORTED
    locked.ack_started_at = now
    locked.ack_due_at = now + timedelta(minutes=minutes)
    locked.next_escalation_at = locked.ack_due_at
    locked.save()
    counters.counter_add(locked)
    history_add(locked, actor, EventKind.VERIFIED, before=Status.AWAITING, after=Status.REPORTED)
    escalation.notify_reported(locked)
    situation_changed()
    return locked


@transaction.atomic
def public_report_archive(
    *, actor: Person | None, incident: Incident, reason: str, now: datetime | None = None
) -> Incident:
    """Not an incident (noise, a test, out of scope): closed as unverified with a reason the
    reporter reads on the status page."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasannya (dibaca pelapor).")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Alasan paling banyak 500 karakter.")})
    locked = _locked_awaiting(actor, incident)
    locked.status = Status.UNVERIFIED
    locked.public_outcome = reason
    locked.closed_at = now
    locked.next_escalation_at = None
    locked.save()
    counters.counter_move(locked, from_status=Status.AWAITING, to_status=Status.UNVERIFIED)
    history_add(
        locked, actor, EventKind.ARCHIVED, before=Status.AWAITING, after=Status.UNVERIFIED,
        note=reason,
    )  # fmt: skip
    situation_changed()
    return locked


@transaction.atomic
def public_report_merge(*, actor: Person | None, incident: Incident, into_id: int) -> Incident:
    """Another report of an incident already on the desk: merged into one of the suggestions
    (`into_id` must be one of them, for the person triaging)."""
    locked = _locked_awaiting(actor, incident)
    suggestions = merge_suggestions(user=actor, reports=[locked]).get(locked.pk, [])
    into = next((s for s in suggestions if s.pk == into_id), None)
    if into is None:
        raise ValidationError({"into": _("Insiden tujuan bukan salah satu saran.")})
    merged = incident_merge(actor=actor, incident=locked, into=into)
    merged.public_outcome = _("Digabung dengan laporan lain tentang kejadian yang sama.")
    merged.save(update_fields=["public_outcome"])
    return merged


def public_contacts_purge(*, now: datetime | None = None) -> int:
    """The retention rule (run daily): see the module docstring. Returns how many contacts were
    erased. Skips rows another run holds, so two runs at once erase each row once."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PILKADA_PUBLIC_REPORT_RETENTION_DAYS)
    with transaction.atomic():
        due = list(
            Incident.objects.filter(closed_at__isnull=False, closed_at__lt=cutoff)
            .exclude(reporter_contact="")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("closed_at")
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        return Incident.objects.filter(pk__in=due).update(
            reporter_contact="", contact_purged_at=now
        )
