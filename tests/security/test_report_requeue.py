"""重新生成督查通报 is never lost: a broker that refuses the job is told truthfully, and the beat job
hands the pending row over once the broker is back."""

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from deadlines.models import MonthlyReport, ReportStatus
from tasks.supervision import jobs as tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december(time_machine):
    """Mid-December 2026, November's report already built: the requeue job has nothing of its own
    to add, so each test sees only the rows it made."""
    time_machine.move_to(dt.datetime(2026, 12, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    MonthlyReport.objects.create(year=2026, month=11, status=ReportStatus.READY)


@pytest.fixture
def broker(monkeypatch):
    """A broker that is down until `broker.up = True`; what it accepted is in `broker.sent`."""

    class Broker:
        up = False
        sent: list = []

        def apply_async(self, args=(), kwargs=None, **options):
            if not self.up:
                raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
            self.sent.append(tuple(args))

    b = Broker()
    b.sent = []
    monkeypatch.setattr(tasks.build_monthly_report, "apply_async", b.apply_async)
    return b


def test_a_refused_rebuild_says_so_and_is_requeued_by_beat(client, office, broker, caplog):
    client.force_login(office)
    with caplog.at_level(logging.ERROR, logger="tasks.supervision.jobs"):
        page = client.post(reverse("supervision:reports"), {"month": "2026-10"}, follow=True)
    html = page.content.decode()
    assert "队列暂不可用，将自动重试" in html and "已提交生成" not in html
    assert "could not enqueue deadlines.tasks.build_monthly_report" in caplog.text
    report = MonthlyReport.objects.get(year=2026, month=10)
    assert report.status == ReportStatus.PENDING and report.queued_at is None

    assert tasks.requeue_stale_reports() == 0  # still down: nothing lost, nothing recorded
    assert MonthlyReport.objects.get(pk=report.pk).queued_at is None

    broker.up = True
    assert tasks.requeue_stale_reports() == 1
    assert broker.sent == [(2026, 10)]
    assert MonthlyReport.objects.get(pk=report.pk).queued_at is not None
    assert tasks.requeue_stale_reports() == 0  # queued just now: not again


def test_a_pending_report_no_worker_picked_up_is_queued_again(broker):
    broker.up = True
    long_ago = timezone.now() - dt.timedelta(minutes=settings.REPORT_REQUEUE_MINUTES + 1)
    stale = MonthlyReport.objects.create(year=2026, month=9, queued_at=long_ago)
    MonthlyReport.objects.create(year=2026, month=8, queued_at=timezone.now())
    MonthlyReport.objects.create(year=2026, month=7, status=ReportStatus.READY)
    MonthlyReport.objects.create(year=2026, month=6, status=ReportStatus.BUILDING)
    assert tasks.requeue_stale_reports() == 1
    assert broker.sent == [(2026, 9)]
    assert MonthlyReport.objects.get(pk=stale.pk).queued_at > long_ago


def test_a_rebuild_of_a_ready_report_refused_by_the_broker_is_not_lost(client, office, broker):
    MonthlyReport.objects.create(year=2026, month=10, status=ReportStatus.READY)
    client.force_login(office)
    client.post(reverse("supervision:reports"), {"month": "2026-10"})
    assert MonthlyReport.objects.get(year=2026, month=10).status == ReportStatus.PENDING
    broker.up = True
    assert tasks.requeue_stale_reports() == 1 and broker.sent == [(2026, 10)]


def test_an_accepted_rebuild_records_when_it_was_queued(client, office, broker):
    broker.up = True
    client.force_login(office)
    page = client.post(reverse("supervision:reports"), {"month": "2026-10"}, follow=True)
    assert "已提交生成2026年10月督查通报" in page.content.decode()
    assert broker.sent == [(2026, 10)]
    assert MonthlyReport.objects.get(year=2026, month=10).queued_at is not None


def test_the_requeue_job_is_in_the_beat_schedule():
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    schedule = entries["deadlines.tasks.requeue_stale_reports"]["schedule"]
    assert schedule.minute == set(range(0, 60, 5))


def test_a_monthly_report_whose_beat_job_was_lost_is_built_once_the_broker_is_back(broker, time_machine):
    """The broker was down at 08:00 on the 1st: beat's message never left, no row was written."""
    time_machine.move_to(dt.datetime(2027, 1, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    assert tasks.requeue_stale_reports() == 0  # within the hour beat's own job may still arrive
    assert not MonthlyReport.objects.filter(year=2026, month=12).exists()

    time_machine.move_to(dt.datetime(2027, 1, 1, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    assert tasks.requeue_stale_reports() == 0  # still down: the row waits, 排队中
    report = MonthlyReport.objects.get(year=2026, month=12)
    assert report.status == ReportStatus.PENDING and report.queued_at is None

    broker.up = True
    assert tasks.requeue_stale_reports() == 1
    assert broker.sent == [(2026, 12)]
    assert tasks.requeue_stale_reports() == 0  # queued: not twice
