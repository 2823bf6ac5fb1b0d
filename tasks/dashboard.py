"""The supervisor dashboard's figures: per plan, per unit, overdue by month.

Every figure comes from a COUNT grouped in the database by (plan or unit,
status, flag), folded into tallies in Python: the page costs the same handful
of queries, returning a few hundred rows at most, for 50 tasks or 100,000. Only top-level tasks
count (parent is null): sub-tasks split one item of a plan by responsibility
annotation and would count the same work twice.

A task counts for a unit when the unit has an assignment on it (lead or
responsible). (task, unit) is unique (`assignment_one_per_task_unit`), so
counting assignment rows counts distinct tasks.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateField, Value
from django.db.models.functions import Greatest, TruncMonth
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from deadlines import dates
from deadlines.models import Milestone
from departments.models import Unit
from tasks.models import Assignment, AssignmentRole, Plan, Task, TaskFlag, TaskStatus, WarningLevel

CLOSED = [TaskStatus.DONE, TaskStatus.DONE_LATE]
MONTHS_SHOWN = 12


def _fold(tally: Tally, status: str, flag: str, n: int) -> None:
    """Add `n` tasks of one (status, flag) group to `tally`."""
    tally.assigned += n
    if status == TaskStatus.DONE:
        tally.done += n
    elif status == TaskStatus.DONE_LATE:
        tally.done_late += n
    else:
        if status == TaskStatus.IN_PROGRESS:
            tally.in_progress += n
        else:
            tally.not_started += n
        # overdue = still open and flagged; a closed task's stale flag does not count
        if flag == TaskFlag.OVERDUE:
            tally.overdue += n
        elif flag == TaskFlag.DUE_SOON:
            tally.due_soon += n


@dataclass
class Tally:
    assigned: int = 0
    done: int = 0
    done_late: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    due_soon: int = 0
    links: dict[str, str] = field(default_factory=dict, repr=False)  # figure -> filtered task list

    @property
    def closed(self) -> int:
        return self.done + self.done_late

    @property
    def on_time_rate(self) -> float | None:
        """done / (done + done late); None when nothing is closed yet (shown as —)."""
        return self.done / self.closed if self.closed else None

    @property
    def completion_rate(self) -> float | None:
        return self.closed / self.assigned if self.assigned else None

    def add(self, other: Tally) -> None:
        for name in TALLY_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def on_time_pct(self) -> str:
        return _pct(self.on_time_rate)

    @property
    def completion_pct(self) -> str:
        return _pct(self.completion_rate)

    @property
    def open_other(self) -> int:
        """Open and not overdue: the grey part of the bar."""
        return self.in_progress + self.not_started - self.overdue

    @property
    def bar(self) -> dict[str, str]:
        """Widths (% of assigned, as CSS strings: templates would localise a float) of the stacked bar."""
        parts = {"done": self.done, "done_late": self.done_late, "overdue": self.overdue, "open": self.open_other}
        return {k: f"{100 * v / self.assigned:.2f}" if self.assigned else "0" for k, v in parts.items()}


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


TALLY_FIELDS = ("assigned", "done", "done_late", "in_progress", "not_started", "overdue", "due_soon")


@dataclass
class PlanRow(Tally):
    plan_id: int = 0
    title: str = ""
    year: int = 0
    doc_number: str = ""


@dataclass
class UnitRow(Tally):
    unit_id: int = 0
    name: str = ""
    lead: int = 0
    responsible: int = 0
    rank: int = 0


@dataclass
class MonthBar:
    month: dt.date
    count: int
    label: str
    due_after: dt.date | None
    due_before: dt.date
    url: str = ""
    # SVG geometry, computed once the tallest bar is known (see _layout)
    x: int = 0
    y: int = 0
    height: int = 0


@dataclass
class Dashboard:
    as_of: dt.date
    plan: PlanRow | None
    plans: list[PlanRow]
    units: list[UnitRow]
    months: list[MonthBar]
    total: Tally = field(default_factory=Tally)
    computed_at: dt.datetime | None = None

    @property
    def month_max(self) -> int:
        return max((m.count for m in self.months), default=0)


def plan_rows() -> list[PlanRow]:
    """Every plan, with the tallies of its top-level tasks (plans without tasks show zeros)."""
    rows = {
        p["pk"]: PlanRow(plan_id=p["pk"], title=p["title"], year=p["year"], doc_number=p["doc_number"])
        for p in Plan.objects.order_by("-year", "title").values("pk", "title", "year", "doc_number")
    }
    # One row per (plan, status, flag): a few dozen rows whatever the number of tasks. COUNT(*), not
    # COUNT(id): then task_top_plan_status_flag_idx alone answers it (an index-only scan).
    groups = (
        Task.objects.top_level()
        .values_list("plan_id", "status", "flag")
        .annotate(n=Count("*"))
        .order_by()
    )
    for plan_id, status, flag, n in groups:
        _fold(rows[plan_id], status, flag, n)
    return list(rows.values())


def unit_rows(*, plan_id: int | None = None) -> list[UnitRow]:
    """Units with at least one top-level task (in the plan, if given), ranked."""
    # From the assignments alone, through their copy of the task's plan, level, status and flag
    # (Assignment.task_*, kept by TaskQuerySet.refresh_copies): an index-only scan of
    # assignment_tally_idx, where joining 300,000 assignments to their tasks took a quarter second.
    assignments = Assignment.objects.filter(task_top_level=True)
    if plan_id:
        assignments = assignments.filter(task_plan_id=plan_id)
    # Grouped by (unit, role, status, flag): at most units × 2 × 4 × 3 rows. Plain COUNT(*) over
    # four keys is markedly cheaper on 300,000+ assignments than nine COUNT(…) FILTER columns.
    groups = assignments.values_list("unit_id", "role", "task_status", "task_flag").annotate(n=Count("*")).order_by()
    rows: dict[int, UnitRow] = {}
    for unit_id, role, status, flag, n in groups:
        row = rows.setdefault(unit_id, UnitRow(unit_id=unit_id))
        _fold(row, status, flag, n)
        if role == AssignmentRole.LEAD:
            row.lead += n
        else:
            row.responsible += n
    for unit_id, name in Unit.objects.filter(pk__in=rows).values_list("pk", "name"):
        rows[unit_id].name = name
    return rank(list(rows.values()))


def rank(rows: list[UnitRow]) -> list[UnitRow]:
    """On-time rate first, then completion rate; units with nothing closed yet come last.
    Equal keys share a rank (1, 2, 2, 4)."""

    def key(r: UnitRow):
        return (r.on_time_rate is None, -(r.on_time_rate or 0), -(r.completion_rate or 0))

    rows.sort(key=lambda r: (*key(r), r.name))
    previous = None
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            row.rank = position
            previous = key(row)
        else:
            row.rank = rows[position - 2].rank
    return rows


def _month_start(day: dt.date, shift: int = 0) -> dt.date:
    return dates.add_months(dates.month_start(day), shift)


def _as_date(value) -> dt.date:
    """GREATEST(DATE_TRUNC(…)) comes back as a datetime on PostgreSQL and a string on SQLite."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def overdue_by_month(*, as_of: dt.date, plan_id: int | None = None) -> list[MonthBar]:
    """Overdue top-level tasks by the month their overdue milestone fell due, the last 12 months;
    older ones are folded into the first bar. A task late on milestones of two months counts in both."""
    first = _month_start(as_of, -(MONTHS_SHOWN - 1))
    milestones = Milestone.objects.overdue(as_of).filter(task__parent__isnull=True, task__flag=TaskFlag.OVERDUE)
    if plan_id:
        milestones = milestones.filter(task__plan_id=plan_id)
    counted = dict(
        milestones.annotate(
            bucket=Greatest(TruncMonth("due_on"), Value(first), output_field=DateField())
        )
        .values("bucket")
        .annotate(n=Count("task", distinct=True))
        .values_list("bucket", "n")
        .order_by()
    )
    counted = {_as_date(b): n for b, n in counted.items()}
    bars = []
    for i in range(MONTHS_SHOWN):
        month = _month_start(first, i)
        end = _month_start(month, 1) - dt.timedelta(days=1)
        bars.append(
            MonthBar(
                month=month,
                count=counted.get(month, 0),
                label=f"{month.month}月及以前" if i == 0 else f"{month.month}月",
                due_after=month if i else None,
                due_before=min(end, as_of - dt.timedelta(days=1)),
            )
        )
    return bars


def build(*, as_of: dt.date, plan_id: int | None = None) -> Dashboard:
    """Everything the page shows, in five queries whatever the number of plans, units or tasks."""
    plans = plan_rows()
    selected = next((p for p in plans if p.plan_id == plan_id), None)
    total = Tally()
    for p in [selected] if selected else plans:
        total.add(p)
    scope = selected.plan_id if selected else None
    board = Dashboard(
        as_of=as_of,
        plan=selected,
        plans=plans,
        units=unit_rows(plan_id=scope),
        months=overdue_by_month(as_of=as_of, plan_id=scope),
        total=total,
        computed_at=timezone.now(),
    )
    _link(board, scope)
    _layout(board.months)
    return board


# --- an optional short-lived cache ----------------------------------------------------------------
# Counting is cheap since the assignments carry their task's state (about 0.1 s at 100,000 tasks), so
# by default every view counts afresh (DASHBOARD_CACHE_SECONDS = 0) and always shows the newest
# figures. A deployment whose CACHES is shared by all web processes may keep boards for a while:
# saving or deleting a task, an assignment or a milestone drops them at once; set-based writes (the
# daily flag scan, the data generator) call `invalidate()`.
VERSION_KEY = "dashboard:version"


def cache_seconds() -> int:
    return settings.DASHBOARD_CACHE_SECONDS


def invalidate(**_signal_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value makes old keys unreachable
        cache.set(VERSION_KEY, time.time_ns(), None)


def build_cached(*, as_of: dt.date, plan_id: int | None = None) -> Dashboard:
    seconds = cache_seconds()
    if not seconds:
        return build(as_of=as_of, plan_id=plan_id)
    key = f"dashboard:{cache.get(VERSION_KEY, 0)}:{as_of.isoformat()}:{plan_id or 0}"
    board = cache.get(key)
    if board is None:
        board = build(as_of=as_of, plan_id=plan_id)
        cache.set(key, board, seconds)
    return board


for _model in (Task, Assignment, Milestone):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"dashboard-save-{_model.__name__}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"dashboard-delete-{_model.__name__}")


CHART_SLOT, CHART_TOP, CHART_BASE = 50, 24, 180  # px in the SVG's viewBox (600 × 210)


def _layout(bars: list[MonthBar]) -> None:
    tallest = max((b.count for b in bars), default=0) or 1
    for i, bar in enumerate(bars):
        bar.height = round((CHART_BASE - CHART_TOP) * bar.count / tallest)
        bar.x = i * CHART_SLOT
        bar.y = CHART_BASE - bar.height


def _link(board: Dashboard, scope: int | None) -> None:
    base = task_list_base()
    for row in board.plans:
        row.links = figure_links(base, plan_id=row.plan_id)
    board.total.links = figure_links(base, plan_id=scope)
    for row in board.units:
        row.links = figure_links(base, plan_id=scope, unit_id=row.unit_id)
    for bar in board.months:
        bar.url = task_list_url(
            base, plan=scope, level="top", warning=WarningLevel.RED, due_after=bar.due_after,
            due_before=bar.due_before,
        )


# --- links into the task list (tasks/filters.py TaskFilter's parameter names) ----------------------

def task_list_base() -> str:
    try:
        return reverse("tasks:list")
    except NoReverseMatch:  # the list page is not wired yet: its prefix is fixed in reformtracker/urls.py
        return "/tasks/"


def task_list_url(base: str, **params) -> str:
    """The task list filtered by `params`; empty values are left out."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


# What each figure means as TaskFilter parameters. "overdue" is warning=red: open *and* flagged
# overdue, exactly the dashboard's definition (flag=overdue alone would include stale closed tasks).
FIGURE_FILTERS = {
    "assigned": {},
    "done": {"status": TaskStatus.DONE},
    "done_late": {"status": TaskStatus.DONE_LATE},
    "in_progress": {"status": TaskStatus.IN_PROGRESS},
    "not_started": {"status": TaskStatus.NOT_STARTED},
    "overdue": {"warning": WarningLevel.RED},
    "due_soon": {"flag": TaskFlag.DUE_SOON},
    "lead": {"role": AssignmentRole.LEAD},
    "responsible": {"role": AssignmentRole.RESPONSIBLE},
}


def figure_links(base: str, *, plan_id: int | None = None, unit_id: int | None = None) -> dict[str, str]:
    return {
        figure: task_list_url(base, plan=plan_id, unit=unit_id, level="top", **params)
        for figure, params in FIGURE_FILTERS.items()
    }

