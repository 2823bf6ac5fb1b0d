"""Tables of tasks; every row carries its 三色预警 as a row class and a badge."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Prefetch, Value, When
from django.db.models.sql.where import WhereNode
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRows

from departments.models import Unit
from reformtracker import dataversion
from reformtracker.tables import DateColumn, DateTimeColumn
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentRole,
    ConfirmState,
    Plan,
    TaskFlag,
    TaskPace,
    WarningLevel,
)

# Long texts the table never shows.
NOT_SHOWN = ("text", "target", "reopen_reason")


# the prefetch of a task's assignments that with_list_columns sets up and GroupOrderPaginator drops
# for list_units
UNITS_PREFETCH = "assignments"


def with_list_columns(queryset):
    """What the task table shows, fetched in a fixed number of queries whatever the page size.

    最近截止 and the lead unit are columns of the task itself (Task.next_due, Task.lead_unit, kept by
    TaskQuerySet.refresh_copies), so sorting 100,000 tasks by them reads an index instead of
    running a subquery for every row."""
    return (
        queryset.select_related("plan", "section", "lead_unit")
        .defer(*NOT_SHOWN)
        .prefetch_related(
            Prefetch(UNITS_PREFETCH, queryset=Assignment.objects.select_related("unit").order_by("order"))
        )
        .annotate(warning_rank=urgency_rank())
    )


def _without_units_prefetch(queryset):
    """`queryset` without with_list_columns' prefetch of the assignments, and whether it had it."""
    lookups = queryset._prefetch_related_lookups
    kept = [lookup for lookup in lookups if getattr(lookup, "prefetch_to", lookup) != UNITS_PREFETCH]
    if len(kept) == len(lookups):
        return queryset, False
    return queryset.prefetch_related(None).prefetch_related(*kept), True


def list_units(tasks: list) -> None:
    """The 牵头/责任单位 column of a page of tasks, (role, state, unit name) in the document's order,
    as `task.listed_units`: one query of values. Prefetched, a page's assignments and their units were
    two model instances each, built through the prefetch machinery: at 20 rows, 7 ms of the 12 ms it
    took to read the page (GroupOrderPaginator reads them this way; TaskTable.render_units reads
    either)."""
    by_task: dict[int, list[tuple[str, str, str]]] = {task.pk: [] for task in tasks}
    if by_task:
        rows = (Assignment.objects.filter(task_id__in=list(by_task)).order_by("task_id", "order", "pk")
                .values_list("task_id", "role", "state", "unit__name"))
        for task_id, role, state, name in rows:
            by_task[task_id].append((role, state, name))
    for task in tasks:
        task.listed_units = by_task[task.pk]


def urgency_rank() -> Case:
    """The task list's default order, as SQL (a twin of Task.warning_level): 红 overdue 4, 黄 progress
    report missing 3, 蓝 due soon 2, 绿 open without a warning 1, done 0 — read from the stored flags,
    so sorting by it costs no join. On PostgreSQL task_urgency_idx (migration 0015) holds exactly this
    CASE DESC, next_due NULLS LAST, id: a page of the default order is an index scan + LIMIT, not a
    sort of every task. Change the CASE and that index together (tests/tasks/test_copies.py checks)."""
    return Case(
        When(status__in=CLOSED, then=Value(0)),
        When(flag=TaskFlag.OVERDUE, then=Value(4)),
        When(progress_missing=True, then=Value(3)),
        When(flag=TaskFlag.DUE_SOON, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


# The badges are the same few strings on every row: made once, looked up per row.
WARNING_BADGES = {
    level: format_html('<span class="badge badge-{}" title="{}">{}</span>', level, label, short)
    for (level, label), short in zip(
        [(w, WarningLevel(w).label) for w in (WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.BLUE)],
        ("红", "黄", "蓝"), strict=True,
    )
}
FLAG_BADGES = {
    flag: format_html('<span class="badge {}">{}</span>', css, TaskFlag(flag).label)
    for flag, css in ((TaskFlag.OVERDUE, "badge-red"), (TaskFlag.DUE_SOON, "badge-blue"))
}
PACE_CSS = {TaskPace.BEHIND: "text-danger fw-semibold", TaskPace.AHEAD: "text-success"}
PACE_SPANS = {
    pace: format_html('<span class="{}">{}</span>', PACE_CSS.get(pace, ""), label)
    for pace, label in TaskPace.choices if pace
}


def warning_badge(task) -> str:
    level = task.warning_level
    if not level:
        return ""
    return WARNING_BADGES[level]


def row_class(record) -> str:
    level = record.warning_level
    return f"warn-{level}" if level else ""


CONFIRM_BADGE = {
    ConfirmState.PENDING: "text-bg-secondary",
    ConfirmState.CONFIRMED: "text-bg-success",
    ConfirmState.DISPUTED: "text-bg-warning",
}


# 牵头/责任单位: a unit's opening tag by (lead?, state) — bold for the lead unit, the state as a mark
# and a tooltip; only the unit's name differs from row to row
UNIT_MARK = {
    (lead, state): format_html(
        '<span class="{}" title="{}">{}', "fw-semibold" if lead else "", label,
        {ConfirmState.PENDING: "○", ConfirmState.CONFIRMED: "✓", ConfirmState.DISPUTED: "!"}[state],
    )
    for lead in (True, False) for state, label in ConfirmState.choices
}

# On a phone the table keeps warning, title, units, status and due date.
WIDE_ONLY = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class TaskTable(tables.Table):
    # 批量催办: the office's task list shows it (TaskListView); the boxes belong to the form
    # id="batch-urge" outside the table (the filter form wraps nothing, forms cannot nest)
    select = tables.Column(
        verbose_name="选择", accessor="pk", orderable=False, empty_values=(), visible=False,
        attrs={"td": {"class": "select-cell"}, "th": {"class": "select-cell"}},
    )
    warning = tables.Column(verbose_name="预警", accessor="warning_rank", empty_values=(), attrs=NOWRAP)
    number = tables.Column(verbose_name="编号", order_by=("plan", "order"), attrs=NOWRAP)
    title = tables.Column(verbose_name="任务名称", linkify=True, attrs={"td": {"class": "text-break"}})
    plan = tables.Column(
        verbose_name="计划", accessor="plan__title", order_by=("plan__year", "plan__title"), attrs=WIDE_ONLY
    )
    section = tables.Column(verbose_name="章节", accessor="section__title", visible=False)
    units = tables.Column(verbose_name="牵头/责任单位", accessor="lead_unit__name", empty_values=())
    status = tables.Column(verbose_name="状态", attrs=NOWRAP)
    flag = tables.Column(verbose_name="时限", empty_values=(), attrs=WIDE_ONLY)
    next_due = DateColumn(verbose_name="最近截止", format="Y-m-d", attrs=NOWRAP)
    pace = tables.Column(verbose_name="序时进度", empty_values=(), attrs=WIDE_ONLY)
    percent = tables.Column(verbose_name="进度", attrs={"td": {"class": "text-end d-none d-md-table-cell"},
                                                       "th": {"class": "d-none d-md-table-cell"}})
    updated_at = DateTimeColumn(verbose_name="更新时间", format="Y-m-d H:i", visible=False)

    class Meta:
        sequence = (
            "select", "warning", "number", "title", "plan", "section", "units", "status",
            "flag", "next_due", "pace", "percent", "updated_at",
        )
        order_by = ("warning",)  # the most urgent first
        row_attrs = {"class": row_class, "data-task": lambda record: record.pk}
        attrs = {"class": "table table-sm table-hover align-middle task-table"}
        empty_text = "没有符合条件的任务"

    def order_warning(self, queryset, is_descending):
        """By urgency: 红 → 黄 → 蓝 → 绿, then done (descending: the reverse); inside a colour the nearest
        due date first, tasks without an open milestone last, then the task id, so pages never overlap."""
        rank = F("warning_rank").asc() if is_descending else F("warning_rank").desc()
        return queryset.order_by(rank, F("next_due").asc(nulls_last=True), "pk"), True

    def order_plan(self, queryset, is_descending):
        """Plan (year, title), then document order; the task id breaks ties so pages never overlap.
        GroupOrderPaginator walks the same order plan by plan."""
        return queryset.order_by(*GROUP_ORDERS["plan"].sql_order(is_descending)), True

    def order_units(self, queryset, is_descending):
        """By the first lead unit's name, tasks without a lead unit after the others; the task id
        breaks ties. GroupOrderPaginator walks the same order unit by unit."""
        return queryset.order_by(*GROUP_ORDERS["units"].sql_order(is_descending)), True

    def order_next_due(self, queryset, is_descending):
        """Nearest open due date first (descending: latest first), tasks without an open milestone after
        the others either way. The task id breaks ties, so an index on (next_due, id) serves each order."""
        return _ordered(queryset, "next_due", is_descending), True

    def render_select(self, record):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="tasks" value="{}" form="batch-urge" '
            'aria-label="选择任务 {}">', record.pk, record.number or record.pk
        )

    def render_warning(self, record):
        return warning_badge(record)

    def render_units(self, record):
        units = getattr(record, "listed_units", None)  # (list_units)
        if units is None:
            units = [(a.role, a.state, a.unit.name) for a in record.assignments.all()]
        spans = [f"{UNIT_MARK[role == AssignmentRole.LEAD, state]}{escape(name)}</span>" for role, state, name in units]
        if not spans:
            return mark_safe('<span class="text-muted">未分配</span>')
        return mark_safe("、".join(spans))  # noqa: S308 — the marks are format_html, the names escaped

    def render_flag(self, record):
        if record.is_closed or not record.flag:
            return "—"
        if badge := FLAG_BADGES.get(record.flag):
            return badge
        return format_html('<span class="badge badge-blue">{}</span>', record.get_flag_display())

    def render_pace(self, record):
        if not record.pace:
            return "—"
        if span := PACE_SPANS.get(record.pace):
            return span
        return format_html('<span class="">{}</span>', record.get_pace_display())

    def render_percent(self, value):
        return f"{value}%"



def _ordered(queryset, key: str, descending: bool):
    """`key` with empty values last in both directions (a task with no open milestone is never the
    "latest due"), then the id. PostgreSQL reads each order from its own index: task_next_due_idx
    ascending, task_next_due_desc_idx descending. The same on SQLite, where NULL sorts first by default."""
    if descending:
        return queryset.order_by(F(key).desc(nulls_last=True), "-pk")
    return queryset.order_by(F(key).asc(nulls_last=True), "pk")


def _kept_count(queryset, what: str, compute):
    """A count over the filtered tasks, kept under reformtracker.dataversion's number (any write to
    the tasks, assignments, plans or milestones moves it): counting 100,000 tasks for every page
    view is the one cost of the list that grows with the tasks. Keyed by the query's SQL, which
    names the filters, the user's units and today's date where a filter reads it."""
    try:
        sql = str(queryset.order_by().query)
    except EmptyResultSet:
        return compute()
    key = f"task-list-{what}:{hashlib.sha256(sql.encode()).hexdigest()}"
    return dataversion.cached(key, settings.COUNT_CACHE_SECONDS, compute)


@dataclass(frozen=True)
class GroupOrder:
    """A sort order of the task table whose first key lives in a small table (plans, units):
    tasks are grouped by `field`, groups follow `keys` of `model` (tasks whose `field` is empty come
    after the others), and inside a group tasks follow `within`, which an index on (field, within)
    serves. Descending is the exact reverse."""

    field: str
    model: type[models.Model]
    keys: tuple[str, ...]
    within: tuple[str, ...]

    def sql_order(self, descending: bool) -> list:
        """The same order as one ORDER BY (the table sorts by it; the paginator reads it group by group)."""
        related = self.field.removesuffix("_id")
        keys = [F(f"{related}__{k}") for k in self.keys] + [F(k) for k in self.within]
        return [k.desc(nulls_first=True) if descending else k.asc(nulls_last=True) for k in keys]


GROUP_ORDERS = {
    "plan": GroupOrder("plan_id", Plan, ("year", "title"), ("order", "pk")),  # (title, year) is unique
    "units": GroupOrder("lead_unit_id", Unit, ("name",), ("pk",)),  # Unit.name is unique
}


def _with_id_last(queryset):
    """`queryset` with the id as its last sort key, if its order has another last key: tasks that tie
    on a column (the same 进度, status or date) come back from PostgreSQL in any order, and in a
    different one for each LIMIT/OFFSET, so pages sorted by that column overlapped and skipped rows."""
    order = queryset.query.order_by
    if order and not (isinstance(order[-1], str) and order[-1].lstrip("-") in ("pk", "id")):
        return queryset.order_by(*order, "pk")
    return queryset


def page_rows(queryset, bottom: int, top: int) -> list:
    """Rows `bottom` to `top` of `queryset` in its order, read in two steps: their ids first, sorted
    through the sort keys alone, then the rows (with their joins and prefetches) by id. Asked for
    whole rows, PostgreSQL joins plans, sections and units to every row that passes the filter before
    it sorts: a unit's 1,800 overdue tasks read from the heap pages of all 15,000 overdue tasks, then
    joined, to show 20 (40 ms at 100,000 tasks). The ids alone sort from an index (task_urgency_idx,
    task_open_flag_idx, task_sort_keys_idx, assignment_unit_waiting_idx), and only the page's rows
    are joined."""
    ids = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
    by_id = by_ids(queryset).in_bulk(ids) if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]  # (a row deleted in between is left out)


def by_ids(queryset):
    """`queryset` (its columns, joins, annotations and prefetches) to read rows whose ids it just
    gave: without its filters when they are on the row's own columns and subqueries (no join of
    theirs), so the rows are read by their primary keys alone. Kept, the filters were evaluated for
    the page's 20 ids too — 我的任务's `id IN (the unit's overdue assignments)` hashed all 1,800 of
    them again for 20 rows (3 ms a table at 100,000 tasks). A row that changed in between is shown
    as it is now rather than left out."""
    rows = queryset.order_by()
    if len(rows.query.alias_map) == 1 and not rows.query.distinct and not rows.query.combinator:
        rows.query.where = WhereNode()
    return rows


class GroupOrderPaginator(Paginator):
    """Pages of the task table sorted by plan (the default) or by lead unit without sorting every task.

    ORDER BY plan.year, plan.title … LIMIT 25 makes PostgreSQL join and sort all 100,000 tasks
    for every page (hundreds of ms): the order lives in another table, so no index can serve it.
    But plans and units are few: one grouped COUNT gives each group's share of the filtered rows
    (and the total), a tiny query puts the groups in order, the page's offsets then name the one
    or two groups it falls in, and each group's slice is read through an index. A fixed number of
    queries whatever the page size: the count, the groups and the rows when the page lies in one
    group; else at most three id slices (first group, whole groups between, last group) before the
    rows. Any other sort order is sorted in SQL, its page read ids first (page_rows)."""

    def __init__(self, object_list: BoundRows, per_page, count: int | None = None, **kwargs):
        """`count`: the number of rows when the page already knows it (我的任务's tally), not counted again."""
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's value
        self.rows = object_list
        # the filtered, annotated queryset behind the table; the page's units read by list_units
        self.queryset, self.lists_units = _without_units_prefetch(object_list.data.data)
        # The table is ordered before it is paginated; the first column decides.
        order = tuple(object_list.table.order_by or ())
        self.grouping = GROUP_ORDERS.get(order[0].bare) if len(order) == 1 else None
        self.descending = self.grouping is not None and order[0].is_descending
        if self.grouping is None:
            self.queryset = _with_id_last(self.queryset)

    @cached_property
    def groups(self) -> list[tuple[int | None, int]]:
        """(group id, number of rows) in the table's order."""
        return _kept_count(self.queryset, "groups", self._groups)

    def _groups(self) -> list[tuple[int | None, int]]:
        g = self.grouping
        # grouped by the task's own column alone (an index-only scan), the group's order looked up apart
        counts = dict(self.queryset.order_by().values_list(g.field).annotate(n=Count("*")))
        ordered = g.model.objects.filter(pk__in=[k for k in counts if k is not None]).order_by(*g.keys)
        groups = [(pk, counts[pk]) for pk in ordered.values_list("pk", flat=True)]
        if None in counts:
            groups.append((None, counts[None]))
        return groups[::-1] if self.descending else groups

    @cached_property
    def count(self) -> int:
        if self.grouping is None:
            return _kept_count(self.queryset, "count", lambda: super(GroupOrderPaginator, self).count)
        return sum(n for _, n in self.groups)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        records = self._records(bottom, top) if self.grouping else page_rows(self.queryset, bottom, top)
        if self.lists_units:
            list_units(records)
        rows = BoundRows(records, table=self.rows.table, pinned_data=self.rows.pinned_data)
        return self._get_page(rows, number, self)

    def _in_group(self, group_id):
        return self.queryset.filter(**{self.grouping.field: group_id})

    def _records(self, bottom: int, top: int) -> list:
        spans, offset = [], 0
        for group_id, n in self.groups:
            lo, hi = max(bottom - offset, 0), min(top - offset, n)
            if lo < hi:
                spans.append((group_id, lo, hi, hi - lo == n))
            offset += n
        within_keys = self.grouping.within
        within = [f"-{k}" if self.descending else k for k in within_keys]
        if len(spans) == 1:  # the usual page, inside one group: read it at once
            group_id, lo, hi, _ = spans[0]
            return list(self._in_group(group_id).order_by(*within)[lo:hi])
        ids: list[int] = []
        whole = [group_id for group_id, _, _, complete in spans[1:-1] if complete]
        for position, (group_id, lo, hi, complete) in enumerate(spans):
            if 0 < position < len(spans) - 1 and complete:
                if group_id == whole[0]:  # every group strictly inside the page: one query
                    ids += self._whole_groups(whole, within_keys)
                continue
            ids += self._in_group(group_id).order_by(*within).values_list("pk", flat=True)[lo:hi]
        by_id = by_ids(self.queryset).in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def _whole_groups(self, whole: list, within_keys: tuple[str, ...]) -> list[int]:
        field = self.grouping.field
        # only the last group can be the empty one, and only ascending; it never sits strictly inside
        rows = self.queryset.filter(**{f"{field}__in": whole}).values_list(field, *within_keys)
        rank = {g: i for i, g in enumerate(whole)}
        sign = -1 if self.descending else 1
        keyed = sorted(rows, key=lambda r: (rank[r[0]], *(sign * v for v in r[1:])))
        return [r[-1] for r in keyed]
