"""Pure date and working-day functions (no database).

Working days follow the State Council calendar: the office's own table
(CalendarDay rows, passed in as `overrides`) wins over the chinesecalendar
package, which knows 2004–2026 only; a year that neither covers falls back to
Monday–Friday and is reported by `WorkCalendar.uncovered_years` so the office
sees a warning instead of a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

from chinese_calendar import constants as cc_data

ONE_DAY = dt.timedelta(days=1)

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_years() -> range:
    """Years the chinesecalendar package has data for (2004–2026 in 1.11)."""
    years = [d.year for d in cc_data.holidays] + [d.year for d in cc_data.workdays]
    return range(min(years), max(years) + 1)


def package_days(year: int) -> list[tuple[dt.date, bool, str]]:
    """The package's special days of `year`: (date, is_workday, Chinese name).
    Holidays that fall on a weekend are included: they are still named days."""
    days = [(d, False, HOLIDAY_NAMES.get(n, n)) for d, n in cc_data.holidays.items() if d.year == year]
    days += [(d, True, HOLIDAY_NAMES.get(n, n) + "调休") for d, n in cc_data.workdays.items() if d.year == year]
    return sorted(days)


class WorkCalendar:
    """Answers "is this a working day?" from the office's table, then the
    package, then Monday–Friday.

    `overrides` maps a date to True (adjusted working day, 补班) or False
    (holiday, 假期); `office_years` are the years the office has entered (any
    row counts: a year with rows is the office's, even if it only lists a few
    days, so the package is not consulted where it has no data).
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None, office_years: Iterable[int] = ()):
        self.overrides = dict(overrides or {})
        self.office_years = set(office_years) | {d.year for d in self.overrides}
        self._package_years = package_years()
        self.fallback_years: set[int] = set()

    def covers(self, year: int) -> bool:
        return year in self.office_years or year in self._package_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self._package_years:
            # Read the package's tables directly: its is_workday() raises for unknown years.
            if day in cc_data.workdays:
                return True
            if day in cc_data.holidays:
                return False
            return day.weekday() < 5
        if day.year not in self.office_years:
            self.fallback_years.add(day.year)
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (n >= 1), or the n-th before it
        (n <= -1). Counts with its own loop: chinesecalendar's find_workday is
        one day off when `start` is a holiday."""
        if n == 0:
            return start
        step = ONE_DAY if n > 0 else -ONE_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_workday(day):
                left -= 1
        return day

    def due_soon_until(self, today: dt.date, workdays: int) -> dt.date:
        """Last due date that counts as 'due soon' on `today`: at most `workdays`
        working days left in (today, due_on]. A due date on a weekend or holiday
        right after the N-th working day is still within the window."""
        if workdays <= 0:
            return today
        return self.add_workdays(today, workdays + 1) - ONE_DAY

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """Years with neither the office's table nor the package: counted Monday–Friday."""
        return sorted(y for y in set(years) if not self.covers(y))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month `months` later (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, month_end(year, month).day))


def month_end(year: int, month: int) -> dt.date:
    # calendar.monthrange's day count, without the weekday it also works out
    if not 1 <= month <= 12:
        raise calendar.IllegalMonthError(month)
    return dt.date(year, month, calendar.mdays[month] + (month == 2 and calendar.isleap(year)))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of year-month."""
    return dt.date(year, month, 1), month_end(year, month)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def days_overdue(due_on: dt.date, as_of: dt.date) -> int:
    """Calendar days a due date has passed on `as_of`: due yesterday is one day late, due
    today none. The 督查通报 counts "as of 24:00 of the month's end" as the 1st of the next
    month, so a `9月底前` item still open is one day overdue in September's report."""
    return max(0, (as_of - due_on).days)


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.date) -> tuple[int, int]:
    """The share of [start, end] gone on `as_of`, as (days gone, days in all), days gone clamped to
    [0, all]. Kept as two integers so the database compares the same fractions (序时进度)."""
    total = (end - start).days
    return min(max((as_of - start).days, 0), max(total, 0)), total


def previous_month(today: dt.date) -> tuple[int, int]:
    first = add_months(month_start(today), -1)
    return first.year, first.month


def progress_due_date(period: dt.date, due_day: int) -> dt.date:
    """The day the report on month `period` is due: `due_day` of the next month."""
    nxt = add_months(month_start(period), 1)
    return nxt.replace(day=min(max(due_day, 1), month_end(nxt.year, nxt.month).day))


def overdue_progress_period(today: dt.date, due_day: int) -> dt.date:
    """The latest period whose report deadline has passed on `today`
    (the period due by the 5th of month M is month M-1)."""
    this_month_period = add_months(month_start(today), -1)
    if today > progress_due_date(this_month_period, due_day):
        return this_month_period
    return add_months(this_month_period, -1)


def progress_reminder_period(today: dt.date, due_day: int, cal: WorkCalendar, lead_workdays: int = 2) -> dt.date | None:
    """The period whose report is due within the next `lead_workdays` working
    days (reminder window: from that many working days before the due date up
    to the due date itself), or None outside any window."""
    for months_back in (1, 0):  # this month's deadline, or next month's when the 1st is near
        period = add_months(month_start(today), -months_back)
        due = progress_due_date(period, due_day)
        if cal.add_workdays(due, -lead_workdays) <= today <= due:
            return period
    return None
