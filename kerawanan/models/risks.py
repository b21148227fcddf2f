"""A risk (kerawanan) of a region, the append-only history of its changes, and its links to
coordination: mitigation tasks and meeting agendas.

An incident of the incident desk points to the risk it realises with a plain foreign key from its
own side (`Incident.risk`, SET_NULL); nothing here needs to change for that.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kerawanan.enums import (
    LEVEL_SYMBOLS,
    RiskCategory,
    RiskChangeKind,
    RiskLevel,
    RiskSource,
    RiskStatus,
    Visibility,
)

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(models.Model):
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=RiskCategory.choices)
    dimension = models.ForeignKey(
        "kerawanan.IkpDimension",
        verbose_name=_("dimensi IKP"),
        on_delete=models.PROTECT,
        related_name="risks",
    )
    subdimension = models.ForeignKey(
        "kerawanan.IkpDimension",
        verbose_name=_("subdimensi IKP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_risks",
    )
    likelihood = models.PositiveSmallIntegerField(_("kemungkinan"), validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("dampak"), validators=ONE_TO_FIVE)
    # Computed from likelihood and impact by the services (kerawanan.enums.MATRIX), stored so the
    # lists sort and the heat tables aggregate by it in the database.
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RiskLevel.choices)
    source = models.CharField(_("sumber"), max_length=20, choices=RiskSource.choices)
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="risks",
    )
    # TPS numbers of the desa (a risk at polling-station level); empty for a wider risk.
    tps_numbers = models.JSONField(_("nomor TPS"), default=list, blank=True)
    owner = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga pemilik"),
        on_delete=models.PROTECT,
        related_name="owned_risks",
    )
    acting_agencies = models.ManyToManyField(
        "coordination.Agency",
        verbose_name=_("lembaga yang harus bertindak"),
        blank=True,
        related_name="risks_to_act",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    visibility = models.CharField(
        _("visibilitas"), max_length=20, choices=Visibility.choices, default=Visibility.RESTRICTED
    )
    review_on = models.DateField(_("tinjauan berikutnya"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kerawanan")
        verbose_name_plural = _("kerawanan")
        ordering = ["-level", "review_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="risk_level_1_4"),
        ]
        indexes = [
            # The register's order (graver first, then the nearest review) for the whole country.
            models.Index(fields=["-level", "review_on", "id"], name="risk_order_idx"),
            # A region subtree is a prefix of the code: the lists, heat tables and dashboard
            # column read a subtree's risks from this index alone (the counted columns included,
            # and the id, which the dashboard column's mitigation check joins on).
            models.Index(
                fields=["region"],
                opclasses=["varchar_pattern_ops"],
                include=["category", "dimension", "level", "status", "visibility", "owner", "id"],
                name="risk_subtree_idx",
            ),
            models.Index(fields=["owner", "status"], name="risk_owner_status_idx"),
            models.Index(fields=["status", "review_on"], name="risk_review_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level_css(self) -> str:
        return LEVEL_SYMBOLS[RiskLevel(self.level)][0]

    @property
    def level_symbol(self) -> str:
        return LEVEL_SYMBOLS[RiskLevel(self.level)][1]

    @property
    def tps_text(self) -> str:
        return ", ".join(str(n) for n in self.tps_numbers or [])


class RiskChange(models.Model):
    """One entry of a risk's history: who changed what, and when. Never rewritten."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="changes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=RiskChangeKind.choices)
    # [{"field": verbose name, "from": text, "to": text}, ...], in the words shown at the time.
    changes = models.JSONField(default=list, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("riwayat kerawanan")
        verbose_name_plural = _("riwayat kerawanan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["risk", "-created_at"], name="riskchange_risk_idx")]

    def __str__(self) -> str:
        return f"{self.risk_id}: {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("RiskChange rows are immutable")
        super().save(*args, **kwargs)


class Mitigation(models.Model):
    """A readiness task that mitigates a risk (the task lives in coordination)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    task = models.ForeignKey(
        "coordination.ReadinessTask", on_delete=models.CASCADE, related_name="mitigations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mitigasi")
        verbose_name_plural = _("mitigasi")
        constraints = [
            models.UniqueConstraint(fields=["risk", "task"], name="mitigation_unique_risk_task")
        ]
        indexes = [models.Index(fields=["task"], name="mitigation_task_idx")]

    def __str__(self) -> str:
        return f"{self.risk_id} ← {self.task_id}"


class AgendaItem(models.Model):
    """A risk on a coordination meeting's agenda (the meeting lives in coordination)."""

    meeting = models.ForeignKey(
        "coordination.Meeting", on_delete=models.CASCADE, related_name="risk_agenda"
    )
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="agenda_items")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kerawanan di agenda rapat")
        verbose_name_plural = _("kerawanan di agenda rapat")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "risk"], name="agenda_unique_meeting_risk")
        ]
        indexes = [models.Index(fields=["risk"], name="agenda_risk_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.risk_id}"
