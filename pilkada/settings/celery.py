"""Celery: a Redis broker when REDIS_URL is set, else an embedded file-system broker in var/."""

from celery.schedules import crontab

from .base import REDIS_URL, VAR_DIR
from .env import env_bool, env_int, env_list

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Redelivers an unacknowledged task (its worker died) after this long; must exceed the longest
    # task and the longest retry countdown. The delivery sweeper below recovers sooner.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
else:
    # The file-system transport needs no server, so `make run` works on a bare machine.
    _queue_dir = VAR_DIR / "broker" / "queue"
    _processed_dir = VAR_DIR / "broker" / "processed"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        # Broadcast (remote control) files, otherwise written to ./control.
        "control_folder": str(VAR_DIR / "broker" / "control"),
    }
    # Commands run before the worker (seed_demo in `make run`) already enqueue into these.
    for _folder in (_queue_dir, _processed_dir, VAR_DIR / "broker" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)

CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Safety over speed: a task is acknowledged only after it finished, so a killed worker's task is
# redelivered; idempotence comes from the delivery records in the database.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# One beat sends the periodic jobs: with Redis, a beat holds a lease there and any other one
# started stands by and takes over when the holder stops (pilkada/beat.py). Even two beats sending
# at once cause no duplicate mail (see coordination/notifications/outbox.py).
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "pilkada.beat:SingleBeatScheduler"
PILKADA_BEAT_LOCK_SECONDS = env_int("PILKADA_BEAT_LOCK_SECONDS", 30)

# Periodic jobs, all in one place (each task module documents what it does).
CELERY_BEAT_SCHEDULE: dict = {
    # Every minute: turn due reminder slots into one delivery per recipient. Reminders are
    # promised "24 hours / 1 hour before", so a minute is the precision people notice.
    "meeting-reminders": {
        "task": "coordination.dispatch_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Every 5 minutes: re-enqueue deliveries whose task was lost (enqueue failed after the
    # commit, or the worker died holding it) long before the broker's visibility timeout would.
    "delivery-recovery": {
        "task": "coordination.recover_deliveries",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # Every 15 minutes: digests are due at 07:00 in each agency's time zone (WIB, WITA, WIT are
    # an hour apart); the job sends those due and not yet sent today, so it also catches up after
    # an outage. One delivery row per person and date keeps it to one digest a day.
    "readiness-digests": {
        "task": "coordination.send_digests",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 840},
    },
}

# --- Meeting mail and reminders -----------------------------------------------------------------
# Minutes before the start; a region's KPU staff can override this in the portal (ReminderDefault).
PILKADA_DEFAULT_REMINDER_MINUTES = [
    int(m) for m in env_list("PILKADA_DEFAULT_REMINDER_MINUTES", ["1440", "60"])
]
# SMTP attempts per message before it is marked failed; the wait doubles from the base each time
# (60 s, 120 s, 240 s, 480 s).
PILKADA_DELIVERY_MAX_ATTEMPTS = env_int("PILKADA_DELIVERY_MAX_ATTEMPTS", 5)
PILKADA_DELIVERY_RETRY_BASE_SECONDS = env_int("PILKADA_DELIVERY_RETRY_BASE_SECONDS", 60)
# A queued delivery whose task has not run for this long is enqueued again (its message was lost).
PILKADA_DELIVERY_REQUEUE_SECONDS = env_int("PILKADA_DELIVERY_REQUEUE_SECONDS", 900)
# A delivery still "sending" after this long belongs to a dead worker: must exceed the send task's
# hard time limit (90 s) so a slow but living task is never doubled.
PILKADA_DELIVERY_STALE_SECONDS = env_int("PILKADA_DELIVERY_STALE_SECONDS", 300)
# Local hour at which the daily liaison digest and the weekly (Monday) staff summary go out.
PILKADA_DIGEST_HOUR = env_int("PILKADA_DIGEST_HOUR", 7)
