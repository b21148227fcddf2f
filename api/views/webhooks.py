"""KPU staff: webhook subscriptions of the agencies in their regions, each with its delivery log,
a test event, secret rotation and the switch."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from api import permissions
from api.forms import SubscriptionForm
from api.selectors import (
    keys_manageable_by,
    subscription_for_management,
    subscription_messages,
    subscriptions_manageable_by,
)
from api.services.webhooks import (
    subscription_active_set,
    subscription_create,
    subscription_secret_rotate,
    subscription_test_send,
)
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 50


def _subscription(request, pk: int):
    subscription = subscription_for_management(user=request.user, pk=pk)
    if subscription is None:
        raise Http404  # another region's subscription: its id says nothing to an outsider
    return subscription


@predicate_required(permissions.can_manage_integrations)
@require_safe
def subscription_list(request):
    subscriptions = subscriptions_manageable_by(user=request.user)[:200]
    return render(request, "api/webhooks/list.html", {"subscriptions": subscriptions})


@predicate_required(permissions.can_manage_integrations)
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_create_view(request):
    keys = keys_manageable_by(user=request.user).filter(revoked_at__isnull=True)
    form = SubscriptionForm(request.POST or None, keys=keys)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = subscription_create(actor=request.user, **form.create_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Langganan webhook dibuat."))
            return redirect("integrasi:subscription_detail", pk=subscription.pk)
    return render(request, "api/webhooks/form.html", {"form": form})


@predicate_required(permissions.can_manage_integrations)
@require_safe
def subscription_detail(request, pk: int):
    subscription = _subscription(request, pk)
    page = Paginator(subscription_messages(subscription=subscription), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "api/webhooks/detail.html",
        {"subscription": subscription, "page": page, "zone": subscription.agency.region.timezone},
    )


@predicate_required(permissions.can_manage_integrations)
@require_POST
def subscription_test(request, pk: int):
    subscription = _subscription(request, pk)
    subscription_test_send(actor=request.user, subscription=subscription)
    messages.success(request, _("Peristiwa uji dikirim."))
    return redirect("integrasi:subscription_detail", pk=pk)


@predicate_required(permissions.can_manage_integrations)
@require_POST
def subscription_rotate(request, pk: int):
    subscription = _subscription(request, pk)
    subscription_secret_rotate(actor=request.user, subscription=subscription)
    messages.success(
        request, _("Rahasia baru dibuat; rahasia lama tetap menandatangani selama 24 jam.")
    )
    return redirect("integrasi:subscription_detail", pk=pk)


@predicate_required(permissions.can_manage_integrations)
@require_POST
def subscription_switch(request, pk: int):
    subscription = _subscription(request, pk)
    active = request.POST.get("active") == "1"
    try:
        subscription_active_set(
            actor=request.user,
            subscription=subscription,
            active=active,
            reason=_("dinonaktifkan oleh staf"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Langganan diaktifkan.") if active else _("Langganan dinonaktifkan.")
        )
    return redirect("integrasi:subscription_detail", pk=pk)
