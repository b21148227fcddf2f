"""Rate limits per API key, per person or per address, counted in the shared cache (Redis in
production), so every web process counts the same requests. Over the limit: 429 with
Retry-After (DRF)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiKey


class PerClientThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        self.scope = self._scope_of(request)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def __init__(self):  # the rate depends on the caller; chosen in allow_request
        pass

    def get_rate(self) -> str:
        # Read when asked (not when the class was made), so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    @staticmethod
    def _scope_of(request) -> str:
        if isinstance(request.auth, ApiKey):
            return "key"
        if request.user is not None and request.user.is_authenticated:
            return "user"
        return "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key{request.auth.pk}"
        elif self.scope == "user":
            ident = f"person{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
