from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination.enums import RegionLevel, RegionTimeZone


class Region(models.Model):
    """One unit of the official hierarchy (provinsi > kabupaten/kota > kecamatan > desa/kelurahan).

    The official code is the primary key. Codes are hierarchical ("17.01.03.2004"), so a subtree
    is a prefix match on the key, served by the pattern index PostgreSQL builds for a varchar key.
    """

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Copied from the province onto every region so displaying a time needs no extra query.
    timezone = models.CharField(
        _("zona waktu"), max_length=32, choices=RegionTimeZone.choices, default=RegionTimeZone.WIB
    )
    # Set by KPU staff (not in the official data): hard-to-reach areas are highlighted in coverage.
    is_remote = models.BooleanField(_("daerah terpencil"), default=False)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code_idx"),
            models.Index(fields=["parent", "name"], name="region_parent_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if self.level >= RegionLevel.REGENCY else None

    @property
    def zone_abbreviation(self) -> str:
        return RegionTimeZone(self.timezone).name
