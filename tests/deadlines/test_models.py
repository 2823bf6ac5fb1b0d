import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from deadlines.models import ExtensionRequest, Milestone, MonthlyReport, Reminder, ReminderKind
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_open_and_days_overdue_use_the_date_passed_in():
    late = MilestoneFactory(due_on=dt.date(2020, 8, 31))
    soon = MilestoneFactory(due_on=dt.date(2020, 9, 30))
    MilestoneFactory(due_on=dt.date(2020, 8, 1), done_on=dt.date(2020, 7, 30))
    today = dt.date(2020, 9, 25)
    assert set(Milestone.objects.open()) == {late, soon}
    assert late.days_overdue(today) == 25
    assert soon.days_overdue(today) == 0


def test_one_reminder_per_milestone_kind_and_due_date():
    ms = MilestoneFactory(due_on=dt.date(2020, 9, 30))
    Reminder.objects.create(milestone=ms, kind=ReminderKind.OVERDUE, due_on=ms.due_on)
    Reminder.objects.create(milestone=ms, kind=ReminderKind.DUE_SOON, due_on=ms.due_on)
    # extended to 10-31 and overdue again: a new transition
    Reminder.objects.create(milestone=ms, kind=ReminderKind.OVERDUE, due_on=dt.date(2020, 10, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(milestone=ms, kind=ReminderKind.OVERDUE, due_on=ms.due_on)
    with pytest.raises(IntegrityError):
        Reminder.objects.create(milestone=ms, kind=ReminderKind.OVERDUE)


def test_one_progress_reminder_per_unit_and_period(unit_a):
    Reminder.objects.create(unit=unit_a, period=dt.date(2020, 9, 1), kind=ReminderKind.PROGRESS_DUE)
    with pytest.raises(IntegrityError):
        Reminder.objects.create(unit=unit_a, period=dt.date(2020, 9, 1), kind=ReminderKind.PROGRESS_DUE)


def test_an_extension_must_move_the_date_later(unit_a):
    ms = MilestoneFactory(due_on=dt.date(2020, 9, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(
            milestone=ms, unit=unit_a, reason="x", original_date=ms.due_on, proposed_date=dt.date(2020, 9, 1)
        )
    ExtensionRequest.objects.create(
        milestone=ms, unit=unit_a, reason="疫情影响", original_date=ms.due_on, proposed_date=dt.date(2020, 10, 31)
    )
    with pytest.raises(IntegrityError):
        ExtensionRequest.objects.create(
            milestone=ms, unit=unit_a, reason="再次", original_date=ms.due_on, proposed_date=dt.date(2020, 11, 30)
        )


def test_one_monthly_report_per_month_and_months_are_real():
    MonthlyReport.objects.create(year=2020, month=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(year=2020, month=9)
    with pytest.raises(IntegrityError):
        MonthlyReport.objects.create(year=2020, month=13)


def test_days_overdue_and_days_left_count_from_the_same_day():
    """The one rule of 逾期天数 (reminders, pages, the 督查通报): a past month's bulletin asks about the
    1st after it, counting what was done by the month's last day."""
    due_end = MilestoneFactory(due_on=dt.date(2020, 9, 30))
    done_on_the_1st = MilestoneFactory(due_on=dt.date(2020, 9, 15), done_on=dt.date(2020, 10, 1))
    first = dt.date(2020, 10, 1)
    assert due_end.days_overdue(dt.date(2020, 9, 30)) == 0  # due today: not late yet
    assert due_end.days_overdue(first) == 1 and due_end.days_left(first) == -1
    assert MilestoneFactory(due_on=dt.date(2020, 10, 20)).days_left(first) == 19
    assert done_on_the_1st.days_overdue(first) == 0
    assert done_on_the_1st.days_overdue(first, done_by=dt.date(2020, 9, 30)) == 16


def test_one_monthly_report_per_month_and_scope():
    MonthlyReport.objects.create(year=2020, month=9)
    MonthlyReport.objects.create(year=2020, month=9, scope="all")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(year=2020, month=9, scope="all")
