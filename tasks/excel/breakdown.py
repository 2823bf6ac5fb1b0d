"""The task-breakdown table (任务分解表): export any task list, import the same layout back.

Layout (seed 004's appendix, plus three columns): 序号 类别 指标名称 目标任务 牵头单位 责任单位
时间进度 进展情况 状态, and a hidden tenth column 任务ID (`RT<plan id>-<task id>`). Export then import
into a fresh plan reproduces the same cells:

- 指标名称 is the indicator, or the title of a task that has none; 目标任务 is the target, or
  the task's text. Import sets title = 指标名称 or 目标任务.
- 牵头单位: every unit leads; 责任单位: responsible units. Units are joined with “、” in their
  printed order. A table with only 牵头单位 (004's appendix): its first unit leads, further ones are
  responsible; only 责任单位/配合单位: the first unit leads (列第一个单位的为牵头单位).
- 时间进度: the milestones' phrases joined with “；” (a recurring `每季度` once), a bare date
  where there is no phrase, and an extended milestone as `6月底（延期至2020-09-30）`, so its
  original date survives. Phrases nobody could resolve (`长期坚持`, `持续推进`, `按年度`) are kept
  as unresolved phrases (deadlines.UnresolvedPhrase) for the office to settle, never refused.
- 序号 `1-2` under a row `1`: a sub-task of it (as the plan importer numbers sub-tasks).

Round trip. Imported into the plan it came from, an export (edited, re-saved by Excel, WPS or
LibreOffice) is an *update*: a row whose 任务ID names a task of the plan changes that task in place,
only in the cells that differ (`breakdown_diff` lists them, old → new, for the preview and
`--dry-run`); a row without one is a new task; the plan's tasks the file no longer lists are
listed and kept, or closed (办结) or deleted when the office says so (`Missing`). Importing the same
file twice changes nothing. 状态 is not changed by an import (办结 has its own review), 进展情况
that differs becomes a ProgressReport submitted for review in the importing user's name. A row
without an id that repeats a task of the plan (same 序号 and name) is refused, so a department's
table cannot be imported twice; into a new plan every row is new (the ids are ignored: a copy).

Tables as departments write them: header synonyms (重点任务/改革任务 → 指标名称, 具体举措/工作举措
→ 目标任务, 完成时限 → 时间进度, 配合单位 → 责任单位, 备注 appended to the task's text), a merged
title row above the header, footnote and signature rows (注：…, 填报人, 审核人, 联系电话) skipped
and listed. A merged 序号 cell is one numbered item: it becomes a task (named by the merged 重点任务
when that spans the same rows, else by its first row) whose rows are its sub-tasks numbered `1-1`,
`1-2` … — the way the plans' own items split into one sub-task per measure; the item carries the
union of its rows' units (who leads it) and no dates of its own (its rows carry them).

Import is "parse first, write once": `parse_breakdown` turns the workbook into dataclasses and
every error by row and column (named by the header as the sheet writes it) without touching the
database; `breakdown_import` writes everything in one transaction, or nothing, and refreshes the
flags and copies (`tasks.flags.flags_refresh`) of every task it wrote.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from deadlines.models import Milestone, Recurrence, UnresolvedPhrase
from departments.models import Unit
from reformtracker.readahead import read_ahead
from reformtracker.xlsx import ZipLimitError, unquote
from tasks.excel.streaming import (
    add_sheet,
    apply_print_setup,
    cell_format,
    row_height_of,
    row_pixels,
    streaming_workbook,
    styled,
    write_row,
    write_text,
)
from tasks.flags import flags_refresh
from tasks.importers.dates import find_dates, parse_date_cell
from tasks.importers.limits import check_xlsx
from tasks.importers.units import AliasTable, guess_kind, split_table_units, without_etc
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentRole,
    AssignmentSource,
    Plan,
    ProgressReport,
    ReviewState,
    Task,
    TaskFlag,
    TaskSource,
    TaskStatus,
)
from tasks.supervision.report import (
    BLUE_FILL,
    HEADER_ROW,
    NOTE_FONT,
    RED_FILL,
    TITLE_FONT,
    Column,
    setup_print,
    style_body_cell,
    style_header_cell,
)

COLUMNS = (
    Column("序号", 7, "center"),
    Column("类别", 12),
    Column("指标名称", 20),
    Column("目标任务", 50),
    Column("牵头单位", 18),
    Column("责任单位", 22),
    Column("时间进度", 16),
    Column("进展情况", 40),
    Column("状态", 10, "center"),
)
HEADERS = [c.header for c in COLUMNS]
# The hidden last column: which task of which plan a row is ("RT5-1234"), so the office's edited copy
# of an export re-imports as an update of those tasks. A column, not a hidden sheet mapping row numbers,
# because it moves with its row when the office sorts, filters, inserts or deletes rows; a plain text
# cell survives LibreOffice, WPS and Excel re-saving it (tests/tasks/test_breakdown_roundtrip.py).
KEY_HEADER = "任务ID（勿改）"
KEY_COLUMN = Column(KEY_HEADER, 12)
_KEY_RE = re.compile(r"^RT(\d+)-(\d+)$")
SCHEDULE_COLUMN = 6  # 时间进度, 0-based
UNIT_JOIN = "、"
SCHEDULE_JOIN = "；"
MAX_ROWS = 20_000
MAX_ERRORS_SHOWN = 200

# --- export -------------------------------------------------------------------------------


_TASK_FIELDS = ("id", "plan_id", "order", "number", "category", "indicator", "target", "title", "text", "status", "flag",
                "latest_progress")
_STATUS_LABELS = dict(TaskStatus.choices)
_CLOSED_LABELS = {TaskStatus.DONE.label, TaskStatus.DONE_LATE.label}


@dataclass
class ExportRow:
    values: list[Any]
    flag: str  # "" when closed: only open tasks are coloured
    key: str = ""  # the hidden 任务ID cell


def task_key(plan_id: int, task_id: int) -> str:
    return f"RT{plan_id}-{task_id}"


def parse_key(value: Any) -> tuple[int, int] | None:
    m = _KEY_RE.match(_text(value))
    return (int(m[1]), int(m[2])) if m else None


_TASK_ORDER = ("plan_id", "order", "pk")
_RELATED_ORDER = ("task__plan_id", "task__order", "task_id")  # the same sequence of tasks, from a related row


def export_rows(tasks: QuerySet[Task], *, chunk: int = 2000) -> Iterator[ExportRow]:
    """The rows of `tasks` in plan order, as plain tuples: four queries however many rows.

    The tasks, and their units, milestones and unresolved phrases, are each read by a cursor of
    their own in the same task order (plan, order, id), a chunk at a time, and merged here as they
    come — no model instances, no list of ids sent back per chunk (preparing 150,000 ids for
    `task_id__in` cost Django more than the queries), memory flat however many rows."""
    latest = (
        ProgressReport.objects.filter(task=OuterRef("pk"))
        .exclude(review_state=ReviewState.RETURNED)
        .order_by("-created_at", "-pk")
        .values("text")[:1]
    )
    rows = tasks.annotate(latest_progress=Subquery(latest)).order_by(*_TASK_ORDER).values_list(*_TASK_FIELDS)
    # In a transaction: PostgreSQL's cursors are then declared without HOLD and make their rows as
    # they are fetched. Outside one (autocommit, as a request runs) Django declares them WITH HOLD,
    # and each query's whole result was made at its first fetch (0.85 s of the 50,000 rows' 2 s),
    # before the first row could be written (reformtracker.readahead overlaps the fetching with the
    # writing). Read-only: nothing to commit. Already in one (a test, an atomic request): as it is.
    own = transaction.atomic(using=tasks.db) if transaction.get_autocommit(using=tasks.db) else nullcontext()
    with own:
        yield from _export_rows(tasks, rows, chunk)


def _export_rows(tasks: QuerySet[Task], rows: QuerySet, chunk: int) -> Iterator[ExportRow]:
    ids = tasks.values("pk")
    units = _Follow(
        Assignment.objects.filter(task__in=ids).order_by(*_RELATED_ORDER, "order", "pk")
        .values_list(*_RELATED_ORDER, "role", "unit__name").iterator(chunk_size=chunk)
    )
    milestones = _Follow(
        Milestone.objects.filter(task__in=ids).order_by(*_RELATED_ORDER, "due_on", "order", "pk")
        .values_list(*_RELATED_ORDER, "phrase", "due_on", "original_due_on").iterator(chunk_size=chunk)
    )
    unresolved = _Follow(
        UnresolvedPhrase.objects.filter(task__in=ids, settled=False).order_by(*_RELATED_ORDER, "pk")
        .values_list(*_RELATED_ORDER, "phrase").iterator(chunk_size=chunk)
    )
    lead = AssignmentRole.LEAD
    for row in rows.iterator(chunk_size=chunk):
        task_id, plan_id, order, number, category, indicator, target, title, text, status, flag, progress = row
        key = (plan_id, order, task_id)
        assigned = units.take(key)
        yield ExportRow(
            [
                number,
                category,
                indicator or title,
                target or text,
                UNIT_JOIN.join([name for role, name in assigned if role == lead]),
                UNIT_JOIN.join([name for role, name in assigned if role != lead]),
                schedule_text(milestones.take(key), [p for (p,) in unresolved.take(key)]),
                progress or "",
                _STATUS_LABELS.get(status, status),
            ],
            "" if status in CLOSED else flag,
            task_key(plan_id, task_id),
        )


class _Follow:
    """Rows of a related table, (plan_id, order, task_id, …), read in the tasks' order: `take(key)`
    returns the rest of each row of the task with that (plan_id, order, task_id), asked in order.

    Comparing the keys, not just the ids, keeps the merge in step when the tables change between
    the four queries (a task added or deleted meanwhile): rows of a task the export does not list
    are passed over."""

    def __init__(self, rows: Iterator[tuple]):
        self._rows = rows
        self._next = next(rows, None)
        self._last: tuple[tuple | None, list[tuple]] = (None, [])

    def take(self, key: tuple) -> list[tuple]:
        if self._last[0] == key:  # a task listed twice by its queryset gets its rows twice
            return self._last[1]
        out, row, rows = [], self._next, self._rows
        while row is not None:
            head = row[:3]
            if head > key:
                break
            if head == key:
                out.append(row[3:])
            row = next(rows, None)
        self._next = row
        self._last = (key, out)
        return out


def schedule_text(milestones: Iterable[tuple], unresolved: Iterable[str] = ()) -> str:
    """(phrase, due_on, original_due_on) tuples and unresolved phrases → the 时间进度 cell."""
    parts: list[str] = []
    for phrase, due_on, original in milestones:
        part = phrase or due_on.isoformat()
        if original is not None and original != due_on:  # extended (Milestone.is_extended)
            part = f"{phrase or original.isoformat()}（延期至{due_on.isoformat()}）"
        if part not in parts:  # 每季度 is four milestones with one phrase
            parts.append(part)
    parts += [p for p in unresolved if p not in parts]
    return SCHEDULE_JOIN.join(parts)


def _body_formats(wb) -> dict[str, list]:
    """Formats per column (and None for the 任务ID) for an open task, an overdue one and a due-soon one: the 时间进度 cell is
    coloured only when an open task is overdue or due soon."""
    out = {}
    for flag, fill in (("", None), (TaskFlag.OVERDUE, RED_FILL), (TaskFlag.DUE_SOON, BLUE_FILL)):
        row = []
        for i, col in enumerate(COLUMNS):
            stylers = [partial(style_body_cell, col=col)]
            if fill is not None and i == SCHEDULE_COLUMN:
                stylers.append(styled(fill=fill))
            row.append(cell_format(wb, *stylers))
        out[str(flag)] = [*row, None]  # the hidden 任务ID: no format
    return out


def write_breakdown(
    fileobj: IO[bytes] | str,
    tasks: QuerySet[Task],
    *,
    title: str = "任务分解表",
    note: str = "",
    generated_at: dt.datetime | None = None,
) -> int:
    """Stream `tasks` into a breakdown workbook (constant memory however many rows). Returns the row count."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    wb = streaming_workbook(fileobj)
    ws = add_sheet(wb, "任务分解表")
    key = len(COLUMNS)  # 0-based column of the hidden 任务ID
    apply_print_setup(ws, partial(setup_print, columns=COLUMNS), widths={key: KEY_COLUMN.width}, hidden=[key])
    heading = cell_format(wb, styled(font=TITLE_FONT, alignment=Alignment(horizontal="center", vertical="center")))
    ws.merge_range(0, 0, 0, key - 1, None, heading)
    write_text(ws, 0, 0, title, heading)
    sub = cell_format(wb, styled(font=NOTE_FONT))
    ws.merge_range(1, 0, 1, key - 1, None, sub)
    write_text(ws, 1, 0, f"{note + '　　' if note else ''}导出时间：{generated_at:%Y-%m-%d %H:%M}", sub)
    header = cell_format(wb, style_header_cell)
    line = HEADER_ROW - 1
    write_row(ws, line, [*HEADERS, KEY_HEADER], [header] * len(HEADERS) + [None])
    formats = _body_formats(wb)
    height = row_height_of([c.width for c in COLUMNS])  # report.row_height's figure, faster
    # the rows read by a thread while this one writes those already read (reformtracker.readahead)
    for row in read_ahead(lambda: export_rows(tasks), using=tasks.db, batch=200, depth=3):
        line += 1
        ws.set_row_pixels(line, row_pixels(height(row.values)))
        write_row(ws, line, [*row.values, row.key], formats.get(row.flag, formats[""]))
    count = line - (HEADER_ROW - 1)
    ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + max(count, 1), key - 1)
    wb.close()
    return count


# --- import: parse ------------------------------------------------------------------------

# Headers as departments write them: the first word is the export's own.
_FIELDS = {
    "number": ("序号", "编号"),
    "category": ("类别", "领域", "改革领域"),
    "indicator": ("指标名称", "指标名称/任务", "任务名称", "改革任务", "重点任务", "主要任务"),
    "target": ("目标任务", "工作任务", "任务内容", "具体举措", "工作举措", "主要举措", "具体任务", "工作措施"),
    "lead": ("牵头单位", "牵头部门"),
    "responsible": ("责任单位", "责任部门", "配合单位", "配合部门"),
    "schedule": ("时间进度", "完成时限", "完成时间", "时间节点", "时限要求"),
    "progress": ("进展情况", "最新进展"),
    "status": ("状态",),
    "note": ("备注",),
    "key": (KEY_HEADER, "任务ID"),
}
# one column of each group is needed; the first names the group in "缺少列"
REQUIRED = (("number",), ("indicator", "target"), ("lead", "responsible"), ("schedule",))
LABELS = {name: words[0] for name, words in _FIELDS.items()}
STATUS_BY_LABEL = {label: value for value, label in TaskStatus.choices}
LIMITS = {"number": 30, "category": 100, "indicator": 200}
_EXTENDED_RE = re.compile(r"^(?P<phrase>.*?)[（(]延期至(?P<date>[\d\-/.]+)[）)]$")
_NUMERIC_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SPLIT_SCHEDULE_RE = re.compile(r"[；;\n]+")
# standing work with no date (持续推进, 长期坚持, 按年度): kept for the office to settle, as the plan importer does
_STANDING_RE = re.compile(r"持续|长期|常态|按年度|逐年|常年|适时|按计划")
# footnotes and signature lines under a department's table
_FOOTER_RE = re.compile(r"^(注|备注|说明|附注|注释)\d*[:：、.．]|^注\d")
_SIGNATURE_RE = re.compile(r"(填报人|填表人|审核人|联系人|联系电话|填报单位|填报日期|制表人|签发人|单位负责人|分管领导)[:：]?")
_SUB_NUMBER_RE = re.compile(r"^(?P<parent>.+)-(?P<k>\d+)$")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class BreakdownFileError(Exception):
    """The file as a whole cannot be read; the message is for the office user, in Chinese."""


@dataclass
class CellError:
    line: int  # Excel row number (0: the sheet as a whole)
    column: str  # header text as the sheet writes it, "" for the whole row
    message: str
    letter: str = ""

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else "表格"
        if self.column:
            where += f" {self.letter}列（{self.column}）" if self.letter else f"（{self.column}）"
        return f"{where}：{self.message}"


@dataclass
class DeadlineSpec:
    due_on: dt.date
    phrase: str
    recurring: bool = False
    original_due_on: dt.date | None = None


@dataclass
class BreakdownRow:
    line: int
    number: str
    category: str
    indicator: str
    target: str
    leads: list[str]
    responsible: list[str]
    deadlines: list[DeadlineSpec]
    unresolved: list[str]
    progress: str
    status: str
    note: str = ""
    key: tuple[int, int] | None = None  # (plan id, task id) from the hidden 任务ID column
    parent: int | None = None  # index in ParsedBreakdown.rows of the row this one is a sub-task of
    group: bool = False  # made up for a merged 序号 cell: the parent of the rows it spans
    cells: dict[str, str] = field(default_factory=dict)  # the cells as written, by field

    @property
    def title(self) -> str:
        return (self.indicator or self.target)[:500]

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def unit_names(self) -> list[str]:
        return self.leads + self.responsible


@dataclass
class ParsedBreakdown:
    rows: list[BreakdownRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    sheet: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # field → header as the sheet writes it
    skipped: list[tuple[int, str]] = field(default_factory=list)  # footnote and signature rows

    @property
    def unit_names(self) -> list[str]:
        return list(dict.fromkeys(n for r in self.rows for n in r.unit_names))

    @property
    def key_plans(self) -> set[int]:
        """The plans the rows' hidden 任务ID columns come from."""
        return {r.key[0] for r in self.rows if r.key}

    def unit_lines(self, name: str) -> list[int]:
        return [r.line for r in self.rows if name in r.unit_names and not r.group]

    @property
    def ok(self) -> bool:
        return not self.errors


def open_workbook(fileobj: IO[bytes]) -> Workbook:
    data = fileobj.read()
    if not data:
        raise BreakdownFileError("文件是空的。")
    if data.startswith(_CFB_MAGIC):
        # Excel stores a password-protected .xlsx inside an OLE container with this stream
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise BreakdownFileError("文件设置了打开密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传。")
        raise BreakdownFileError("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再上传。")
    if not data.startswith(b"PK\x03\x04"):
        raise BreakdownFileError("不是 Excel（.xlsx）文件：请上传用 Excel 或 WPS 保存的 .xlsx 表格。")
    try:
        check_xlsx(data)  # zip bomb: refused from the zip's directory before openpyxl inflates anything
    except ZipLimitError as exc:
        raise BreakdownFileError(str(exc)) from exc
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise BreakdownFileError(f"文件已损坏或不是有效的 .xlsx 表格，无法打开（{type(exc).__name__}）。") from exc


def _text(value: Any) -> str:
    """A cell as text: every value the import reads goes through here."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unquote(str(value).strip())  # our export quotes text that would be a formula


def _norm_header(value: Any) -> str:
    return re.sub(r"\s+", "", _text(value))


def _header_map(values: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, v in enumerate(values):
        h = _norm_header(v)
        bare = re.sub(r"[（(][^）)]*[）)]", "", h)  # 牵头单位（部门）, 完成时限（时间节点）
        for name, words in _FIELDS.items():
            if (h in words or bare in words) and name not in found:
                found[name] = idx
                break
    return found


def _find_header(ws) -> tuple[int, dict[str, int], list[Any]] | None:
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=20, values_only=True), start=1):
        found = _header_map(list(values))
        if "number" in found and len(found) >= 3:
            return r, found, list(values)
    return None


def _merged_ranges(ws, header_row: int) -> list:
    return [rng for rng in ws.merged_cells.ranges if rng.min_row > header_row]


def _merged_values(ws, ranges) -> dict[tuple[int, int], Any]:
    """Merged cells carry their value down/right (类别 and 指标名称 spanning several rows)."""
    out: dict[tuple[int, int], Any] = {}
    for rng in ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                out[(r, c)] = value
    return out


def parse_schedule(value: Any, year: int) -> tuple[list[DeadlineSpec], list[str], list[str]]:
    """A 时间进度 cell → (deadlines, unresolved phrases, error messages)."""
    if isinstance(value, dt.datetime | dt.date):
        d = value.date() if isinstance(value, dt.datetime) else value
        return [DeadlineSpec(d, "")], [], []
    deadlines: list[DeadlineSpec] = []
    unresolved: list[str] = []
    errors: list[str] = []
    for part in (p.strip() for p in _SPLIT_SCHEDULE_RE.split(_text(value))):
        if not part:
            continue
        extended = _EXTENDED_RE.match(part)
        if extended:
            new_date = _numeric_date(extended["date"])
            phrase = extended["phrase"].strip()
            original = _resolve_one(phrase, year)
            if new_date is None or original is None:
                errors.append(f"无法识别延期写法“{part}”（应为“6月底（延期至2020-09-30）”）。")
                continue
            deadlines.append(DeadlineSpec(new_date, "" if _NUMERIC_DATE_RE.match(phrase) else phrase,
                                          original_due_on=original))
            continue
        if _NUMERIC_DATE_RE.match(part):
            d = _numeric_date(part)
            if d is None:
                errors.append(f"“{part}”不是有效日期。")
            else:
                deadlines.append(DeadlineSpec(d, ""))
            continue
        hit = parse_date_cell(part, year)
        if hit and hit.dates:
            deadlines += [DeadlineSpec(d, part, recurring=hit.recurring) for d in hit.dates]
        elif find_dates(part, year) or _STANDING_RE.search(part):
            unresolved.append(part)  # 长期坚持, 持续推进, 三季度前: kept for a person to settle
        else:
            errors.append(f"无法识别的时间“{part}”：应为日期（如 2020-12-31、2020年12月31日）"
                          "或“12月底”“全年”“每季度”“持续推进”等写法。")
    return deadlines, unresolved, errors


def _numeric_date(text: str) -> dt.date | None:
    m = _NUMERIC_DATE_RE.match(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _resolve_one(phrase: str, year: int) -> dt.date | None:
    if _NUMERIC_DATE_RE.match(phrase):
        return _numeric_date(phrase)
    hit = parse_date_cell(phrase, year)
    return hit.dates[-1] if hit and hit.dates else None


def _split_units(cell: str, table: AliasTable) -> list[str]:
    return list(dict.fromkeys(without_etc(n) for n in split_table_units(cell, table))) if cell else []


def _is_footer(values: tuple, has_number: bool) -> str:
    """The text of a footnote or signature row (注：…, 填报人：…), "" for a task row."""
    texts = [re.sub(r"\s+", "", _text(v)) for v in values]
    texts = [t for t in texts if t]
    if not texts:
        return ""
    if _FOOTER_RE.match(texts[0]) and not has_number:
        return texts[0]
    if not has_number and any(_SIGNATURE_RE.match(t) for t in texts):
        return "　".join(texts)
    return ""


class _Sheet:
    """Where each field's column is, and its header as the sheet writes it (for the messages)."""

    def __init__(self, cols: dict[str, int], header_values: list[Any]):
        self.cols = cols
        self.headers = {name: _text(header_values[idx]) or LABELS[name] for name, idx in cols.items()}

    def err(self, line: int, name: str, message: str) -> CellError:
        letter = get_column_letter(self.cols[name] + 1) if name in self.cols else ""
        return CellError(line, self.headers.get(name, LABELS[name]), message, letter)


def parse_breakdown(fileobj: IO[bytes], *, year: int) -> ParsedBreakdown:
    """Read a breakdown workbook into rows and errors (no database), every error in one pass.
    Raises BreakdownFileError when the file as a whole is unusable."""
    wb = open_workbook(fileobj)
    for ws in wb.worksheets:
        found = _find_header(ws)
        if found:
            break
    else:
        raise BreakdownFileError("找不到表头：第一行（或标题下方）应有“序号、类别、指标名称、目标任务、牵头单位、时间进度”等列"
                                 "（也可写作 重点任务、具体举措、完成时限、责任单位、配合单位 等）。")
    header_row, cols, header_values = found
    missing = [LABELS[group[0]] for group in REQUIRED if not any(f in cols for f in group)]
    if missing:
        raise BreakdownFileError(
            f"缺少列：{'、'.join(missing)}。请使用任务分解表的格式（可先导出一份作为模板）；"
            "表头也可写作：重点任务/改革任务（指标名称）、具体举措/工作举措（目标任务）、"
            "责任单位/配合单位、完成时限（时间进度）。"
        )
    if ws.max_row - header_row > MAX_ROWS:
        raise BreakdownFileError(f"行数超过上限（{MAX_ROWS} 行），请分成几个文件导入。")
    sheet = _Sheet(cols, header_values)
    ranges = _merged_ranges(ws, header_row)
    merged = _merged_values(ws, ranges)
    span = {}  # (row, col) → (first row, last row) of the merged range it lies in
    for rng in ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                span[(r, c)] = (rng.min_row, rng.max_row)
    number_col = cols["number"] + 1
    parsed = ParsedBreakdown(sheet=ws.title, headers=sheet.headers)
    table = AliasTable()
    seen_keys: dict[tuple[int, int], int] = {}
    by_number: dict[str, int] = {}  # 序号 → index of the last top-level row with it
    group: dict[str, Any] = {}  # the merged 序号 being read: its last row, parent index, count
    for line, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        raw = {name: merged.get((line, idx + 1), values[idx] if idx < len(values) else None)
               for name, idx in cols.items()}
        if all(_text(v) == "" for v in raw.values()):
            continue
        again = _header_map(list(values))
        if len(again) >= 3 and all(cols.get(k) == v for k, v in again.items()):
            continue  # the header repeated after a page break
        footer = _is_footer(tuple(merged.get((line, i + 1), v) for i, v in enumerate(values)),
                            bool(re.match(r"^\d", _text(raw.get("number")))))
        if footer:
            parsed.skipped.append((line, footer))
            continue
        row, errors = _parse_row(line, raw, sheet, year, table)
        key_text = _text(raw.get("key"))
        if key_text:
            row.key = parse_key(key_text)
            if row.key is None:
                errors.append(sheet.err(line, "key", f"“{key_text}”不是本系统导出的任务ID：请勿修改这一列"
                                        "（新增的行请留空）。"))
            elif row.key in seen_keys:
                errors.append(sheet.err(line, "key", f"与第 {seen_keys[row.key]} 行是同一个任务（任务ID 相同）："
                                        "复制出来的新行请清空这一格。"))
                row.key = None
            else:
                seen_keys[row.key] = line
        first, last = span.get((line, number_col), (line, line))
        if last > first and row.key is None:  # a merged 序号: one numbered item, its rows are sub-tasks
            if not group or group["first"] != first:
                parent = _group_parent(row, line)
                group = {"first": first, "index": len(parsed.rows), "count": 0, "number": row.number}
                parsed.rows.append(parent)
                if row.number:
                    by_number[row.number] = group["index"]
            group["count"] += 1
            row.parent = group["index"]
            row.number = f"{group['number']}-{group['count']}" if group["number"] else ""
            if row.target and _span_of(span, line, cols.get("indicator")) == (first, last):
                row.indicator = ""  # the item's name went to the parent; the row is its measure
        else:
            group = {}
            sub = _SUB_NUMBER_RE.match(row.number)
            if sub and sub["parent"] in by_number:
                row.parent = by_number[sub["parent"]]  # 1-2 under 1, as the export writes sub-tasks
            elif row.number:
                by_number[row.number] = len(parsed.rows)
        if not row.title:
            errors.append(sheet.err(line, "indicator" if "indicator" in cols else "target",
                                    f"{sheet.headers.get('indicator', '指标名称')}和"
                                    f"{sheet.headers.get('target', '目标任务')}不能都为空。"))
        parsed.errors += errors
        parsed.rows.append(row)
    for row in parsed.rows:  # a merged 序号's task is led by whoever leads its rows
        if row.parent is not None and parsed.rows[row.parent].group:
            parent = parsed.rows[row.parent]
            for name in row.unit_names:
                if name not in parent.unit_names:
                    (parent.responsible if parent.leads else parent.leads).append(name)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(CellError(0, "", "表格中没有任务行。"))
    return parsed


def _span_of(span: dict, line: int, idx: int | None) -> tuple[int, int] | None:
    return None if idx is None else span.get((line, idx + 1))


def _group_parent(first: BreakdownRow, line: int) -> BreakdownRow:
    """The task a merged 序号 stands for: its name is the merged 指标名称/重点任务 when that spans the same
    rows, or else the first row's; its units are its rows' units (who leads the item); no dates of its own."""
    return BreakdownRow(
        line=line, number=first.number, category=first.category, indicator=first.indicator or first.target,
        target="", leads=[], responsible=[], deadlines=[], unresolved=[], progress="",
        status=TaskStatus.NOT_STARTED, group=True,
    )


def _parse_row(line: int, raw: dict[str, Any], sheet: _Sheet, year: int, table: AliasTable):
    errors: list[CellError] = []
    text = {name: _text(v) for name, v in raw.items()}
    for name, limit in LIMITS.items():
        if len(text.get(name, "")) > limit:
            errors.append(sheet.err(line, name, f"过长（最多 {limit} 个字）。"))
    deadlines, unresolved, date_errors = parse_schedule(raw.get("schedule"), year)
    errors += [sheet.err(line, "schedule", m) for m in date_errors]
    status_text = text.get("status", "")
    status = STATUS_BY_LABEL.get(status_text, status_text if status_text in TaskStatus.values else None)
    if not status_text:
        status = TaskStatus.NOT_STARTED
    elif status is None:
        errors.append(sheet.err(line, "status", f"“{status_text}”不是有效状态，应为："
                                f"{'、'.join(STATUS_BY_LABEL)}。"))
        status = TaskStatus.NOT_STARTED
    leads = _split_units(text.get("lead", ""), table)
    responsible = [n for n in _split_units(text.get("responsible", ""), table) if n not in leads]
    if "responsible" not in sheet.cols and len(leads) > 1:
        # 004's appendix has only 牵头单位: its first unit leads, the rest are responsible
        responsible, leads = leads[1:], leads[:1]
    elif "lead" not in sheet.cols and responsible:
        # only 责任单位: the first unit listed leads (列第一个单位的为牵头单位)
        leads, responsible = responsible[:1], responsible[1:]
    if text.get("progress") and not leads:
        errors.append(sheet.err(line, "lead" if "lead" in sheet.cols else "responsible",
                                "填写了进展情况，但没有牵头单位：进展须记在一个单位名下。"))
    if any(len(n) > 100 for n in leads + responsible):
        errors.append(sheet.err(line, "lead" if "lead" in sheet.cols else "responsible",
                                "单位名称过长（最多 100 个字），是否漏了分隔符“、”？"))
    row = BreakdownRow(
        line=line,
        number=text.get("number", ""),
        category=text.get("category", ""),
        indicator=text.get("indicator", ""),
        target=text.get("target", ""),
        leads=leads,
        responsible=responsible,
        deadlines=deadlines,
        unresolved=unresolved,
        progress=text.get("progress", ""),
        status=status,
        note=text.get("note", ""),
        cells=text,
    )
    return row, errors


# --- import: units and plan -----------------------------------------------------------------


def resolve_units(names: Iterable[str]) -> tuple[dict[str, Unit], list[str]]:
    """Known units by name or alias, and the names nobody knows (to be mapped by a person)."""
    known: dict[str, Unit] = {}
    unknown: list[str] = []
    for name in names:
        unit = Unit.objects.resolve(name)
        if unit is None:
            unknown.append(name)
        else:
            known[name] = unit
    return known, unknown


def unknown_unit_errors(parsed: ParsedBreakdown, unknown: Iterable[str]) -> list[str]:
    """One line per unit the system does not know, with the rows that name it."""
    out = []
    for name in unknown:
        lines = parsed.unit_lines(name)
        out.append(f"系统中没有的单位“{name}”：第 {'、'.join(map(str, lines))} 行")
    return out


def find_plan(ref: str) -> Plan | None:
    """A plan by id, 文号 or title (the management commands' --plan)."""
    ref = ref.strip()
    q = Q(doc_number=ref) | Q(title=ref)
    if ref.isdigit():
        q |= Q(pk=int(ref))
    return Plan.objects.filter(q).order_by("-year").first()


# --- import: what it changes ---------------------------------------------------------------


class Missing(models.TextChoices):
    """What happens to the plan's tasks that an exported-and-edited file no longer lists."""

    KEEP = "keep", "保留不动"
    CLOSE = "close", "办结（销号）"
    DELETE = "delete", "删除"


@dataclass
class CellChange:
    column: str  # the header as the sheet writes it
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.column}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass
class RowChange:
    index: int  # in the parsed rows
    line: int
    task_id: int
    number: str
    title: str
    cells: list[CellChange]


@dataclass
class BreakdownDiff:
    """What importing the rows into a plan would do, cell by cell. Reads only."""

    plan: Plan | None
    matched: dict[int, int] = field(default_factory=dict)  # row index → task id
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    new: list[int] = field(default_factory=list)  # row indexes
    missing: list[tuple[int, str, str]] = field(default_factory=list)  # (task id, 序号, 名称)
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # cells the import reads but does not apply

    @property
    def cell_changes(self) -> int:
        return sum(len(c.cells) for c in self.changed)

    @property
    def changes(self) -> int:
        return self.cell_changes + len(self.new)

    def lines(self, rows: list[BreakdownRow]) -> Iterator[str]:
        """The preview as text (import_breakdown --dry-run)."""
        for c in self.changed:
            for cell in c.cells:
                yield f"第 {c.line} 行 修改 {c.number} {c.title[:30]}｜{cell}"
        for i in self.new:
            r = rows[i]
            yield f"第 {r.line} 行 新增 {r.number} {r.title[:30]}"
        for _, number, title in self.missing:
            yield f"文件中没有：{number} {title[:30]}"
        yield from self.notes

    def summary(self) -> str:
        text = (f"修改任务 {len(self.changed)} 项（{self.cell_changes} 个单元格），新增 {len(self.new)} 项，"
                f"未变 {self.unchanged} 项")
        if self.missing:
            text += f"；文件中没有的任务 {len(self.missing)} 项"
        return text


def _unit_sig(names: list[str], lead_count: int, unit_map: dict[str, Unit | None]) -> list[tuple]:
    out, seen = [], set()
    for i, name in enumerate(names):
        unit = unit_map[name] if name in unit_map else Unit.objects.resolve(name)
        ident = unit.pk if unit is not None else name
        if ident in seen:
            continue
        seen.add(ident)
        out.append((ident, AssignmentRole.LEAD if i < lead_count else AssignmentRole.RESPONSIBLE))
    return out


def _schedule_sig(deadlines: list[DeadlineSpec], unresolved: list[str]) -> tuple:
    return (tuple((d.due_on, d.phrase, d.original_due_on, d.recurring) for d in deadlines), tuple(unresolved))


def _old_units(task_ids: list[int]) -> dict[int, list[tuple]]:
    """Each task's (unit id, role), leads first, in the order the export writes them."""
    out: dict[int, list[tuple]] = {i: [] for i in task_ids}
    rows = (Assignment.objects.filter(task_id__in=task_ids).order_by("task_id", "order", "pk")
            .values_list("task_id", "unit_id", "role"))
    for task_id, unit_id, role in rows:
        out[task_id].append((unit_id, role))
    return {i: [x for x in v if x[1] == AssignmentRole.LEAD] + [x for x in v if x[1] != AssignmentRole.LEAD]
            for i, v in out.items()}


def _row_changes(row: BreakdownRow, old: ExportRow, old_units: list[tuple], headers: dict[str, str], unit_map,
                 year: int) -> list[CellChange]:
    """The cells of `row` that differ from what the export writes for its task now."""
    out: list[CellChange] = []
    values = [_text(v) for v in old.values]
    for name, pos in (("number", 0), ("category", 1), ("indicator", 2), ("target", 3)):
        if name in headers and row.cells.get(name, "") != values[pos]:
            out.append(CellChange(headers[name], values[pos], row.cells.get(name, "")))
    if _unit_sig(row.unit_names, len(row.leads), unit_map) != old_units:
        for name, pos in (("lead", 4), ("responsible", 5)):
            if name in headers and row.cells.get(name, "") != values[pos]:
                out.append(CellChange(headers[name], values[pos], row.cells.get(name, "")))
    if "schedule" in headers:
        before = parse_schedule(values[6], year)
        if _schedule_sig(before[0], before[1]) != _schedule_sig(row.deadlines, row.unresolved):
            out.append(CellChange(headers["schedule"], values[6], row.cells.get("schedule", "")))
    if "progress" in headers and row.progress and row.progress != values[7]:
        out.append(CellChange(headers["progress"], values[7], row.progress))
    return out


def breakdown_diff(parsed: ParsedBreakdown | list[BreakdownRow], plan: Plan | None,
                   unit_map: dict[str, Unit | None] | None = None) -> BreakdownDiff:
    """Match the rows to the plan's tasks (by the hidden 任务ID) and say, cell by cell, what an import
    would change. Into a new plan (plan None) every row is new and the ids are ignored: a copy."""
    rows = parsed.rows if isinstance(parsed, ParsedBreakdown) else parsed
    headers = parsed.headers if isinstance(parsed, ParsedBreakdown) else {}
    if not headers:
        headers = dict(LABELS)
    unit_map = unit_map or {}
    diff = BreakdownDiff(plan)
    if plan is None:
        diff.new = list(range(len(rows)))
        return diff
    plan_tasks = set(plan.tasks.values_list("pk", flat=True))
    keyed = {i: r.key[1] for i, r in enumerate(rows) if r.key and r.key[0] == plan.pk and r.key[1] in plan_tasks}
    for r in rows:
        if r.key and r.key[0] != plan.pk:
            diff.errors.append(CellError(
                r.line, headers.get("key", KEY_HEADER),
                f"这一行导出自另一个计划（ID {r.key[0]}），不能导入到“{plan.title}”：请导入到原计划或新建计划。"))
    old_rows, old_units = {}, {}
    for task_ids in _chunks(list(keyed.values()), 2000):
        for er in export_rows(Task.objects.filter(pk__in=task_ids)):
            old_rows[parse_key(er.key)[1]] = er
        old_units.update(_old_units(task_ids))
    # a row without an id that repeats a task of the plan would duplicate it
    existing = {(n, t): pk for pk, n, t in plan.tasks.values_list("pk", "number", "title")}
    for i, r in enumerate(rows):
        if i in keyed:
            task_id = keyed[i]
            diff.matched[i] = task_id
            er = old_rows[task_id]
            cells = _row_changes(r, er, old_units[task_id], headers, unit_map, plan.year)
            if any(c.column == headers.get("progress") for c in cells) and er.values[8] in _CLOSED_LABELS:
                diff.errors.append(CellError(r.line, headers["progress"], "任务已办结，不能再报送进展：请清空这一格的修改，"
                                             "或先在任务页重新打开任务。"))
            status = r.cells.get("status", "")
            if status and status != _text(er.values[8]):
                diff.notes.append(f"第 {r.line} 行：状态“{status}”未导入（原为“{_text(er.values[8])}”）："
                                  "状态由办结审核决定，请在任务页办结或重新打开。")
            if cells:
                diff.changed.append(RowChange(i, r.line, task_id, _text(er.values[0]), _text(er.values[2]), cells))
            else:
                diff.unchanged += 1
            continue
        if r.key and r.key[0] == plan.pk:
            pass  # its task was deleted since the export: added again
        elif not r.key and (r.number, r.title) in existing and not r.group:
            diff.errors.append(CellError(
                r.line, headers.get("number", "序号"),
                f"计划中已有这一任务（{r.number} {r.title[:20]}）：要修改已有任务，请先导出该计划的任务分解表，"
                "在导出的表上修改后再导入（表中隐藏的“任务ID”列对应原任务）；或导入到新计划。"))
            continue
        diff.new.append(i)
    if keyed:  # the file is (an edited copy of) this plan's export: say what it no longer lists
        present = set(keyed.values())
        diff.missing = [(pk, number, title) for pk, number, title in
                        plan.tasks.exclude(pk__in=present).order_by("order", "pk").values_list("pk", "number", "title")]
    diff.errors.sort(key=lambda e: e.line)
    return diff


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- import: write ------------------------------------------------------------------------


@dataclass
class NewPlan:
    title: str
    year: int
    doc_number: str = ""


@dataclass
class ImportResult:
    plan: Plan
    tasks: int  # added
    assignments: int
    milestones: int
    created_units: list[str]
    updated: int = 0
    reports: int = 0
    closed: int = 0
    deleted: int = 0
    kept: int = 0

    def __str__(self) -> str:
        text = (f"已导入到“{self.plan.title}”：新增任务 {self.tasks} 项，修改 {self.updated} 项，分工 {self.assignments} 条，"
                f"时间节点 {self.milestones} 个")
        if self.reports:
            text += f"；进展 {self.reports} 条待审核"
        if self.created_units:
            text += f"；新建待核对单位 {len(self.created_units)} 个（{'、'.join(self.created_units)}）"
        if self.closed or self.deleted or self.kept:
            text += f"；文件中没有的任务：办结 {self.closed} 项，删除 {self.deleted} 项，保留 {self.kept} 项"
        return text + "。"


def _unit_for(name: str, unit_map: dict[str, Unit | None], created: dict[str, Unit]) -> Unit:
    unit = unit_map.get(name)
    if unit is not None:
        return unit
    if name not in created:
        created[name], _ = Unit.objects.get_or_create(
            name=name, defaults={"kind": guess_kind(name), "needs_review": True}
        )
    return created[name]


def _report(task_id: int, row: BreakdownRow, unit: Unit, user, today: dt.date) -> ProgressReport:
    """Imported 进展情况 is a report like any other: submitted by the importing user, awaiting review."""
    return ProgressReport(
        task_id=task_id, unit=unit, author=user if getattr(user, "pk", None) else None,
        period=today.replace(day=1), text=row.progress, review_state=ReviewState.SUBMITTED,
    )


def _update_task(task: Task, row: BreakdownRow, change: RowChange, headers: dict[str, str]) -> None:
    changed = {c.column for c in change.cells}
    fields = []
    if headers.get("number") in changed:
        task.number = row.number[:30]
        fields.append("number")
    if headers.get("category") in changed:
        task.category = row.category[:100]
        fields.append("category")
    if headers.get("indicator") in changed:
        if task.indicator or task.source == TaskSource.TABLE:
            task.indicator = row.indicator[:200]
            fields.append("indicator")
        task.title = (row.indicator or task.target or task.text)[:500] or task.title
        fields.append("title")
    if headers.get("target") in changed:
        if task.target or task.source == TaskSource.TABLE:
            task.target = row.target
            fields.append("target")
        else:
            task.text = row.target
            fields.append("text")
        if not (task.indicator or row.indicator) and task.source == TaskSource.TABLE:
            task.title = row.target[:500] or task.title
            fields.append("title")
    if fields:
        task.version += 1  # an edit form opened before the import sees it is stale
        task.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def _update_units(task: Task, row: BreakdownRow, unit_map, created: dict[str, Unit]) -> int:
    """The units the cell names now, in its order; an assignment kept keeps its confirmation."""
    current = {a.unit_id: a for a in task.assignments.all()}
    made = 0
    seen: set[int] = set()
    for order, name in enumerate(row.unit_names):
        unit = _unit_for(name, unit_map, created)
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        role = AssignmentRole.LEAD if order < len(row.leads) else AssignmentRole.RESPONSIBLE
        a = current.pop(unit.pk, None)
        if a is None:
            Assignment.objects.create(task=task, unit=unit, role=role, order=order, as_written=name[:200],
                                      source=AssignmentSource.IMPORTED)
            made += 1
        elif (a.role, a.order) != (role, order):
            a.role, a.order = role, order
            a.save(update_fields=["role", "order"])
    for a in current.values():  # the office took the unit out of the cell
        a.delete()
    return made


def _update_schedule(task: Task, row: BreakdownRow) -> int:
    """A milestone stays the same one while its printed date does: it keeps its done date and extensions."""
    pool: dict[dt.date, list[Milestone]] = {}
    for m in task.milestones.order_by("order", "pk"):
        pool.setdefault(m.original_due_on or m.due_on, []).append(m)
    made = 0
    for order, d in enumerate(row.deadlines):
        recurrence = Recurrence.QUARTERLY if d.recurring else Recurrence.NONE
        same = pool.get(d.original_due_on or d.due_on)
        if same:
            m = same.pop(0)
            want = (d.due_on, d.phrase[:200], recurrence, order)
            if (m.due_on, m.phrase, m.recurrence, m.order) != want:
                m.due_on, m.phrase, m.recurrence, m.order = want
                m.save(update_fields=["due_on", "phrase", "recurrence", "order"])
        else:
            Milestone.objects.create(task=task, due_on=d.due_on, phrase=d.phrase[:200], order=order,
                                     recurrence=recurrence, original_due_on=d.original_due_on)
            made += 1
    for rest in pool.values():
        for m in rest:
            m.delete()
    have: dict[str, list[UnresolvedPhrase]] = {}
    for p in task.unresolved_phrases.filter(settled=False).order_by("pk"):
        have.setdefault(p.phrase, []).append(p)
    for phrase in row.unresolved:
        if have.get(phrase):
            have[phrase].pop(0)
        else:
            UnresolvedPhrase.objects.create(task=task, phrase=phrase[:200])
    for rest in have.values():
        for p in rest:
            p.delete()
    return made


@transaction.atomic
def breakdown_import(
    *,
    rows: list[BreakdownRow] | ParsedBreakdown,
    unit_map: dict[str, Unit | None],
    user,
    today: dt.date,
    plan: Plan | None = None,
    new_plan: NewPlan | None = None,
    filename: str = "",
    missing: str = Missing.KEEP,
) -> ImportResult:
    """Write parsed rows into `plan` (or a new plan), all or nothing: rows carrying a task id of the plan
    update that task in place (only the cells that differ), the others are added; the plan's tasks the file
    no longer lists are kept, or closed or deleted when `missing` says so. `unit_map` names a Unit for every
    unit name in the rows; None means "create it, marked 待核对"."""
    if (plan is None) == (new_plan is None):
        raise ValueError("give exactly one of plan / new_plan")
    parsed = rows if isinstance(rows, ParsedBreakdown) else ParsedBreakdown(rows=rows, headers=dict(LABELS))
    rows = parsed.rows
    if plan is None:
        plan = Plan.objects.create(
            title=new_plan.title, year=new_plan.year, doc_number=new_plan.doc_number,
            imported_by=user if getattr(user, "is_authenticated", False) else None,
            source_filename=filename[:255],
        )
        diff = breakdown_diff(parsed, None)
    else:
        diff = breakdown_diff(parsed, plan, unit_map)
    if diff.errors:
        raise BreakdownFileError("；".join(str(e) for e in diff.errors[:5]))
    created: dict[str, Unit] = {}
    reports: list[ProgressReport] = []
    # rows that change a task
    tasks_by_id = Task.objects.in_bulk([c.task_id for c in diff.changed])
    assignments = milestones = 0
    for change in diff.changed:
        task, row = tasks_by_id[change.task_id], rows[change.index]
        columns = {c.column for c in change.cells}
        _update_task(task, row, change, parsed.headers)
        if columns & {parsed.headers.get("lead"), parsed.headers.get("responsible")}:
            assignments += _update_units(task, row, unit_map, created)
        if parsed.headers.get("schedule") in columns:
            milestones += _update_schedule(task, row)
        if parsed.headers.get("progress") in columns:
            lead = task.assignments.filter(role=AssignmentRole.LEAD).order_by("order").first()
            unit = lead.unit if lead else _unit_for(row.unit_names[0], unit_map, created)
            reports.append(_report(task.pk, row, unit, user, today))
    # new rows, parents before their sub-tasks
    new_ids = _create_rows(plan, rows, diff, unit_map, created, user, today, reports)
    assignments += new_ids.assignments
    milestones += new_ids.milestones
    bulk_create_with_history(reports, ProgressReport, batch_size=1000)
    result = ImportResult(plan, len(diff.new), assignments, milestones, sorted(created),
                          updated=len(diff.changed), reports=len(reports))
    _handle_missing(diff, missing, user, today, result)
    touched = [*new_ids.ids, *(c.task_id for c in diff.changed)]
    for ids in _chunks(touched, 2000):
        # bulk writes send no signals: the flags (and the copies made from them) are stored here
        flags_refresh(tasks=ids, as_of=today)
    return result


@dataclass
class _Created:
    ids: list[int]
    assignments: int
    milestones: int


def _create_rows(plan, rows, diff: BreakdownDiff, unit_map, created, user, today, reports) -> _Created:
    start = (plan.tasks.aggregate(m=Max("order"))["m"] or 0) + 1
    task_of: dict[int, int] = dict(diff.matched)  # row index → task id
    pending = list(diff.new)
    order = {i: start + n for n, i in enumerate(pending)}
    made: list[tuple[Task, BreakdownRow]] = []
    while pending:  # level by level: a sub-task needs its parent's id
        ready = [i for i in pending if rows[i].parent is None or rows[i].parent in task_of
                 or rows[i].parent not in pending]
        if not ready:
            ready = pending
        batch = [
            Task(
                plan=plan, source=TaskSource.TABLE, number=rows[i].number[:30], order=order[i],
                title=rows[i].title or "（无标题）", text=_with_note(rows[i]), category=rows[i].category[:100],
                indicator=rows[i].indicator[:200], target=rows[i].target, status=rows[i].status,
                parent_id=task_of.get(rows[i].parent) if rows[i].parent is not None else None,
                percent=100 if rows[i].status in CLOSED else 0,
            )
            for i in ready
        ]
        batch = bulk_create_with_history(batch, Task, batch_size=500)
        if any(t.pk is None for t in batch):  # backends without RETURNING: read the ids back
            by_order = dict(plan.tasks.filter(order__gte=start).values_list("order", "pk"))
            for t in batch:
                t.pk = t.id = by_order[t.order]
        for i, t in zip(ready, batch, strict=True):
            task_of[i] = t.pk
            made.append((t, rows[i]))
        pending = [i for i in pending if i not in task_of]
    assignments, milestones, unresolved = [], [], []
    for task, r in made:
        seen: set[int] = set()
        for n, name in enumerate(r.unit_names):
            unit = _unit_for(name, unit_map, created)
            if unit.pk in seen:  # two names of one unit
                continue
            seen.add(unit.pk)
            role = AssignmentRole.LEAD if n < len(r.leads) else AssignmentRole.RESPONSIBLE
            assignments.append(Assignment(
                task=task, unit=unit, role=role, order=n, as_written=name[:200],
                source=AssignmentSource.IMPORTED,
            ))
        for n, d in enumerate(r.deadlines):
            milestones.append(Milestone(
                task=task, due_on=d.due_on, phrase=d.phrase[:200], order=n,
                recurrence=Recurrence.QUARTERLY if d.recurring else Recurrence.NONE,
                original_due_on=d.original_due_on,
            ))
        unresolved += [UnresolvedPhrase(task=task, phrase=p[:200]) for p in r.unresolved]
        if r.progress:
            reports.append(_report(task.pk, r, _unit_for(r.leads[0], unit_map, created), user, today))
    bulk_create_with_history(assignments, Assignment, batch_size=1000)
    bulk_create_with_history(milestones, Milestone, batch_size=1000)
    UnresolvedPhrase.objects.bulk_create(unresolved, batch_size=1000)
    return _Created([t.pk for t, _ in made], len(assignments), len(milestones))


def _with_note(row: BreakdownRow) -> str:
    return f"{row.target}\n备注：{row.note}".strip() if row.note else row.target


def _handle_missing(diff: BreakdownDiff, missing: str, user, today: dt.date, result: ImportResult) -> None:
    if not diff.missing:
        return
    ids = [pk for pk, _, _ in diff.missing]
    if missing == Missing.CLOSE:
        from tasks.workflow.services import task_close

        for task in Task.objects.filter(pk__in=ids).open():
            task_close(task=task, user=user, completed_on=today, comment="导入任务分解表时办结（文件中已没有该任务）")
            result.closed += 1
        result.kept = len(ids) - result.closed
    elif missing == Missing.DELETE:
        # a task still listed keeps its parent: deleting the parent would take it along
        keep: set[int] = set()
        parents = dict(Task.objects.filter(plan=diff.plan).values_list("pk", "parent_id"))
        for pk in diff.matched.values():
            p = parents.get(pk)
            while p is not None:
                keep.add(p)
                p = parents.get(p)
        doomed = [pk for pk in ids if pk not in keep]
        for task in Task.objects.filter(pk__in=doomed):
            task.delete()
        result.deleted, result.kept = len(doomed), len(ids) - len(doomed)
    else:
        result.kept = len(ids)


def format_errors(errors: list[CellError], limit: int = MAX_ERRORS_SHOWN) -> Iterator[str]:
    for e in errors[:limit]:
        yield str(e)
    if len(errors) > limit:
        yield f"……另有 {len(errors) - limit} 处错误未列出（共 {len(errors)} 处）。"
