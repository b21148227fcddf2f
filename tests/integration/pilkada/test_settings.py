"""Production mode refuses unsafe settings, and `check --deploy` is clean with safe ones."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SAFE_KEY = "q8Zr3vN0pXw5LmT2yKc7HbJ4sUe9GdA1fRi6oVn8WzQx3EtYpL0kMj5NbC2aS7uD"
# Only parsed by these commands, never connected to.
REDIS = "redis://127.0.0.1:6379/15"


def _manage(*args, **env):
    ignored = {"DEBUG", "SECRET_KEY", "PILKADA_ENV", "REDIS_URL"}
    base = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = _manage(
        "check", PILKADA_ENV="production", ALLOWED_HOSTS="pilkada.example.id", REDIS_URL=REDIS
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_run_without_redis():
    result = _manage(
        "check", PILKADA_ENV="production", SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="pilkada.example.id"
    )
    assert result.returncode != 0
    assert "Set REDIS_URL (cache and Celery broker) in production" in result.stderr


def test_production_refuses_debug():
    result = _manage(
        "check",
        PILKADA_ENV="production",
        DEBUG="true",
        SECRET_KEY=SAFE_KEY,
        ALLOWED_HOSTS="pilkada.example.id",
        REDIS_URL=REDIS,
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PILKADA_ENV="production",
        SECRET_KEY=SAFE_KEY,
        ALLOWED_HOSTS="pilkada.example.id",
        REDIS_URL=REDIS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_is_refused_in_production():
    result = _manage(
        "seed_demo",
        PILKADA_ENV="production",
        SECRET_KEY=SAFE_KEY,
        ALLOWED_HOSTS="pilkada.example.id",
        REDIS_URL=REDIS,
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "never loaded in production" in result.stderr


def test_delivery_recovery_runs_at_the_configured_period(settings):
    job = settings.CELERY_BEAT_SCHEDULE["delivery-recovery"]
    assert job["task"] == "coordination.recover_deliveries"
    assert job["schedule"] == float(settings.PILKADA_DELIVERY_RECOVERY_SECONDS) == 60.0
    # Recovered within a minute, and the sending threshold stays far above the task's limit.
    assert settings.PILKADA_DELIVERY_STALE_SECONDS == 300
