"""An incident (insiden): what happened where, who must act, and where it stands; its append-only
history, comments and photos; and the counters the situation room reads.

The escalation's state lives on the row (`escalation_level`, `next_escalation_at`), so the beat
job reads only what is due from one partial index; the messages themselves are outbox rows
(insiden.notifications.escalation), exactly once per incident, level and recipient.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insiden.enums import (
    SEVERITY_SYMBOLS,
    UNACKNOWLEDGED,
    Category,
    EventKind,
    Severity,
    Source,
    Status,
    Visibility,
)

# What the visibility rule and the situation room's filters read: in the list indexes, so an
# ordered walk filters from the index alone (an index-only scan).
_FILTERED = ["region", "visibility", "reporter", "category", "severity", "agency"]


class Incident(models.Model):
    title = models.CharField(_("judul singkat"), max_length=140)
    description = models.TextField(_("uraian"), blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("tingkat keparahan"), choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    visibility = models.CharField(
        _("visibilitas"), max_length=10, choices=Visibility.choices, default=Visibility.RESTRICTED
    )
    occurred_at = models.DateTimeField(_("waktu kejadian"))
    # Where: a regency, district or village; the regency is kept beside it for the counters.
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    regency = models.ForeignKey(
        "coordination.Region", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    tps_number = models.PositiveSmallIntegerField(_("nomor TPS"), null=True, blank=True)
    # The agency that must acknowledge and act (routing, or a referral, chose it).
    agency = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga yang menangani"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # Every agency that had a part: the reporter's, the responsible one, those referred to.
    # Their members read the incident, even a rahasia one.
    involved_agencies = models.ManyToManyField(
        "coordination.Agency", blank=True, related_name="incidents_involved"
    )
    source = models.CharField(
        _("sumber"), max_length=10, choices=Source.choices, default=Source.MEMBER
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelapor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter_agency = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga pelapor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A public or system report: how to reach whoever reported it (never shown publicly).
    reporter_contact = models.CharField(_("kontak pelapor"), max_length=200, blank=True)
    # The acknowledgement clock: started on reporting (and again on a referral or a reopening);
    # `escalation_round` counts the starts, so each round's messages have keys of their own.
    ack_started_at = models.DateTimeField()
    ack_due_at = models.DateTimeField(_("batas waktu diterima"))
    escalation_round = models.PositiveSmallIntegerField(default=1)
    acknowledged_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # 0: the responsible agency notified; 1: past the deadline; 2: past twice the deadline.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # When the beat job must look at it next (an escalation or an hourly reminder); None: never.
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    risk = models.ForeignKey(
        "kerawanan.Risk",
        verbose_name=_("kerawanan terkait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplikat dari"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    # A public report ("Lapor"): an HMAC of the tracking code the reporter got (the code itself
    # is never stored, so a copy of the database opens no status page), what the reporter may
    # read of the outcome, when the report was closed and when its contact was erased.
    tracking_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    public_outcome = models.CharField(_("keterangan untuk pelapor"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    # Made when the form is shown: the same key posted twice is the same incident.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("dilaporkan pada"), auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("insiden")
        verbose_name_plural = _("insiden")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="incident_severity_1_4"
            ),
        ]
        indexes = [
            # A region subtree is a prefix of the code: the lists and the situation room's
            # detailed reads take a subtree's incidents from this index.
            models.Index(
                fields=["region"],
                opclasses=["varchar_pattern_ops"],
                include=["status", "category", "severity", "visibility", "agency"],
                name="incident_subtree_idx",
            ),
            models.Index(fields=["agency", "status"], name="incident_agency_status_idx"),
            # "The latest": walked newest first; the columns the visibility rule and the
            # filters read are in it, so the walk skips rows without visiting the table.
            models.Index(
                fields=["-created_at", "-id"],
                include=[*_FILTERED, "status"],
                name="incident_latest_cover_idx",
            ),
            # The beat job: only rows with a next step are in it.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="incident_escalation_due_idx",
            ),
            # "Past the deadline first": only unacknowledged rows are in it.
            models.Index(
                fields=["ack_due_at", "id"],
                include=_FILTERED,
                condition=Q(status__in=list(UNACKNOWLEDGED)),
                name="incident_unacked_cover_idx",
            ),
            # The wall view: a province's unacknowledged incidents per regency.
            models.Index(
                fields=["region"],
                opclasses=["varchar_pattern_ops"],
                include=["regency", "ack_due_at", "created_at", "visibility", "reporter"],
                condition=Q(status__in=list(UNACKNOWLEDGED)),
                name="incident_unacked_subtree_idx",
            ),
            models.Index(fields=["risk"], name="incident_risk_idx"),
            models.Index(fields=["duplicate_of"], name="incident_duplicate_idx"),
            # The retention job: only closed reports that still hold a contact are in it.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False) & ~Q(reporter_contact=""),
                name="incident_contact_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def severity_css(self) -> str:
        return SEVERITY_SYMBOLS[Severity(self.severity)][0]

    @property
    def severity_symbol(self) -> str:
        return SEVERITY_SYMBOLS[Severity(self.severity)][1]

    @property
    def is_unacknowledged(self) -> bool:
        return self.status in UNACKNOWLEDGED

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class IncidentHistory(models.Model):
    """One entry of an incident's history. Never rewritten."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="history")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # The agency referred to, the incident merged into, the risk or task linked: named as at
    # the time.
    detail = models.CharField(max_length=300, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("riwayat insiden")
        verbose_name_plural = _("riwayat insiden")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="incident_history_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("IncidentHistory rows are immutable")
        super().save(*args, **kwargs)


class IncidentTask(models.Model):
    """A readiness task made from an incident (the task lives in coordination)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="task_links")
    task = models.ForeignKey(
        "coordination.ReadinessTask", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "task"], name="incident_task_unique")
        ]
        indexes = [models.Index(fields=["task"], name="incident_task_task_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.task_id}"


class IncidentComment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agency = models.ForeignKey(
        "coordination.Agency", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("komentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("komentar insiden")
        verbose_name_plural = _("komentar insiden")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="incident_comment_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.body[:40]}"


def photo_path(instance: "IncidentPhoto", filename: str) -> str:
    # A random name: the path says nothing about the incident or the original file.
    return f"insiden/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class IncidentPhoto(models.Model):
    """A photo, re-encoded from its pixels (pilkada.common.images): no EXIF, no GPS, no hidden
    payload; the uploaded original is never stored."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foto insiden")
        verbose_name_plural = _("foto insiden")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.image.name}"


class IncidentCounter(models.Model):
    """How many incidents a regency has per category, severity, status and visibility. Changed
    in the transaction of every incident write (insiden.services.counters), so the situation
    room sums a few hundred rows instead of counting a million incidents."""

    regency = models.ForeignKey("coordination.Region", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "category", "severity", "status", "visibility"],
                name="incident_counter_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["regency"],
                opclasses=["varchar_pattern_ops"],
                include=["category", "severity", "status", "visibility", "count"],
                name="incident_counter_subtree_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.category} {self.severity} {self.status}: {self.count}"


class IncidentOpenCounter(models.Model):
    """Open incidents per kabupaten/kota and per province, by category, severity and
    visibility: what the grid shows unless a status is asked for. Moved in the same transaction
    as IncidentCounter, only when an incident opens or closes. The whole country's grid reads
    the province rows (a few thousand) instead of summing the open cells of every regency
    (tens of thousands at a million incidents: 80 ms alone)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1
        REGENCY = 2

    region = models.ForeignKey("coordination.Region", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category", "severity", "visibility"],
                name="incident_open_counter_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["level", "region"],
                opclasses=["int2_ops", "varchar_pattern_ops"],
                include=["category", "severity", "visibility", "count"],
                name="incident_open_counter_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category} {self.severity}: {self.count}"
