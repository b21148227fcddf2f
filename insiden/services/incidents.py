"""Writes of the incident desk: reporting, acknowledging, the status changes, referral, merging,
comments (photos: `photos.py`). Each checks its predicate (`actor=None` is a system write: a
public report, an agency's system), locks the incident, appends to its history, moves the
situation room's counters and raises the situation version, all in one transaction."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Agency, Person, Region
from insiden import permissions
from insiden.enums import (
    CLOSED,
    CRITICAL_REMINDER_MINUTES,
    MAX_TPS_NUMBER,
    OPEN,
    TRANSITIONS,
    UNACKNOWLEDGED,
    EventKind,
    Severity,
    Source,
    Status,
    Visibility,
)
from insiden.models import Incident, IncidentComment
from insiden.notifications import escalation
from insiden.services import counters
from insiden.services.history import history_add
from insiden.services.photos import photos_clean, photos_store
from insiden.services.routing import ack_minutes, responsible_agency
from insiden.version import situation_changed
from pilkada.common.validation import full_clean_or_raise

# A report's time may be a little ahead of the server's clock (a phone's clock).
FUTURE_SLACK = timedelta(minutes=10)


def _reporter_agency_id(actor: Person | None, chosen: Agency | None) -> int | None:
    if actor is None:
        return chosen.pk if chosen else None
    access = core.access_for(actor)
    if chosen is not None:
        if chosen.pk not in access.agency_ids and not access.is_superuser:
            raise ValidationError({"reporter_agency": _("Anda bukan anggota lembaga ini.")})
        return chosen.pk
    ids = sorted(access.liaison_agency_ids) or sorted(access.agency_ids)
    return ids[0] if ids else None


def _existing(key: str | None, actor: Person | None) -> Incident | None:
    if not key:
        return None
    incident = Incident.objects.filter(idempotency_key=key).first()
    if incident is not None and actor is not None and incident.reporter_id != actor.pk:
        raise ValidationError(_("Kunci laporan ini sudah dipakai. Muat ulang formulirnya."))
    return incident


def incident_create(
    *,
    actor: Person | None,
    title: str,
    category: str,
    severity: int,
    occurred_at: datetime,
    region: Region,
    description: str = "",
    tps_number: int | None = None,
    visibility: str = Visibility.RESTRICTED,
    reporter_agency: Agency | None = None,
    photos=(),
    idempotency_key: str | None = None,
    source: str = Source.MEMBER,
    reporter_contact: str = "",
    now: datetime | None = None,
) -> Incident:
    """Record an incident, route it to the agency that must act and tell that agency at once.

    The same `idempotency_key` twice (a double tap, a retry after a dropped connection) answers
    the incident the first made, never a second one. `actor=None` is a system or public write:
    `source` says which, `reporter_contact` how to reach whoever reported it.
    """
    if actor is not None and not permissions.can_report_incident(actor):
        raise PermissionDenied(_("Anda tidak dapat melaporkan insiden."))
    # A key seen before is found by the insert's unique violation below, not by a read before
    # it: a repeated post is rare, and the read would cost every report a round trip.
    now = now or timezone.now()
    errors: dict[str, list] = {}
    if region.level < RegionLevel.REGENCY:
        errors["region"] = [_("Pilih kabupaten/kota, kecamatan, atau desa/kelurahan.")]
    elif actor is not None and not _may_report_in(actor, region):
        errors["region"] = [_("Wilayah ini di luar wilayah lembaga Anda.")]
    if tps_number is not None:
        if region.level != RegionLevel.VILLAGE:
            errors["tps_number"] = [_("Nomor TPS hanya untuk insiden di desa/kelurahan.")]
        elif not 1 <= tps_number <= MAX_TPS_NUMBER:
            errors["tps_number"] = [_("Nomor TPS 1-%(max)s.") % {"max": MAX_TPS_NUMBER}]
    if occurred_at and occurred_at > now + FUTURE_SLACK:
        errors["occurred_at"] = [_("Waktu kejadian belum terjadi.")]
    if errors:
        raise ValidationError(errors)
    cleaned_photos = photos_clean(photos)
    reporter_agency_id = _reporter_agency_id(actor, reporter_agency)
    regency_code = region.pk[:5]
    agency = responsible_agency(regency_code=regency_code, category=category, severity=severity)
    minutes = ack_minutes(province_code=region.pk[:2], severity=severity)
    # A public report waits for the responsible agency's verification: no escalation, no
    # message until then (insiden.services.public_reports starts both when it is verified).
    awaiting = source == Source.PUBLIC
    incident = Incident(
        title=title.strip(),
        description=description.strip(),
        category=category,
        severity=severity,
        status=Status.AWAITING if awaiting else Status.REPORTED,
        visibility=visibility,
        occurred_at=occurred_at,
        region=region,
        regency_id=regency_code,
        tps_number=tps_number,
        agency=agency,
        source=source,
        reporter=actor,
        reporter_agency_id=reporter_agency_id,
        reporter_contact=reporter_contact.strip(),
        ack_started_at=now,
        ack_due_at=now + timedelta(minutes=minutes),
        next_escalation_at=None if awaiting else now + timedelta(minutes=minutes),
        idempotency_key=idempotency_key or None,
    )
    # The fields' own rules (lengths, choices); the region, regency and agency were read or
    # checked above, the key's uniqueness and the severity's range are the database's to enforce
    # (a full_clean would ask the database for each of them first).
    full_clean_or_raise(
        incident,
        {},
        exclude=[
            "region",
            "regency",
            "agency",
            "reporter",
            "reporter_agency",
            "acknowledged_by",
            "risk",
            "duplicate_of",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            incident.save()
            Incident.involved_agencies.through.objects.bulk_create(
                Incident.involved_agencies.through(incident_id=incident.pk, agency_id=pk)
                for pk in sorted({agency.pk, *([reporter_agency_id] if reporter_agency_id else [])})
            )
            history_add(incident, actor, EventKind.REPORTED, after=incident.status)
            photos_store(incident, cleaned_photos, actor)
            counters.counter_add(incident)
            if not awaiting:
                escalation.notify_reported(incident)
            situation_changed()
    except IntegrityError:
        # The same key from a second request that got there first: that one's incident.
        existing = _existing(idempotency_key, actor)
        if existing is None:
            raise
        return existing
    return incident


def _may_report_in(actor: Person, region: Region) -> bool:
    """KPU staff within their regions; members within their agencies' provinces."""
    access = core.access_for(actor)
    if access.is_superuser or core.can_manage_region(actor, region):
        return True
    provinces = tuple(sorted({code[:2] for code in access.agency_region_codes}))
    return core.region_code_in_scope(region.pk, provinces)


def _locked(incident: Incident) -> Incident:
    return (
        Incident.objects.select_for_update(of=("self",))
        .select_related("region", "regency", "agency")
        .get(pk=incident.pk)
    )


def _restart_clock(incident: Incident, now: datetime) -> None:
    """A new acknowledgement round: a referral or a reopened report."""
    minutes = ack_minutes(province_code=incident.region_id[:2], severity=incident.severity)
    incident.escalation_round += 1
    incident.escalation_level = 0
    incident.ack_started_at = now
    incident.ack_due_at = now + timedelta(minutes=minutes)
    incident.next_escalation_at = incident.ack_due_at
    incident.acknowledged_at = None
    incident.acknowledged_by = None


@transaction.atomic
def incident_acknowledge(
    *, actor: Person | None, incident: Incident, note: str = "", now: datetime | None = None
) -> Incident:
    """The responsible agency has taken the incident: the escalation stops (an unresolved
    critical incident is then reminded hourly). Acknowledging an incident that is already
    acknowledged changes nothing, so a second tap (a mail link, a chat button) is harmless."""
    now = now or timezone.now()
    locked = _locked(incident)
    if locked.status not in UNACKNOWLEDGED:
        return locked
    if actor is not None and not permissions.can_acknowledge_incident(actor, locked):
        raise PermissionDenied(_("Hanya lembaga yang menangani yang dapat menerima insiden ini."))
    before = locked.status
    locked.status = Status.ACKNOWLEDGED
    locked.acknowledged_at = now
    locked.acknowledged_by = actor
    locked.next_escalation_at = (
        now + timedelta(minutes=CRITICAL_REMINDER_MINUTES)
        if locked.severity == Severity.CRITICAL
        else None
    )
    locked.save()
    history_add(
        locked, actor, EventKind.ACKNOWLEDGED, before=before, after=locked.status, note=note
    )
    counters.counter_move(locked, from_status=before, to_status=locked.status)
    situation_changed()
    return locked


@transaction.atomic
def incident_status_change(
    *,
    actor: Person | None,
    incident: Incident,
    status: str,
    note: str = "",
    now: datetime | None = None,
) -> Incident:
    """One step of the lifecycle (insiden.enums.TRANSITIONS); referral and merging have their
    own services. Acknowledging goes through `incident_acknowledge`."""
    if status == Status.ACKNOWLEDGED:
        return incident_acknowledge(actor=actor, incident=incident, note=note, now=now)
    now = now or timezone.now()
    locked = _locked(incident)
    if status not in TRANSITIONS.get(Status(locked.status), ()):
        raise ValidationError(
            {
                "status": _("Dari %(a)s tidak dapat menjadi %(b)s.")
                % {"a": locked.get_status_display(), "b": Status(status).label}
            }
        )
    if actor is not None and not permissions.can_change_status(actor, locked, status):
        raise PermissionDenied(_("Anda tidak dapat mengubah status insiden ini."))
    before = locked.status
    locked.status = status
    # When it was closed: the retention of a public reporter's contact counts from there.
    locked.closed_at = now if status in CLOSED else None
    if status == Status.RESOLVED:
        locked.resolved_at = now
        locked.next_escalation_at = None
    elif status == Status.UNVERIFIED:
        locked.next_escalation_at = None
    elif status == Status.HANDLING:
        locked.resolved_at = None
        if locked.severity == Severity.CRITICAL and locked.next_escalation_at is None:
            locked.next_escalation_at = now + timedelta(minutes=CRITICAL_REMINDER_MINUTES)
    elif status == Status.REPORTED:  # reopened after "tidak terverifikasi"
        _restart_clock(locked, now)
    locked.save()
    history_add(locked, actor, EventKind.STATUS, before=before, after=status, note=note)
    counters.counter_move(locked, from_status=before, to_status=status)
    if status == Status.REPORTED:
        escalation.notify_reported(locked)
    situation_changed()
    return locked


def referral_agencies(incident: Incident):
    """Where an incident may be referred: active agencies of its region or above (the Polres of
    its regency, the Polda), other than the one that has it."""
    parts = incident.region_id.split(".")
    ancestors = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return (
        Agency.objects.filter(region_id__in=ancestors, is_active=True)
        .exclude(pk=incident.agency_id)
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


@transaction.atomic
def incident_refer(
    *,
    actor: Person | None,
    incident: Incident,
    agency: Agency,
    note: str = "",
    now: datetime | None = None,
) -> Incident:
    """Pass the incident to another agency, which must then acknowledge it (a new round of the
    escalation, starting with its liaisons)."""
    now = now or timezone.now()
    locked = _locked(incident)
    if actor is not None and not permissions.can_refer_incident(actor, locked):
        raise PermissionDenied(_("Anda tidak dapat merujuk insiden ini."))
    if locked.status not in OPEN:
        raise ValidationError({"agency": _("Insiden yang sudah ditutup tidak dapat dirujuk.")})
    if not referral_agencies(locked).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": _("Insiden ini tidak dapat dirujuk ke lembaga itu.")})
    before = locked.status
    locked.status = Status.REFERRED
    locked.agency = agency
    _restart_clock(locked, now)
    locked.save()
    locked.involved_agencies.add(agency)
    history_add(
        locked, actor, EventKind.REFERRED, before=before, after=Status.REFERRED,
        detail=agency.name, note=note,
    )  # fmt: skip
    counters.counter_move(locked, from_status=before, to_status=Status.REFERRED)
    escalation.notify_reported(locked)
    situation_changed()
    return locked


@transaction.atomic
def incident_merge(
    *, actor: Person | None, incident: Incident, into: Incident, note: str = ""
) -> Incident:
    """Mark `incident` a duplicate of `into` (whose page then lists it); the escalation of the
    duplicate stops."""
    locked = _locked(incident)
    if actor is not None and not permissions.can_merge_incident(actor, locked):
        raise PermissionDenied(_("Anda tidak dapat menggabungkan insiden ini."))
    if actor is not None and not permissions.can_view_incident(actor, into):
        raise ValidationError({"into": _("Insiden tujuan tidak ditemukan.")})
    if into.pk == locked.pk:
        raise ValidationError({"into": _("Insiden tidak dapat digabung ke dirinya sendiri.")})
    if into.status == Status.DUPLICATE:
        raise ValidationError({"into": _("Insiden tujuan sendiri sudah duplikat.")})
    if locked.status in CLOSED:
        raise ValidationError({"into": _("Insiden yang sudah ditutup tidak dapat digabung.")})
    before = locked.status
    locked.status = Status.DUPLICATE
    locked.duplicate_of = into
    locked.next_escalation_at = None
    locked.closed_at = timezone.now()
    locked.save()
    history_add(
        locked, actor, EventKind.MERGED, before=before, after=Status.DUPLICATE,
        detail=f"#{into.pk} {into.title}", note=note,
    )  # fmt: skip
    history_add(into, actor, EventKind.DUPLICATE_ADDED, detail=f"#{locked.pk} {locked.title}")
    counters.counter_move(locked, from_status=before, to_status=Status.DUPLICATE)
    situation_changed()
    return locked


@transaction.atomic
def incident_comment_add(*, actor: Person | None, incident: Incident, body: str) -> IncidentComment:
    if actor is not None and not permissions.can_comment_incident(actor, incident):
        raise PermissionDenied(_("Anda tidak dapat mengomentari insiden ini."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Tulis komentarnya.")})
    access = core.access_for(actor)
    involved = {a.pk for a in incident.involved_agencies.all()}
    agency_id = next(iter(sorted(access.agency_ids & involved)), None)
    if agency_id is None and access.agency_ids:
        agency_id = sorted(access.agency_ids)[0]
    return IncidentComment.objects.create(
        incident=incident, author=actor, agency_id=agency_id, body=body[:5000]
    )
