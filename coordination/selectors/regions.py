"""Reads of the region hierarchy."""

from django.db.models import QuerySet

from coordination import permissions
from coordination.enums import RegionLevel
from coordination.models import Region


def region_subtree(*, code: str, level: int | None = None) -> QuerySet[Region]:
    """All regions below `code` (optionally of one level), as one indexed prefix query."""
    qs = Region.objects.filter(code__startswith=code + ".")
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def regions_manageable_by(*, user) -> QuerySet[Region]:
    """Provinces and regencies the person manages: the regions an agency, meeting or task
    may be placed in (villages and districts are reached through their regency)."""
    access = permissions.access_for(user)
    regions = Region.objects.filter(level__lte=RegionLevel.REGENCY).order_by("code")
    if access.is_superuser:
        return regions
    return regions.filter(permissions.subtree_q(access.staff_region_codes, field="code"))


def region_path(region: Region) -> list[Region]:
    """The region's ancestors, outermost first, then the region itself (one query)."""
    parts = region.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def children_of(*, code: str) -> QuerySet[Region]:
    """The regions directly below one region, by name (the outreach region picker's next step)."""
    return Region.objects.filter(parent_id=code).order_by("name")
