"""Services of its own for each pytest-xdist worker (`make test` runs the suite on every core).

Applied by tests/conftest.py before Django reads its settings, so each worker's REDIS_URL names
a Redis database of its own: the database number of REDIS_URL plus the
worker's number (gw0 keeps REDIS_URL's, gw1 the next, ...). The cache, the Celery broker of the
tests that start a real worker, and the flushes some tests make stay within one worker. The test
PostgreSQL database already is per worker (pytest-django adds the worker's name to it); ports are
picked free by each test; files go to each test's tmp_path.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def worker_redis_url(url: str, worker: str) -> str:
    """redis://host:6379/4 for gw2 -> redis://host:6379/6."""
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


def services_per_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], worker)
