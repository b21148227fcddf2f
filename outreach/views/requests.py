"""The "Minta sosialisasi" pages: the public form, the confirmation link and the follow page.

The guards against abuse are here, where the client is known: the honeypot and the time stamp
(`PublicFormGuard`), and rate limits per address, per network and per email in the shared cache.
A bot that trips the honeypot sees the same "check your mail" page as a person and nothing is
recorded. Pages opened by a link with a token are never cached and send no Referer to other
sites.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from outreach.enums import RequestStatus
from outreach.forms.requests import RequestForm, step_form
from outreach.services import requests as services
from outreach.tokens import request_token
from pilkada.common.abuse import client_address, limits_exceeded, network_of
from pilkada.common.validation import apply_validation_error

PLACE_STEP = "_pilih_wilayah"


def _private(response):
    # The token is in the address: keep it out of Referer headers to other sites and out of
    # search engines. ("no-referrer" would also blank the Origin of the page's own form posts,
    # which the CSRF check then refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request, email: str) -> bool:
    """Count this submission against every limit (all of them, so none can be dodged by
    tripping another first)."""
    address = client_address(request)
    hits = [
        limits_exceeded("minta:ip", address, settings.OUTREACH_REQUEST_LIMITS_IP),
        limits_exceeded("minta:net", network_of(address), settings.OUTREACH_REQUEST_LIMITS_NETWORK),
        limits_exceeded("minta:email", email, settings.OUTREACH_REQUEST_LIMITS_EMAIL),
    ]
    return any(hits)


def _form_page(request, form, status=200):
    context = {
        "form": form,
        "place_step": PLACE_STEP,
        "confirm_hours": settings.OUTREACH_REQUEST_CONFIRM_HOURS,
        "retention_days": settings.OUTREACH_REQUEST_RETENTION_DAYS,
    }
    return render(request, "outreach/requests/form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request):
    if request.method != "POST":
        return _form_page(request, RequestForm())
    if PLACE_STEP in request.POST:
        return _form_page(request, step_form(request.POST))
    form = RequestForm(request.POST)
    if not form.is_valid():
        if form.guard_result() == "bot":
            return redirect("outreach:request_sent")
        return _form_page(request, form)
    if form.guard_result() == "bot":
        return redirect("outreach:request_sent")
    if _too_many(request, form.cleaned_data["email"]):
        form.add_error(
            None,
            _(
                "Terlalu banyak permintaan dari alamat ini dalam waktu singkat. "
                "Silakan coba lagi nanti."
            ),
        )
        return _form_page(request, form, status=429)
    try:
        services.request_create(
            language=translation.get_language() or settings.LANGUAGE_CODE,
            **form.service_kwargs(),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _form_page(request, form)
    return redirect("outreach:request_sent")


@require_safe
def request_sent(request):
    return render(
        request,
        "outreach/requests/sent.html",
        {"confirm_hours": settings.OUTREACH_REQUEST_CONFIRM_HOURS},
    )


def _invalid(request, reason: str, status: int):
    return _private(
        render(request, "outreach/requests/invalid.html", {"reason": reason}, status=status)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_confirm(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    found = services.request_find(token=token, purpose="confirm")
    if found is None:
        return _invalid(request, "unknown", 404)
    if found.status != RequestStatus.UNCONFIRMED:
        return _invalid(request, "used", 410)
    if request.method == "POST":
        try:
            services.request_confirm(request=found)
        except ValidationError as exc:
            return _invalid(request, exc.error_list[0].code or "used", 410)
        messages.success(
            request,
            _("Terima kasih, permintaan Anda sudah terkonfirmasi dan diteruskan ke KPU setempat."),
        )
        return redirect("outreach:request_follow", token=request_token(found, "follow"))
    if found.confirm_before <= timezone.now():
        return _invalid(request, "expired", 410)
    return _private(render(request, "outreach/requests/confirm.html", {"req": found}))


FOLLOW_ACTIONS = {"setuju": services.request_agree, "batalkan": services.request_withdraw}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_follow(request, token: str):
    found = services.request_find(token=token, purpose="follow")
    if found is None or found.status == RequestStatus.UNCONFIRMED:
        return _invalid(request, "unknown", 404)
    if request.method == "POST":
        action = FOLLOW_ACTIONS.get(request.POST.get("aksi", ""))
        if action is None:
            messages.error(request, _("Permintaan tidak dikenal."))
        else:
            try:
                action(request=found)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Tersimpan."))
        return redirect("outreach:request_follow", token=token)
    event = found.event
    return _private(
        render(
            request,
            "outreach/requests/follow.html",
            {
                "req": found,
                "event": event,
                "event_public": event is not None and event.is_public,
                "retention_days": settings.OUTREACH_REQUEST_RETENTION_DAYS,
            },
        )
    )
