"""The monthly 督查通报 workbook: a pure builder from querysets to an openpyxl workbook.

Supervisors print it and hand it to leaders, so every sheet is laid out like an office
document: merged title row, the data-as-of line, frozen header, A4 landscape, the header
repeated on every printed page, page numbers in the footer. Colour only where it means
something: red for overdue, blue for due soon (tasks.figures.WARNINGS, as on the pages).

Every figure — which tasks count, the status buckets, the rates, the ranking — is counted by
`tasks.figures`, as the dashboard counts it, and the 说明 sheet prints `figures.definitions()`.

"As of the month's end" means at 24:00 of its last day (Asia/Shanghai): a milestone due
on or before that day and not done by then is overdue — so a `9月底前` item that is still
open appears in September's 通报, which is what the office chases. Days overdue count to
the first day of the next month (due 9-30, still open → 1 day).

The layout helpers below (`style_header`, `setup_print`, fills, formats) are shared with
the task-breakdown export in `tasks.excel.breakdown`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deadlines.dates import days_overdue, month_bounds, next_month
from deadlines.models import Milestone
from reformtracker.xlsx import safe_value
from tasks import figures
from tasks.figures import WARNING_BY_LEVEL
from tasks.models import (
    AssignmentRole,
    Plan,
    ProgressReport,
    ReviewState,
    Task,
    WarningLevel,
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
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # neutral grey: marks the header only
TITLE_FONT = Font(name="黑体", size=16, bold=True)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=10, color="333333")
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
FOOTER_PAGES = "第 &P 页，共 &N 页"
HEADER_ROW = 3  # row 1 title, row 2 as-of line, row 3 the column headers


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text / center / int / date / datetime / percent


def setup_print(ws: Worksheet, columns: Sequence[Column], *, header_row: int = HEADER_ROW) -> None:
    """Column widths, frozen header, A4 landscape fitted to the page width, print titles,
    page numbers. Safe for write-only sheets when called before the first row."""
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
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.print_title_rows = f"{header_row}:{header_row}"
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


def row_height(values: Sequence[Any], columns: Sequence[Column], *, line_points: float = 13.5) -> float:
    """Points for a row of wrapped text. Excel does not grow rows for wrapped text in a file it did
    not lay out itself, and a printed 通报 with clipped lines is useless, so we estimate."""
    lines = 1
    for value, col in zip(values, columns, strict=False):
        if not isinstance(value, str) or not value:
            continue
        usable = max(col.width - 1.5, 1)
        n = sum(max(1, math.ceil(_display_width(part) / usable)) for part in value.split("\n"))
        lines = max(lines, n)
    return round(lines * line_points + 5, 1)


def style_header_cell(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = WRAP_CENTER


def local_now() -> dt.datetime:
    return timezone.localtime()


def fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- data -----------------------------------------------------------------------------


@dataclass
class ReportContext:
    year: int
    month: int
    plan: Plan | None
    month_end: dt.date  # data as of 24:00 of this day
    generated_at: dt.datetime

    @property
    def day_after(self) -> dt.date:
        return self.month_end + dt.timedelta(days=1)

    @property
    def next_month_range(self) -> tuple[dt.date, dt.date]:
        return month_bounds(*next_month(self.year, self.month))

    @property
    def cutoff(self) -> dt.datetime:
        """The first instant after the month, Asia/Shanghai: progress reported before it counts."""
        return timezone.make_aware(dt.datetime.combine(self.day_after, dt.time.min))

    @property
    def scope_label(self) -> str:
        return str(self.plan) if self.plan else "全部计划"


def report_context(
    *, year: int, month: int, plan: Plan | None = None, generated_at: dt.datetime | None = None
) -> ReportContext:
    """What a month's 督查通报 covers and as of when: the workbook and the Word 通报
    (`tasks.supervision.bulletin`) are built from the same context."""
    _, month_end = month_bounds(year, month)
    return ReportContext(year, month, plan, month_end, generated_at or local_now())


def scoped_tasks(plan: Plan | None) -> QuerySet[Task]:
    tasks = Task.objects.all()
    return tasks.filter(plan=plan) if plan is not None else tasks


# The milestone rule is the model's (MilestoneQuerySet): the report asks it about 24:00 of the
# month's end — overdue on the 1st of the next month, counting what was done by the month's end.


def overdue_milestones(ctx: ReportContext) -> QuerySet[Milestone]:
    ms = Milestone.objects.filter(task__in=scoped_tasks(ctx.plan))
    return ms.overdue(ctx.day_after, done_by=ctx.month_end)


def due_soon_milestones(ctx: ReportContext) -> QuerySet[Milestone]:
    start, end = ctx.next_month_range
    ms = Milestone.objects.filter(task__in=scoped_tasks(ctx.plan), due_on__gte=start, due_on__lte=end)
    return ms.open_on(ctx.month_end)


@dataclass
class MilestoneRow:
    milestone: Milestone
    task: Task
    lead: str
    responsible: str
    progress_text: str
    progress_date: dt.date | None
    confirmation: str
    days_overdue: int


def _latest_progress(task_ids: Iterable[int], cutoff: dt.datetime) -> dict[int, ProgressReport]:
    latest: dict[int, ProgressReport] = {}
    reports = (
        ProgressReport.objects.filter(task_id__in=list(task_ids), created_at__lt=cutoff)
        .exclude(review_state=ReviewState.RETURNED)
        .order_by("task_id", "-created_at")
    )
    for r in reports:
        latest.setdefault(r.task_id, r)
    return latest


def _confirmation(task: Task) -> str:
    states = [f"{a.unit.name}：{a.get_state_display()}" for a in task.assignments.all()]
    return "\n".join(states) if states else "未分工"


def milestone_rows(milestones: QuerySet[Milestone], ctx: ReportContext) -> list[MilestoneRow]:
    ms = list(
        milestones.select_related("task__plan").prefetch_related("task__assignments__unit")
    )
    progress = _latest_progress({m.task_id for m in ms}, ctx.cutoff)
    rows = []
    for m in ms:
        assignments = list(m.task.assignments.all())
        leads = [a.unit.name for a in assignments if a.role == AssignmentRole.LEAD]
        others = [a.unit.name for a in assignments if a.role == AssignmentRole.RESPONSIBLE]
        report = progress.get(m.task_id)
        rows.append(
            MilestoneRow(
                milestone=m,
                task=m.task,
                lead="、".join(leads),
                responsible="、".join(others),
                progress_text=report.text if report else "",
                progress_date=timezone.localdate(report.created_at) if report else None,
                confirmation=_confirmation(m.task),
                days_overdue=days_overdue(m.due_on, ctx.day_after),
            )
        )
    # Grouped by lead unit (tasks without one last), then most overdue first.
    rows.sort(key=lambda r: (r.lead == "", r.lead, r.milestone.due_on, r.task.plan_id, r.task.order))
    return rows


def plan_summary(ctx: ReportContext) -> tuple[list[figures.PlanTally], figures.Tally]:
    """Each plan in scope, and their sum, as of the month's end (tasks.figures)."""
    plans = figures.plan_tallies(as_of=ctx.month_end, plan_ids=[ctx.plan.pk] if ctx.plan else None)
    total = figures.Tally()
    for p in plans:
        total.add(p)
    return plans, total


def unit_summary(ctx: ReportContext) -> list[figures.UnitTally]:
    """One row per unit with tasks in scope, as of the month's end, in its ranking table, ranked."""
    return figures.unit_tallies(as_of=ctx.month_end, plan_ids=[ctx.plan.pk] if ctx.plan else None)


# --- sheets ---------------------------------------------------------------------------


def _title_rows(ws: Worksheet, columns: Sequence[Column], title: str, subtitle: str) -> None:
    last = get_column_letter(len(columns))
    ws["A1"] = safe_value(title)
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 32
    ws["A2"] = safe_value(subtitle)
    ws["A2"].font = NOTE_FONT
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 20
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=col.header)
        style_header_cell(cell)
    ws.row_dimensions[HEADER_ROW].height = 30


def _table_sheet(
    wb: Workbook,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    subtitle: str,
    fills: dict[int, PatternFill] | None = None,
) -> Worksheet:
    """A printed table: `fills` colours whole columns (by 1-based index) of every data row."""
    ws = wb.create_sheet(name)
    setup_print(ws, columns)
    _title_rows(ws, columns, title, subtitle)
    r = HEADER_ROW
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        ws.row_dimensions[r].height = row_height(values, columns)
        for c, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=safe_value(value))  # user text never a formula
            style_body_cell(cell, col)
            if fills and c in fills:
                cell.fill = fills[c]
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(r, HEADER_ROW)}"
    return ws


FIGURE_COLUMNS = (
    Column("任务数", 8, "int"),
    *(Column(b.label, 9 if len(b.label) < 4 else 10, "int") for b in figures.BUCKETS),
    Column("完成率", 9, "percent"),
    Column("按时完成率", 10, "percent"),
    Column("签收率", 9, "percent"),
)
PLAN_COLUMNS = (Column("序号", 6, "int"), Column("计划（文号）", 36), *FIGURE_COLUMNS)
UNIT_COLUMNS = (
    Column("排名", 6, "int"), Column("单位", 22), *FIGURE_COLUMNS[:1],
    Column("牵头", 7, "int"), Column("责任", 7, "int"), *FIGURE_COLUMNS[1:],
)
UNRANKED_COLUMNS = (Column("不排名原因", 22), *UNIT_COLUMNS[1:])
OVERDUE_HEADER = figures.BUCKET_LABELS["overdue"]


def _figures(t: figures.Tally) -> list[Any]:
    return [t.total, *(t.counts[k] for k in figures.BUCKET_KEYS),
            _float(t.completion_rate), _float(t.on_time_rate), _float(t.sign_rate)]


def _float(rate) -> float | None:
    return None if rate is None else float(rate)


MILESTONE_COLUMNS = (
    Column("序号", 6, "int"),
    Column("计划（文号）", 18),
    Column("任务编号", 7, "center"),
    Column("任务内容", 38),
    Column("牵头单位", 12),
    Column("责任单位", 14),
    Column("时间节点", 12),
    Column("截止日期", 11, "date"),
    Column("逾期天数", 8, "int"),
    Column("最新进展", 30),
    Column("进展日期", 11, "date"),
    Column("签收情况", 18),
)
DUE_SOON_COLUMNS = tuple(
    Column("距截止天数", 10, "int") if c.header == "逾期天数" else c for c in MILESTONE_COLUMNS
)


def _red_where_overdue(ws: Worksheet, columns: Sequence[Column], rows: Sequence[figures.Tally]) -> None:
    """Only the 逾期未完成 figure, and only where it is not zero: what a leader should look at."""
    col = next(i for i, c in enumerate(columns, start=1) if c.header == OVERDUE_HEADER)
    for r, t in enumerate(rows, start=HEADER_ROW + 1):
        if t.overdue:
            ws.cell(row=r, column=col).fill = RED_FILL


def _summary_sheet(wb: Workbook, ctx: ReportContext, heading: str, subtitle: str) -> None:
    plans, total = plan_summary(ctx)
    rows = [[i, _plan_label(p), *_figures(p)] for i, p in enumerate(plans, start=1)]
    ws = _table_sheet(wb, "汇总", PLAN_COLUMNS, rows, title=heading, subtitle=subtitle)
    _red_where_overdue(ws, PLAN_COLUMNS, plans)
    # the totals row stays outside the autofilter range so sorting never moves it
    r = HEADER_ROW + len(plans) + 1
    values = ["", "合计", *_figures(total)]
    for c, (col, value) in enumerate(zip(PLAN_COLUMNS, values, strict=True), start=1):
        cell = ws.cell(row=r, column=c, value=safe_value(value))
        style_body_cell(cell, col)
        cell.font = Font(name="黑体", size=10, bold=True)


def _ranking_sheets(wb: Workbook, ctx: ReportContext, base: str, subtitle: str) -> None:
    """部门排名 and 镇街排名 (ranked apart), then the units listed without a rank; empty ones left out."""
    units = unit_summary(ctx)
    for table in (*figures.RANKING_TABLES, figures.UNRANKED):
        mine = [u for u in units if u.table == table.key]
        if not mine:
            continue  # a district plan without towns has no 镇街排名
        ranked = table is not figures.UNRANKED
        name = f"{table.label}排名" if ranked else "不排名单位"
        columns = UNIT_COLUMNS if ranked else UNRANKED_COLUMNS
        rows = [
            [u.rank if ranked else u.why_unranked, u.name, u.total, u.lead, u.responsible, *_figures(u)[1:]]
            for u in mine
        ]
        ws = _table_sheet(wb, name, columns, rows, title=f"{base}（{name}）", subtitle=subtitle)
        _red_where_overdue(ws, columns, mine)


def _plan_label(plan: Plan) -> str:
    return f"{plan.title}\n（{plan.doc_number}）" if plan.doc_number else plan.title


def _milestone_values(i: int, row: MilestoneRow, days: int) -> list[Any]:
    m = row.milestone
    phrase = m.phrase or ""
    if m.is_extended:
        phrase = f"{phrase}\n（已延期，原定 {m.original_due_on:%Y-%m-%d}）".strip()
    return [
        i,
        _plan_label(row.task.plan),
        row.task.number,
        row.task.title if not row.task.text else row.task.text,
        row.lead,
        row.responsible,
        phrase,
        m.due_on,
        days,
        row.progress_text,
        row.progress_date,
        row.confirmation,
    ]


def build_supervision_workbook(
    *, year: int, month: int, plan: Plan | None = None, generated_at: dt.datetime | None = None
) -> Workbook:
    ctx = report_context(year=year, month=month, plan=plan, generated_at=generated_at)
    month_end = ctx.month_end
    gen = timezone.localtime(ctx.generated_at) if timezone.is_aware(ctx.generated_at) else ctx.generated_at
    subtitle = (
        f"范围：{ctx.scope_label}　　数据截至：{fmt_date(month_end)}24时　　"
        f"生成时间：{gen:%Y-%m-%d %H:%M}"
    )
    wb = Workbook()
    wb.remove(wb.active)
    base = f"{year}年{month}月 “最多跑一次”改革任务督查通报"
    _summary_sheet(wb, ctx, f"{base}（汇总）", subtitle)
    _ranking_sheets(wb, ctx, base, subtitle)

    overdue = milestone_rows(overdue_milestones(ctx), ctx)
    _table_sheet(
        wb, "逾期事项", MILESTONE_COLUMNS,
        [_milestone_values(i, r, r.days_overdue) for i, r in enumerate(overdue, start=1)],
        title=f"{base}（逾期事项）", subtitle=subtitle, fills={8: RED_FILL, 9: RED_FILL},
    )
    start, end = ctx.next_month_range
    soon = milestone_rows(due_soon_milestones(ctx), ctx)
    _table_sheet(
        wb, "临期事项", DUE_SOON_COLUMNS,
        [_milestone_values(i, r, (r.milestone.due_on - month_end).days) for i, r in enumerate(soon, start=1)],
        title=f"{base}（临期事项：{start.month}月到期）", subtitle=subtitle, fills={8: BLUE_FILL, 9: BLUE_FILL},
    )
    _notes_sheet(wb, ctx, base, subtitle)
    wb.active = 0
    wb.properties.title = base
    wb.properties.creator = "改革任务督办"
    return wb


NOTES_COLUMNS = (Column("项目", 22), Column("说明", 100))


def _notes(ctx: ReportContext) -> list[tuple[str, str]]:
    """The figures' definitions (the same text as the page 统计口径说明), then this workbook's own."""
    end = fmt_date(ctx.month_end)
    start, stop = ctx.next_month_range
    gen = timezone.localtime(ctx.generated_at) if timezone.is_aware(ctx.generated_at) else ctx.generated_at
    return [
        ("统计范围", f"{ctx.scope_label}。"),
        ("数据截至", f"{end}24时（北京时间）。此后报送的进展、办结不计入本通报。"),
        ("生成时间", f"{gen:%Y-%m-%d %H:%M}"),
        *figures.definitions(),
        ("日历", "日期均为公历、北京时间（Asia/Shanghai）；逾期天数、距截止天数按自然日计算，不扣除节假日。"),
        ("逾期事项", f"截止日期不晚于{end}、且到{end}24时仍未完成的时间节点（含子任务的节点；任务已办结的除外），"
                 "按牵头单位分组排列。逾期天数 = 次月1日 − 截止日期。"),
        ("临期事项", f"截止日期在{fmt_date(start)}至{fmt_date(stop)}之间、截至{end}尚未完成的时间节点。"
                 f"距截止天数自{end}起算。"),
        ("时间节点", "原文中的时限表述；经批准延期的节点注明原定日期。"),
        ("最新进展", f"{end}24时前报送、未被退回的最近一次进展。"),
        ("本表颜色", "“逾期未完成”不为零、逾期事项的截止日期和逾期天数标红色；临期事项的截止日期和距截止天数标蓝色。"),
    ]


def _notes_sheet(wb: Workbook, ctx: ReportContext, base: str, subtitle: str) -> None:
    _table_sheet(wb, "说明", NOTES_COLUMNS, _notes(ctx), title=f"{base}（说明）", subtitle=subtitle)


def write_supervision_report(
    fileobj: IO[bytes], *, year: int, month: int, plan: Plan | None = None,
    generated_at: dt.datetime | None = None,
) -> None:
    """The monthly 督查通报 for `year`-`month`, data as of the month's last day, into `fileobj`."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份应在 1–12 之间：{month}")
    build_supervision_workbook(year=year, month=month, plan=plan, generated_at=generated_at).save(fileobj)


__all__ = [
    "AMBER_FILL", "BLUE_FILL", "BORDER", "Column", "DATE_FORMAT", "FOOTER_PAGES", "RED_FILL", "ReportContext",
    "build_supervision_workbook", "report_context",
    "setup_print", "style_body_cell", "style_header_cell", "write_supervision_report",
]
