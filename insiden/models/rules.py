"""What province KPU staff set for their province: routing rules and acknowledgement deadlines.

Without a row the defaults of insiden.enums apply (DEFAULT_ROUTES, DEFAULT_ACK_MINUTES).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind
from insiden.enums import MAX_ACK_MINUTES, Category, Severity


class RoutingRule(models.Model):
    """Incidents of `category` (and `severity`, 0 for any) in the province go to the agency of
    `agency_kind` in the incident's regency (or, without one there, the regency's KPU)."""

    province = models.ForeignKey("coordination.Region", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(
        _("tingkat keparahan"), default=0, help_text=_("0: semua tingkat")
    )
    agency_kind = models.CharField(_("jenis lembaga"), max_length=20, choices=AgencyKind.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aturan rute insiden")
        verbose_name_plural = _("aturan rute insiden")
        ordering = ["province", "category", "-severity"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "category", "severity"], name="routing_rule_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=0, severity__lte=max(Severity.values)),
                name="routing_rule_severity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.category}/{self.severity} → {self.agency_kind}"


class AckDeadline(models.Model):
    province = models.ForeignKey("coordination.Region", on_delete=models.CASCADE, related_name="+")
    severity = models.PositiveSmallIntegerField(_("tingkat keparahan"), choices=Severity.choices)
    minutes = models.PositiveIntegerField(
        _("batas waktu (menit)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ACK_MINUTES)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("batas waktu penerimaan")
        verbose_name_plural = _("batas waktu penerimaan")
        constraints = [
            models.UniqueConstraint(fields=["province", "severity"], name="ack_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.severity}: {self.minutes} min"
