"""Reads of the integration pages: the keys and webhook subscriptions KPU staff manage (those of
agencies in their regions), and a subscription's delivery log."""

from django.db.models import QuerySet

from api.models import ApiKey, WebhookMessage, WebhookSubscription
from coordination import permissions as core


def _agencies_q(user, field: str = "agency__region"):
    access = core.access_for(user)
    return None if access.is_superuser else core.subtree_q(access.staff_region_codes, field=field)


def keys_manageable_by(*, user) -> QuerySet[ApiKey]:
    qs = ApiKey.objects.select_related("agency", "agency__region", "created_by")
    rule = _agencies_q(user)
    if rule is not None:
        qs = qs.filter(rule)
    return qs.order_by("-created_at", "-pk")


def key_for_management(*, user, pk: int) -> ApiKey | None:
    return keys_manageable_by(user=user).filter(pk=pk).first()


def subscriptions_manageable_by(*, user) -> QuerySet[WebhookSubscription]:
    qs = WebhookSubscription.objects.select_related("agency", "agency__region", "api_key")
    rule = _agencies_q(user)
    if rule is not None:
        qs = qs.filter(rule)
    return qs.order_by("-created_at", "-pk")


def subscription_for_management(*, user, pk: int) -> WebhookSubscription | None:
    return subscriptions_manageable_by(user=user).filter(pk=pk).first()


def subscription_messages(*, subscription: WebhookSubscription) -> QuerySet[WebhookMessage]:
    return (
        WebhookMessage.objects.filter(subscription=subscription)
        .select_related("event", "delivery")
        .order_by("-pk")
    )
