"""Tables of tasks; every row carries its 三色预警 as a row class and a badge."""

from __future__ import annotations

from functools import cached_property

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRows

from deadlines.models import Milestone
from departments.models import Unit
from tasks.models import Assignment, AssignmentRole, ConfirmState, TaskFlag, TaskStatus

# Long texts the table never shows: a plan's source_text is the whole imported document.
NOT_SHOWN = ("text", "target", "reopen_reason", "plan__source_text")


def with_list_columns(queryset):
    """What the task table shows, fetched in a fixed number of queries whatever the page size.

    Every annotation is a correlated subquery, not an aggregate over a join: an aggregate
    (MIN over milestones) forces a GROUP BY over every matching task before ORDER BY … LIMIT
    and before the paginator's COUNT — seconds at 100,000 tasks — whereas a subquery runs
    only for the rows of the page (and COUNT leaves it out)."""
    lead = Assignment.objects.filter(task=OuterRef(OuterRef("pk")), role=AssignmentRole.LEAD).order_by("order", "pk")
    # the unit by primary key from the first lead's unit_id: a join inside the subquery made PostgreSQL
    # hash all units once per task, seconds when the list is sorted by this column
    lead_name = Unit.objects.filter(pk=Subquery(lead.values("unit_id")[:1])).order_by()
    next_due = Milestone.objects.filter(task=OuterRef("pk"), done_on__isnull=True).order_by("due_on")
    return (
        queryset.select_related("plan", "section")
        .defer(*NOT_SHOWN)
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("order"))
        )
        .annotate(
            next_due=Subquery(next_due.values("due_on")[:1]),
            lead_name=Subquery(lead_name.values("name")),
            warning_rank=Case(
                When(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE], then=Value(0)),
                When(flag=TaskFlag.OVERDUE, then=Value(3)),
                When(progress_missing=True, then=Value(2)),
                When(flag=TaskFlag.DUE_SOON, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
    )


def warning_badge(task) -> str:
    level = task.warning_level
    if not level:
        return ""
    short = {"red": "红", "yellow": "黄", "blue": "蓝"}[level]
    return format_html(
        '<span class="badge badge-{}" title="{}">{}</span>', level, task.get_warning_level_display(), short
    )


def row_class(record) -> str:
    level = record.warning_level
    return f"warn-{level}" if level else ""


CONFIRM_BADGE = {
    ConfirmState.PENDING: "text-bg-secondary",
    ConfirmState.CONFIRMED: "text-bg-success",
    ConfirmState.DISPUTED: "text-bg-warning",
}


# On a phone the table keeps warning, title, units, status and due date.
WIDE_ONLY = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class TaskTable(tables.Table):
    warning = tables.Column(
        verbose_name="预警", accessor="warning_rank", order_by=("-warning_rank",), empty_values=(), attrs=NOWRAP
    )
    number = tables.Column(verbose_name="编号", order_by=("plan", "order"), attrs=NOWRAP)
    title = tables.Column(verbose_name="任务名称", linkify=True, attrs={"td": {"class": "text-break"}})
    plan = tables.Column(
        verbose_name="计划", accessor="plan__title", order_by=("plan__year", "plan__title"), attrs=WIDE_ONLY
    )
    section = tables.Column(verbose_name="章节", accessor="section__title", visible=False)
    units = tables.Column(verbose_name="牵头/责任单位", accessor="lead_name", order_by=("lead_name",), empty_values=())
    status = tables.Column(verbose_name="状态", attrs=NOWRAP)
    flag = tables.Column(verbose_name="时限", empty_values=(), attrs=WIDE_ONLY)
    next_due = tables.DateColumn(verbose_name="最近截止", format="Y-m-d", attrs=NOWRAP)
    percent = tables.Column(verbose_name="进度", attrs={"td": {"class": "text-end d-none d-md-table-cell"},
                                                       "th": {"class": "d-none d-md-table-cell"}})
    updated_at = tables.DateTimeColumn(verbose_name="更新时间", format="Y-m-d H:i", visible=False)

    class Meta:
        sequence = (
            "warning", "number", "title", "plan", "section", "units", "status",
            "flag", "next_due", "percent", "updated_at",
        )
        order_by = ("plan", "order")
        row_attrs = {"class": row_class, "data-task": lambda record: record.pk}
        attrs = {"class": "table table-sm table-hover align-middle task-table"}
        empty_text = "没有符合条件的任务"

    def order_plan(self, queryset, is_descending):
        """Plan (year, title), then document order; the task id breaks ties so pages never overlap.
        PlanOrderPaginator walks the same order plan by plan."""
        keys = [*PLAN_KEYS, *TASK_KEYS]
        return queryset.order_by(*(f"-{k}" if is_descending else k for k in keys)), True

    def render_warning(self, record):
        return warning_badge(record)

    def render_units(self, record):
        parts = []
        for a in record.assignments.all():
            css = "fw-semibold" if a.role == AssignmentRole.LEAD else ""
            mark = {"pending": "○", "confirmed": "✓", "disputed": "!"}[a.state]
            parts.append((css, a.get_state_display(), mark, a.unit.name))
        if not parts:
            return mark_safe('<span class="text-muted">未分配</span>')
        return format_html_join(
            "、", '<span class="{}" title="{}">{}{}</span>', parts
        )

    def render_flag(self, record):
        if record.is_closed or not record.flag:
            return "—"
        css = "badge-red" if record.flag == TaskFlag.OVERDUE else "badge-blue"
        return format_html('<span class="badge {}">{}</span>', css, record.get_flag_display())

    def render_percent(self, value):
        return f"{value}%"



PLAN_KEYS = ("plan__year", "plan__title")  # (title, year) is unique: no ties between plans
TASK_KEYS = ("order", "pk")


class PlanOrderPaginator(Paginator):
    """Pages of the task table in its default order (by plan) without sorting every task.

    ORDER BY plan.year, plan.title … LIMIT 25 makes PostgreSQL join and sort all 100,000 tasks
    for every page (hundreds of ms): the order lives in another table, so no index can serve it.
    But plans are few: one grouped COUNT gives each plan's share of the filtered rows (and the
    total), the page's offsets then name the one or two plans it falls in, and each plan's slice
    is read through the (plan, order) index. A fixed number of queries whatever the page size:
    the count and the rows when the page lies in one plan; else at most three id slices (first
    plan, whole plans between, last plan) before the rows."""

    def __init__(self, object_list: BoundRows, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = object_list
        self.queryset = object_list.data.data  # the filtered, annotated queryset behind the table
        # The table is ordered before it is paginated; any other column's order is sorted in SQL.
        order = tuple(object_list.table.order_by or ())
        self.by_plan = order in (("plan",), ("-plan",))
        self.descending = self.by_plan and order[0].is_descending

    @cached_property
    def plans(self) -> list[tuple[int, int]]:
        """(plan id, number of rows) in the table's order."""
        # ordered by the database, so titles follow its collation exactly as ORDER BY would
        groups = self.queryset.values_list("plan_id").annotate(n=Count("pk")).order_by(*PLAN_KEYS)
        return list(reversed(groups)) if self.descending else list(groups)

    @cached_property
    def count(self) -> int:
        if not self.by_plan:
            return super().count
        return sum(n for _, n in self.plans)

    def page(self, number):
        if not self.by_plan:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = BoundRows(self._records(bottom, top), table=self.rows.table, pinned_data=self.rows.pinned_data)
        return self._get_page(rows, number, self)

    def _records(self, bottom: int, top: int) -> list:
        spans, offset = [], 0
        for plan_id, n in self.plans:
            lo, hi = max(bottom - offset, 0), min(top - offset, n)
            if lo < hi:
                spans.append((plan_id, lo, hi, hi - lo == n))
            offset += n
        within = [f"-{k}" if self.descending else k for k in TASK_KEYS]
        if len(spans) == 1:  # the usual page, inside one plan: read it at once
            plan_id, lo, hi, _ = spans[0]
            return list(self.queryset.filter(plan_id=plan_id).order_by(*within)[lo:hi])
        ids_of = self.queryset.order_by(*within).values_list("pk", flat=True)
        ids: list[int] = []
        whole = [plan_id for plan_id, _, _, complete in spans[1:-1] if complete]
        for position, (plan_id, lo, hi, complete) in enumerate(spans):
            if 0 < position < len(spans) - 1 and complete:
                if plan_id == whole[0]:  # every plan strictly inside the page: one query
                    rank = {p: i for i, p in enumerate(whole)}
                    rows = self.queryset.filter(plan_id__in=whole).values_list("plan_id", *TASK_KEYS)
                    sign = -1 if self.descending else 1
                    keyed = sorted(rows, key=lambda r: (rank[r[0]], sign * r[1], sign * r[2]))
                    ids += [pk for _, _, pk in keyed]
                continue
            ids += ids_of.filter(plan_id=plan_id)[lo:hi]
        by_id = {task.pk: task for task in self.queryset.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids]
