"""The Celery app, as Celery's "First steps with Django" wires it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")

app = Celery("reformtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# the jobs are not in an app's `tasks` module (in this domain a "task" is a work item)
app.autodiscover_tasks(["tasks.supervision"], related_name="jobs")
