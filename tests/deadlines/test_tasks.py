"""The Celery jobs, called as plain functions (the worker test sends them through a broker)."""

import datetime as dt
import logging

import pytest
from django.core import mail
from kombu.exceptions import OperationalError as BrokerDown

from deadlines.models import Milestone, MilestoneState, MonthlyReport, Notification, Reminder, ReportStatus
from tasks.supervision import jobs, services

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def fake_reports(monkeypatch):
    """A workbook writer that records the months asked for (the real one is tested in test_reports)."""
    calls = []

    def write_supervision_report(fileobj, *, year, month, **_):
        calls.append((year, month))
        fileobj.write(b"PK fake workbook")

    monkeypatch.setattr(services, "write_supervision_report", write_supervision_report)
    return calls


def test_scan_job_recomputes_and_reminds_once(make_milestone, unit_a, liaison_a):
    make_milestone(D(2026, 9, 29), unit_a)
    assert jobs.scan_deadlines(today="2026-09-30") == {
        "today": "2026-09-30", "due_soon": 0, "overdue": 1, "changed": 1,
    }
    assert jobs.scan_deadlines(today="2026-09-30")["changed"] == 0
    assert Milestone.objects.get().state == MilestoneState.OVERDUE
    assert Notification.objects.filter(user=liaison_a).count() == 1
    assert len(mail.outbox) == 1


def test_send_reminders_job_delivers_what_is_left(make_milestone, unit_a, liaison_a):
    make_milestone(D(2026, 9, 29), unit_a)
    services.deadlines_scan(today=D(2026, 9, 30))  # recorded, not delivered (a crash, say)
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 1
    assert jobs.send_reminders(today="2026-09-30") == 1
    assert jobs.send_reminders(today="2026-09-30") == 0
    assert len(mail.outbox) == 1


def test_monthly_report_job_builds_last_month_by_default(fake_reports, media, supervisor):
    assert jobs.build_monthly_report(today="2026-11-01") == "2026年10月督查通报"
    report = MonthlyReport.objects.get()
    assert (report.year, report.month, report.status) == (2026, 10, ReportStatus.READY)
    assert report.as_of == D(2026, 10, 31)
    assert fake_reports == [(2026, 10)]
    assert [m.to[0] for m in mail.outbox] == [supervisor.email]


def test_monthly_report_job_rebuilds_a_named_month(fake_reports, media):
    jobs.build_monthly_report(2026, 1)
    jobs.build_monthly_report(2026, 1)
    assert MonthlyReport.objects.count() == 1
    assert fake_reports == [(2026, 1), (2026, 1)]


def test_jobs_retry_with_backoff_on_transient_errors():
    for job in (jobs.scan_deadlines, jobs.send_reminders, jobs.build_monthly_report):
        assert OSError in job.autoretry_for
        assert job.retry_backoff and job.max_retries


def test_enqueue_publishes_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(jobs.scan_deadlines, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(jobs.scan_deadlines, "2026-09-30")
        assert sent == []
    assert sent == [{"args": ("2026-09-30",), "kwargs": {}, "retry": False}]


def test_enqueue_swallows_a_broker_that_is_down(monkeypatch, django_capture_on_commit_callbacks, caplog):
    def down(**kw):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.build_monthly_report, "apply_async", down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(jobs.build_monthly_report, 2026, 10)
    assert "could not enqueue deadlines.tasks.build_monthly_report" in caplog.text


def test_enqueue_against_a_real_unreachable_redis_does_not_raise(monkeypatch, django_capture_on_commit_callbacks, caplog):
    from reformtracker.celery import app

    def drop_pools():
        # pools are bound to the URL they were made with
        app._pool = None
        app.amqp._producer_pool = None

    dead = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    saved = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery reads the variable before its settings
    app.conf.broker_url = dead
    drop_pools()
    try:
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            jobs.enqueue(jobs.send_reminders, "2026-09-30")
    finally:
        app.conf.broker_url = saved
        drop_pools()
    assert "could not enqueue deadlines.tasks.send_reminders" in caplog.text


def test_the_beat_schedule_names_jobs_the_worker_registers(settings):
    """Beat's rows (django-celery-beat) and queued messages name jobs by string: the names survive
    the module's move to tasks/supervision/jobs.py, and autodiscovery finds them there."""
    from reformtracker.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {"deadlines.tasks.scan_deadlines", "deadlines.tasks.send_reminders",
                         "deadlines.tasks.build_monthly_report", "deadlines.tasks.requeue_stale_reports",
                         "deadlines.tasks.fold_tallies", "deadlines.tasks.repair_copies"}
    assert scheduled <= set(app.tasks)
    assert jobs.scan_deadlines.name == "deadlines.tasks.scan_deadlines"


def test_monthly_report_job_refuses_a_month_not_begun(fake_reports, media):
    assert "尚未开始" in jobs.build_monthly_report(2030, 1, today="2026-12-02")
    assert fake_reports == [] and not MonthlyReport.objects.exists()


def test_monthly_report_job_builds_the_month_not_ended_as_of_today(fake_reports, media):
    jobs.build_monthly_report(2026, 12, today="2026-12-02", scope="all")
    report = MonthlyReport.objects.get()
    assert (report.scope, report.as_of) == ("all", D(2026, 12, 2))  # never the month's future end
