"""Celery: a Redis broker when REDIS_URL is set, else an embedded file-system broker in var/."""

from celery.schedules import crontab

from .base import REDIS_URL, VAR_DIR
from .env import env_bool, env_int, env_list

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Redelivers an unacknowledged task (its worker died) after this long; must exceed the longest
    # task and the longest retry countdown. The delivery sweeper below recovers sooner.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # A request that enqueues mail must not hang on an unreachable broker (the rows wait
        # for the recovery job instead, see coordination/notifications/outbox.py).
        "socket_connect_timeout": 2,
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

# How often the recovery job looks for deliveries without a task (see the schedule below).
PILKADA_DELIVERY_RECOVERY_SECONDS = env_int("PILKADA_DELIVERY_RECOVERY_SECONDS", 60)

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
    # Every PILKADA_DELIVERY_RECOVERY_SECONDS (a minute): enqueue deliveries that have no task
    # (the broker was down when they were made, their channel's breaker was open, their worker
    # died), long before the broker's visibility timeout would; it also sends the probe that
    # finds out whether a mail server that was down answers again.
    "delivery-recovery": {
        "task": "coordination.recover_deliveries",
        "schedule": float(PILKADA_DELIVERY_RECOVERY_SECONDS),
        "options": {"expires": max(1, PILKADA_DELIVERY_RECOVERY_SECONDS - 5)},
    },
    # Every minute: fan out webhook events whose task was lost (the broker was down when the
    # change committed, a worker died), so an agency's system hears of it within a minute or
    # two; and forget the first answers of Idempotency-Keys past PILKADA_API_IDEMPOTENCY_HOURS.
    "api-sweep": {
        "task": "api.sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Hourly: "task.due_soon" webhook events for the tasks due within
    # PILKADA_WEBHOOK_DUE_SOON_DAYS (one per task and due date: a task whose date moves is
    # announced again; an hour is soon enough for a notice days ahead).
    "api-tasks-due-soon": {
        "task": "api.tasks_due_soon",
        "schedule": crontab(minute=7),
        "options": {"expires": 3000},
    },
    # Every 15 minutes: digests are due at 07:00 in each agency's time zone (WIB, WITA, WIT are
    # an hour apart); the job sends those due and not yet sent today, so it also catches up after
    # an outage. One delivery row per person and date keeps it to one digest a day.
    "readiness-digests": {
        "task": "coordination.send_digests",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 840},
    },
    # Every minute: escalate incidents not acknowledged by their deadline (the critical deadline
    # is 15 minutes, so a minute is the precision that matters) and remind acknowledged critical
    # ones hourly. It works through everything due in batches for up to 50 s; the outbox's unique
    # key per incident, step and recipient keeps it to one message each (insiden/notifications/
    # escalation.py).
    "incident-escalation": {
        "task": "insiden.escalate_incidents",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Daily at 02:30 (server time, a quiet hour): the retention rule of public outreach requests
    # (UU 27/2022): unconfirmed requests past their link's expiry are deleted, and a closed
    # request's contact data is erased OUTREACH_REQUEST_RETENTION_DAYS after it was closed.
    # A missed day is caught up by the next run.
    "outreach-request-retention": {
        "task": "outreach.purge_request_contacts",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3600},
    },
    # Daily at 02:45: the retention rule of reports from the public ("Lapor", UU 27/2022): a
    # closed report's contact is erased PILKADA_PUBLIC_REPORT_RETENTION_DAYS after it was
    # closed. A missed day is caught up by the next run; two runs at once skip each other's rows.
    "public-report-retention": {
        "task": "insiden.purge_public_contacts",
        "schedule": crontab(hour=2, minute=45),
        "options": {"expires": 3600},
    },
    # Every 10 minutes: bring the readiness counters' overdue flags to today (a no-op except
    # after midnight; until it has run the dashboards count the tasks, so they are never wrong,
    # only slower for those minutes). See coordination/services/readiness_counts.py.
    "readiness-counts-roll-over": {
        "task": "coordination.roll_over_readiness_counts",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    # Daily at 03:30: compare the readiness counters with the tasks in one snapshot; a
    # difference is logged as an error and the counters are rebuilt (a second of waiting for
    # task writes). They differ only if someone wrote the tables by hand.
    "readiness-counts-check": {
        "task": "coordination.check_readiness_counts",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 3600},
    },
}

# --- Meeting mail and reminders -----------------------------------------------------------------
# Minutes before the start; a region's KPU staff can override this in the portal (ReminderDefault).
PILKADA_DEFAULT_REMINDER_MINUTES = [
    int(m) for m in env_list("PILKADA_DEFAULT_REMINDER_MINUTES", ["1440", "60"])
]
# A temporary failure is retried for as long as the message is useful (a reminder until its
# meeting starts, an invitation until the meeting ends, a digest until its day ends; each kind
# says, see coordination/notifications/registry.py). The wait doubles from the base (60 s,
# 120 s, ...) up to the longest wait, so mail resumes within that much after an outage.
PILKADA_DELIVERY_RETRY_BASE_SECONDS = env_int("PILKADA_DELIVERY_RETRY_BASE_SECONDS", 60)
PILKADA_DELIVERY_RETRY_MAX_SECONDS = env_int("PILKADA_DELIVERY_RETRY_MAX_SECONDS", 900)
# How long a message of a kind that does not say is retried, counted from when it was made.
PILKADA_DELIVERY_USEFUL_SECONDS = env_int("PILKADA_DELIVERY_USEFUL_SECONDS", 86400)
# The circuit breaker of a channel (coordination/notifications/breaker.py): this many sends in a
# row that cannot reach the server pause the channel; after the cooldown one message probes.
PILKADA_BREAKER_FAILURES = env_int("PILKADA_BREAKER_FAILURES", 3)
PILKADA_BREAKER_COOLDOWN_SECONDS = env_int("PILKADA_BREAKER_COOLDOWN_SECONDS", 30)
# A queued delivery whose task has not run for this long is enqueued again (its message was lost).
PILKADA_DELIVERY_REQUEUE_SECONDS = env_int("PILKADA_DELIVERY_REQUEUE_SECONDS", 900)
# A delivery still "sending" after this long belongs to a dead worker: must exceed the send task's
# hard time limit (90 s) so a slow but living task is never doubled.
PILKADA_DELIVERY_STALE_SECONDS = env_int("PILKADA_DELIVERY_STALE_SECONDS", 300)
# /healthz/mail answers 503 (for a monitoring system to alarm on) when a message has waited this
# long, or this many failed in the last hour, or a channel's breaker is open.
PILKADA_MAIL_ALARM_AGE_SECONDS = env_int("PILKADA_MAIL_ALARM_AGE_SECONDS", 900)
PILKADA_MAIL_ALARM_FAILURES = env_int("PILKADA_MAIL_ALARM_FAILURES", 10)
# Local hour at which the daily liaison digest and the weekly (Monday) staff summary go out.
PILKADA_DIGEST_HOUR = env_int("PILKADA_DIGEST_HOUR", 7)
