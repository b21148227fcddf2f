from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class IkpDimension(models.Model):
    """A dimension of Bawaslu's Indeks Kerawanan Pemilu, or (with a parent) one of its
    sub-dimensions. Province KPU staff keep the taxonomy; a dimension in use is retired
    (`is_active`), never deleted, so old risks keep their meaning."""

    name = models.CharField(_("nama"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("dimensi induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("dimensi IKP")
        verbose_name_plural = _("dimensi IKP")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(parent__isnull=True),
                name="ikp_dimension_unique_name",
                violation_error_message=_("Dimensi dengan nama ini sudah ada."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "parent",
                name="ikp_subdimension_unique_name",
                violation_error_message=_("Subdimensi dengan nama ini sudah ada."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_subdimension(self) -> bool:
        return self.parent_id is not None
