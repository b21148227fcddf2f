from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from coordination import permissions

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
