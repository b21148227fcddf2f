"""Security headers and cookies, and the refusal to run production with unsafe settings."""

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG, DEV_SECRET_KEY, PRODUCTION, REDIS_URL, SECRET_KEY
from .env import env_bool, env_int

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PILKADA_ENV=production")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a random value of at least 50 characters in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )
    # Without Redis each process keeps its own cache and the broker is a local folder: login
    # rate limits would count per process, a change would not drop cached public pages in the
    # other workers, and a worker on another machine would never see a task.
    if not REDIS_URL:
        raise ImproperlyConfigured("Set REDIS_URL (cache and Celery broker) in production")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# No script reads the language either: every cookie the portal sets is HttpOnly and SameSite.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Messages ("Welcome, <name>") live in the session, not in a readable cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles anywhere: every script and stylesheet is a file served by the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
