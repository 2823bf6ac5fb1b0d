"""Tables of tasks; every row carries its 三色预警 as a row class and a badge."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Case, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from deadlines.models import Milestone
from tasks.models import Assignment, AssignmentRole, ConfirmState, TaskFlag, TaskStatus

# Long texts the table never shows: a plan's source_text is the whole imported document.
NOT_SHOWN = ("text", "target", "reopen_reason", "plan__source_text")


def with_list_columns(queryset):
    """What the task table shows, fetched in a fixed number of queries whatever the page size.

    Every annotation is a correlated subquery, not an aggregate over a join: an aggregate
    (MIN over milestones) forces a GROUP BY over every matching task before ORDER BY … LIMIT
    and before the paginator's COUNT — seconds at 100,000 tasks — whereas a subquery runs
    only for the rows of the page (and COUNT leaves it out)."""
    lead_name = Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.LEAD).order_by("order")
    next_due = Milestone.objects.filter(task=OuterRef("pk"), done_on__isnull=True).order_by("due_on")
    return (
        queryset.select_related("plan", "section")
        .defer(*NOT_SHOWN)
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("order"))
        )
        .annotate(
            next_due=Subquery(next_due.values("due_on")[:1]),
            lead_name=Subquery(lead_name.values("unit__name")[:1]),
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

