"""Routing (which agency must act on an incident) and acknowledgement deadlines, and the writes
with which province KPU staff change them.

Every report reads its province's rules and deadlines; on voting day that is hundreds of reads a
second of rows that change a few times a season. They are read once per province into the cache
(`_province_rules`) and the cached copy is dropped after every commit that changes a rule or a
deadline, whichever way it was written (these services, the admin: `signals`)."""

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from coordination.enums import AgencyKind
from coordination.models import Agency, Person, Region
from insiden import permissions
from insiden.enums import DEFAULT_ACK_MINUTES, DEFAULT_ROUTES, MAX_ACK_MINUTES, Category, Severity
from insiden.models import AckDeadline, RoutingRule

# A safety net only: every change drops the copy at once (`_rules_changed`).
RULES_CACHE_SECONDS = 3600


def _rules_key(province_code: str) -> str:
    return f"insiden:rules:{province_code}"


def _province_rules(province_code: str) -> dict:
    """{"routes": {"<category>:<severity>": kind}, "minutes": {"<severity>": minutes}} of the
    province's own rules (severity 0: every severity)."""
    key = _rules_key(province_code)
    rules = cache.get(key)
    if rules is None:
        rules = {
            "routes": {
                f"{category}:{severity}": kind
                for category, severity, kind in RoutingRule.objects.filter(
                    province_id=province_code
                ).values_list("category", "severity", "agency_kind")
            },
            "minutes": {
                str(severity): minutes
                for severity, minutes in AckDeadline.objects.filter(
                    province_id=province_code
                ).values_list("severity", "minutes")
            },
        }
        cache.set(key, rules, RULES_CACHE_SECONDS)
    return rules


@receiver([post_save, post_delete], sender=RoutingRule)
@receiver([post_save, post_delete], sender=AckDeadline)
def _rules_changed(sender, instance, **kwargs) -> None:
    # Now and again after the commit: a report read in between must not keep the old copy.
    key = _rules_key(instance.province_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def route_kind(*, province_code: str, category: str, severity: int) -> str:
    """The agency kind for a category and severity in a province: its rule for that severity,
    else its rule for every severity, else the default (insiden.enums.DEFAULT_ROUTES)."""
    routes = _province_rules(province_code)["routes"]
    return (
        routes.get(f"{category}:{severity}")
        or routes.get(f"{category}:0")
        or DEFAULT_ROUTES[Category(category)]
    )


def responsible_agency(*, regency_code: str, category: str, severity: int) -> Agency:
    """The agency of the routed kind in the regency; without one there, the regency's KPU; then
    the province's agency of that kind, then the province's KPU."""
    province_code = regency_code[:2]
    kind = route_kind(province_code=province_code, category=category, severity=severity)
    candidates = {
        (agency.region_id, agency.kind): agency
        for agency in Agency.objects.filter(
            region_id__in=[regency_code, province_code],
            kind__in={kind, AgencyKind.KPU},
            is_active=True,
        ).order_by("-pk")
    }
    for key in (
        (regency_code, kind),
        (regency_code, AgencyKind.KPU),
        (province_code, kind),
        (province_code, AgencyKind.KPU),
    ):
        if key in candidates:
            return candidates[key]
    raise ValidationError(_("Belum ada lembaga aktif yang dapat menangani insiden di wilayah ini."))


def ack_minutes(*, province_code: str, severity: int) -> int:
    minutes = _province_rules(province_code)["minutes"].get(str(severity))
    return minutes or DEFAULT_ACK_MINUTES[Severity(severity)]


def ack_deadline(*, province_code: str, severity: int, start) -> "timedelta":
    return start + timedelta(minutes=ack_minutes(province_code=province_code, severity=severity))


def _province(actor, province: Region) -> None:
    if province.level != 1:
        raise ValidationError(_("Aturan berlaku per provinsi."))
    if actor is not None and not permissions.can_manage_rules(actor, province):
        raise PermissionDenied(_("Hanya staf KPU provinsi yang dapat mengubah aturan ini."))


@transaction.atomic
def routing_rule_set(
    *, actor: Person | None, province: Region, category: str, severity: int, agency_kind: str
) -> RoutingRule | None:
    """Set a province's rule; an empty `agency_kind` removes it (the rule for every severity,
    then the default, applies again)."""
    _province(actor, province)
    if category not in Category.values:
        raise ValidationError({"category": _("Kategori tidak dikenal.")})
    if severity not in (0, *Severity.values):
        raise ValidationError({"severity": _("Tingkat keparahan tidak dikenal.")})
    if agency_kind and agency_kind not in AgencyKind.values:
        raise ValidationError({"agency_kind": _("Jenis lembaga tidak dikenal.")})
    if not agency_kind:
        RoutingRule.objects.filter(province=province, category=category, severity=severity).delete()
        return None
    rule, _created = RoutingRule.objects.update_or_create(
        province=province,
        category=category,
        severity=severity,
        defaults={"agency_kind": agency_kind, "updated_by": actor},
    )
    return rule


@transaction.atomic
def ack_deadline_set(
    *, actor: Person | None, province: Region, severity: int, minutes: int
) -> AckDeadline | None:
    _province(actor, province)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Tingkat keparahan tidak dikenal.")})
    if not 1 <= minutes <= MAX_ACK_MINUTES:
        raise ValidationError(
            {"minutes": _("Batas waktu 1 sampai %(max)s menit.") % {"max": MAX_ACK_MINUTES}}
        )
    AckDeadline.objects.filter(province=province, severity=severity).delete()
    if minutes == DEFAULT_ACK_MINUTES[Severity(severity)]:
        return None
    return AckDeadline.objects.create(
        province=province, severity=severity, minutes=minutes, updated_by=actor
    )


def routing_defaults_seed(*, province: Region) -> int:
    """Write the default routes as the province's rules (the demo; a new province keeps working
    without them, from the same defaults). Returns how many rows were added."""
    added = 0
    for category, kind in DEFAULT_ROUTES.items():
        _rule, created = RoutingRule.objects.get_or_create(
            province=province, category=category, severity=0, defaults={"agency_kind": kind}
        )
        added += created
    return added
