"""KPU staff: API keys of the agencies in their regions (made, shown once, revoked)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from api import permissions
from api.forms import ApiKeyForm
from api.selectors import key_for_management, keys_manageable_by
from api.services.keys import api_key_create, api_key_revoke
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error


@predicate_required(permissions.can_manage_integrations)
@require_safe
def key_list(request):
    return render(
        request,
        "api/keys/list.html",
        {"keys": keys_manageable_by(user=request.user)[:200]},
    )


@predicate_required(permissions.can_manage_integrations)
@require_http_methods(["GET", "HEAD", "POST"])
def key_create(request):
    form = ApiKeyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = api_key_create(actor=request.user, **form.create_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            # The token is shown on this answer only (never stored, never in a redirect).
            return render(request, "api/keys/created.html", {"key": made.key, "token": made.token})
    return render(request, "api/keys/form.html", {"form": form})


@predicate_required(permissions.can_manage_integrations)
@require_POST
def key_revoke(request, pk: int):
    key = key_for_management(user=request.user, pk=pk)
    if key is None:
        raise Http404
    api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("Kunci %(name)s dicabut.") % {"name": key.name})
    return redirect("integrasi:key_list")
