"""Celery jobs, named with verbs ("task" already means a work item here).

Their registered names are the ones they had when they lived in `deadlines/tasks.py`
(`deadlines.tasks.scan_deadlines` …): django-celery-beat's PeriodicTask rows and any message
already queued name a job by that string, so it must not change with the module.

Jobs are thin: work out "today" in Asia/Shanghai when not given, call the
service, log counts. They are idempotent, so acks_late redelivery and
autoretry are safe: the outboxes make sure nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from functools import partial
from urllib.parse import urlsplit

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from deadlines import dates, outbox
from tasks import flags, tallies

from . import services
from .report import FutureMonth

logger = logging.getLogger(__name__)

# Database hiccups, SMTP/webhook/network errors (OSError covers smtplib's and
# urllib's), and channels that failed: retried with exponential backoff.
RETRY_ON = (OperationalError, InterfaceError, OSError, outbox.DeliveryFailed)
RETRY = dict(autoretry_for=RETRY_ON, retry_backoff=30, retry_backoff_max=1800, retry_jitter=True,
             max_retries=12)


def _today(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(bind=True, name="deadlines.tasks.scan_deadlines", **RETRY)
def scan_deadlines(self, today: str | None = None) -> dict:
    """Daily: recompute states and flags, record and deliver the reminders."""
    day = _today(today)
    try:
        result = services.deadlines_scan(today=day)
    except Exception:
        logger.exception("job scan_deadlines failed (today=%s, try %s)", day, self.request.retries)
        raise
    _deliver(self, day)
    return result.as_json()


@shared_task(name="deadlines.tasks.repair_copies", **RETRY)
def repair_copies() -> int:
    """Nightly: every task's copies checked and the stale ones rewritten (tasks.flags.copies_repair);
    a warning when there were any, since every write through the application keeps them."""
    repaired = flags.copies_repair()
    if repaired:
        logger.warning("job repair_copies: %d rows' copies were stale (written around the application?) "
                       "and were rewritten", repaired)
    return repaired


@shared_task(name="deadlines.tasks.fold_tallies", **RETRY)
def fold_tallies() -> int:
    """Every quarter-hour: fold the rows the tallies' triggers appended (tasks.tallies.compact)."""
    return tallies.compact()


@shared_task(bind=True, name="deadlines.tasks.send_reminders", **RETRY)
def send_reminders(self, today: str | None = None) -> int:
    """Deliver whatever the outboxes still hold (after an outage, say)."""
    return _deliver(self, _today(today))


def _deliver(job, day: dt.date) -> int:
    try:
        count = services.reminders_deliver(today=day)
        outbox.outbound_send()
    except Exception:
        logger.exception("job %s: delivery failed (today=%s, try %s)", job.name, day, job.request.retries)
        raise
    return count


@shared_task(bind=True, name="deadlines.tasks.build_monthly_report", **RETRY)
def build_monthly_report(
    self, year: int | None = None, month: int | None = None, today: str | None = None, scope: str = "current"
) -> str:
    """On the 1st: last month's 督查通报 of the current plans; or the month and scope named. A month
    not begun is refused and not retried."""
    day = _today(today)
    if year is None or month is None:
        year, month = dates.previous_month(day)
    try:
        report = services.report_build(year=year, month=month, scope=scope, today=day)
    except FutureMonth as exc:
        logger.error("job build_monthly_report refused %d-%02d: %s", year, month, exc)
        return str(exc)
    except Exception:
        logger.exception("job build_monthly_report failed for %d-%02d (try %s)", year, month, self.request.retries)
        raise
    outbox.outbound_send()
    return str(report)


def scope_kwargs(scope: str) -> dict:
    """The build job's keyword for a scope: none for the default, as beat's own job sends it."""
    return {} if scope == "current" else {"scope": scope}


def enqueue(job, *args, **kwargs) -> None:
    """Queue `job` once the current transaction commits, like delay_on_commit,
    but a broker that is down only costs a log line: the request that saved
    progress must still succeed (the daily scan catches up anyway)."""
    transaction.on_commit(partial(_publish, job, args, kwargs))


def publish(job, *args, **kwargs) -> bool:
    """Queue `job` now; False (and a log line) when the broker is down."""
    return _publish(job, args, kwargs)


def _publish(job, args: tuple, kwargs: dict) -> bool:
    try:
        _check_broker(job.app.conf.broker_url)
        # retry=False: fail fast instead of holding the request while kombu retries
        job.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.exception("could not enqueue %s%s: broker unavailable", job.name, args)
        return False
    return True


@shared_task(bind=True, name="deadlines.tasks.requeue_stale_reports", **RETRY)
def requeue_stale_reports(self) -> int:
    """Beat, every few minutes: a 督查通报 still 排队中 that was never handed to the broker (it was
    down) or that no worker picked up within REPORT_REQUEUE_MINUTES is queued again (the build is
    idempotent). Returns how many were queued."""
    from django.conf import settings

    from deadlines.models import MonthlyReport, ReportStatus

    now = timezone.now()
    _register_missed_monthly_report(now)
    stale = now - dt.timedelta(minutes=settings.REPORT_REQUEUE_MINUTES)
    pending = MonthlyReport.objects.filter(status=ReportStatus.PENDING).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    )
    count = 0
    for report in pending.order_by("year", "month"):
        if not publish(build_monthly_report, report.year, report.month, **scope_kwargs(report.scope)):
            break  # the broker is still down: the next run tries again
        MonthlyReport.objects.filter(pk=report.pk).update(queued_at=now)
        logger.info("requeued %s (queued before: %s)", report, report.queued_at)
        count += 1
    return count


# Beat queues last month's 督查通报 on the 1st at 08:00; a report with no row an hour later was never
# handed over (the broker was down at 08:00 and beat does not retry a missed tick).
MONTHLY_REPORT_GRACE = dt.time(9, 0)


def _register_missed_monthly_report(now: dt.datetime) -> None:
    """Give last month's report a 排队中 row if beat's 1st-of-month job never reached a worker, so the
    requeue below hands it over as soon as the broker is back."""
    from deadlines.models import MonthlyReport

    local = timezone.localtime(now)
    if local.day == 1 and local.time() < MONTHLY_REPORT_GRACE:
        return  # beat's own job may still be on its way
    year, month = dates.previous_month(local.date())
    _, created = MonthlyReport.objects.get_or_create(year=year, month=month, scope="current")
    if created:
        logger.warning("督查通报 %d-%02d was never built (beat's job lost?): queued again", year, month)


def _check_broker(url: str) -> None:
    """redis-py retries a refused connection for ~6 s before giving up; a
    request should not wait that long, so knock on the port first (0.5 s)."""
    parts = urlsplit(url or "")
    if parts.scheme in ("redis", "rediss") and parts.hostname:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5).close()
