"""Optional integrations, each switched on by its own variable and off by default.

- `PILKADA_SECURITY_CONTACT`: who receives vulnerability reports, published in
  /.well-known/security.txt (comma-separated e-mail addresses or URIs).
- `SENTRY_DSN`: error tracking with sentry-sdk (Sentry or GlitchTip, hosted or self-hosted),
  with personal data scrubbed before anything leaves the server (pilkada/sentry.py).
"""

from .base import PILKADA_ENV
from .env import env_list, env_str

PILKADA_SECURITY_CONTACT = env_list("PILKADA_SECURITY_CONTACT")

SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", PILKADA_ENV)

if SENTRY_DSN:
    from pilkada.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
