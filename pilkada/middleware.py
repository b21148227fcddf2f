import logging

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from coordination import permissions
from pilkada.common.bounds import request_too_large

logger = logging.getLogger(__name__)

# Paths a KPU staff member without an authenticator may still reach: to set one up, or to leave.
_ALLOWED_PREFIXES = ("/akun/", "/static/", "/healthz", "/i18n/", "/bahasa/")


class RequireStaffMFAMiddleware:
    """When PILKADA_REQUIRE_MFA_FOR_KPU_STAFF is on, KPU staff must activate TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PILKADA_REQUIRE_MFA_FOR_KPU_STAFF and self._needs_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _needs_mfa(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(_ALLOWED_PREFIXES):
            return False
        if not permissions.access_for(user).staff_region_codes:
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class IndonesianFirstMiddleware:
    """Serve Indonesian unless the person chose English with the language switch.

    Many phones in Indonesia are set to English, so the browser's Accept-Language is a poor guide
    for a public-service portal; only the explicit choice (the language cookie) counts. Placed
    before LocaleMiddleware, which then sees the cookie or falls back to LANGUAGE_CODE ("id").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestBoundsMiddleware:
    """Refuse, with a short 400 and before any view runs, a request that asks for more than any
    page needs: thousands of forms announced in a formset's management form, or one parameter
    repeated hundreds of times (`pilkada.common.bounds`). Such a request would otherwise build
    and render as many forms and hold a worker for seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = request_too_large(request)
        if reason:
            logger.warning("refused %s %s: %s", request.method, request.path[:200], reason)
            return HttpResponseBadRequest(
                _("Permintaan terlalu besar."), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages for a logged-in person carry their data (names, tasks, meetings): no browser or
    proxy may store them (`Cache-Control: private, no-store`). A view that set its own policy
    keeps it (the public calendar revalidates with ETags, feeds are the same for everyone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class DropEmptySessionMiddleware:
    """Forget a visitor's session once nothing is left in it.

    Messages live in the session (a cookie would carry the person's name), so signing out leaves
    a fresh session holding "you have signed out" and, once a page has shown it, an empty session
    whose cookie Django would keep sending. A visitor with a session cookie never gets the shared
    cached page (the proxy bypasses its cache for them), so the empty session is flushed and its
    cookie deleted. Placed right after SessionMiddleware: its answer runs after the messages were
    stored and before the session is saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.session_key
            and not (user is not None and user.is_authenticated)
            and not session.keys()
        ):
            session.flush()
        return response
