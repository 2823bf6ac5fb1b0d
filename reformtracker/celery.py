"""The Celery app, as Celery's "First steps with Django" wires it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")

app = Celery("reformtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
