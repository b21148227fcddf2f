"""Accounts: login by email through django-allauth, no public sign-up, TOTP multi-factor."""

from .env import env_bool, env_int, env_str

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "coordination:staff_home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "coordination.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# People only arrive through an invitation whose link proves the address, so no second check.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# A reset for an unknown address sends nothing (and the page answers as for a known one).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# People hear of changes to their password, addresses and two-factor login, by mail through the
# outbox (coordination.adapters); confirmation keys are rebuilt from the HMAC when sent.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portal Pilkada] "
# Failed logins per address and per IP; counted in the shared cache (Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Portal Pilkada")

# When true, KPU staff without an authenticator are sent to set one up before anything else.
PILKADA_REQUIRE_MFA_FOR_KPU_STAFF = env_bool("PILKADA_REQUIRE_MFA_FOR_KPU_STAFF", default=False)

# How long an invitation link stays valid.
PILKADA_INVITATION_DAYS = env_int("PILKADA_INVITATION_DAYS", 7)
