"""Optional integrations, each switched on by its own variable and off by default.

- `PILKADA_SECURITY_CONTACT`: who receives vulnerability reports, published in
  /.well-known/security.txt (comma-separated e-mail addresses or URIs).
- `SENTRY_DSN`: error tracking with sentry-sdk (Sentry or GlitchTip, hosted or self-hosted),
  with personal data scrubbed before anything leaves the server (pilkada/sentry.py).
- `PILKADA_TELEGRAM_BOT_TOKEN`, `PILKADA_TELEGRAM_BOT_USERNAME`, `PILKADA_TELEGRAM_WEBHOOK_SECRET`:
  the Telegram channel (the `messaging` app); off until all three are set.
"""

from .base import PILKADA_ENV
from .env import env_int, env_list, env_str

PILKADA_SECURITY_CONTACT = env_list("PILKADA_SECURITY_CONTACT")

SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", PILKADA_ENV)

if SENTRY_DSN:
    from pilkada.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)

# The Telegram bot (messaging/): the token from @BotFather, the bot's username (for the deep
# links), and a secret Telegram sends back in each webhook call (1-256 of A-Z a-z 0-9 _ -).
PILKADA_TELEGRAM_BOT_TOKEN = env_str("PILKADA_TELEGRAM_BOT_TOKEN")
PILKADA_TELEGRAM_BOT_USERNAME = env_str("PILKADA_TELEGRAM_BOT_USERNAME")
PILKADA_TELEGRAM_WEBHOOK_SECRET = env_str("PILKADA_TELEGRAM_WEBHOOK_SECRET")
# The Bot API server (a self-hosted telegram-bot-api server, or the tests' stand-in).
PILKADA_TELEGRAM_API_URL = env_str("PILKADA_TELEGRAM_API_URL", "https://api.telegram.org")
# Messages per second to Telegram from all workers together (Telegram allows about 30).
PILKADA_TELEGRAM_RATE_PER_SECOND = env_int("PILKADA_TELEGRAM_RATE_PER_SECOND", 25)
# How long a link from the profile (t.me/<bot>?start=<token>) works.
PILKADA_TELEGRAM_LINK_MINUTES = env_int("PILKADA_TELEGRAM_LINK_MINUTES", 15)
