"""Outgoing mail: SMTP when EMAIL_HOST is set, otherwise files under var/mail/ for local runs."""

from .base import PRODUCTION, VAR_DIR
from .env import env_bool, env_int, env_str

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST or PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    # Each message becomes a file the user can open, so mail works without any server.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portal Pilkada <noreply@pilkada.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
PILKADA_REPLY_TO = env_str("PILKADA_REPLY_TO")
