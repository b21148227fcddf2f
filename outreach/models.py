"""Outreach events, their audience segments, after-event reports and the publication state."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.enums import (
    PUBLIC_STATUSES,
    AudienceSegment,
    EventStatus,
    OutreachMethod,
    RequesterKind,
    RequestStatus,
)

# The longest event the services accept; the public list relies on it to bound its index scan.
MAX_DURATION = dt.timedelta(days=31)


class OutreachEvent(models.Model):
    """One sosialisasi activity: a face-to-face meeting or a media appearance.

    Times are stored aware (UTC) and shown in the region's zone. The region's ancestors
    (`regency_code`, `district_code`, `village_code`) and the local start date are copied onto the
    row by the services so the calendar filters and coverage aggregations use plain indexed columns
    instead of prefix matches and per-row time-zone arithmetic.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False, blank=True)
    description = models.TextField(_("deskripsi"), blank=True)
    method = models.CharField(_("metode"), max_length=24, choices=OutreachMethod.choices)
    is_face_to_face = models.BooleanField(default=False, editable=False)
    # Display copy of the audience segments (ordered codes); EventSegment rows serve the filters.
    segments = models.JSONField(_("segmen sasaran"), default=list)
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="outreach_events",
    )
    province_code = models.CharField(max_length=2, editable=False)
    regency_code = models.CharField(max_length=5, blank=True, editable=False)
    district_code = models.CharField(max_length=8, blank=True, editable=False)
    village_code = models.CharField(max_length=13, blank=True, editable=False)
    venue = models.CharField(_("tempat / alamat"), max_length=300, blank=True)
    channel = models.CharField(
        _("saluran"),
        max_length=200,
        blank=True,
        help_text=_("Stasiun, program, akun, atau media; untuk kegiatan melalui media."),
    )
    online_url = models.URLField(_("tautan"), blank=True)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    local_date = models.DateField(editable=False)
    organiser = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("penyelenggara"),
        on_delete=models.PROTECT,
        related_name="outreach_events_organised",
    )
    partners = models.ManyToManyField(
        "coordination.Agency",
        verbose_name=_("lembaga mitra"),
        blank=True,
        related_name="outreach_events_partnered",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    cancel_note = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)
    # iCalendar SEQUENCE: raised by every change a subscriber should see.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("kegiatan sosialisasi")
        verbose_name_plural = _("kegiatan sosialisasi")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="outreach_event_ends_after_start",
                violation_error_message=_("Waktu selesai harus setelah waktu mulai."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "local_date", "starts_at"], name="outreach_status_date_idx"
            ),
            models.Index(fields=["status", "ends_at"], name="outreach_status_ends_idx"),
            models.Index(fields=["regency_code", "local_date"], name="outreach_regency_date_idx"),
            models.Index(fields=["district_code", "local_date"], name="outreach_district_date_idx"),
            models.Index(fields=["province_code", "local_date"], name="outreach_province_date_idx"),
            models.Index(fields=["method", "local_date"], name="outreach_method_date_idx"),
            models.Index(
                fields=["regency_code", "is_face_to_face", "status"], name="outreach_coverage_idx"
            ),
            # The calendar's counts per day and first events of each day, answered from the index
            # alone: a national month is 50k+ public events.
            models.Index(
                fields=["local_date", "starts_at", "id"],
                condition=Q(status__in=PUBLIC_STATUSES),
                name="outreach_public_day_idx",
            ),
            # The upcoming list: public events in start order, with the end to filter on.
            models.Index(
                fields=["starts_at", "id"],
                include=["ends_at"],
                condition=Q(status__in=PUBLIC_STATUSES),
                name="outreach_public_start_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != EventStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def zone_abbreviation(self) -> str:
        return self.region.zone_abbreviation


class EventSegment(models.Model):
    """One audience segment of an event: the indexed side of the multi-select, for filters and
    per-segment counts."""

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="segment_rows")
    segment = models.CharField(max_length=24, choices=AudienceSegment.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "segment"], name="outreach_segment_unique"),
        ]
        indexes = [models.Index(fields=["segment", "event"], name="outreach_segment_event_idx")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.segment}"


class EventReport(models.Model):
    """What happened: attendance after the event."""

    event = models.OneToOneField(
        OutreachEvent, on_delete=models.CASCADE, primary_key=True, related_name="report"
    )
    participants = models.PositiveIntegerField(_("jumlah peserta"))
    women = models.PositiveIntegerField(_("peserta perempuan"), default=0)
    people_with_disabilities = models.PositiveIntegerField(
        _("peserta penyandang disabilitas"), default=0
    )
    first_time_voters = models.PositiveIntegerField(_("peserta pemilih pemula"), default=0)
    notes = models.TextField(_("catatan"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("laporan kegiatan")
        verbose_name_plural = _("laporan kegiatan")
        constraints = [
            models.CheckConstraint(
                condition=Q(women__lte=F("participants")),
                name="outreach_report_women_le_total",
                violation_error_message=_("Peserta perempuan melebihi jumlah peserta."),
            ),
            models.CheckConstraint(
                condition=Q(people_with_disabilities__lte=F("participants")),
                name="outreach_report_disabled_le_total",
                violation_error_message=_(
                    "Peserta penyandang disabilitas melebihi jumlah peserta."
                ),
            ),
            models.CheckConstraint(
                condition=Q(first_time_voters__lte=F("participants")),
                name="outreach_report_first_le_total",
                violation_error_message=_("Peserta pemilih pemula melebihi jumlah peserta."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.participants})"


class EventText(models.Model):
    """An event's VEVENT as the iCalendar feeds send it, in one language, built with the
    icalendar library when the event is written (`outreach.feeds.texts_store`), so a feed is a
    read of stored text and a concatenation. `stamp` says what the text was built from
    (`outreach.feeds.text_stamp`); a feed rebuilds a text whose stamp is out of date."""

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    stamp = models.CharField(max_length=80)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="outreach_eventtext_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.language}"


class PublicationState(models.Model):
    """One row: a counter raised by every change the public can see.

    Public pages and feeds derive their ETag, Last-Modified and cache keys from it, so a change in
    one process invalidates the cache of every process (the counter is read through the cache and
    the cached copy is dropped after the writing transaction commits).
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status publikasi sosialisasi")

    def __str__(self) -> str:
        return f"v{self.version} ({self.changed_at:%Y-%m-%d %H:%M})"


class OutreachRequest(models.Model):
    """A request from the public for a sosialisasi ("Minta sosialisasi"), made without an account.

    It counts once its email address is confirmed; KPU staff of its regency then accept it (a
    draft event linked here), propose another date, or decline it. The contact data (name,
    email, phone, note) is personal data: it is erased a set time after the request is closed
    (`outreach.services.requests.requests_purge`); what stays is what the coverage report counts.
    Links to the requester carry an HMAC of `uid` (`outreach.services.requests.request_token`),
    so the database alone opens no link.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.UNCONFIRMED
    )
    requester_name = models.CharField(_("nama pemohon atau lembaga"), max_length=150, blank=True)
    requester_kind = models.CharField(_("pemohon"), max_length=20, choices=RequesterKind.choices)
    segment = models.CharField(_("segmen sasaran"), max_length=24, choices=AudienceSegment.choices)
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="outreach_requests",
    )
    province_code = models.CharField(max_length=2, editable=False)
    regency_code = models.CharField(max_length=5, editable=False)
    district_code = models.CharField(max_length=8, editable=False)
    village_code = models.CharField(max_length=13, blank=True, editable=False)
    # Up to three ISO dates, the first the most wanted.
    preferred_dates = models.JSONField(_("tanggal yang diinginkan"), default=list)
    participants = models.PositiveIntegerField(_("perkiraan jumlah peserta"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    # The language the requester wrote in: their mail is built in it.
    language = models.CharField(max_length=8, default="id")
    confirm_before = models.DateTimeField(_("konfirmasi sebelum"))
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    proposed_date = models.DateField(_("tanggal usulan"), null=True, blank=True)
    proposal_note = models.CharField(_("catatan usulan"), max_length=500, blank=True)
    # How many dates were proposed: each proposal is a message of its own.
    proposals = models.PositiveSmallIntegerField(default=0)
    decline_reason = models.CharField(_("alasan penolakan"), max_length=500, blank=True)
    event = models.ForeignKey(
        OutreachEvent,
        verbose_name=_("kegiatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    contact_purged_at = models.DateTimeField(_("data kontak dihapus"), null=True, blank=True)
    created_at = models.DateTimeField(_("diajukan"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("permintaan sosialisasi")
        verbose_name_plural = _("permintaan sosialisasi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=1) & Q(participants__lte=100000),
                name="outreach_request_participants_range",
            ),
        ]
        indexes = [
            # Staff lists: a regency's (or province's) requests of a status, newest first.
            models.Index(
                fields=["regency_code", "status", "-created_at"], name="outreach_req_regency_idx"
            ),
            models.Index(
                fields=["province_code", "status", "-created_at"], name="outreach_req_province_idx"
            ),
            # Coverage: requests per kecamatan.
            models.Index(fields=["district_code", "status"], name="outreach_req_district_idx"),
            # The retention job: closed requests whose contact data is still there, and
            # unconfirmed requests past their link's expiry.
            models.Index(
                fields=["closed_at"],
                condition=Q(contact_purged_at__isnull=True, closed_at__isnull=False),
                name="outreach_req_purge_idx",
            ),
            models.Index(
                fields=["confirm_before"],
                condition=Q(status=RequestStatus.UNCONFIRMED),
                name="outreach_req_unconfirmed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_requester_kind_display()}: {self.region_id}"

    @property
    def is_pending(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.PROPOSED)

    @property
    def first_date(self):
        return dt.date.fromisoformat(self.preferred_dates[0]) if self.preferred_dates else None

    @property
    def dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(value) for value in self.preferred_dates]
