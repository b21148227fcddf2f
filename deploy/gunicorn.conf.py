"""gunicorn for the portal (deploy/systemd/pilkada-web.service; the test suite starts it too).

Sync workers: each request holds one process, so the figures of docs/deployment.md (requests
per second per worker) add up plainly. nginx buffers slow clients, so a sync worker never waits
on a phone's connection.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core plus one: while one waits on PostgreSQL or Redis, another uses the core.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# Longest page build allowed; nginx waits a little longer (proxy_read_timeout 35 s).
timeout = 30
graceful_timeout = 30
# Replace each worker now and then, so a slow leak never grows for days.
max_requests = 5000
max_requests_jitter = 500
# X-Forwarded-Proto only from the proxies the portal trusts (pilkada/common/proxy.py).
forwarded_allow_ips = os.environ.get("PILKADA_TRUSTED_PROXIES", "127.0.0.1,::1")
# nginx keeps the access log; errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "pilkada-web"
