"""Writing outreach events: create, change, publish, cancel, report, duplicate.

Every write goes through here, so the copied region codes, the local date, the iCalendar SEQUENCE
and the publication counter (which invalidates public caches) always stay in step.
"""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel
from coordination.models import Agency, Person, Region
from outreach import permissions
from outreach.enums import AudienceSegment, EventStatus, is_face_to_face
from outreach.feeds import texts_store
from outreach.models import MAX_DURATION, EventReport, EventSegment, OutreachEvent
from outreach.services.publication import publication_bump

EDITABLE_FIELDS = (
    "title",
    "description",
    "method",
    "region",
    "venue",
    "channel",
    "online_url",
    "starts_at",
    "ends_at",
    "organiser",
)
# What _derive() recomputes from the editable fields; saved with them.
DERIVED_FIELDS = (
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "is_face_to_face",
    "slug",
    "local_date",
)

# Status changes staff may make by hand; "done" also follows from saving a report.
# A published event never goes back to draft: drafts are never in a feed, so calendars that
# subscribed would keep it forever. Withdrawing means cancelling (STATUS:CANCELLED reaches them).
TRANSITIONS = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED},
    EventStatus.PUBLISHED: {EventStatus.CANCELLED, EventStatus.DONE},
    EventStatus.CANCELLED: {EventStatus.PUBLISHED},
    EventStatus.DONE: {EventStatus.PUBLISHED},
}


def _check_region(actor: Person | None, region: Region) -> None:
    if actor is not None and not permissions.can_manage_outreach_in(actor, region):
        raise PermissionDenied(_("Wilayah ini di luar kewenangan Anda."))


def _clean_segments(segments: Iterable[str]) -> list[str]:
    chosen = set(segments)
    unknown = chosen - set(AudienceSegment.values)
    if unknown:
        raise ValidationError(
            {"segments": _("Segmen sasaran tidak dikenal: %s") % ", ".join(sorted(unknown))}
        )
    if not chosen:
        raise ValidationError({"segments": _("Pilih sedikitnya satu segmen sasaran.")})
    return [value for value in AudienceSegment.values if value in chosen]


def _check_agencies(
    event: OutreachEvent, partners: Iterable[Agency], actor: Person | None
) -> list[Agency]:
    province = event.region_id[:2]
    errors = {}
    if event.organiser_id and not event.organiser.region_id.startswith(province):
        errors["organiser"] = _("Penyelenggara harus lembaga di provinsi kegiatan.")
    elif (
        actor is not None
        and event.organiser_id
        and not permissions.can_manage_outreach_in(actor, event.organiser.region_id)
    ):
        # The organisers the event form offers: an import row may not name any other.
        errors["organiser"] = _("Penyelenggara ini di luar kewenangan Anda.")
    partners = [p for p in partners if p.pk != event.organiser_id]
    if any(not p.region_id.startswith(province) for p in partners):
        errors["partners"] = _("Lembaga mitra harus berada di provinsi kegiatan.")
    if errors:
        raise ValidationError(errors)
    return partners


def _derive(event: OutreachEvent) -> None:
    """Copy the region's ancestry, the local start date, the slug and the method group."""
    region = event.region
    code = region.code
    event.province_code = code[:2]
    event.regency_code = code[:5] if region.level >= RegionLevel.REGENCY else ""
    event.district_code = code[:8] if region.level >= RegionLevel.DISTRICT else ""
    event.village_code = code if region.level == RegionLevel.VILLAGE else ""
    event.is_face_to_face = is_face_to_face(event.method)
    event.slug = slugify(event.title)[:80].strip("-") or "acara"
    if event.starts_at:
        event.local_date = timezone.localtime(event.starts_at, ZoneInfo(region.timezone)).date()


def _validate(event: OutreachEvent) -> None:
    errors = {}
    if event.starts_at and event.ends_at:
        if event.ends_at <= event.starts_at:
            errors["ends_at"] = _("Waktu selesai harus setelah waktu mulai.")
        elif event.ends_at - event.starts_at > MAX_DURATION:
            errors["ends_at"] = _("Satu kegiatan paling lama 31 hari.")
    if event.is_face_to_face and not event.venue.strip():
        errors["venue"] = _("Kegiatan tatap muka memerlukan tempat atau alamat.")
    if not event.is_face_to_face and not (event.channel.strip() or event.online_url):
        errors["channel"] = _("Kegiatan melalui media memerlukan saluran atau tautan.")
    if errors:
        raise ValidationError(errors)
    event.full_clean(exclude=["local_date", "province_code", "slug"])


def _save_segments(event: OutreachEvent, segments: list[str]) -> None:
    event.segments = segments
    EventSegment.objects.filter(event=event).exclude(segment__in=segments).delete()
    existing = set(EventSegment.objects.filter(event=event).values_list("segment", flat=True))
    EventSegment.objects.bulk_create(
        [EventSegment(event=event, segment=s) for s in segments if s not in existing]
    )


def _published(event: OutreachEvent) -> None:
    """What the public sees of `event` changed: its feed texts are built again with the change
    (in this transaction) and the public pages' version moves on."""
    if event.is_public:
        texts_store(ids=[event.pk])
    publication_bump()


@transaction.atomic
def event_create(
    *,
    actor: Person | None,
    title: str,
    method: str,
    segments: Iterable[str],
    region: Region,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organiser: Agency,
    partners: Iterable[Agency] = (),
    description: str = "",
    venue: str = "",
    channel: str = "",
    online_url: str = "",
    status: str = EventStatus.DRAFT,
) -> OutreachEvent:
    """Create an event (a draft unless `status` says otherwise). `actor` None is a system write.
    The organiser must be an agency the actor manages (what the event form offers)."""
    return _event_create(
        actor=actor,
        organiser_actor=actor,
        title=title,
        method=method,
        segments=segments,
        region=region,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=organiser,
        partners=partners,
        description=description,
        venue=venue,
        channel=channel,
        online_url=online_url,
        status=status,
    )


def _event_create(
    *,
    actor: Person | None,
    organiser_actor: Person | None,
    title: str,
    method: str,
    segments: Iterable[str],
    region: Region,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organiser: Agency,
    partners: Iterable[Agency],
    description: str,
    venue: str,
    channel: str,
    online_url: str,
    status: str,
) -> OutreachEvent:
    _check_region(actor, region)
    if status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise ValidationError({"status": _("Kegiatan baru berstatus draf atau terbit.")})
    event = OutreachEvent(
        title=title.strip(),
        description=description.strip(),
        method=method,
        region=region,
        venue=venue.strip(),
        channel=channel.strip(),
        online_url=online_url.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=organiser,
        status=status,
        created_by=actor,
    )
    clean_segments = _clean_segments(segments)
    event.segments = clean_segments
    _derive(event)
    _validate(event)
    partners = _check_agencies(event, partners, organiser_actor)
    event.save()
    _save_segments(event, clean_segments)
    event.partners.set(partners)
    if event.is_public:
        _published(event)
    return event


@transaction.atomic
def event_update(
    *,
    actor: Person | None,
    event: OutreachEvent,
    segments: Iterable[str] | None = None,
    partners: Iterable[Agency] | None = None,
    **fields,
) -> OutreachEvent:
    """Change an event's details. Every saved change raises SEQUENCE, so calendars that
    subscribed to a feed replace their copy."""
    _check_region(actor, event.region)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "region" in fields:
        _check_region(actor, fields["region"])
    organiser_before = event.organiser_id
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    new_segments = _clean_segments(segments) if segments is not None else None
    if new_segments is not None:
        event.segments = new_segments
    _derive(event)
    _validate(event)
    # A new organiser must be one the actor may name; an unchanged one stays as it was chosen.
    organiser_actor = actor if event.organiser_id != organiser_before else None
    if partners is not None:
        partners = _check_agencies(event, partners, organiser_actor)
    else:
        _check_agencies(event, [], organiser_actor)
    if new_segments is not None:
        _save_segments(event, new_segments)
    event.sequence += 1
    event.updated_at = timezone.now()
    event.save(
        update_fields=[*EDITABLE_FIELDS, *DERIVED_FIELDS, "segments", "sequence", "updated_at"]
    )
    if partners is not None:
        event.partners.set(partners)
    if event.is_public:
        _published(event)
    return event


@transaction.atomic
def event_status_change(
    *, actor: Person | None, event: OutreachEvent, status: str, note: str = ""
) -> OutreachEvent:
    """Publish, cancel, reinstate a cancelled or held event, or mark it as held."""
    _check_region(actor, event.region)
    if status == event.status:
        return event
    if status not in TRANSITIONS.get(event.status, set()):
        raise ValidationError(
            {
                "status": _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
                % {"from": event.get_status_display(), "to": EventStatus(status).label}
            }
        )
    if status == EventStatus.DONE and event.starts_at > timezone.now():
        raise ValidationError(
            {"status": _("Kegiatan yang belum dimulai belum dapat ditandai terlaksana.")}
        )
    was_public = event.is_public
    event.status = status
    event.cancel_note = note.strip()[:300] if status == EventStatus.CANCELLED else ""
    event.sequence += 1
    event.updated_at = timezone.now()
    event.save(update_fields=["status", "cancel_note", "sequence", "updated_at"])
    if was_public or event.is_public:
        _published(event)
    return event


@transaction.atomic
def event_report_save(
    *,
    actor: Person | None,
    event: OutreachEvent,
    participants: int,
    women: int = 0,
    people_with_disabilities: int = 0,
    first_time_voters: int = 0,
    notes: str = "",
) -> EventReport:
    """Record attendance; a published event that has started becomes "done"."""
    _check_region(actor, event.region)
    if event.status in (EventStatus.DRAFT, EventStatus.CANCELLED):
        raise ValidationError(_("Laporan hanya untuk kegiatan yang terbit atau terlaksana."))
    if event.starts_at > timezone.now():
        raise ValidationError(_("Laporan dapat diisi setelah kegiatan dimulai."))
    report = EventReport.objects.filter(event=event).first() or EventReport(event=event)
    report.participants = participants
    report.women = women
    report.people_with_disabilities = people_with_disabilities
    report.first_time_voters = first_time_voters
    report.notes = notes.strip()
    report.reported_by = actor
    report.reported_at = timezone.now()
    report.full_clean()
    report.save()
    event.status = EventStatus.DONE
    event.updated_at = timezone.now()
    event.save(update_fields=["status", "updated_at"])
    _published(event)
    return report


@transaction.atomic
def event_delete(*, actor: Person | None, event: OutreachEvent) -> None:
    """Only drafts are deleted; anything the public has seen is cancelled instead."""
    _check_region(actor, event.region)
    if event.status != EventStatus.DRAFT:
        raise ValidationError(
            _("Hanya draf yang dapat dihapus; batalkan kegiatan yang sudah terbit.")
        )
    event.delete()


@transaction.atomic
def event_duplicate(
    *,
    actor: Person | None,
    event: OutreachEvent,
    regions: Iterable[Region],
    dates: Iterable[dt.date],
) -> list[OutreachEvent]:
    """Copy an event to every (region, date) pair as drafts, keeping its local start time and
    its duration; the copies are checked like new events (the organiser stays the source's)."""
    _check_region(actor, event.region)
    regions = list(regions)
    dates = sorted(set(dates))
    if not regions or not dates:
        raise ValidationError(_("Pilih sedikitnya satu wilayah dan satu tanggal."))
    if len(regions) * len(dates) > 200:
        raise ValidationError(_("Paling banyak 200 salinan sekaligus."))
    source_zone = ZoneInfo(event.region.timezone)
    local_start = timezone.localtime(event.starts_at, source_zone)
    duration = event.ends_at - event.starts_at
    partners = list(event.partners.all())
    copies = []
    for region in regions:
        zone = ZoneInfo(region.timezone)
        for day in dates:
            starts_at = dt.datetime.combine(day, local_start.time(), tzinfo=zone)
            copies.append(
                # A copy keeps the organiser of an event the actor manages.
                _event_create(
                    actor=actor,
                    organiser_actor=None,
                    title=event.title,
                    description=event.description,
                    method=event.method,
                    segments=event.segments,
                    region=region,
                    venue=event.venue,
                    channel=event.channel,
                    online_url=event.online_url,
                    starts_at=starts_at,
                    ends_at=starts_at + duration,
                    organiser=event.organiser,
                    partners=partners,
                    status=EventStatus.DRAFT,
                )
            )
    return copies
