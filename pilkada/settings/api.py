"""The integration API (`api/`): Django REST framework, the OpenAPI schema and its documentation
pages (served by the portal from drf-spectacular-sidecar, nothing from a CDN), rate limits per
key in the shared cache, and the webhooks' delivery rules."""

from .env import env_bool, env_int, env_str

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A system's key first (Authorization: Bearer ...), then the browser's session.
        "api.rest.authentication.ApiKeyAuthentication",
        "api.rest.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.rest.access.ScopedAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.rest.pagination.Cursor",
    "DEFAULT_THROTTLE_CLASSES": ["api.rest.throttling.PerClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "key": env_str("PILKADA_API_RATE_KEY", "600/min"),
        "user": env_str("PILKADA_API_RATE_SESSION", "300/min"),
        "anon": env_str("PILKADA_API_RATE_ANONYMOUS", "120/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "api.rest.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.rest.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}

# The largest page a client may ask for with ?limit=.
PILKADA_API_MAX_PAGE_SIZE = env_int("PILKADA_API_MAX_PAGE_SIZE", 200)
# An API key's longest life; the form offers shorter ones.
PILKADA_API_KEY_MAX_DAYS = env_int("PILKADA_API_KEY_MAX_DAYS", 365)
# How long an Idempotency-Key's first answer is kept and returned to a retry.
PILKADA_API_IDEMPOTENCY_HOURS = env_int("PILKADA_API_IDEMPOTENCY_HOURS", 24)

# Webhooks (api/webhooks/): how long one HTTP attempt may take, how long an event is worth
# retrying, and when a subscription whose endpoint keeps failing is switched off.
PILKADA_WEBHOOK_TIMEOUT_SECONDS = env_int("PILKADA_WEBHOOK_TIMEOUT_SECONDS", 10)
# Days before a task's due date that its agency's systems hear "task.due_soon" (once per date).
PILKADA_WEBHOOK_DUE_SOON_DAYS = env_int("PILKADA_WEBHOOK_DUE_SOON_DAYS", 3)
PILKADA_WEBHOOK_USEFUL_HOURS = env_int("PILKADA_WEBHOOK_USEFUL_HOURS", 24)
PILKADA_WEBHOOK_DISABLE_AFTER_FAILURES = env_int("PILKADA_WEBHOOK_DISABLE_AFTER_FAILURES", 20)
PILKADA_WEBHOOK_DISABLE_AFTER_HOURS = env_int("PILKADA_WEBHOOK_DISABLE_AFTER_HOURS", 24)
# Only for tests and a local development run: allow http:// targets on loopback and private
# addresses. Production refuses both, checked against the resolved address at send time.
PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "Pilkada portal API",
    "DESCRIPTION": (
        "The integration API of the Pilkada coordination portal: regions and public outreach "
        "events for everyone; agencies, meetings, readiness tasks, risks and incidents for an "
        "agency's system with an API key (Authorization: Bearer <key>), scoped exactly as the "
        "portal's pages are. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "coordination.enums.AgencyKind",
        "MeetingKindEnum": "coordination.enums.MeetingKind",
        "MeetingStatusEnum": "coordination.enums.MeetingStatus",
        "TaskStatusEnum": "coordination.enums.TaskStatus",
        "RiskStatusEnum": "kerawanan.enums.RiskStatus",
        "RiskCategoryEnum": "kerawanan.enums.RiskCategory",
        "RiskVisibilityEnum": "kerawanan.enums.Visibility",
        "IncidentCategoryEnum": "insiden.enums.Category",
        "IncidentStatusEnum": "insiden.enums.Status",
        "IncidentVisibilityEnum": "insiden.enums.Visibility",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.rest.schema.add_links",
    ],
}
