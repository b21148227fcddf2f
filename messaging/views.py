"""The notification settings page (linking Telegram, choices per topic) and the bot's webhook."""

import hmac
import json
import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from messaging import conf, permissions, selectors, services, telegram
from messaging.enums import TELEGRAM
from messaging.forms import PreferencesForm
from pilkada.common.decorators import predicate_required

logger = logging.getLogger(__name__)

# An Update is a few kilobytes; anything far larger is not from Telegram.
UPDATE_LIMIT_BYTES = 256 * 1024


def _page(request, *, form=None, deep_link: str = "", status: int = 200):
    person = request.user
    enabled = conf.telegram_enabled()
    link = selectors.link_of(person=person, channel=TELEGRAM) if enabled else None
    if form is None:
        form = PreferencesForm(initial_channels=selectors.preferences_of(person=person))
    context = {
        "enabled": enabled,
        "link": link,
        "form": form,
        "deep_link": deep_link,
        "qr_svg": segno.make(deep_link, error="m").svg_inline(scale=5, title=deep_link)
        if deep_link
        else "",
        "bot_username": conf.bot_username() if enabled else "",
        "link_minutes": settings.PILKADA_TELEGRAM_LINK_MINUTES,
    }
    return render(request, "messaging/settings.html", context, status=status)


@predicate_required(permissions.can_link_chat)
@require_http_methods(["GET", "HEAD", "POST"])
def settings_view(request):
    """GET: the page. POST: the choices per topic."""
    if request.method != "POST":
        return _page(request)
    form = PreferencesForm(
        request.POST, initial_channels=selectors.preferences_of(person=request.user)
    )
    if form.is_valid():
        try:
            services.preferences_set(actor=request.user, choices=form.channels())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Pilihan notifikasi disimpan."))
            return redirect("messaging:settings")
    return _page(request, form=form, status=400)


@predicate_required(permissions.can_link_chat)
@require_POST
def telegram_link_view(request):
    """A fresh one-time deep link (and its QR code), shown on this answer only."""
    if not conf.telegram_enabled():
        raise Http404
    token = services.link_token_create(actor=request.user, channel=TELEGRAM)
    return _page(request, deep_link=f"https://t.me/{conf.bot_username()}?start={token}")


@predicate_required(permissions.can_link_chat)
@require_POST
def telegram_unlink_view(request):
    if services.chat_unlink(actor=request.user, channel=TELEGRAM):
        messages.success(request, _("Akun Telegram dilepas. Notifikasi kembali lewat email."))
    return redirect("messaging:settings")


@csrf_exempt
@require_POST
def telegram_webhook(request, secret: str):
    """Updates from Telegram (setWebhook with our secret_token): 404 unless the bot is
    configured and the path is ours, 403 without the right secret-token header."""
    if not conf.telegram_enabled() or not hmac.compare_digest(secret, conf.webhook_path_token()):
        raise Http404
    header = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(header.encode(), settings.PILKADA_TELEGRAM_WEBHOOK_SECRET.encode()):
        return HttpResponseForbidden()
    if len(request.body) > UPDATE_LIMIT_BYTES:
        return HttpResponse(status=413)
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(update, dict):
        return HttpResponse(status=400)
    outcome = telegram.update_handle(update)
    logger.info("telegram update %s: %s", update.get("update_id"), outcome)
    return JsonResponse({"ok": True})
