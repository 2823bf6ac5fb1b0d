"""A pasted State Council notice (deadlines.holiday_notice) into the office's calendar (CalendarDay).

`plan_notice` says what saving would do to each date, without writing: new, updated, unchanged,
a conflict with a row the office typed itself, or removed (a day an earlier paste of the same
year listed that this notice no longer does). `apply_notice` does exactly that in one
transaction, all or nothing. The office's own rows (source 改革办录入) are never overwritten
unless the office asks for it on the confirm page; rows copied from chinesecalendar or from an
earlier notice are the notice's to update, so pasting the same year again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction

from .holiday_notice import HolidayNotice
from .models import CalendarDay, DayKind, DaySource

WEEKDAYS = "一二三四五六日"


class Action:
    NEW = "new"
    UPDATE = "update"
    SAME = "same"
    CONFLICT = "conflict"
    REMOVE = "remove"


ACTION_LABELS = {
    Action.NEW: "新增",
    Action.UPDATE: "更新",
    Action.SAME: "不变",
    Action.CONFLICT: "冲突：改革办已录入",
    Action.REMOVE: "删除（本通知未列）",
}


class CalendarChanged(Exception):
    """The calendar (or the pasted text) changed between the preview and the confirmation."""

    message = "预览之后节假日安排已有变动，请核对下面重新生成的预览后再确认。"


@dataclass
class PlannedDay:
    date: dt.date
    kind: str  # what the notice says (for REMOVE: the row's kind)
    name: str
    action: str
    current: CalendarDay | None = None

    @property
    def weekday(self) -> str:
        return "周" + WEEKDAYS[self.date.weekday()]

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def kind_label(self) -> str:
        return "上班（补班）" if self.kind == DayKind.WORKDAY else "放假"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class NoticePlan:
    notice: HolidayNotice
    days: list[PlannedDay]

    def count(self, action: str) -> int:
        return sum(d.action == action for d in self.days)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ACTION_LABELS}

    @property
    def conflicts(self) -> list[PlannedDay]:
        return [d for d in self.days if d.action == Action.CONFLICT]

    @property
    def fingerprint(self) -> str:
        """What the preview showed: the confirmation is refused if this changed meanwhile."""
        parts = [f"{d.date}|{d.kind}|{d.name}|{d.action}" for d in self.days]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def plan_notice(notice: HolidayNotice) -> NoticePlan:
    listed = {d.date: d for d in notice.days}
    rows = {row.date: row for row in CalendarDay.objects.filter(date__in=list(listed))}
    days = []
    for date, day in listed.items():
        row = rows.get(date)
        if row is None:
            action = Action.NEW
        elif row.kind == day.kind and (row.source == DaySource.OFFICE or row.name == day.name[:50]):
            action = Action.SAME  # the office's own wording of a matching day is kept
        elif row.source == DaySource.OFFICE:
            action = Action.CONFLICT
        else:
            action = Action.UPDATE
        days.append(PlannedDay(date, day.kind, day.name[:50], action, row))
    # A corrected notice of the same year: what an earlier paste listed and this one does not goes.
    stale = CalendarDay.objects.filter(source=DaySource.NOTICE, date__year=notice.year).exclude(date__in=list(listed))
    days += [PlannedDay(row.date, row.kind, row.name, Action.REMOVE, row) for row in stale]
    return NoticePlan(notice, sorted(days, key=lambda d: d.date))


@transaction.atomic
def apply_notice(notice: HolidayNotice, *, overwrite_conflicts: bool = False, expect: str = "") -> NoticePlan:
    """Save the notice's days (one transaction). `expect` is the fingerprint the preview showed;
    CalendarChanged if the plan is no longer the same. Conflicts are left as they are unless
    `overwrite_conflicts`, then the notice's word replaces the office's row."""
    # Lock what is there (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers).
    dates = [d.date for d in notice.days]
    list(CalendarDay.objects.select_for_update().filter(date__in=dates).values_list("pk"))
    plan = plan_notice(notice)
    if expect and expect != plan.fingerprint:
        raise CalendarChanged(CalendarChanged.message)
    new, changed, gone = [], [], []
    for day in plan.days:
        if day.action == Action.NEW:
            new.append(CalendarDay(date=day.date, kind=day.kind, name=day.name, source=DaySource.NOTICE))
        elif day.action == Action.UPDATE or (day.action == Action.CONFLICT and overwrite_conflicts):
            row = day.current
            row.kind, row.name, row.source = day.kind, day.name, DaySource.NOTICE
            changed.append(row)
        elif day.action == Action.REMOVE:
            gone.append(day.current.pk)
    CalendarDay.objects.bulk_create(new)
    CalendarDay.objects.bulk_update(changed, ["kind", "name", "source"])
    CalendarDay.objects.filter(pk__in=gone).delete()
    return plan
