"""Who is calling: a system with an API key, or a person with the browser's session.

A key acts through its own account (`ApiKey.principal`), whose rights are those of the key's
agency: a liaison's for a partner agency, a KPU staff member's of the agency's region for a KPU
agency. They are set as that account's `Access` (coordination.permissions), so every predicate
and selector the web pages use answers for the key exactly as for such a person, and nothing in
the API has a second set of rules. The key's scopes narrow that further (`api.rest.access`).
"""

import hashlib
import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from api.models import ApiKey
from api.services.keys import api_key_touch, key_access, split_token
from coordination import permissions

KEYWORD = "Bearer"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed API key.") from exc
        prefix = split_token(token)
        if prefix is None:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        key = ApiKey.objects.select_related("agency", "principal").filter(prefix=prefix).first()
        digest = hashlib.sha256(token.encode()).hexdigest()
        if key is None or not hmac.compare_digest(digest, key.token_hash):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        now = timezone.now()
        if not key.is_usable(now) or not key.agency.is_active or not key.principal.is_active:
            raise exceptions.AuthenticationFailed("This API key is revoked or expired.")
        api_key_touch(key=key, ip=request.META.get("REMOTE_ADDR"), now=now)
        person = key.principal
        permissions.assume_access(person, key_access(key))
        return (person, key)

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (with its CSRF check on writes), for the documentation pages and
    scripts of the portal itself. A person's session has no scopes: their roles decide."""
