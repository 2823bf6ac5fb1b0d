"""The office's holiday calendar (CalendarDay rows over the chinesecalendar package):
load it for the working-day arithmetic of `dates`, fill it, and say which years it lacks."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from . import dates
from .models import CalendarDay, DayKind, DaySource, Milestone, work_calendar


def calendar_gaps(*, today: dt.date, cal: dates.WorkCalendar | None = None) -> list[int]:
    """Years the scan needs (this year, next year, and every year an open
    milestone falls due in) that neither the office's table nor the package
    covers: working days there are counted Monday–Friday."""
    cal = cal or work_calendar()
    years = {today.year, today.year + 1}
    # The dashboard asks on every page: index probes (the latest open due date, then one per later
    # year that has one), not a DISTINCT over every open future milestone.
    ahead = Milestone.objects.open().filter(due_on__gte=today)
    last = ahead.aggregate(m=Max("due_on"))["m"]
    start = dt.date(today.year + 2, 1, 1)
    while last is not None and start <= last:
        due = ahead.filter(due_on__gte=start).aggregate(m=Min("due_on"))["m"]
        years.add(due.year)
        start = dt.date(due.year + 1, 1, 1)
    return cal.uncovered_years(years)


def calendar_fill(*, years: list[int] | None = None) -> int:
    """Copy the package's holidays and adjusted working days into the office's
    table. Dates already in the table are left alone (the office's word wins)."""
    years = years or list(dates.package_years())
    rows = [
        CalendarDay(
            date=d, kind=DayKind.WORKDAY if work else DayKind.HOLIDAY, name=name[:50], source=DaySource.PACKAGE
        )
        for year in years
        for d, work, name in dates.package_days(year)
    ]
    before = CalendarDay.objects.count()
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return CalendarDay.objects.count() - before
