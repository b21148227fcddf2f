"""Who manages the integration: KPU staff (and superusers) make keys and webhook subscriptions
for agencies in their regions, and see their logs. Everything a key can read or change is
decided by coordination's and the register's own predicates (`api.rest`)."""

from coordination import permissions as core


def can_manage_integrations(user) -> bool:
    """The staff area's key and webhook pages."""
    return core.is_kpu_staff(user)


def can_manage_agency_integration(user, agency) -> bool:
    return core.can_manage_agency(user, agency)


def can_manage_api_key(user, key) -> bool:
    return core.can_manage_agency(user, key.agency)


def can_manage_subscription(user, subscription) -> bool:
    return core.can_manage_agency(user, subscription.agency)
