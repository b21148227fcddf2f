"""Readiness: elections and their stages, checklists, tasks and the append-only status history."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind, TaskCategory, TaskPriority, TaskStatus


class Election(models.Model):
    """One election a deployment runs (for example Pilkada Serentak 2024) and its voting day."""

    name = models.CharField(_("nama"), max_length=200, unique=True)
    voting_day = models.DateField(_("hari pemungutan suara"))
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Dasbor memakai pemilihan aktif yang terdekat.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pemilihan")
        verbose_name_plural = _("pemilihan")
        ordering = ["-voting_day"]

    def __str__(self) -> str:
        return self.name


class ElectionStage(models.Model):
    """A stage (tahapan) of an election's timeline."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("nama tahapan"), max_length=200)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")
        ordering = ["election_id", "order", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="stage_unique_name"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="stage_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """A named template of tasks that KPU staff stamp onto many regions at once."""

    name = models.CharField(_("nama"), max_length=200, unique=True)
    description = models.TextField(_("keterangan"), blank=True)
    election = models.ForeignKey(
        Election, verbose_name=_("pemilihan"), on_delete=models.CASCADE, related_name="checklists"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("daftar periksa")
        verbose_name_plural = _("daftar periksa")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One task of a checklist. The due date is relative to the election's voting day."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=TaskCategory.choices)
    stage = models.ForeignKey(
        ElectionStage,
        verbose_name=_("tahapan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency_kind = models.CharField(
        _("jenis lembaga penanggung jawab"), max_length=20, choices=AgencyKind.choices
    )
    days_before_voting = models.IntegerField(
        _("tenggat (hari sebelum pemungutan suara)"),
        help_text=_("Negatif untuk sesudah hari pemungutan suara."),
    )
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("butir daftar periksa")
        verbose_name_plural = _("butir daftar periksa")
        ordering = ["checklist_id", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def days_after_voting(self) -> int:
        return -self.days_before_voting


class ReadinessTask(models.Model):
    """A readiness task (tugas kesiapan) of one agency in one region."""

    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=TaskCategory.choices)
    election = models.ForeignKey(
        Election, verbose_name=_("pemilihan"), on_delete=models.PROTECT, related_name="tasks"
    )
    stage = models.ForeignKey(
        ElectionStage,
        verbose_name=_("tahapan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="readiness_tasks",
    )
    agency = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="readiness_tasks",
    )
    due_on = models.DateField(_("tenggat"))
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("kemajuan (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    meeting = models.ForeignKey(
        "coordination.Meeting",
        verbose_name=_("dari rapat"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tugas kesiapan")
        verbose_name_plural = _("tugas kesiapan")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
            # Stamping a checklist twice onto a region adds nothing the second time.
            models.UniqueConstraint(
                fields=["checklist_item", "region", "agency"],
                condition=Q(checklist_item__isnull=False),
                name="task_unique_checklist_item_region",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "category"], name="task_region_category_idx"),
            models.Index(fields=["agency", "status", "due_on"], name="task_agency_status_idx"),
            models.Index(fields=["status", "due_on"], name="task_status_due_idx"),
            models.Index(fields=["election", "stage"], name="task_election_stage_idx"),
            models.Index(fields=["category", "due_on"], name="task_category_due_idx"),
            # The dashboard and the overdue list aggregate a subtree (prefix match on the region
            # code): covering the counted columns lets PostgreSQL answer from the index alone
            # instead of visiting one heap page per task (national scale: 20k+ pages per province).
            models.Index(
                fields=["region"],
                opclasses=["varchar_pattern_ops"],
                include=["election", "category", "status", "due_on", "agency", "id"],
                name="task_subtree_dashboard_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def task_evidence_path(instance: "TaskUpdate", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/tasks/{instance.task_id}/{uuid.uuid4().hex}.{extension}"


class TaskUpdate(models.Model):
    """One entry of a task's immutable history: who changed what, when, why, with what evidence."""

    task = models.ForeignKey(ReadinessTask, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.PROTECT,
        related_name="task_updates",
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    from_status = models.CharField(_("dari status"), max_length=20, choices=TaskStatus.choices)
    to_status = models.CharField(_("ke status"), max_length=20, choices=TaskStatus.choices)
    from_progress = models.PositiveSmallIntegerField(default=0)
    to_progress = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("catatan"), blank=True)
    evidence_file = models.FileField(
        _("berkas bukti"), upload_to=task_evidence_path, max_length=300, blank=True
    )
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_url = models.URLField(_("tautan bukti"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("pembaruan status")
        verbose_name_plural = _("pembaruan status")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["task", "-created_at"], name="taskupdate_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        # History is append-only: an existing entry is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise ValueError("TaskUpdate rows are immutable")
        super().save(*args, **kwargs)
