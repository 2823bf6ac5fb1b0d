"""A real Celery worker (subprocess) against the real Redis and the test database.

Needs CELERY_BROKER_URL=redis://… and a database a second process can open
(PostgreSQL in CI). The worker listens on Redis database 5 on a queue of its
own, so stale messages of other runs never reach it.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from deadlines.models import Milestone, MilestoneState, Notification, OutboundMessage, Reminder
from reformtracker.celery import app
from tasks.models import Task, TaskFlag
from tasks.supervision import jobs

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def _broker_url() -> str:
    url = os.getenv("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://")):
        pytest.skip("CELERY_BROKER_URL is not Redis (zero-config filesystem broker): the worker test runs in CI")
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/5", "", ""))  # a Redis database of its own, apart from the queue the app uses


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database another process can open (PostgreSQL); SQLite tests run in memory")
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    broker, database = _broker_url(), _database_url()
    queue = f"jobs-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reformtracker.settings",
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": database,
        "DATA_DIR": str(tmp_path / "data"),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "reformtracker", "worker", "-P", "solo", "-Q", queue,
             "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text(errors="replace")
            time.sleep(0.3)
        yield {"broker": broker, "queue": queue, "log": log}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _send(worker, job, **kwargs) -> None:
    with app.connection_for_write(worker["broker"]) as conn:
        job.apply_async(kwargs=kwargs, queue=worker["queue"], connection=conn)


def _wait_for(check, worker, timeout=60):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out; worker log:\n" + worker["log"].read_text(errors="replace")
        time.sleep(0.3)


def test_scan_sent_through_redis_updates_the_database_and_reminds_once(
    worker, make_milestone, unit_a, liaison_a, liaison_b
):
    late = make_milestone(D(2026, 9, 29), unit_a)
    soon = make_milestone(D(2026, 10, 13), unit_a)

    _send(worker, jobs.scan_deadlines, today="2026-09-30")
    _wait_for(lambda: OutboundMessage.objects.filter(sent_at__isnull=False).exists(), worker)

    assert Milestone.objects.get(pk=late.pk).state == MilestoneState.OVERDUE
    assert Milestone.objects.get(pk=soon.pk).state == MilestoneState.DUE_SOON
    late.task.refresh_from_db()
    assert late.task.flag == TaskFlag.OVERDUE
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    assert Notification.objects.filter(user=liaison_a).count() == 1
    assert not Notification.objects.filter(user=liaison_b).exists()
    log = worker["log"].read_text(errors="replace")
    assert "deadlines.tasks.scan_deadlines" in log and "succeeded" in log
    assert f"To: {liaison_a.email}" in log  # the console e-mail backend printed the digest

    # the same scan again, through the broker: nothing new is sent
    _send(worker, jobs.scan_deadlines, today="2026-09-30")
    _wait_for(lambda: worker["log"].read_text(errors="replace").count("succeeded") >= 2, worker)
    assert Notification.objects.filter(user=liaison_a).count() == 1
    assert OutboundMessage.objects.count() == 1


def test_the_nightly_repair_through_redis_rewrites_a_stale_copy_and_says_so(worker, make_milestone, unit_a):
    late = make_milestone(D(2026, 9, 29), unit_a)
    Task.objects.filter(pk=late.task_id).update(next_due=D(2030, 1, 1))  # written around the application

    _send(worker, jobs.repair_copies)
    _wait_for(lambda: Task.objects.get(pk=late.task_id).next_due == D(2026, 9, 29), worker)
    _wait_for(lambda: "succeeded" in worker["log"].read_text(errors="replace"), worker)
    log = worker["log"].read_text(errors="replace")
    assert "deadlines.tasks.repair_copies" in log and "1 rows' copies were stale" in log
