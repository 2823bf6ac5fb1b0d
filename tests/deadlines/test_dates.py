import datetime as dt

from deadlines import dates
from deadlines.dates import WorkCalendar

D = dt.date


def test_national_day_is_not_five_calendar_days():
    cal = WorkCalendar()
    # 10-01..10-07 off, Saturday 10-10 is an adjusted working day (补班)
    assert cal.add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert cal.is_workday(D(2026, 10, 10))
    assert not cal.is_workday(D(2026, 10, 5))


def test_counting_from_a_holiday_is_not_off_by_one():
    # chinesecalendar.find_workday(1, 10-01) would answer 10-09
    assert WorkCalendar().add_workdays(D(2026, 10, 1), 1) == D(2026, 10, 8)


def test_counting_backwards_skips_the_weekend():
    assert WorkCalendar().add_workdays(D(2026, 11, 9), -2) == D(2026, 11, 5)


def test_due_soon_window_reaches_over_a_weekend_after_the_last_working_day():
    cal = WorkCalendar()
    # Wednesday + 2 working days = Friday; a Saturday or Sunday due date still has only 2 working days left
    assert cal.due_soon_until(D(2026, 11, 4), 2) == D(2026, 11, 8)
    assert cal.workdays_between(D(2026, 11, 4), D(2026, 11, 8)) == 2
    assert cal.workdays_between(D(2026, 11, 4), D(2026, 11, 9)) == 3


def test_office_table_wins_over_the_package():
    cal = WorkCalendar({D(2026, 10, 8): False})
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_a_year_nobody_covers_falls_back_to_weekdays_without_crashing():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)  # a Friday, counted as a working day
    assert cal.fallback_years == {2027}
    assert cal.uncovered_years([2026, 2027]) == [2027]


def test_a_year_the_office_entered_is_covered_and_uses_its_days():
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 2, 20): True})
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.is_workday(D(2027, 2, 20))  # a Saturday made a working day
    assert cal.uncovered_years([2027]) == []
    assert cal.fallback_years == set()


def test_package_days_are_named_in_chinese():
    days = dict((d, (work, name)) for d, work, name in dates.package_days(2026))
    assert days[D(2026, 10, 1)] == (False, "国庆节")
    assert days[D(2026, 10, 10)] == (True, "国庆节调休")
    assert dates.package_years().stop - 1 == 2026


def test_report_due_by_the_fifth_is_for_last_month():
    assert dates.progress_due_date(D(2026, 9, 1), 5) == D(2026, 10, 5)
    assert dates.overdue_progress_period(D(2026, 10, 5), 5) == D(2026, 8, 1)
    assert dates.overdue_progress_period(D(2026, 10, 6), 5) == D(2026, 9, 1)
    assert dates.overdue_progress_period(D(2026, 1, 10), 5) == D(2025, 12, 1)
    assert dates.progress_due_date(D(2026, 1, 1), 31) == D(2026, 2, 28)


def test_progress_reminder_window_opens_two_working_days_before_the_report_day():
    cal = WorkCalendar()
    # due Thursday 2026-11-05; two working days before is Tuesday 11-03
    assert dates.progress_reminder_period(D(2026, 11, 2), 5, cal) is None
    assert dates.progress_reminder_period(D(2026, 11, 3), 5, cal) == D(2026, 10, 1)
    assert dates.progress_reminder_period(D(2026, 11, 5), 5, cal) == D(2026, 10, 1)
    assert dates.progress_reminder_period(D(2026, 11, 6), 5, cal) is None
    # report day on the 1st: the window opens in the month before
    assert dates.progress_reminder_period(D(2026, 11, 27), 1, cal) == D(2026, 11, 1)


def test_month_helpers():
    assert dates.previous_month(D(2026, 1, 1)) == (2025, 12)
    assert dates.month_end(2028, 2) == D(2028, 2, 29)
    assert dates.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
