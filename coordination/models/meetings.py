import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination.enums import RSVP, MeetingKind, MeetingStatus, SeriesFrequency


def default_reminder_offsets() -> list[int]:
    # Minutes before the start; 24 hours and 1 hour unless KPU staff choose otherwise.
    return list(getattr(settings, "PILKADA_DEFAULT_REMINDER_MINUTES", [1440, 60]))


class MeetingSeries(models.Model):
    """A regular series (weekly, fortnightly, monthly rakor). Each occurrence is its own Meeting
    (answers, minutes, reminders); calendars get the series as one recurring event.

    `uid` and `sequence` are that event's iCalendar identity (see `coordination.ics`): the UID
    never changes and every change invitees must see, of the series or of one occurrence, raises
    the sequence. `starts_at` ... `agenda` are the rule's pattern as the series was created (the
    first occurrence); an occurrence that no longer matches it goes out as an override.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    title = models.CharField(_("judul"), max_length=200)
    frequency = models.CharField(_("frekuensi"), max_length=20, choices=SeriesFrequency.choices)
    until = models.DateField(_("sampai"))
    starts_at = models.DateTimeField(_("mulai pertemuan pertama"))
    ends_at = models.DateTimeField(_("selesai pertemuan pertama"))
    location = models.CharField(_("tempat"), max_length=300, blank=True)
    online_url = models.URLField(_("tautan daring"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seri rapat")
        verbose_name_plural = _("seri rapat")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A coordination meeting. Times are stored in UTC and shown in the region's zone.

    `uid` and `sequence` are the iCalendar identity: the UID never changes, and every change that
    invitees must see (time, place, link, title, cancellation) raises the sequence.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("jenis"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    organiser = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("penyelenggara"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    location = models.CharField(_("tempat"), max_length=300, blank=True)
    online_url = models.URLField(_("tautan daring"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    # The start the series' rule gives this occurrence (iCalendar RECURRENCE-ID); it stays when
    # the occurrence is moved. None outside a series, and for occurrences of series made before
    # series became one recurring event (those keep their own UID).
    recurrence_id = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_offsets = models.JSONField(
        _("pengingat (menit sebelum)"), default=default_reminder_offsets
    )
    invited_agencies = models.ManyToManyField(
        "coordination.Agency",
        verbose_name=_("lembaga diundang"),
        related_name="meeting_invitations",
        blank=True,
    )
    minutes = models.TextField(_("notulen"), blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rapat")
        verbose_name_plural = _("rapat")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"],
                condition=Q(recurrence_id__isnull=False),
                name="meeting_unique_series_recurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"], name="meeting_starts_idx"),
            models.Index(fields=["region", "starts_at"], name="meeting_region_starts_idx"),
            models.Index(fields=["organiser", "starts_at"], name="meeting_organiser_starts_idx"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts_idx"),
            # The meeting list pages through ids in start order, filtered by the visibility rule
            # (region, organiser) and the list's own filters (kind, upcoming or past): both read
            # from the index alone, the first in the list's order, the second for the upcoming
            # ones (and their count) when they are few.
            models.Index(
                fields=["starts_at", "id"],
                include=["ends_at", "region", "organiser", "kind"],
                name="meeting_list_starts_idx",
            ),
            models.Index(
                fields=["ends_at"],
                include=["starts_at", "region", "organiser", "kind"],
                name="meeting_list_ends_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingInvitee(models.Model):
    """One invited person and their answer. People invited through an agency get a row too."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invites"
    )
    agency = models.ForeignKey(
        "coordination.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Lembaga yang diwakili, bila diundang melalui lembaga."),
    )
    response = models.CharField(
        _("jawaban"), max_length=20, choices=RSVP.choices, default=RSVP.PENDING
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diwakilkan kepada"),
    )
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mewakili"),
        help_text=_("Diisi bila orang ini hadir sebagai wakil seorang undangan."),
    )
    attended = models.BooleanField(_("hadir"), null=True, blank=True)

    class Meta:
        verbose_name = _("undangan rapat")
        verbose_name_plural = _("undangan rapat")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="invitee_unique_person"),
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="invitee_person_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"


def meeting_document_path(instance: "MeetingDocument", filename: str) -> str:
    # A random name: the original name is kept in a field and never used as a path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/meetings/{instance.meeting_id}/{uuid.uuid4().hex}.{extension}"


class MeetingDocument(models.Model):
    """A document attached to the minutes. Stored outside any public URL; a view checks access."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("berkas"), upload_to=meeting_document_path, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("ukuran"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen rapat")
        verbose_name_plural = _("dokumen rapat")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
