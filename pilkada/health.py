"""Reachability of the Celery broker, for /healthz."""

import logging

logger = logging.getLogger(__name__)


def broker_ok(timeout: float = 2.0) -> bool:
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means the broker is unreachable
        logger.warning("broker unreachable: %s", exc)
        return False
