"""Reads of the region hierarchy."""

from django.db.models import QuerySet

from coordination.enums import RegionLevel
from coordination.models import Region


def region_subtree(*, code: str, level: int | None = None) -> QuerySet[Region]:
    """All regions below `code` (optionally of one level), as one indexed prefix query."""
    qs = Region.objects.filter(code__startswith=code + ".")
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def regencies_of(*, province_code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=province_code, level=RegionLevel.REGENCY).order_by(
        "code"
    )


def children_of(*, code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=code).order_by("name")


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).select_related("parent").first()


def region_path(region: Region) -> list[Region]:
    """The region's ancestors, outermost first, then the region itself (one query)."""
    parts = region.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
