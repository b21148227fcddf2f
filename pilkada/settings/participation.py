"""Public participation without an account: the guards of public forms (pilkada/common/abuse.py)
the outreach requests ("Minta sosialisasi", outreach/services/requests.py) and the reports from
the public ("Lapor", insiden/services/public_reports.py)."""

from pilkada.common.abuse import parse_rates

from .env import env_int, env_str

# A public form sent sooner than this after it was shown is refused (people take longer; a bot
# that fills it in a blink does not), and one older than the maximum must be sent again.
PILKADA_PUBLIC_FORM_MIN_SECONDS = env_int("PILKADA_PUBLIC_FORM_MIN_SECONDS", 5)
PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS = env_int("PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS", 86400)

# Outreach requests accepted per client address, per network (/24 or /64) and per email
# address, counted in the shared cache ("count/period", period s, m, h or d: "5/h,20/d").
OUTREACH_REQUEST_LIMITS_IP = parse_rates(
    env_str("OUTREACH_REQUEST_LIMITS_IP", "5/h,20/d"), setting="OUTREACH_REQUEST_LIMITS_IP"
)
OUTREACH_REQUEST_LIMITS_NETWORK = parse_rates(
    env_str("OUTREACH_REQUEST_LIMITS_NETWORK", "30/h,100/d"),
    setting="OUTREACH_REQUEST_LIMITS_NETWORK",
)
OUTREACH_REQUEST_LIMITS_EMAIL = parse_rates(
    env_str("OUTREACH_REQUEST_LIMITS_EMAIL", "3/d"), setting="OUTREACH_REQUEST_LIMITS_EMAIL"
)
# Hours the confirmation link of a new request works.
OUTREACH_REQUEST_CONFIRM_HOURS = env_int("OUTREACH_REQUEST_CONFIRM_HOURS", 48)
# Days a closed request (accepted: after its event) keeps the requester's contact data (name,
# email, phone, note) before the daily job erases it (UU 27/2022: no longer than needed).
OUTREACH_REQUEST_RETENTION_DAYS = env_int("OUTREACH_REQUEST_RETENTION_DAYS", 90)

# Reports from the public ("Lapor") accepted per client address and per network.
PILKADA_PUBLIC_REPORT_LIMITS_IP = parse_rates(
    env_str("PILKADA_PUBLIC_REPORT_LIMITS_IP", "5/h,20/d"),
    setting="PILKADA_PUBLIC_REPORT_LIMITS_IP",
)
PILKADA_PUBLIC_REPORT_LIMITS_NETWORK = parse_rates(
    env_str("PILKADA_PUBLIC_REPORT_LIMITS_NETWORK", "30/h,100/d"),
    setting="PILKADA_PUBLIC_REPORT_LIMITS_NETWORK",
)
# Look-ups of a tracking code per address and per network: a person checks a few times a day; a
# guesser needs billions of tries.
PILKADA_PUBLIC_STATUS_LIMITS_IP = parse_rates(
    env_str("PILKADA_PUBLIC_STATUS_LIMITS_IP", "10/10m,50/d"),
    setting="PILKADA_PUBLIC_STATUS_LIMITS_IP",
)
PILKADA_PUBLIC_STATUS_LIMITS_NETWORK = parse_rates(
    env_str("PILKADA_PUBLIC_STATUS_LIMITS_NETWORK", "60/10m,500/d"),
    setting="PILKADA_PUBLIC_STATUS_LIMITS_NETWORK",
)
# The same description sent again within this many seconds is refused (a duplicate flood).
PILKADA_PUBLIC_REPORT_DUPLICATE_SECONDS = env_int("PILKADA_PUBLIC_REPORT_DUPLICATE_SECONDS", 86400)
# Days a closed public report keeps the reporter's contact before the daily job erases it
# (UU 27/2022: personal data no longer than needed).
PILKADA_PUBLIC_REPORT_RETENTION_DAYS = env_int("PILKADA_PUBLIC_REPORT_RETENTION_DAYS", 90)
# Seconds the public situation summary and its open data are cached (at most 15 minutes).
PILKADA_PUBLIC_SUMMARY_SECONDS = min(env_int("PILKADA_PUBLIC_SUMMARY_SECONDS", 900), 900)

# The situation room under a stream of reports: a page computed less than this many seconds ago
# is served again although incidents changed since (it refreshes itself every 20 seconds). On
# voting day the situation changes many times a second; without this every refresh of every
# screen would recompute it. 0: always the latest state.
PILKADA_SITUATION_SETTLE_SECONDS = env_int("PILKADA_SITUATION_SETTLE_SECONDS", 5)
