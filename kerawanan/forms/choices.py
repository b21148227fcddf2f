"""The choices a person sees in the register's forms: only agencies and regions they may use."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Agency, Region
from coordination.selectors.people import agencies_manageable_by
from kerawanan.models import IkpDimension


def owner_agencies(user) -> QuerySet[Agency]:
    """Agencies `user` may record risks for: their own as liaison, all in their KPU regions."""
    access = core.access_for(user)
    own = Q(pk__in=access.liaison_agency_ids)
    if access.is_kpu_staff:
        own |= Q(pk__in=agencies_manageable_by(user=user).values("pk"))
    return (
        Agency.objects.filter(own, is_active=True)
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


def _scope_codes(user) -> list[str] | None:
    """Region codes whose subtrees the person may record in (None: everywhere)."""
    access = core.access_for(user)
    if access.is_superuser:
        return None
    liaison_regions = Agency.objects.filter(pk__in=access.liaison_agency_ids).values_list(
        "region_id", flat=True
    )
    # An agency below a regency (a district office) records in its regency's picker.
    return sorted({*access.staff_region_codes, *(code[:5] for code in liaison_regions)})


def regency_choices(user) -> list[tuple[str, str]]:
    regencies = Region.objects.filter(level=RegionLevel.REGENCY)
    codes = _scope_codes(user)
    if codes is not None:
        regencies = regencies.filter(core.subtree_q(codes, field="code"))
    return [(r.code, f"{r.name} ({r.code})") for r in regencies.order_by("code")]


def acting_agency_choices(user) -> QuerySet[Agency]:
    """Agencies that may be named to act: every active agency of the person's provinces."""
    agencies = Agency.objects.filter(is_active=True).select_related("region")
    codes = _scope_codes(user)
    if codes is not None:
        provinces = sorted({code[:2] for code in codes})
        agencies = agencies.filter(core.subtree_q(provinces))
    return agencies.order_by("region_id", "kind", "name")


def ikp_choices(current: IkpDimension | None = None) -> list:
    """Grouped by dimension: the dimension itself ("umum"), then its sub-dimensions. Retired
    entries are left out, except the one a risk already has."""
    keep = Q(is_active=True) | Q(pk=current.pk) if current else Q(is_active=True)
    entries = list(IkpDimension.objects.filter(keep).order_by("order", "name"))
    groups = []
    for top in (e for e in entries if e.parent_id is None):
        options = [(str(top.pk), _("%(name)s — umum") % {"name": top.name})]
        options += [(str(e.pk), e.name) for e in entries if e.parent_id == top.pk]
        groups.append((top.name, options))
    return groups
