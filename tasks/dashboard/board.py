"""The supervisor dashboard: per plan, per unit (ranked), overdue by month; cache and links.

What each figure counts — top-level tasks, the status buckets, the rates, the ranking — is defined
in `tasks.figures`, which the monthly 督查通报 counts through too. Every figure comes from a COUNT
grouped in the database, folded into tallies in Python: the page costs the same handful of queries,
returning a few hundred rows at most, for 50 tasks or 100,000.

A task counts for a unit when the unit has an assignment on it (lead or responsible). (task, unit)
is unique (`assignment_one_per_task_unit`), so counting assignment rows counts distinct tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from deadlines import dates
from reformtracker import dataversion
from tasks import figures
from tasks.figures import PlanTally as PlanRow
from tasks.figures import Tally, rank
from tasks.figures import UnitTally as UnitRow
from tasks.models import AssignmentRole, Task, TaskFlag

__all__ = ["Dashboard", "MonthBar", "PlanRow", "Tally", "UnitRow", "build", "build_cached", "rank"]

MONTHS_SHOWN = 12


@dataclass
class MonthBar:
    label: str
    count: int
    due_after: dt.date | None  # the earliest overdue milestone's due date falls in [due_after, due_before]
    due_before: dt.date
    month: dt.date | None = None  # first day of the month; None for a year bar or the unknown bar
    url: str = ""
    title: str = ""
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
    scope: figures.Scope = field(default_factory=figures.Scope)
    scope_label: str = ""

    @property
    def month_max(self) -> int:
        return max((m.count for m in self.months), default=0)

    @property
    def month_total(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def tables(self):
        """(RankingTable, rows) for 部门, 镇街 and the units not ranked."""
        return figures.tables(self.units)

    @property
    def chart_width(self) -> int:
        return max(len(self.months), MONTHS_SHOWN) * CHART_SLOT


def plan_rows(plan_ids: list[int] | None = None) -> list[PlanRow]:
    """Every plan (of `plan_ids`), with the tallies of its top-level tasks (plans without tasks show
    zeros). 签收率 is left to the unit tally, which reads the same assignments anyway (one full scan fewer)."""
    return figures.plan_tallies(signing=False, plan_ids=plan_ids)


def unit_rows(*, plan_id: int | None = None, plan_ids: list[int] | None = None,
              level: str | None = None) -> list[UnitRow]:
    """Units with at least one top-level task (in the plan or plans, if given), in their ranking tables
    for plans of `level` (default: the plans' own), ranked."""
    if plan_id:
        plan_ids = [plan_id]
    return figures.unit_tallies(plan_ids=plan_ids, level=level)


def _month_start(day: dt.date, shift: int = 0) -> dt.date:
    return dates.add_months(dates.month_start(day), shift)


def _as_date(value) -> dt.date:
    """DATE_TRUNC comes back as a datetime on PostgreSQL and a string on SQLite."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def overdue_by_month(*, as_of: dt.date, plan_ids: list[int] | None = None) -> list[MonthBar]:
    """The tasks of the 逾期未完成 figure, each once, by the month of its earliest overdue milestone
    (its own or a sub-task's): a bar per month of the last 12, labelled 2025-11; before them a bar per
    year (a partial year labelled with its months); and, if the scan's flag is newer than the
    milestones (none overdue is found), a bar 待重新计算. The bars add up to the 逾期未完成 card."""
    first = _month_start(as_of, -(MONTHS_SHOWN - 1))
    tasks = Task.objects.top_level().filter(figures.bucket_q("overdue"))
    if plan_ids is not None:
        tasks = tasks.filter(plan_id__in=plan_ids)
    counted: dict[dt.date, int] = {}
    rows = (
        tasks.annotate(first_due=figures.first_overdue_due(as_of))
        .values(m=TruncMonth("first_due"))
        .annotate(n=Count("*"))
        .values_list("m", "n")
        .order_by()
    )
    for month, n in rows:
        key = _as_date(month)
        counted[key] = counted.get(key, 0) + n
    bars = []
    unknown = sum(n for m, n in counted.items() if m >= figures.NO_OVERDUE_MILESTONE.replace(day=1))
    older = {m: n for m, n in counted.items() if m < first}
    if older:
        for year in range(min(older).year, first.year + 1):
            if year == first.year and first.month == 1:
                break
            start = dt.date(year, 1, 1)
            end = min(dt.date(year, 12, 31), first - dt.timedelta(days=1))
            label = f"{year}" if end.month == 12 else f"{year}.1-{end.month}"
            n = sum(c for m, c in older.items() if start <= m <= end)
            bars.append(MonthBar(label=label, count=n, due_after=start, due_before=end,
                                 title=f"{year}年{'' if end.month == 12 else f'1–{end.month}月'}"))
    for i in range(MONTHS_SHOWN):
        month = _month_start(first, i)
        end = _month_start(month, 1) - dt.timedelta(days=1)
        bars.append(MonthBar(label=f"{month:%Y-%m}", count=counted.get(month, 0), due_after=month,
                             due_before=min(end, as_of - dt.timedelta(days=1)), month=month,
                             title=f"{month.year}年{month.month}月"))
    if unknown:
        bars.append(MonthBar(label="待重算", count=unknown, due_after=figures.NO_OVERDUE_MILESTONE,
                             due_before=figures.NO_OVERDUE_MILESTONE,
                             title="标记为逾期、但已找不到逾期节点（节点刚办结或改期，待次日时限扫描更新）"))
    return bars


def resolve_scope(plan_id: int | None = None, scope: figures.Scope | None = None) -> figures.Scope:
    """The scope asked for: `scope`, else the plan of `plan_id`, else the office's current plans."""
    if scope is not None:
        return scope
    return figures.Scope("plan", plan_id=plan_id) if plan_id else figures.Scope()


def build(*, as_of: dt.date, plan_id: int | None = None, scope: figures.Scope | None = None) -> Dashboard:
    """Everything the page shows for the plans in `scope` (default: the office's current plans, as
    the monthly 督查通报 counts them), in a handful of queries whatever the number of plans, units or tasks."""
    scope = resolve_scope(plan_id, scope)
    ids = scope.plan_ids(as_of)
    plans = plan_rows(ids)
    selected = next((p for p in plans if p.plan_id == scope.plan_id), None) if scope.kind == "plan" else None
    total = Tally()
    for p in plans:
        total.add(p)
    # the plans' level from the rows at hand, by the rule unit_tallies applies (figures.scope_level)
    units = unit_rows(plan_ids=ids, level=figures.level_of_issuers(p.issuer for p in plans))
    # every assignment in scope belongs to one unit row: their sum is the scope's 签收率
    for t in [total, selected] if selected else [total]:
        t.assignments = sum(u.assignments for u in units)
        t.confirmed = sum(u.confirmed for u in units)
    board = Dashboard(
        as_of=as_of,
        plan=selected,
        plans=plans,
        units=units,
        months=overdue_by_month(as_of=as_of, plan_ids=ids),
        total=total,
        computed_at=timezone.now(),
        scope=scope,
        scope_label=scope.label(as_of, plan=selected) if selected or scope.kind != "plan" else "所选计划",
    )
    _link(board, scope)
    _layout(board.months)
    return board


# --- the cache -------------------------------------------------------------------------------------
# A board is kept under reformtracker.dataversion's number, which every write to the tasks,
# assignments, plans, milestones or units moves — on PostgreSQL whatever wrote them (a form, the
# daily scan's set-based UPDATEs, an import, hand-made SQL), in every process. So a kept board is
# never older than the rows it counts, and DASHBOARD_CACHE_SECONDS (default: 300 in production, 0 in
# development) only bounds how long an unread board stays in memory. Every statement through
# Django's connection that writes those tables also moves the cache's part of the number once its
# transaction commits (dataversion.watch; the only part on SQLite).


def cache_seconds() -> int:
    return settings.DASHBOARD_CACHE_SECONDS


def invalidate() -> None:
    """After writes that bypass Django's cursor (the generator's psycopg execute_values)."""
    dataversion.bump()


def build_cached(*, as_of: dt.date, plan_id: int | None = None, scope: figures.Scope | None = None) -> Dashboard:
    scope = resolve_scope(plan_id, scope)
    return dataversion.cached(
        f"dashboard:{as_of.isoformat()}:{scope.key}", cache_seconds(),
        lambda: build(as_of=as_of, scope=scope),
    )


CHART_SLOT, CHART_TOP, CHART_BASE = 50, 24, 180  # px in the SVG's viewBox (600 × 210)


def _layout(bars: list[MonthBar]) -> None:
    tallest = max((b.count for b in bars), default=0) or 1
    for i, bar in enumerate(bars):
        bar.height = round((CHART_BASE - CHART_TOP) * bar.count / tallest)
        bar.x = i * CHART_SLOT
        bar.y = CHART_BASE - bar.height


def _link(board: Dashboard, scope: figures.Scope) -> None:
    """Links into the task list: a plan scope filters by plan; the others by scope (TaskFilter.scope)."""
    base = task_list_base()
    plan_id = scope.plan_id if scope.kind == "plan" else None
    key = None if plan_id else scope.key
    for row in board.plans:
        row.links = figure_links(base, plan_id=row.plan_id)
    board.total.links = figure_links(base, plan_id=plan_id, scope=key)
    for row in board.units:
        row.links = figure_links(base, plan_id=plan_id, unit_id=row.unit_id, scope=key)
    for bar in board.months:
        bar.url = task_list_url(
            base, plan=plan_id, scope=key, level="top", bucket="overdue", overdue_from=bar.due_after,
            overdue_to=bar.due_before,
        )


# --- links into the task list (tasks/workflow/filters.py TaskFilter's parameter names) ----------------------

def task_list_base() -> str:
    return reverse("tasks:list")


def task_list_url(base: str, **params) -> str:
    """The task list filtered by `params`; empty values are left out."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


# What each figure means as TaskFilter parameters: a status bucket is bucket=<key>, the same
# condition (figures.bucket_q) the tallies fold by, so every number links to a list of that length.
FIGURE_FILTERS = {
    "assigned": {},
    **{key: {"bucket": key} for key in figures.BUCKET_KEYS},
    "due_soon": {"flag": TaskFlag.DUE_SOON},
    "lead": {"role": AssignmentRole.LEAD},
    "responsible": {"role": AssignmentRole.RESPONSIBLE},
}


# each figure's own parameters, encoded once (they follow the row's own: plan, scope, unit, level)
FIGURE_QUERIES = {figure: urlencode(params) for figure, params in FIGURE_FILTERS.items()}


def figure_links(base: str, *, plan_id: int | None = None, unit_id: int | None = None,
                 scope: str | None = None) -> dict[str, str]:
    """Every figure's link for one row: task_list_url(base, plan=…, scope=…, unit=…, level="top",
    **FIGURE_FILTERS[figure]), the row's part encoded once."""
    row = task_list_url(base, plan=plan_id, scope=scope, unit=unit_id, level="top")
    return {figure: f"{row}&{query}" if query else row for figure, query in FIGURE_QUERIES.items()}

