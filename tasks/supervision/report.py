"""The monthly 督查通报's annex workbook: a pure builder from querysets to an openpyxl workbook.

Supervisors print it and hand it to leaders, so every sheet is laid out like an office
document: merged title row, the data-as-of line, frozen header, A4 landscape, the header
repeated on every printed page, 第 N 页 共 M 页 in the footer. It opens with one page of 汇总;
the lists have one row per task (its milestones listed in the row) under group headings by plan
and lead unit, with a worded status (红·逾期 …) that reads in black and white — the fill is only
a second cue, and the header has none.

Every figure — which plans and tasks count (`figures.Scope`), the status buckets, the rates, the
ranking — is counted by `tasks.figures`, as the dashboard counts it, and the 说明 sheet prints
`figures.definitions()`.

As of when (`report_context`): a past month at 24:00 of its last day (Asia/Shanghai) — a
milestone due on or before that day and not done by then is overdue, so a `9月底前` item that is
still open appears in September's 通报, which is what the office chases; the month not ended yet
as of today, and it says so; a month not begun is refused. 逾期天数 and 距截止天数 are
`Milestone.days_overdue` / `days_left` on the one as-of day (a past month: the 1st after it).

The layout helpers below (`style_header`, `setup_print`, fills, formats) are shared with
the task-breakdown export in `tasks.excel.breakdown`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO, Any
from weakref import WeakKeyDictionary

from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deadlines.dates import month_bounds, next_month
from deadlines.models import ExtensionRequest, Milestone
from reformtracker.xlsx import safe_value
from tasks import figures
from tasks.figures import WARNING_BY_LEVEL, pct
from tasks.importers.labels import strip_annotations
from tasks.models import (
    AssignmentRole,
    Plan,
    ProgressReport,
    ReviewState,
    Task,
    TaskPace,
    TaskStatus,
    Urging,
    WarningLevel,
    pace_case,
    progress_missing_case,
)

# --- shared layout --------------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# The only colours: they carry meaning (tasks.figures.WARNINGS: 红 逾期, 黄 未报进展, 蓝 临期), and
# print as distinguishable greys too.
RED_FILL = PatternFill("solid", fgColor=WARNING_BY_LEVEL[WarningLevel.RED].fill)  # overdue
AMBER_FILL = PatternFill("solid", fgColor=WARNING_BY_LEVEL[WarningLevel.YELLOW].fill)  # progress report missing
BLUE_FILL = PatternFill("solid", fgColor=WARNING_BY_LEVEL[WarningLevel.BLUE].fill)  # due soon
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # neutral grey: the breakdown export's header
TITLE_FONT = Font(name="黑体", size=16, bold=True)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=10, color="333333")
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
FOOTER_PAGES = "第 &P 页 共 &N 页"
HEADER_ROW = 3  # row 1 title, row 2 as-of line, row 3 the column headers


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text / center / int / date / datetime / percent


def setup_print(ws: Worksheet, columns: Sequence[Column], *, header_row: int = HEADER_ROW) -> None:
    """Column widths, frozen header, A4 landscape fitted to the page width, print titles,
    page numbers counted per sheet. Safe for write-only sheets when called before the first row."""
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.65
    ws.page_margins.footer = 0.25
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.firstPageNumber = 1  # each sheet numbers its own pages
    ws.page_setup.useFirstPageNumber = True
    ws.oddFooter.center.text = FOOTER_PAGES
    ws.evenFooter.center.text = FOOTER_PAGES


def style_body_cell(cell, col: Column) -> None:
    cell.font = BODY_FONT
    cell.border = BORDER
    cell.alignment = WRAP_CENTER if col.kind in ("center", "int", "date", "datetime", "percent") else WRAP
    if col.kind == "date":
        cell.number_format = DATE_FORMAT
    elif col.kind == "datetime":
        cell.number_format = DATETIME_FORMAT
    elif col.kind == "percent":
        cell.number_format = PERCENT_FORMAT


def _display_width(text: str) -> int:
    # CJK characters take about two digit-widths (the unit of Excel column widths). UTF-8 spends
    # 1 byte on ASCII and 3 on CJK, so (bytes + chars) / 2 counts 1 and 2 — at C speed.
    return (len(text.encode("utf-8")) + len(text)) // 2


def wrapped_lines(values: Sequence[Any], columns: Sequence[Column], width_of, margin: float) -> int:
    """The most lines any text cell of the row wraps to: each paragraph's width (`width_of`) over
    its column's width less `margin`."""
    lines = 1
    for value, col in zip(values, columns, strict=False):
        if not isinstance(value, str) or not value:
            continue
        usable = max(col.width - margin, 1)
        n = sum(max(1, math.ceil(width_of(part) / usable)) for part in value.split("\n"))
        lines = max(lines, n)
    return lines


def row_height(values: Sequence[Any], columns: Sequence[Column], *, line_points: float = 13.5) -> float:
    """Points for a row of wrapped text. Excel does not grow rows for wrapped text in a file it did
    not lay out itself, and a printed 通报 with clipped lines is useless, so we estimate."""
    return round(wrapped_lines(values, columns, _display_width, 1.5) * line_points + 5, 1)


def style_header_cell(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = WRAP_CENTER


def local_now() -> dt.datetime:
    return timezone.localtime()


def fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"



# --- as of when, which plans -------------------------------------------------------------


class FutureMonth(ValueError):
    """A 督查通报 of a month that has not begun: there is nothing to report yet."""


def month_refusal(year: int, month: int, today: dt.date | None = None) -> str:
    """Why year-month's 督查通报 cannot be built on `today` ("" when it can): the one rule the page's
    form, the command and report_context (FutureMonth) all ask."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return "月份格式应为 年-月，如 2020-09。"
    today = today or timezone.localdate()
    if dt.date(year, month, 1) > today:
        return (f"不能生成未来月份的督查通报：{year}年{month}月尚未开始（今天是{today.year}年{today.month}月{today.day}日）；"
                "本月的通报按生成当日的数据统计。")
    return ""


@dataclass
class ReportContext:
    """What a 督查通报 is about: the month, the plans (`scope`) and the as-of day.

    `as_of` is the day the milestone rule is asked about and `done_by` the last day whose work
    counts: a past month is (1st of the next month, its last day) — "24:00 of the month's end";
    the month not ended yet is (today, today)."""

    year: int
    month: int
    plan: Plan | None  # the one plan of a plan scope
    month_end: dt.date
    generated_at: dt.datetime
    scope: figures.Scope = field(default_factory=figures.Scope)
    as_of: dt.date | None = None
    done_by: dt.date | None = None
    partial: bool = False  # the month has not ended: as of `done_by`, today

    def __post_init__(self) -> None:
        if self.plan is not None and self.scope.kind == "current":
            self.scope = figures.Scope.of_plan(self.plan)
        if self.done_by is None:
            self.done_by = self.month_end
        if self.as_of is None:
            self.as_of = self.done_by + dt.timedelta(days=1)
        self._plan_ids: list[int] | None = None

    @property
    def day_after(self) -> dt.date:
        return self.done_by + dt.timedelta(days=1)

    @property
    def next_month_range(self) -> tuple[dt.date, dt.date]:
        return month_bounds(*next_month(self.year, self.month))

    @property
    def due_soon_range(self) -> tuple[dt.date, dt.date]:
        """临期: not yet overdue on the as-of day and due by the end of the next month."""
        return self.as_of, self.next_month_range[1]

    @property
    def cutoff(self) -> dt.datetime:
        """The first instant after `done_by`, Asia/Shanghai: progress reported before it counts."""
        return timezone.make_aware(dt.datetime.combine(self.day_after, dt.time.min))

    @property
    def plan_ids(self) -> list[int]:
        if self._plan_ids is None:
            self._plan_ids = self.scope.plan_ids(self.done_by)
        return self._plan_ids

    @property
    def scope_label(self) -> str:
        return self.scope.label(self.done_by)

    @property
    def as_of_label(self) -> str:
        """数据截至 …: a past month at 24:00 of its last day; the current one today, never later."""
        if self.partial:
            return f"{fmt_date(self.done_by)}（本月尚未结束，按生成当日统计）"
        return f"{fmt_date(self.done_by)}24时"


def report_context(
    *, year: int, month: int, scope: figures.Scope | None = None, plan: Plan | None = None,
    today: dt.date | None = None, generated_at: dt.datetime | None = None,
) -> ReportContext:
    """The context of year-month's 督查通报 built on `today` (default: today, Asia/Shanghai).
    ValueError for a month out of range, FutureMonth for one that has not begun."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份应在 1–12 之间：{month}")
    today = today or timezone.localdate()
    if refusal := month_refusal(year, month, today):
        raise FutureMonth(refusal)
    first, end = month_bounds(year, month)
    if scope is None:
        scope = figures.Scope.of_plan(plan) if plan is not None else figures.Scope()
    if scope.kind == "plan" and plan is None:
        plan = Plan.objects.filter(pk=scope.plan_id).first()
    partial = end >= today
    done_by = today if partial else end
    as_of = today if partial else end + dt.timedelta(days=1)
    return ReportContext(year, month, plan, end, generated_at or local_now(), scope=scope,
                         as_of=as_of, done_by=done_by, partial=partial)


def scoped_tasks(ctx: ReportContext) -> QuerySet[Task]:
    return Task.objects.filter(plan_id__in=ctx.plan_ids)


# The milestone rule is the model's (MilestoneQuerySet, Milestone.days_overdue): the report asks it
# about its as-of day, counting what was done by `done_by`.


def overdue_milestones(ctx: ReportContext) -> QuerySet[Milestone]:
    ms = Milestone.objects.filter(task__in=scoped_tasks(ctx))
    return ms.overdue(ctx.as_of, done_by=ctx.done_by)


def due_soon_milestones(ctx: ReportContext) -> QuerySet[Milestone]:
    start, end = ctx.due_soon_range
    ms = Milestone.objects.filter(task__in=scoped_tasks(ctx), due_on__gte=start, due_on__lte=end)
    return ms.open_on(ctx.done_by)


# --- one row per task -----------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    word: str  # what prints: readable in black and white
    fill: PatternFill | None = None  # the second cue


DONE_WORD = Status("已完成")
DONE_LATE_WORD = Status("逾期完成")
RED_WORD = Status(f"{WARNING_BY_LEVEL[WarningLevel.RED].colour}·逾期", RED_FILL)
YELLOW_WORD = Status(f"{WARNING_BY_LEVEL[WarningLevel.YELLOW].colour}·未报进展", AMBER_FILL)
BLUE_WORD = Status(f"{WARNING_BY_LEVEL[WarningLevel.BLUE].colour}·临期", BLUE_FILL)
BEHIND_WORD = Status(figures.BUCKET_LABELS["behind"])
GREEN_WORD = Status(f"{WARNING_BY_LEVEL[WarningLevel.NONE].colour}·正常")
STATUS_WORDS = (RED_WORD, YELLOW_WORD, BLUE_WORD, BEHIND_WORD, GREEN_WORD, DONE_WORD, DONE_LATE_WORD)


@dataclass
class TaskRow:
    """A top-level task of a list sheet, with the milestones (its own and its sub-tasks') that put it
    there."""

    task: Task
    milestones: list[Milestone]
    lead: str = ""
    responsible: str = ""
    status: Status = GREEN_WORD
    final_due: dt.date | None = None
    progress_text: str = ""
    progress_date: dt.date | None = None
    reason: str = ""
    days: int = 0  # 逾期天数 (the most overdue milestone) or 距截止天数 (the nearest)

    @property
    def plan(self) -> Plan:
        return self.task.plan


def _latest_progress(task_ids: Iterable[int], cutoff: dt.datetime) -> dict[int, ProgressReport]:
    """Each task's newest report before `cutoff` that was not sent back — its sub-tasks' included."""
    latest: dict[int, ProgressReport] = {}
    ids = list(task_ids)
    reports = (
        ProgressReport.objects.filter(Q(task_id__in=ids) | Q(task__parent_id__in=ids), created_at__lt=cutoff)
        .exclude(review_state=ReviewState.RETURNED)
        .select_related("task")
        .order_by("-created_at")
    )
    for r in reports:
        latest.setdefault(r.task.parent_id or r.task_id, r)
    return latest


def _lag_reasons(task_ids: Iterable[int], cutoff: dt.datetime) -> dict[int, str]:
    """滞后原因 as the units gave it before `cutoff`: the newest answer to an urging (催办), else the
    reason of the newest extension request (延期申请)."""
    ids = list(task_ids)
    reasons: dict[int, str] = {}
    answers = (
        Urging.objects.filter(Q(task_id__in=ids) | Q(task__parent_id__in=ids), answered_at__lt=cutoff)
        .exclude(answer="").select_related("task", "unit").order_by("-answered_at")
    )
    for u in answers:
        reasons.setdefault(u.task.parent_id or u.task_id, f"{u.unit.name}（催办回复）：{u.answer}")
    extensions = (
        ExtensionRequest.objects.filter(
            Q(milestone__task_id__in=ids) | Q(milestone__task__parent_id__in=ids), created_at__lt=cutoff
        ).select_related("milestone__task", "unit").order_by("-created_at")
    )
    for e in extensions:
        key = e.milestone.task.parent_id or e.milestone.task_id
        reasons.setdefault(key, f"{e.unit.name}（延期申请，{e.get_state_display()}）：{e.reason}")
    return reasons


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_text(task: Task) -> str:
    """What the 工作任务 column prints: the task's name without annotation debris; a name that is
    only a heading number gets the start of its text."""
    title = strip_annotations(task.title)
    if len(title) >= 6 or not task.text:
        return title
    return _clip(strip_annotations(task.text), 60)


def _task_statuses(ctx: ReportContext, tasks: list[Task], overdue_ids: set[int]) -> dict[int, Status]:
    """The worded status of each task on the as-of day (the rule's set-based twins)."""
    ids = [t.pk for t in tasks]
    rows = Task.objects.filter(pk__in=ids).annotate(
        pm=progress_missing_case(ctx.done_by), pc=pace_case(ctx.done_by)
    ).values_list("pk", "pm", "pc")
    soon = set(
        Milestone.objects.filter(Q(task_id__in=ids) | Q(task__parent_id__in=ids))
        .due_soon(ctx.as_of).values_list("task_id", "task__parent_id")
        .order_by()
    )
    soon_ids = {parent or task for task, parent in soon}
    out: dict[int, Status] = {}
    by_id = {t.pk: t for t in tasks}
    for pk, missing, pace in rows:
        task = by_id[pk]
        if task.is_closed_on(ctx.done_by):
            out[pk] = DONE_LATE_WORD if task.status == TaskStatus.DONE_LATE else DONE_WORD
        elif pk in overdue_ids:
            out[pk] = RED_WORD
        elif missing:
            out[pk] = YELLOW_WORD
        elif pk in soon_ids:
            out[pk] = BLUE_WORD
        elif pace == TaskPace.BEHIND:
            out[pk] = BEHIND_WORD
        else:
            out[pk] = GREEN_WORD
    return out


def task_rows(milestones: QuerySet[Milestone], ctx: ReportContext, *, overdue: bool) -> list[TaskRow]:
    """One row per top-level task open at the end of `done_by` that has one of `milestones` (its own or
    a sub-task's), grouped by plan and lead unit, the most overdue (or the nearest due) first."""
    ms = list(milestones.select_related("task").order_by("due_on", "order"))
    top_ids = {m.task.parent_id or m.task_id for m in ms}
    tasks = {
        t.pk: t for t in Task.objects.filter(pk__in=top_ids).select_related("plan")
        .prefetch_related("assignments__unit")
    }
    tasks = {pk: t for pk, t in tasks.items() if not t.is_closed_on(ctx.done_by)}
    rows: dict[int, TaskRow] = {}
    for m in ms:
        top = m.task.parent_id or m.task_id
        if top in tasks:
            rows.setdefault(top, TaskRow(task=tasks[top], milestones=[])).milestones.append(m)
    if not rows:
        return []
    overdue_ids = set(rows) if overdue else {
        m.task.parent_id or m.task_id for m in overdue_milestones(ctx).filter(
            Q(task_id__in=list(rows)) | Q(task__parent_id__in=list(rows))
        ).select_related("task")
    }
    statuses = _task_statuses(ctx, [r.task for r in rows.values()], overdue_ids)
    finals: dict[int, dt.date] = {}
    for task_id, parent_id, due in Milestone.objects.filter(
        Q(task_id__in=list(rows)) | Q(task__parent_id__in=list(rows))
    ).values_list("task_id", "task__parent_id", "due_on"):
        key = parent_id or task_id
        finals[key] = max(finals.get(key, due), due)
    progress = _latest_progress(rows, ctx.cutoff)
    reasons = _lag_reasons(rows, ctx.cutoff) if overdue else {}
    for pk, row in rows.items():
        assignments = list(row.task.assignments.all())
        row.lead = "、".join(a.unit.name for a in assignments if a.role == AssignmentRole.LEAD)
        row.responsible = "、".join(a.unit.name for a in assignments if a.role == AssignmentRole.RESPONSIBLE)
        row.status = statuses.get(pk, GREEN_WORD)
        row.final_due = finals.get(pk)
        report = progress.get(pk)
        if report:
            row.progress_text = report.text
            row.progress_date = timezone.localdate(report.created_at)
        row.reason = reasons.get(pk, "")
        if overdue:
            row.days = max(m.days_overdue(ctx.as_of, done_by=ctx.done_by) for m in row.milestones)
        else:
            row.days = min(m.days_left(ctx.as_of) for m in row.milestones)
    out = list(rows.values())
    plan_order = {pk: i for i, pk in enumerate(Plan.objects.filter(pk__in={r.task.plan_id for r in out})
                                                 .order_by("-year", "title").values_list("pk", flat=True))}
    days_key = (lambda r: -r.days) if overdue else (lambda r: r.days)
    out.sort(key=lambda r: (plan_order[r.task.plan_id], r.lead == "", r.lead.split("、")[0], days_key(r), r.task.order))
    return out


def plan_summary(ctx: ReportContext) -> tuple[list[figures.PlanTally], figures.Tally]:
    """Each plan in scope, and their sum, on the as-of day (tasks.figures)."""
    plans = figures.plan_tallies(as_of=ctx.as_of, done_by=ctx.done_by, plan_ids=ctx.plan_ids)
    total = figures.Tally()
    for p in plans:
        total.add(p)
    return plans, total


def unit_summary(ctx: ReportContext) -> list[figures.UnitTally]:
    """One row per unit with tasks in scope, on the as-of day, in its ranking table, ranked."""
    return figures.unit_tallies(as_of=ctx.as_of, done_by=ctx.done_by, plan_ids=ctx.plan_ids)


# --- sheets ---------------------------------------------------------------------------

def _print_width(text: str) -> float:
    """Width in Excel's column units (one digit) at the body font: a CJK character prints about 1.8
    digits wide (10 pt type, 5.5 pt digits), a Latin letter or digit one."""
    wide = (len(text.encode("utf-8")) - len(text)) // 2  # 3 bytes for CJK, 1 for ASCII
    return len(text) - wide + 1.8 * wide


def text_row_height(values: Sequence[Any], columns: Sequence[Column], *, line_points: float = 13) -> float:
    """Points for a row of wrapped text, from the width of the text in each column (CJK counted as
    it prints): Excel and LibreOffice do not grow rows of a file they did not lay out themselves,
    and a row taller than its text wastes the printed page."""
    return round(wrapped_lines(values, columns, _print_width, 1) * line_points + 4, 1)


REPORT_HEADER_FONT = Font(name="黑体", size=10, bold=True)
REPORT_HEADER_BORDER = Border(left=THIN, right=THIN, top=Side(style="medium", color="000000"),
                              bottom=Side(style="medium", color="000000"))
GROUP_FONT = Font(name="黑体", size=11, bold=True)
SUBGROUP_FONT = Font(name="黑体", size=10, bold=True)
LINE_POINTS = 13


def _report_header_cell(cell) -> None:
    """No fill: in black and white a grey header would look like the red 逾期 fill; bold type and
    heavy rules mark it instead."""
    cell.font = REPORT_HEADER_FONT
    cell.border = REPORT_HEADER_BORDER
    cell.alignment = WRAP_CENTER


def _title_rows(ws: Worksheet, columns: Sequence[Column], title: str, subtitle: str) -> None:
    last = get_column_letter(len(columns))
    ws["A1"] = safe_value(title)
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    ws["A2"] = safe_value(subtitle)
    ws["A2"].font = NOTE_FONT
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 18
    for i, col in enumerate(columns, start=1):
        _report_header_cell(ws.cell(row=HEADER_ROW, column=i, value=col.header))
    ws.row_dimensions[HEADER_ROW].height = text_row_height([c.header for c in columns], columns, line_points=LINE_POINTS)


def _sheet(wb: Workbook, name: str, columns: Sequence[Column], *, title: str, subtitle: str) -> Worksheet:
    ws = wb.create_sheet(name)
    setup_print(ws, columns)
    _title_rows(ws, columns, title, subtitle)
    return ws


# A body cell's style indexes per workbook and column kind. Each style attribute set on a cell is
# looked up in the workbook's style lists by hashing the style object, field by field: half the
# 督查通报's time at 10,000 tasks. The first cell of a kind is styled attribute by attribute; the
# others copy its indexes, as openpyxl's own worksheet copy does (the written file is the same).
_body_styles: WeakKeyDictionary[Workbook, dict[str, Any]] = WeakKeyDictionary()


def _write_row(ws: Worksheet, r: int, columns: Sequence[Column], values: Sequence[Any]) -> None:
    ws.row_dimensions[r].height = text_row_height(values, columns, line_points=LINE_POINTS)
    kept = _body_styles.setdefault(ws.parent, {})
    for c, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
        cell = ws.cell(row=r, column=c, value=safe_value(value))  # user text never a formula
        style = kept.get(col.kind)
        if style is None:
            style_body_cell(cell, col)
            kept[col.kind] = copy(cell._style)
        else:
            cell._style = copy(style)


def _merged_row(ws: Worksheet, r: int, columns: Sequence[Column], text: str, *, font: Font = BODY_FONT,
                height: float | None = None) -> None:
    last = get_column_letter(len(columns))
    cell = ws.cell(row=r, column=1, value=safe_value(text))
    cell.font = font
    cell.alignment = WRAP
    for c in range(1, len(columns) + 1):
        ws.cell(row=r, column=c).border = BORDER
    ws.merge_cells(f"A{r}:{last}{r}")
    total = sum(c.width for c in columns)
    ws.row_dimensions[r].height = height or text_row_height([text], [Column("", total)], line_points=LINE_POINTS + 1)


def _table_sheet(
    wb: Workbook, name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
    title: str, subtitle: str, empty: str = "无",
) -> Worksheet:
    """A printed table; `empty` is what an empty one says instead of a bare header."""
    ws = _sheet(wb, name, columns, title=title, subtitle=subtitle)
    r = HEADER_ROW
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        _write_row(ws, r, columns, values)
    if r == HEADER_ROW:
        _merged_row(ws, HEADER_ROW + 1, columns, empty, height=24)
    else:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{r}"
    return ws


FIGURE_COLUMNS = (
    Column("任务数", 7, "int"),
    *(Column(b.label, 7 if len(b.label) < 4 else 9, "int") for b in figures.BUCKETS),
    Column("完成率", 8, "percent"),
    Column("按时完成率", 9, "percent"),
    Column("签收率", 8, "percent"),
)
PLAN_COLUMNS = (Column("序号", 5, "int"), Column("计划（文号）", 40), *FIGURE_COLUMNS)
UNIT_COLUMNS = (
    Column("排名", 5, "int"), Column("单位", 22), *FIGURE_COLUMNS[:1],
    Column("牵头", 6, "int"), Column("责任", 6, "int"), *FIGURE_COLUMNS[1:],
)
OVERDUE_HEADER = figures.BUCKET_LABELS["overdue"]


def _figures(t: figures.Tally) -> list[Any]:
    return [t.total, *(t.counts[k] for k in figures.BUCKET_KEYS),
            _float(t.completion_rate), _float(t.on_time_rate), _float(t.sign_rate)]


def _float(rate) -> float | str:
    return "—" if rate is None else float(rate)


def _red_where_overdue(ws: Worksheet, columns: Sequence[Column], rows: Sequence[figures.Tally],
                       first: int = HEADER_ROW + 1) -> None:
    """Only the 逾期未完成 figure, and only where it is not zero: what a leader should look at."""
    col = next(i for i, c in enumerate(columns, start=1) if c.header == OVERDUE_HEADER)
    for r, t in enumerate(rows, start=first):
        if t.overdue:
            ws.cell(row=r, column=col).fill = RED_FILL


def overview(total: figures.Tally, units: Sequence[figures.UnitTally]) -> str:
    """总体情况 in one paragraph, from the figures."""
    if not total.total:
        return "总体情况：统计范围内暂无任务。"
    parts = [f"{b.label}{total.counts[b.key]}项（{pct(Fraction(total.counts[b.key], total.total))}）"
             for b in figures.BUCKETS if total.counts[b.key]]
    text = (f"总体情况：统计范围内共有任务{total.total}项，其中" + "，".join(parts)
            + f"；完成率{total.completion_pct}，按时完成率{total.on_time_pct}，签收率{total.sign_pct}。")
    lagging = sorted((u for u in units if u.rank is not None and u.overdue), key=lambda u: (-u.overdue, u.name))[:5]
    if lagging:
        text += "逾期未完成任务较多的单位：" + "、".join(f"{u.name}（{u.overdue}项）" for u in lagging) + "。"
    return text


def _summary_sheet(wb: Workbook, ctx: ReportContext, heading: str, subtitle: str,
                   units: Sequence[figures.UnitTally]) -> None:
    """One printed page: the figures of each plan in scope, their sum and the 总体情况 paragraph."""
    plans, total = plan_summary(ctx)
    ws = _sheet(wb, "汇总", PLAN_COLUMNS, title=heading, subtitle=subtitle)
    r = HEADER_ROW
    for r, p in enumerate(plans, start=HEADER_ROW + 1):
        _write_row(ws, r, PLAN_COLUMNS, [r - HEADER_ROW, _plan_label(p), *_figures(p)])
    _red_where_overdue(ws, PLAN_COLUMNS, plans)
    r += 1
    _write_row(ws, r, PLAN_COLUMNS, ["", "合计", *_figures(total)])
    for c in range(1, len(PLAN_COLUMNS) + 1):
        ws.cell(row=r, column=c).font = Font(name="黑体", size=10, bold=True)
    if total.overdue:
        _red_where_overdue(ws, PLAN_COLUMNS, [total], first=r)
    _merged_row(ws, r + 2, PLAN_COLUMNS, overview(total, units))
    _merged_row(ws, r + 3, PLAN_COLUMNS, f"统计范围：{ctx.scope_label}。各列口径见“说明”工作表。", font=NOTE_FONT)
    # the summary is one page whatever the number of plans
    ws.page_setup.fitToHeight = 1


def unranked_note(units: Sequence[figures.UnitTally]) -> str:
    """The units listed without a rank, by reason, in one paragraph."""
    by_reason: dict[str, list[str]] = {}
    for u in units:
        if u.table == figures.UNRANKED.key:
            by_reason.setdefault(u.why_unranked, []).append(u.name)
    if not by_reason:
        return ""
    parts = [f"{why}：{'、'.join(names)}" for why, names in by_reason.items()]
    return f"不参与排名的单位（{sum(map(len, by_reason.values()))}个，任务计入所属计划的合计）：" + "；".join(parts) + "。"


def _ranking_sheets(wb: Workbook, units: list[figures.UnitTally], base: str, subtitle: str) -> None:
    """部门排名 and 镇街排名, ranked apart; the units not ranked named below the last of them."""
    tables = [t for t in figures.RANKING_TABLES if any(u.table == t.key for u in units)]
    note = unranked_note(units)
    if not tables:
        tables = [figures.RANKING_TABLES[0]]
    for n, table in enumerate(tables, start=1):
        mine = [u for u in units if u.table == table.key]
        name = f"{table.label}排名"
        rows = [[u.rank, u.name, u.total, u.lead, u.responsible, *_figures(u)[1:]] for u in mine]
        ws = _table_sheet(wb, name, UNIT_COLUMNS, rows, title=f"{base}（{name}）", subtitle=subtitle,
                          empty=f"统计范围内无参与排名的{table.label}。")
        _red_where_overdue(ws, UNIT_COLUMNS, mine)
        if n == len(tables) and note:
            _merged_row(ws, ws.max_row + 2, UNIT_COLUMNS, note, font=NOTE_FONT)
        if len(rows) <= 40:  # a table that nearly fits stays on one page
            ws.page_setup.fitToHeight = 1


def _plan_label(plan: Plan | figures.PlanTally) -> str:
    return f"{plan.title}\n（{plan.doc_number}）" if plan.doc_number else plan.title


def _milestone_line(m: Milestone) -> str:
    """The due date (the phrase it came from is on the task page); an extension shows the original."""
    line = f"{m.due_on:%Y-%m-%d}"
    if m.is_extended:
        line += f"\n（原定{m.original_due_on:%m-%d}）"
    return line


def _list_columns(overdue: bool) -> tuple[Column, ...]:
    """The lead unit is the group heading above its rows; the column lists the other units."""
    days = Column("逾期天数", 6, "int") if overdue else Column("距截止天数", 6, "int")
    tail = (Column("滞后原因", 13),) if overdue else ()
    return (
        Column("序号", 4.5, "int"),
        Column("工作任务", 50),
        Column("状态", 8.5, "center"),
        Column("逾期节点" if overdue else "临期节点", 11.5, "center"),
        Column("完成时限", 10.5, "date"),
        Column("责任单位", 16),
        Column("最新进展", 20 if overdue else 33),
        days,
        *tail,
    )


OVERDUE_COLUMNS = _list_columns(True)
DUE_SOON_COLUMNS = _list_columns(False)
STATUS_COLUMN = 3


def _task_values(i: int, row: TaskRow, ctx: ReportContext, overdue: bool) -> list[Any]:
    progress = ""
    if row.progress_text:
        progress = f"{_clip(row.progress_text, 70)}（{row.progress_date:%m-%d}）"
    number = f"{row.task.number}. " if row.task.number and row.task.number[-1].isalnum() else row.task.number
    shown = row.milestones[:3]
    values = [
        i,
        f"{number}{task_text(row.task)}",
        row.status.word,
        "\n".join(_milestone_line(m) for m in shown)
        + (f"\n等{len(row.milestones)}个" if len(row.milestones) > len(shown) else ""),
        row.final_due,
        row.responsible,
        progress,
        row.days,
    ]
    if overdue:
        values.append(_clip(row.reason, 60))
    return values


def _task_list_sheet(wb: Workbook, name: str, rows: list[TaskRow], ctx: ReportContext, *, overdue: bool,
                     title: str, subtitle: str, empty: str) -> Worksheet:
    """Rows grouped under a heading per plan, then per lead unit."""
    columns = OVERDUE_COLUMNS if overdue else DUE_SOON_COLUMNS
    ws = _sheet(wb, name, columns, title=title, subtitle=subtitle)
    r = HEADER_ROW
    if not rows:
        _merged_row(ws, r + 1, columns, empty, height=24)
        return ws
    plan_counts: dict[int, int] = {}
    lead_counts: dict[tuple[int, str], int] = {}
    for row in rows:
        plan_counts[row.task.plan_id] = plan_counts.get(row.task.plan_id, 0) + 1
        key = (row.task.plan_id, row.lead)
        lead_counts[key] = lead_counts.get(key, 0) + 1
    plan_id, lead = None, None
    for i, row in enumerate(rows, start=1):
        if row.task.plan_id != plan_id:
            plan_id, lead = row.task.plan_id, None
            r += 1
            _merged_row(ws, r, columns, f"{str(row.plan)}（{plan_counts[plan_id]}项）", font=GROUP_FONT)
        if row.lead != lead:
            lead = row.lead
            r += 1
            _merged_row(ws, r, columns, f"牵头单位：{lead or '未明确'}（{lead_counts[(plan_id, lead)]}项）",
                        font=SUBGROUP_FONT, height=LINE_POINTS + 1)
        r += 1
        _write_row(ws, r, columns, _task_values(i, row, ctx, overdue))
        if row.status.fill is not None:
            ws.cell(row=r, column=STATUS_COLUMN).fill = row.status.fill
    return ws


def build_supervision_workbook(
    *, year: int, month: int, plan: Plan | None = None, generated_at: dt.datetime | None = None,
    scope: figures.Scope | None = None, today: dt.date | None = None, ctx: ReportContext | None = None,
) -> Workbook:
    ctx = ctx or report_context(year=year, month=month, scope=scope, plan=plan, today=today,
                                generated_at=generated_at)
    gen = timezone.localtime(ctx.generated_at) if timezone.is_aware(ctx.generated_at) else ctx.generated_at
    subtitle = f"范围：{ctx.scope_label}　　数据截至：{ctx.as_of_label}　　生成时间：{gen:%Y-%m-%d %H:%M}"
    wb = Workbook()
    wb.remove(wb.active)
    base = f"{ctx.year}年{ctx.month}月改革任务督查通报"
    units = unit_summary(ctx)
    _summary_sheet(wb, ctx, f"{base}（汇总）", subtitle, units)
    _ranking_sheets(wb, units, base, subtitle)
    overdue = task_rows(overdue_milestones(ctx), ctx, overdue=True)
    _task_list_sheet(wb, "逾期事项", overdue, ctx, overdue=True, title=f"{base}（逾期事项）", subtitle=subtitle,
                     empty=f"截至{ctx.as_of_label}，统计范围内无逾期未完成事项。")
    start, end = ctx.due_soon_range
    soon = task_rows(due_soon_milestones(ctx), ctx, overdue=False)
    _task_list_sheet(wb, "临期事项", soon, ctx, overdue=False,
                     title=f"{base}（临期事项：{start:%m月%d日}至{end:%m月%d日}到期）", subtitle=subtitle,
                     empty="本月无临期事项。")
    _notes_sheet(wb, ctx, base, subtitle)
    wb.active = 0
    wb.properties.title = base
    wb.properties.creator = "改革任务督办"
    return wb


NOTES_COLUMNS = (Column("项目", 14), Column("说明", 120))


def _notes(ctx: ReportContext) -> list[tuple[str, str]]:
    """The figures' definitions (the same text as the page 统计口径说明), then this workbook's own."""
    end = ctx.as_of_label
    start, stop = ctx.due_soon_range
    gen = timezone.localtime(ctx.generated_at) if timezone.is_aware(ctx.generated_at) else ctx.generated_at
    return [
        ("本通报范围", f"{ctx.scope_label}。"),
        ("数据截至", f"{end}（北京时间）。此后报送的进展、办结不计入本通报。"),
        ("生成时间", f"{gen:%Y-%m-%d %H:%M}"),
        *figures.definitions(),
        ("日历", "日期均为公历、北京时间（Asia/Shanghai）；逾期天数、距截止天数按自然日计算，不扣除节假日。"),
        ("逾期事项", f"截至{end}已过截止日期仍未完成的时间节点（含子任务的节点）所属的一级任务，每项任务一行，"
                 "逾期节点列在行内；按计划、牵头单位分组，逾期天数多者在前。逾期天数取最早逾期节点，"
                 f"自{ctx.as_of:%Y年%m月%d日}起算（截止当日不算逾期）。"),
        ("临期事项", f"截止日期在{fmt_date(start)}至{fmt_date(stop)}之间、截至{end}尚未完成的时间节点所属的一级任务。"
                 f"距截止天数自{ctx.as_of:%Y年%m月%d日}起算。"),
        ("状态", "按截至时点的状态用文字标注（黑白打印可辨），底色仅为辅助：" + "、".join(w.word for w in STATUS_WORDS)
               + "。红·逾期＞黄·未报进展＞蓝·临期＞慢序时＞绿·正常，取第一个符合的。"),
        ("工作任务", "任务名称，已去除原文中的责任单位、完成时间等标注（单位、时限另列）。"),
        ("最新进展", f"截至{end}报送、未被退回的最近一次进展（含子任务），括号内为报送日期。"),
        ("滞后原因", "单位对催办的最近一次回复；没有回复的，取最近一次延期申请的理由。"),
    ]


def _notes_sheet(wb: Workbook, ctx: ReportContext, base: str, subtitle: str) -> None:
    ws = _table_sheet(wb, "说明", NOTES_COLUMNS, _notes(ctx), title=f"{base}（说明）", subtitle=subtitle)
    ws.page_setup.fitToHeight = 1  # reference text: one page


def write_supervision_report(
    fileobj: IO[bytes], *, year: int, month: int, plan: Plan | None = None,
    generated_at: dt.datetime | None = None, scope: figures.Scope | None = None, today: dt.date | None = None,
) -> None:
    """The 督查通报 annex of `year`-`month` for `scope` (default: the current plans) into `fileobj`."""
    build_supervision_workbook(year=year, month=month, plan=plan, generated_at=generated_at, scope=scope,
                               today=today).save(fileobj)


__all__ = [
    "AMBER_FILL", "BLUE_FILL", "BORDER", "Column", "DATE_FORMAT", "FOOTER_PAGES", "FutureMonth", "RED_FILL",
    "ReportContext", "build_supervision_workbook", "month_refusal", "report_context", "setup_print", "style_body_cell",
    "style_header_cell", "write_supervision_report",
]
