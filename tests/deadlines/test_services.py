import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines import holidays, outbox
from deadlines.models import (
    CalendarDay,
    Channel,
    DayKind,
    Milestone,
    MilestoneState,
    MonthlyReport,
    Notification,
    OutboundMessage,
    Reminder,
    ReminderKind,
    ReportStatus,
    work_calendar,
)
from departments.models import UnitWebhook
from tasks.models import AssignmentRole, TaskFlag, TaskStatus, WarningLevel
from tasks.supervision import services
from tests.factories import AssignmentFactory, PlanFactory, ProgressReportFactory, TaskFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 9, 30)  # Wednesday before National Day


def scan_and_send(today=TODAY):
    result = services.deadlines_scan(today=today)
    services.reminders_deliver(today=today)
    outbox.outbound_send()
    return result


def test_scan_sets_each_state_counting_working_days_over_national_day(make_milestone, unit_a):
    late = make_milestone(D(2026, 9, 29), unit_a)
    soon = make_milestone(D(2026, 10, 13), unit_a)  # 5th working day after 9-30 (10-10 is 补班)
    later = make_milestone(D(2026, 10, 14), unit_a)
    done = make_milestone(D(2026, 9, 1), unit_a, done_on=D(2026, 8, 30))

    result = services.deadlines_scan(today=TODAY)

    states = dict(Milestone.objects.values_list("pk", "state"))
    assert states[late.pk] == MilestoneState.OVERDUE
    assert states[soon.pk] == MilestoneState.DUE_SOON
    assert states[later.pk] == MilestoneState.UPCOMING
    assert states[done.pk] == MilestoneState.DONE
    assert (result.due_soon, result.overdue, result.changed) == (1, 1, 3)


def test_due_today_is_due_soon_not_overdue(make_milestone, unit_a):
    ms = make_milestone(TODAY, unit_a)
    services.deadlines_scan(today=TODAY)
    ms.refresh_from_db()
    assert ms.state == MilestoneState.DUE_SOON


def test_due_soon_length_is_per_plan(make_milestone, unit_a):
    short = PlanFactory(year=2026, due_soon_workdays=1)
    a = make_milestone(D(2026, 10, 9), unit_a)  # 2nd working day after 9-30
    b = make_milestone(D(2026, 10, 9), unit_a, plan=short)
    services.deadlines_scan(today=TODAY)
    assert Milestone.objects.get(pk=a.pk).state == MilestoneState.DUE_SOON
    assert Milestone.objects.get(pk=b.pk).state == MilestoneState.UPCOMING


def test_milestones_of_a_closed_task_are_never_flagged(make_milestone, unit_a):
    ms = make_milestone(D(2026, 9, 1), unit_a)
    ms.task.status = TaskStatus.DONE_LATE
    ms.task.save()
    services.deadlines_scan(today=TODAY)
    ms.refresh_from_db()
    assert ms.state == MilestoneState.DONE
    assert not Reminder.objects.exists()
    ms.task.refresh_from_db()
    assert ms.task.flag == TaskFlag.NONE


def test_task_flag_is_the_worst_open_milestone_including_sub_tasks(make_milestone, unit_a):
    soon = make_milestone(D(2026, 10, 9), unit_a)
    task = soon.task
    make_milestone(D(2026, 12, 1), unit_a, task=task)
    child = TaskFactory(plan=task.plan, parent=task)
    make_milestone(D(2026, 9, 1), unit_a, task=child)
    calm = make_milestone(D(2026, 12, 1), unit_a).task
    ProgressReportFactory(task=task, unit=unit_a, period=D(2026, 8, 1))  # not yellow: reported

    services.deadlines_scan(today=TODAY)
    for t in (task, child, calm):
        t.refresh_from_db()
    assert task.flag == TaskFlag.OVERDUE  # its sub-task is late
    assert child.flag == TaskFlag.OVERDUE
    assert calm.flag == TaskFlag.NONE
    assert task.warning_level == WarningLevel.RED

    child.milestones.update(done_on=D(2026, 9, 29))
    services.deadlines_scan(today=TODAY)
    task.refresh_from_db()
    assert task.flag == TaskFlag.DUE_SOON
    assert task.warning_level == WarningLevel.BLUE


def test_scan_query_count_does_not_grow_with_milestones(make_milestone, unit_a):
    def count_queries():
        Milestone.objects.update(state=MilestoneState.UPCOMING)
        with CaptureQueriesContext(connection) as ctx:
            services.deadlines_scan(today=TODAY)
        return len(ctx.captured_queries)

    for i in range(3):
        make_milestone(D(2026, 9, 1) + dt.timedelta(days=i * 10), unit_a)
    few = count_queries()
    for i in range(30):
        make_milestone(D(2026, 9, 1) + dt.timedelta(days=i * 3), unit_a)
    assert count_queries() == few
    assert few < 25


def test_second_scan_changes_nothing_and_records_nothing(make_milestone, unit_a):
    make_milestone(D(2026, 9, 25), unit_a)
    make_milestone(D(2026, 10, 9), unit_a)
    first = services.deadlines_scan(today=TODAY)
    second = services.deadlines_scan(today=TODAY)
    assert first.changed == 2 and first.reminders == 2
    assert (second.changed, second.tasks_changed, second.reminders) == (0, 0, 0)


def test_liaison_gets_one_digest_listing_all_items_and_nothing_twice(make_milestone, unit_a, unit_b, liaison_a, liaison_b):
    make_milestone(D(2026, 9, 29), unit_a)
    make_milestone(D(2026, 10, 9), unit_a)
    make_milestone(D(2026, 12, 31), unit_b)  # upcoming: nothing for B

    scan_and_send()
    scan_and_send()

    assert Notification.objects.filter(user=liaison_a).count() == 1
    assert not Notification.objects.filter(user=liaison_b).exists()
    note = Notification.objects.get(user=liaison_a)
    assert "1项临期提醒" in note.title and "1项逾期提醒" in note.title
    assert "【逾期】" in note.body and "【临期】" in note.body
    assert [m.to[0] for m in mail.outbox] == [liaison_a.email]
    assert "已逾期1天" in mail.outbox[0].body
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_new_state_is_a_new_reminder(make_milestone, unit_a, liaison_a):
    ms = make_milestone(D(2026, 10, 9), unit_a)
    scan_and_send(TODAY)
    scan_and_send(D(2026, 10, 12))
    assert set(Reminder.objects.filter(milestone=ms).values_list("kind", flat=True)) == {
        ReminderKind.DUE_SOON, ReminderKind.OVERDUE,
    }
    assert Notification.objects.filter(user=liaison_a).count() == 2
    assert len(mail.outbox) == 2


def test_responsible_units_are_reminded_too(make_milestone, unit_a, unit_b, liaison_a, liaison_b):
    ms = make_milestone(D(2026, 9, 29), unit_a)
    AssignmentFactory(task=ms.task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
    scan_and_send()
    assert Notification.objects.filter(user__in=[liaison_a, liaison_b]).count() == 2


def test_long_overdue_is_escalated_to_lead_unit_and_supervisors(
    make_milestone, unit_a, unit_b, liaison_a, liaison_b, supervisor, settings
):
    settings.ESCALATE_AFTER_DAYS = 15
    ms = make_milestone(D(2026, 9, 14), unit_a)  # 16 days late
    AssignmentFactory(task=ms.task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
    make_milestone(D(2026, 9, 15), unit_a)  # 15 days: not yet

    scan_and_send()

    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION).count() == 1
    sup = Notification.objects.get(user=supervisor)
    assert "逾期升级" in sup.title and "16天" in sup.body
    assert "逾期升级" in Notification.objects.get(user=liaison_a).title
    assert "逾期升级" not in Notification.objects.get(user=liaison_b).title


def test_progress_missing_turns_yellow_after_the_report_day_until_reported(unit_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC))  # imported in July
    plan = PlanFactory(year=2026)
    task = TaskFactory(plan=plan)
    AssignmentFactory(task=task, unit=unit_a)

    services.deadlines_scan(today=D(2026, 10, 5))  # September's report is due today: still fine
    task.refresh_from_db()
    # (August's report, due 9-05, is missing though)
    assert task.progress_missing is True
    ProgressReportFactory(task=task, unit=unit_a, period=D(2026, 8, 1))
    services.deadlines_scan(today=D(2026, 10, 5))
    task.refresh_from_db()
    assert task.progress_missing is False

    services.deadlines_scan(today=D(2026, 10, 6))
    task.refresh_from_db()
    assert task.progress_missing is True
    assert task.warning_level == WarningLevel.YELLOW

    ProgressReportFactory(task=task, unit=unit_a, period=D(2026, 9, 1))
    services.deadlines_scan(today=D(2026, 10, 6))
    task.refresh_from_db()
    assert task.progress_missing is False


def test_no_report_is_expected_for_months_before_the_task_was_imported(unit_a, time_machine):
    """Imported in November: October's report (due 11-05) is not owed, November's is (due 12-05)."""
    time_machine.move_to(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    task = TaskFactory(plan=PlanFactory(year=2026))
    AssignmentFactory(task=task, unit=unit_a)
    services.deadlines_scan(today=D(2026, 11, 20))
    task.refresh_from_db()
    assert task.progress_missing is False
    services.deadlines_scan(today=D(2026, 12, 6))
    task.refresh_from_db()
    assert task.progress_missing is True
    assert not Reminder.objects.filter(kind=ReminderKind.PROGRESS_DUE, period=D(2026, 10, 1)).exists()


def test_a_report_sent_back_does_not_count_and_a_later_period_does(unit_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC))
    task = TaskFactory(plan=PlanFactory(year=2026))
    AssignmentFactory(task=task, unit=unit_a)
    returned = ProgressReportFactory(task=task, unit=unit_a, period=D(2026, 9, 1), review_state="returned")
    services.deadlines_scan(today=D(2026, 10, 6))
    task.refresh_from_db()
    assert task.progress_missing is True
    returned.period = D(2026, 10, 1)  # a report on October covers September too
    returned.review_state = "accepted"
    returned.save()
    services.deadlines_scan(today=D(2026, 10, 6))
    task.refresh_from_db()
    assert task.progress_missing is False


def test_no_report_is_expected_before_the_plan_was_issued(unit_a):
    plan = PlanFactory(year=2026, issued_on=D(2026, 9, 15))
    task = TaskFactory(plan=plan)
    AssignmentFactory(task=task, unit=unit_a)
    services.deadlines_scan(today=D(2026, 10, 5))  # period: August, before the plan
    task.refresh_from_db()
    assert task.progress_missing is False


def test_units_are_reminded_to_report_two_working_days_before_the_day(
    unit_a, unit_b, liaison_a, liaison_b, time_machine
):
    time_machine.move_to(dt.datetime(2026, 9, 15, 9, tzinfo=dt.UTC))  # imported in September
    plan = PlanFactory(year=2026)
    for unit in (unit_a, unit_b):
        AssignmentFactory(task=TaskFactory(plan=plan), unit=unit)
    ProgressReportFactory(task=unit_b.assignments.get().task, unit=unit_b, period=D(2026, 10, 1))

    scan_and_send(D(2026, 11, 2))
    assert not Reminder.objects.filter(kind=ReminderKind.PROGRESS_DUE).exists()
    scan_and_send(D(2026, 11, 3))
    scan_and_send(D(2026, 11, 4))
    reminder = Reminder.objects.get(kind=ReminderKind.PROGRESS_DUE)
    assert (reminder.unit, reminder.period) == (unit_a, D(2026, 10, 1))
    note = Notification.objects.get(user=liaison_a)
    assert "2026年10月工作进展" in note.body and "2026-11-05" in note.body
    assert not Notification.objects.filter(user=liaison_b).exists()


def test_unit_webhook_gets_one_signed_post(make_milestone, unit_a, liaison_a, monkeypatch):
    UnitWebhook.objects.create(unit=unit_a, url="https://oapi.dingtalk.com/robot/send?access_token=x", secret="SECabc")
    make_milestone(D(2026, 9, 29), unit_a)
    make_milestone(D(2026, 9, 28), unit_a)
    posted = []

    def fake_post(url, secret, text):
        posted.append((url, secret, text))

    monkeypatch.setattr("deadlines.notify.post_webhook", fake_post)
    scan_and_send()
    scan_and_send()
    assert len(posted) == 1
    assert posted[0][1] == "SECabc" and "区市场监管局" in posted[0][2] and "2项逾期提醒" in posted[0][2]


def test_a_failed_channel_is_retried_and_the_rest_is_not_resent(make_milestone, unit_a, unit_b, liaison_a, liaison_b, monkeypatch):
    make_milestone(D(2026, 9, 29), unit_a)
    make_milestone(D(2026, 9, 29), unit_b)
    from deadlines import notify

    real = notify.deliver

    def flaky(msg):
        if msg.to == liaison_b.email:
            raise ConnectionRefusedError("smtp down")
        real(msg)

    monkeypatch.setattr(notify, "deliver", flaky)
    services.deadlines_scan(today=TODAY)
    services.reminders_deliver(today=TODAY)
    with pytest.raises(outbox.DeliveryFailed):
        outbox.outbound_send()
    assert [m.to[0] for m in mail.outbox] == [liaison_a.email]
    failed = OutboundMessage.objects.get(to=liaison_b.email)
    assert failed.sent_at is None and failed.attempts == 1 and "smtp down" in failed.last_error

    monkeypatch.setattr(notify, "deliver", real)
    services.reminders_deliver(today=TODAY)
    outbox.outbound_send()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([liaison_a.email, liaison_b.email])
    assert Notification.objects.count() == 2


def test_liaison_without_email_still_gets_the_notification(make_milestone, unit_a, liaison_a):
    liaison_a.email = ""
    liaison_a.save()
    make_milestone(D(2026, 9, 29), unit_a)
    scan_and_send()
    assert Notification.objects.filter(user=liaison_a).exists()
    assert mail.outbox == []
    assert not OutboundMessage.objects.filter(channel=Channel.EMAIL).exists()


def fake_writer(calls):
    def write(fileobj, *, year, month, **_):
        calls.append((year, month))
        fileobj.write(f"xlsx {year}-{month} #{len(calls)}".encode())

    return write


def test_monthly_report_is_stored_and_supervisors_told(media, supervisor, liaison_a):
    calls = []
    report = services.report_build(year=2026, month=9, writer=fake_writer(calls))
    assert report.status == ReportStatus.READY
    assert report.as_of == D(2026, 9, 30)
    assert report.file.read() == b"xlsx 2026-9 #1"
    assert Notification.objects.get(user=supervisor).title == "2026年9月督查通报已生成"
    assert not Notification.objects.filter(user=liaison_a).exists()
    outbox.outbound_send()
    assert [m.to[0] for m in mail.outbox] == [supervisor.email]


def test_rebuilding_a_month_replaces_its_file(media, supervisor, django_capture_on_commit_callbacks):
    calls = []
    first = services.report_build(year=2026, month=9, writer=fake_writer(calls))
    old_path = first.file.path
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_build(year=2026, month=9, writer=fake_writer(calls))
    assert MonthlyReport.objects.count() == 1
    second.file.open("rb")
    assert second.file.read() == b"xlsx 2026-9 #2"
    assert old_path != second.file.path
    assert not os.path.exists(old_path)


def test_a_failing_builder_marks_the_report_failed(media):
    def broken(fileobj, *, year, month, **_):
        raise ValueError("no data")

    with pytest.raises(ValueError):
        services.report_build(year=2026, month=9, writer=broken)
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.FAILED and "no data" in report.error


def test_fill_calendar_copies_the_package_and_keeps_office_edits():
    CalendarDay.objects.create(date=D(2026, 10, 8), kind=DayKind.HOLIDAY, name="本地调整")
    CalendarDay.objects.create(date=D(2026, 10, 1), kind=DayKind.WORKDAY, name="办公室说了算")
    call_command("fill_calendar", "--year", "2026")
    call_command("fill_calendar", "--year", "2026")
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).kind == DayKind.WORKDAY
    from deadlines.dates import package_days

    assert CalendarDay.objects.filter(date__year=2026).count() == len(package_days(2026)) + 1
    cal = work_calendar()
    assert not cal.is_workday(D(2026, 10, 8))


def test_calendar_gap_for_2027_until_the_office_enters_it(make_milestone, unit_a):
    make_milestone(D(2027, 3, 31), unit_a)
    assert holidays.calendar_gaps(today=TODAY) == [2027]
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert holidays.calendar_gaps(today=TODAY) == []


def test_scan_in_a_year_without_calendar_counts_weekdays_and_reports_it(make_milestone, unit_a):
    ms = make_milestone(D(2027, 1, 7), unit_a)  # Thu; from Thu 2026-12-31: 1-1, 1-4, 1-5, 1-6, 1-7 = 5
    result = services.deadlines_scan(today=D(2026, 12, 31))
    ms.refresh_from_db()
    assert ms.state == MilestoneState.DUE_SOON
    assert result.fallback_years == [2027]


def test_scan_command_prints_json(make_milestone, unit_a, liaison_a, capsys):
    make_milestone(D(2026, 9, 29), unit_a)
    make_milestone(D(2026, 10, 9), unit_a)
    call_command("scan_deadlines", "--today", "2026-09-30", "--json")
    import json

    assert json.loads(capsys.readouterr().out) == {"today": "2026-09-30", "due_soon": 1, "overdue": 1, "changed": 2}
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_never_double_a_reminder(make_milestone, unit_a, unit_b, liaison_a, liaison_b):
    """Two workers on the same morning (threads, each with its own connection):
    the advisory lock / IMMEDIATE transaction, the unique outbox rows and the
    SKIP LOCKED claims keep every reminder single."""
    import threading

    from django.db import connections

    from tasks.supervision import jobs

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share pytest-django's in-memory SQLite database reliably; runs on PostgreSQL in CI")
    for unit in (unit_a, unit_b):
        make_milestone(D(2026, 9, 29), unit)
        make_milestone(D(2026, 10, 9), unit)
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            jobs.scan_deadlines(today="2026-09-30")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Reminder.objects.count() == 4
    assert Notification.objects.filter(user=liaison_a).count() == 1
    assert Notification.objects.filter(user=liaison_b).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([liaison_a.email, liaison_b.email])
    assert OutboundMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_an_extended_milestone_that_falls_overdue_again_is_reminded_again(db, unit_a, liaison_a):
    import datetime as dt

    from deadlines.models import Milestone, Reminder, ReminderKind
    from tasks.supervision.services import deadlines_scan
    from tests.factories import AssignmentFactory, MilestoneFactory

    task = AssignmentFactory(unit=unit_a).task
    ms = MilestoneFactory(task=task, due_on=dt.date(2020, 9, 30))
    deadlines_scan(today=dt.date(2020, 10, 9))
    deadlines_scan(today=dt.date(2020, 10, 10))
    assert Reminder.objects.filter(milestone=ms, kind=ReminderKind.OVERDUE).count() == 1

    Milestone.objects.filter(pk=ms.pk).update(original_due_on=ms.due_on, due_on=dt.date(2020, 10, 31))
    deadlines_scan(today=dt.date(2020, 11, 10))
    overdue = Reminder.objects.filter(milestone=ms, kind=ReminderKind.OVERDUE).order_by("due_on")
    assert [r.due_on for r in overdue] == [dt.date(2020, 9, 30), dt.date(2020, 10, 31)]


def _written_rows(fn) -> list[tuple[str, int]]:
    """(statement, rows it wrote) for every UPDATE and INSERT `fn` sends."""
    written = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in ("UPDATE", "INSERT"):
            written.append((sql[:80], context["cursor"].rowcount))
        return result

    with connection.execute_wrapper(record):
        fn()
    return written


def test_a_repeat_scan_with_nothing_changed_writes_no_row_and_attempts_no_reminder(
    make_milestone, unit_a, unit_b, time_machine
):
    time_machine.move_to(dt.datetime(2026, 9, 15, 9, tzinfo=dt.UTC))
    make_milestone(D(2026, 9, 14), unit_a)  # overdue and escalated
    make_milestone(D(2026, 9, 29), unit_a)
    make_milestone(D(2026, 10, 9), unit_b)
    sub = make_milestone(D(2026, 10, 12), unit_b)
    TaskFactory(plan=sub.task.plan, parent=sub.task)
    first = services.deadlines_scan(today=TODAY)
    assert first.reminders == 5 and first.changed == 4
    last_id = Reminder.objects.order_by("-pk").values_list("pk", flat=True).first()

    with CaptureQueriesContext(connection) as ctx:
        written = _written_rows(lambda: services.deadlines_scan(today=TODAY))
        again = services.deadlines_scan(today=TODAY)

    assert written and all(rows == 0 for _, rows in written), written
    assert (again.changed, again.tasks_changed, again.copies_refreshed, again.reminders) == (0, 0, 0, 0)
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert inserts and all(re.search(r"NOT \(?EXISTS", sql) for sql in inserts)  # only missing reminders
    # an INSERT … ON CONFLICT that meets a conflict still draws an id (PostgreSQL): none was drawn
    ms = Milestone.objects.first()
    assert Reminder.objects.create(kind=ReminderKind.DUE_SOON, milestone=ms, due_on=D(2030, 1, 1)).pk == last_id + 1


def test_scan_counts_each_task_once_and_only_reminders_really_inserted(unit_a, unit_b, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 15, 9, tzinfo=dt.UTC))
    plan = PlanFactory(year=2026)
    task = TaskFactory(plan=plan, percent=0)
    AssignmentFactory(task=task, unit=unit_a)
    AssignmentFactory(task=TaskFactory(plan=plan), unit=unit_b)
    from tests.factories import MilestoneFactory

    MilestoneFactory(task=task, due_on=D(2026, 11, 4))
    # 11-03: the report on October is due 11-05; 11-03 and 11-04 are in the reminder window
    first = services.deadlines_scan(today=D(2026, 11, 3))
    assert first.tasks_changed == 2  # the task's flag, 黄 and 序时进度 all changed: one row each
    assert first.reminders == 3  # the due-soon milestone, a progress reminder for each unit
    second = services.deadlines_scan(today=D(2026, 11, 4))
    assert second.reminders == 0
    assert Reminder.objects.count() == 3
