"""Requests from the public for a sosialisasi: made, confirmed, answered, and forgotten.

- `request_create` (no account, no actor): validated, recorded unconfirmed, the confirmation
  mail queued. It counts nowhere until `request_confirm` (the link from that mail, once, before
  `confirm_before`).
- KPU staff of the desa's regency (or province) answer: `request_accept` makes a draft event
  prefilled from the request and linked to it, `request_propose` another date,
  `request_decline` with a reason. Each step mails the requester through the outbox.
- The requester, on the follow page, may agree to a proposed date (`request_agree`: the request
  waits for KPU again, that date first) or withdraw it (`request_withdraw`).
- `requests_purge` (the daily retention job): unconfirmed requests past their link's expiry are
  deleted; a closed request keeps its contact data (name, email, phone, note) for
  OUTREACH_REQUEST_RETENTION_DAYS after it was closed (an accepted one: after its event ended),
  then loses it. What the coverage report counts stays.

Rate limits, the honeypot and the time check are the view's (pilkada/common/abuse.py): they are
about the HTTP client, not the request.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel
from coordination.models import Agency, Person, Region
from outreach import permissions
from outreach.enums import (
    FACE_TO_FACE_METHODS,
    PENDING_REQUEST_STATUSES,
    AudienceSegment,
    EventStatus,
    RequesterKind,
    RequestStatus,
)
from outreach.models import OutreachEvent, OutreachRequest
from outreach.notifications import contact_erase_from_log, request_mail_queue
from outreach.services.events import event_create
from outreach.tokens import token_uid

MAX_DATES = 3
# How far ahead a request may ask: the rest of an election year.
MAX_DAYS_AHEAD = 366
MAX_PARTICIPANTS = 100_000
MAX_NOTE = 1000
# An unconfirmed request is deleted this long after its link expired.
UNCONFIRMED_GRACE = dt.timedelta(days=1)
PURGE_BATCH = 1000


def request_find(*, token: str, purpose: str) -> OutreachRequest | None:
    """The request a link opens, or None (malformed, forged, or the request is gone)."""
    uid = token_uid(token, purpose)
    if uid is None:
        return None
    return (
        OutreachRequest.objects.select_related("region__parent__parent", "event__region")
        .filter(uid=uid)
        .first()
    )


def _today_in(region: Region) -> dt.date:
    return timezone.localtime(timezone.now(), ZoneInfo(region.timezone)).date()


def _clean_dates(dates: list[dt.date], region: Region, field: str = "dates") -> list[str]:
    chosen = list(dict.fromkeys(d for d in dates if d is not None))
    if not chosen:
        raise ValidationError({field: _("Isi sedikitnya satu tanggal.")})
    if len(chosen) > MAX_DATES:
        raise ValidationError({field: _("Paling banyak tiga tanggal.")})
    today = _today_in(region)
    if any(d <= today for d in chosen):
        raise ValidationError({field: _("Tanggal harus setelah hari ini.")})
    if any(d > today + dt.timedelta(days=MAX_DAYS_AHEAD) for d in chosen):
        raise ValidationError({field: _("Tanggal paling jauh satu tahun dari sekarang.")})
    return [d.isoformat() for d in chosen]


def _derive_codes(request: OutreachRequest) -> None:
    code = request.region.code
    request.province_code = code[:2]
    request.regency_code = code[:5]
    request.district_code = code[:8]
    request.village_code = code if request.region.level == RegionLevel.VILLAGE else ""


@transaction.atomic
def request_create(
    *,
    requester_name: str,
    requester_kind: str,
    segment: str,
    region: Region,
    dates: list[dt.date],
    participants: int,
    email: str,
    phone: str = "",
    note: str = "",
    language: str = "id",
) -> OutreachRequest:
    """Record a request from the public (unconfirmed) and queue the mail with its link."""
    errors = {}
    if not requester_name.strip():
        errors["requester_name"] = _("Tuliskan nama pemohon atau lembaga.")
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = _("Pilih desa/kelurahan.")
    if requester_kind not in RequesterKind.values:
        errors["requester_kind"] = _("Pilih siapa yang meminta.")
    if segment not in AudienceSegment.values:
        errors["segment"] = _("Pilih segmen sasaran.")
    if not 1 <= participants <= MAX_PARTICIPANTS:
        errors["participants"] = _("Jumlah peserta antara 1 dan 100.000.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("Catatan paling banyak 1.000 karakter.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    request = OutreachRequest(
        requester_name=requester_name.strip(),
        requester_kind=requester_kind,
        segment=segment,
        region=region,
        preferred_dates=_clean_dates(dates, region),
        participants=participants,
        email=email.strip().lower(),
        phone=phone.strip(),
        note=note.strip(),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        confirm_before=now + dt.timedelta(hours=settings.OUTREACH_REQUEST_CONFIRM_HOURS),
        created_at=now,
        updated_at=now,
    )
    _derive_codes(request)
    request.full_clean(exclude=["province_code", "regency_code", "district_code"])
    request.save()
    request_mail_queue(request=request, step="confirm")
    return request


def _locked(request: OutreachRequest) -> OutreachRequest:
    """The row again under a lock: two answers at once land one after the other."""
    fresh = (
        OutreachRequest.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=request.pk)
    )
    for name in ("status", "proposals", "proposed_date", "preferred_dates", "closed_at"):
        setattr(request, name, getattr(fresh, name))
    return request


@transaction.atomic
def request_confirm(*, request: OutreachRequest) -> OutreachRequest:
    """The link from the confirmation mail, used once before it expires."""
    _locked(request)
    if request.status != RequestStatus.UNCONFIRMED:
        raise ValidationError(_("Tautan konfirmasi ini sudah dipakai."), code="used")
    now = timezone.now()
    if request.confirm_before <= now:
        raise ValidationError(_("Tautan konfirmasi ini sudah kedaluwarsa."), code="expired")
    request.status = RequestStatus.OPEN
    request.confirmed_at = now
    request.updated_at = now
    request.save(update_fields=["status", "confirmed_at", "updated_at"])
    request_mail_queue(request=request, step="confirmed")
    return request


def _check_answer(actor: Person | None, request: OutreachRequest) -> None:
    if actor is not None and not permissions.can_manage_request(actor, request):
        raise PermissionDenied(_("Permintaan ini di luar kewenangan Anda."))
    _locked(request)
    if request.status not in PENDING_REQUEST_STATUSES:
        raise ValidationError(_("Permintaan ini sudah ditanggapi atau ditutup."))


def _answered(request: OutreachRequest, actor: Person | None, status: str, close: bool) -> None:
    now = timezone.now()
    request.status = status
    request.answered_by = actor
    request.answered_at = now
    request.updated_at = now
    if close:
        request.closed_at = now


def request_event_title(request: OutreachRequest) -> str:
    return _("Sosialisasi %(segment)s di %(village)s") % {
        "segment": AudienceSegment(request.segment).label,
        "village": request.region.name,
    }


@transaction.atomic
def request_accept(
    *,
    actor: Person | None,
    request: OutreachRequest,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    method: str,
    organiser: Agency,
    venue: str,
) -> OutreachEvent:
    """Accept: a draft event in the request's desa, for its segment, linked to it (staff
    complete and publish it as any other event); the requester is told the date."""
    _check_answer(actor, request)
    if method not in FACE_TO_FACE_METHODS:
        raise ValidationError({"method": _("Pilih metode tatap muka.")})
    description = _("Atas permintaan masyarakat (%(kind)s), untuk sekitar %(n)d peserta.") % {
        "kind": RequesterKind(request.requester_kind).label,
        "n": request.participants,
    }
    try:
        event = event_create(
            actor=actor,
            title=request_event_title(request),
            description=description,
            method=method,
            segments=[request.segment],
            region=request.region,
            venue=venue,
            starts_at=starts_at,
            ends_at=ends_at,
            organiser=organiser,
            status=EventStatus.DRAFT,
        )
    except PermissionDenied as exc:
        raise PermissionDenied(_("Permintaan ini di luar kewenangan Anda.")) from exc
    _answered(request, actor, RequestStatus.ACCEPTED, close=True)
    request.event = event
    request.save(
        update_fields=["status", "answered_by", "answered_at", "updated_at", "closed_at", "event"]
    )
    request_mail_queue(request=request, step="accepted")
    return event


@transaction.atomic
def request_propose(
    *, actor: Person | None, request: OutreachRequest, date: dt.date, note: str = ""
) -> OutreachRequest:
    """Propose another date; the requester may agree to it on the follow page."""
    _check_answer(actor, request)
    request.proposed_date = dt.date.fromisoformat(_clean_dates([date], request.region, "date")[0])
    request.proposal_note = note.strip()[:500]
    request.proposals += 1
    _answered(request, actor, RequestStatus.PROPOSED, close=False)
    request.save(
        update_fields=[
            "status",
            "proposed_date",
            "proposal_note",
            "proposals",
            "answered_by",
            "answered_at",
            "updated_at",
        ]
    )
    request_mail_queue(request=request, step="proposed")
    return request


@transaction.atomic
def request_decline(
    *, actor: Person | None, request: OutreachRequest, reason: str
) -> OutreachRequest:
    """Decline, with a reason the requester reads."""
    _check_answer(actor, request)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasannya untuk pemohon.")})
    request.decline_reason = reason[:500]
    _answered(request, actor, RequestStatus.DECLINED, close=True)
    request.save(
        update_fields=[
            "status",
            "decline_reason",
            "answered_by",
            "answered_at",
            "updated_at",
            "closed_at",
        ]
    )
    request_mail_queue(request=request, step="declined")
    return request


@transaction.atomic
def request_agree(*, request: OutreachRequest) -> OutreachRequest:
    """The requester agrees to the proposed date: it becomes their first date, and the request
    waits for KPU's answer again."""
    _locked(request)
    if request.status != RequestStatus.PROPOSED or request.proposed_date is None:
        raise ValidationError(_("Tidak ada tanggal usulan yang menunggu jawaban Anda."))
    proposed = request.proposed_date.isoformat()
    others = [d for d in request.preferred_dates if d != proposed]
    request.preferred_dates = [proposed, *others][:MAX_DATES]
    request.status = RequestStatus.OPEN
    request.updated_at = timezone.now()
    request.save(update_fields=["preferred_dates", "status", "updated_at"])
    return request


@transaction.atomic
def request_withdraw(*, request: OutreachRequest) -> OutreachRequest:
    """The requester no longer needs it (before KPU accepted or declined)."""
    _locked(request)
    if request.status not in (RequestStatus.UNCONFIRMED, *PENDING_REQUEST_STATUSES):
        raise ValidationError(_("Permintaan ini sudah ditanggapi atau ditutup."))
    now = timezone.now()
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = now
    request.updated_at = now
    request.save(update_fields=["status", "closed_at", "updated_at"])
    return request


@transaction.atomic
def requests_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The retention rule (run daily): see the module docstring. Returns what it did."""
    now = now or timezone.now()
    expired = OutreachRequest.objects.filter(
        status=RequestStatus.UNCONFIRMED, confirm_before__lt=now - UNCONFIRMED_GRACE
    )
    expired_ids = list(expired.values_list("pk", flat=True)[:PURGE_BATCH])
    expired_rows = list(OutreachRequest.objects.filter(pk__in=expired_ids))
    contact_erase_from_log(requests=expired_rows)
    deleted, _by_model = OutreachRequest.objects.filter(pk__in=expired_ids).delete()
    cutoff = now - dt.timedelta(days=settings.OUTREACH_REQUEST_RETENTION_DAYS)
    due = list(
        OutreachRequest.objects.filter(
            contact_purged_at__isnull=True, closed_at__isnull=False, closed_at__lt=cutoff
        )
        # An accepted request's contact is needed until its event is over.
        .filter(Q(event__isnull=True) | Q(event__ends_at__lt=cutoff))
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("closed_at")[:PURGE_BATCH]
    )
    contact_erase_from_log(requests=due)
    purged = OutreachRequest.objects.filter(pk__in=[r.pk for r in due]).update(
        requester_name="",
        email="",
        phone="",
        note="",
        contact_purged_at=now,
        updated_at=now,
    )
    return {"deleted": deleted, "purged": purged}
