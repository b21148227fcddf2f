"""The Celery application; configuration lives in settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")

app = Celery("pilkada")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
