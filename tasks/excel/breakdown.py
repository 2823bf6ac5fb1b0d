"""The task-breakdown table (任务分解表): export any task list, import the same layout back.

Layout (seed 004's appendix, plus three columns): 序号 类别 指标名称 目标任务 牵头单位 责任单位
时间进度 进展情况 状态. Export then import into a fresh plan reproduces the same cells:

- 指标名称 is the indicator, or the title of a task that has none; 目标任务 is the target, or
  the task's text. Import sets title = 指标名称 or 目标任务.
- 牵头单位: the first unit leads, further ones are responsible (as the plan importer reads
  004); 责任单位: responsible units. Units are joined with “、” in their printed order.
- 时间进度: the milestones' phrases joined with “；” (a recurring `每季度` once), a bare date
  where there is no phrase, and an extended milestone as `6月底（延期至2020-09-30）`, so its
  original date survives. Phrases nobody could resolve (`长期坚持`) are kept as such.

Import is "parse first, write once": `parse_breakdown` turns the workbook into dataclasses and
a list of errors by row and column without touching the database; `breakdown_import` writes
everything in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from deadlines.models import Milestone, Recurrence, UnresolvedPhrase
from departments.models import Unit
from reformtracker.xlsx import ZipLimitError, safe_value, unquote
from tasks.flags import flags_refresh
from tasks.importers.dates import find_dates, parse_date_cell
from tasks.importers.limits import check_xlsx
from tasks.importers.units import AliasTable, guess_kind, split_table_units
from tasks.models import (
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
    row_height,
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
SCHEDULE_COLUMN = 6  # 时间进度, 0-based
UNIT_JOIN = "、"
SCHEDULE_JOIN = "；"
MAX_ROWS = 20_000
MAX_ERRORS_SHOWN = 200

# --- export -------------------------------------------------------------------------------


_TASK_FIELDS = ("id", "number", "category", "indicator", "target", "title", "text", "status", "flag",
                "latest_progress")
_STATUS_LABELS = dict(TaskStatus.choices)
_CLOSED = {TaskStatus.DONE.value, TaskStatus.DONE_LATE.value}


@dataclass
class ExportRow:
    values: list[Any]
    flag: str  # "" when closed: only open tasks are coloured


def export_rows(tasks: QuerySet[Task], *, chunk: int = 2000) -> Iterator[ExportRow]:
    """The rows of `tasks`, fetched as plain tuples a chunk at a time: three queries per chunk for
    units, milestones and unresolved phrases, no model instances (they were most of the time)."""
    latest = (
        ProgressReport.objects.filter(task=OuterRef("pk"))
        .exclude(review_state=ReviewState.RETURNED)
        .order_by("-created_at", "-pk")
        .values("text")[:1]
    )
    rows = (
        tasks.annotate(latest_progress=Subquery(latest))
        .order_by("plan_id", "order", "pk")
        .values_list(*_TASK_FIELDS)
    )
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from _with_related(batch)
            batch = []
    if batch:
        yield from _with_related(batch)


def _with_related(batch: list[tuple]) -> Iterator[ExportRow]:
    ids = [r[0] for r in batch]
    units: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for task_id, role, name in (
        Assignment.objects.filter(task_id__in=ids).order_by("task_id", "order", "pk")
        .values_list("task_id", "role", "unit__name")
    ):
        units[task_id][0 if role == AssignmentRole.LEAD else 1].append(name)
    milestones: dict[int, list[tuple]] = {i: [] for i in ids}
    for task_id, *m in (
        Milestone.objects.filter(task_id__in=ids).order_by("task_id", "due_on", "order", "pk")
        .values_list("task_id", "phrase", "due_on", "original_due_on")
    ):
        milestones[task_id].append(m)
    unresolved: dict[int, list[str]] = {i: [] for i in ids}
    for task_id, phrase in UnresolvedPhrase.objects.filter(task_id__in=ids, settled=False).order_by("pk").values_list(
        "task_id", "phrase"
    ):
        unresolved[task_id].append(phrase)
    for task_id, number, category, indicator, target, title, text, status, flag, progress in batch:
        leads, others = units[task_id]
        yield ExportRow(
            [
                number,
                category,
                indicator or title,
                target or text,
                UNIT_JOIN.join(leads),
                UNIT_JOIN.join(others),
                schedule_text(milestones[task_id], unresolved[task_id]),
                progress or "",
                _STATUS_LABELS.get(status, status),
            ],
            "" if status in _CLOSED else flag,
        )


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


def _body_styles(ws) -> dict[str, list[StyleArray]]:
    """Style arrays per column, computed once: styling 450,000 cells one attribute at a time
    (each a hashed lookup) would dominate the export's time."""
    out = {}
    for flag, fill in (("", None), (TaskFlag.OVERDUE, RED_FILL), (TaskFlag.DUE_SOON, BLUE_FILL)):
        row = []
        for i, col in enumerate(COLUMNS):
            proto = WriteOnlyCell(ws)
            style_body_cell(proto, col)
            if fill is not None and i == SCHEDULE_COLUMN:
                proto.fill = fill
            row.append(proto._style)
        out[str(flag)] = row
    return out


def write_breakdown(
    fileobj: IO[bytes],
    tasks: QuerySet[Task],
    *,
    title: str = "任务分解表",
    note: str = "",
    generated_at: dt.datetime | None = None,
) -> int:
    """Stream `tasks` into a breakdown workbook (write-only: memory stays flat). Returns the row count."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("任务分解表")
    setup_print(ws, COLUMNS)  # write-only sheets: widths and frozen panes must precede the first row
    last = get_column_letter(len(COLUMNS))
    heading = WriteOnlyCell(ws, value=safe_value(title))
    heading.font = TITLE_FONT
    heading.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([heading])
    sub = WriteOnlyCell(ws, value=safe_value(f"{note + '　　' if note else ''}导出时间：{generated_at:%Y-%m-%d %H:%M}"))
    sub.font = NOTE_FONT
    ws.append([sub])
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    header = []
    for h in HEADERS:
        cell = WriteOnlyCell(ws, value=h)
        style_header_cell(cell)
        header.append(cell)
    ws.append(header)
    styles = _body_styles(ws)
    count = 0
    for row in export_rows(tasks):
        line = HEADER_ROW + count + 1
        ws.row_dimensions[line].height = row_height(row.values, COLUMNS)
        # the schedule cell is coloured only when an open task is overdue or due soon
        row_styles = styles.get(row.flag, styles[""])
        ws.append([Cell(ws, row=1, column=1, value=safe_value(v), style_array=st)
                   for v, st in zip(row.values, row_styles, strict=True)])
        del ws.row_dimensions[line]  # written with the row; keep memory flat
        count += 1
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(count, 1)}"
    wb.save(fileobj)
    return count


# --- import: parse ------------------------------------------------------------------------

_FIELDS = {
    "number": ("序号", "编号"),
    "category": ("类别",),
    "indicator": ("指标名称", "指标名称/任务", "任务名称"),
    "target": ("目标任务", "工作任务", "任务内容"),
    "lead": ("牵头单位", "牵头部门"),
    "responsible": ("责任单位", "责任部门", "配合单位"),
    "schedule": ("时间进度", "完成时限", "完成时间", "时间节点"),
    "progress": ("进展情况", "最新进展"),
    "status": ("状态",),
}
REQUIRED = ("number", "indicator", "target", "lead", "schedule")
LABELS = {"number": "序号", "category": "类别", "indicator": "指标名称", "target": "目标任务", "lead": "牵头单位",
          "responsible": "责任单位", "schedule": "时间进度", "progress": "进展情况", "status": "状态"}
STATUS_BY_LABEL = {label: value for value, label in TaskStatus.choices}
LIMITS = {"number": 30, "category": 100, "indicator": 200}
_EXTENDED_RE = re.compile(r"^(?P<phrase>.*?)[（(]延期至(?P<date>[\d\-/.]+)[）)]$")
_NUMERIC_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SPLIT_SCHEDULE_RE = re.compile(r"[；;\n]+")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class BreakdownFileError(Exception):
    """The file as a whole cannot be read; the message is for the office user, in Chinese."""


@dataclass
class CellError:
    line: int  # Excel row number (0: the sheet as a whole)
    column: str  # header text, "" for the whole row
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

    @property
    def unit_names(self) -> list[str]:
        return list(dict.fromkeys(n for r in self.rows for n in r.unit_names))

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
        for name, words in _FIELDS.items():
            if h in words and name not in found:
                found[name] = idx
    return found


def _find_header(ws) -> tuple[int, dict[str, int]] | None:
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=20, values_only=True), start=1):
        found = _header_map(list(values))
        if "number" in found and len(found) >= 3:
            return r, found
    return None


def _merged_values(ws, header_row: int) -> dict[tuple[int, int], Any]:
    """Merged cells carry their value down/right (类别 and 指标名称 spanning several rows)."""
    out: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= header_row:
            continue
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
        elif find_dates(part, year):
            unresolved.append(part)  # 长期坚持, 三季度前: kept for a person to settle
        else:
            errors.append(f"无法识别的时间“{part}”：应为日期（如 2020-12-31、2020年12月31日）"
                          "或“12月底”“全年”“每季度”等写法。")
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
    return list(dict.fromkeys(split_table_units(cell, table))) if cell else []


def parse_breakdown(fileobj: IO[bytes], *, year: int) -> ParsedBreakdown:
    """Read a breakdown workbook into rows and errors (no database). Raises BreakdownFileError
    when the file as a whole is unusable."""
    wb = open_workbook(fileobj)
    for ws in wb.worksheets:
        found = _find_header(ws)
        if found:
            break
    else:
        raise BreakdownFileError("找不到表头：第一行（或标题下方）应有“序号、类别、指标名称、目标任务、牵头单位、时间进度”等列。")
    header_row, cols = found
    missing = [LABELS[f] for f in REQUIRED if f not in cols]
    if missing:
        raise BreakdownFileError(f"缺少列：{'、'.join(missing)}。请使用任务分解表的格式（可先导出一份作为模板）。")
    if ws.max_row - header_row > MAX_ROWS:
        raise BreakdownFileError(f"行数超过上限（{MAX_ROWS} 行），请分成几个文件导入。")
    merged = _merged_values(ws, header_row)
    parsed = ParsedBreakdown(sheet=ws.title)
    table = AliasTable()
    seen_numbers: dict[str, int] = {}
    for line, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        raw = {name: merged.get((line, idx + 1), values[idx] if idx < len(values) else None)
               for name, idx in cols.items()}
        if all(_text(v) == "" for v in raw.values()):
            continue
        again = _header_map(list(values))
        if len(again) >= 3 and all(cols.get(k) == v for k, v in again.items()):
            continue  # the header repeated after a page break
        row, errors = _parse_row(line, raw, cols, year, table)
        if row.number:
            if row.number in seen_numbers:
                errors.append(_err(line, "number", cols, f"序号重复（与第 {seen_numbers[row.number]} 行相同）。"))
            seen_numbers.setdefault(row.number, line)
        parsed.errors += errors
        parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(CellError(0, "", "表格中没有任务行。"))
    return parsed


def _err(line: int, name: str, cols: dict[str, int], message: str) -> CellError:
    letter = get_column_letter(cols[name] + 1) if name in cols else ""
    return CellError(line, LABELS[name], message, letter)


def _parse_row(line: int, raw: dict[str, Any], cols: dict[str, int], year: int, table: AliasTable):
    errors: list[CellError] = []
    text = {name: _text(v) for name, v in raw.items()}
    for name, limit in LIMITS.items():
        if len(text.get(name, "")) > limit:
            errors.append(_err(line, name, cols, f"过长（最多 {limit} 个字）。"))
    if not text.get("indicator") and not text.get("target"):
        errors.append(_err(line, "indicator", cols, "指标名称和目标任务不能都为空。"))
    deadlines, unresolved, date_errors = parse_schedule(raw.get("schedule"), year)
    errors += [_err(line, "schedule", cols, m) for m in date_errors]
    status_text = text.get("status", "")
    status = STATUS_BY_LABEL.get(status_text, status_text if status_text in TaskStatus.values else None)
    if not status_text:
        status = TaskStatus.NOT_STARTED
    elif status is None:
        errors.append(_err(line, "status", cols, f"“{status_text}”不是有效状态，应为："
                           f"{'、'.join(STATUS_BY_LABEL)}。"))
        status = TaskStatus.NOT_STARTED
    leads = _split_units(text.get("lead", ""), table)
    responsible = [n for n in _split_units(text.get("responsible", ""), table) if n not in leads]
    if len(leads) > 1:  # the first unit of 牵头单位 leads; the rest are responsible (as 004 is read)
        responsible = leads[1:] + [n for n in responsible if n not in leads[1:]]
        leads = leads[:1]
    if text.get("progress") and not leads:
        errors.append(_err(line, "lead", cols, "填写了进展情况，但没有牵头单位：进展须记在一个单位名下。"))
    if any(len(n) > 100 for n in leads + responsible):
        errors.append(_err(line, "lead", cols, "单位名称过长（最多 100 个字），是否漏了分隔符“、”？"))
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


def find_plan(ref: str) -> Plan | None:
    """A plan by id, 文号 or title (the management commands' --plan)."""
    ref = ref.strip()
    q = Q(doc_number=ref) | Q(title=ref)
    if ref.isdigit():
        q |= Q(pk=int(ref))
    return Plan.objects.filter(q).order_by("-year").first()


def check_against_plan(parsed: ParsedBreakdown, plan: Plan | None) -> list[CellError]:
    """Rows whose 序号 the plan already has as a table row: importing twice would duplicate them."""
    if plan is None:
        return []
    taken = set(
        plan.tasks.filter(source=TaskSource.TABLE).exclude(number="").values_list("number", flat=True)
    )
    return [
        CellError(r.line, "序号", f"计划“{plan.title}”中已有序号为 {r.number} 的附表任务；"
                  "请导入到新计划，或先删除原有任务。")
        for r in parsed.rows
        if r.number in taken
    ]


# --- import: write ------------------------------------------------------------------------


@dataclass
class NewPlan:
    title: str
    year: int
    doc_number: str = ""


@dataclass
class ImportResult:
    plan: Plan
    tasks: int
    assignments: int
    milestones: int
    created_units: list[str]

    def __str__(self) -> str:
        text = (f"已导入到“{self.plan.title}”：任务 {self.tasks} 项，分工 {self.assignments} 条，"
                f"时间节点 {self.milestones} 个")
        if self.created_units:
            text += f"；新建待核对单位 {len(self.created_units)} 个（{'、'.join(self.created_units)}）"
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


@transaction.atomic
def breakdown_import(
    *,
    rows: list[BreakdownRow],
    unit_map: dict[str, Unit | None],
    user,
    today: dt.date,
    plan: Plan | None = None,
    new_plan: NewPlan | None = None,
    filename: str = "",
) -> ImportResult:
    """Write parsed rows as tasks of `plan` (or a new plan). `unit_map` names a Unit for every
    unit name in the rows; None means "create it, marked 待核对"."""
    if (plan is None) == (new_plan is None):
        raise ValueError("give exactly one of plan / new_plan")
    if plan is None:
        plan = Plan.objects.create(
            title=new_plan.title, year=new_plan.year, doc_number=new_plan.doc_number,
            imported_by=user if getattr(user, "is_authenticated", False) else None,
            source_filename=filename[:255],
        )
    start = (plan.tasks.aggregate(m=Max("order"))["m"] or 0) + 1
    tasks = [
        Task(
            plan=plan, source=TaskSource.TABLE, number=r.number, order=start + i, title=r.title,
            text=r.target, category=r.category, indicator=r.indicator, target=r.target, status=r.status,
            percent=100 if r.status in (TaskStatus.DONE, TaskStatus.DONE_LATE) else 0,
        )
        for i, r in enumerate(rows)
    ]
    tasks = bulk_create_with_history(tasks, Task, batch_size=500)
    if any(t.pk is None for t in tasks):  # backends without RETURNING: read the ids back
        by_order = dict(plan.tasks.filter(order__gte=start).values_list("order", "pk"))
        for t in tasks:
            t.pk = t.id = by_order[t.order]
    created: dict[str, Unit] = {}
    assignments, milestones, unresolved, reports = [], [], [], []
    for task, r in zip(tasks, rows, strict=True):
        seen: set[int] = set()
        for order, name in enumerate(r.unit_names):
            unit = _unit_for(name, unit_map, created)
            if unit.pk in seen:  # two names of one unit
                continue
            seen.add(unit.pk)
            role = AssignmentRole.LEAD if order == 0 and r.leads else AssignmentRole.RESPONSIBLE
            assignments.append(Assignment(
                task=task, unit=unit, role=role, order=order, as_written=name[:200],
                source=AssignmentSource.IMPORTED,
            ))
        for order, d in enumerate(r.deadlines):
            milestones.append(Milestone(
                task=task, due_on=d.due_on, phrase=d.phrase[:200], order=order,
                recurrence=Recurrence.QUARTERLY if d.recurring else Recurrence.NONE,
                original_due_on=d.original_due_on,
            ))
        unresolved += [UnresolvedPhrase(task=task, phrase=p[:200]) for p in r.unresolved]
        if r.progress:
            reports.append(ProgressReport(
                task=task, unit=_unit_for(r.leads[0], unit_map, created), author=user if user and user.pk else None,
                period=today.replace(day=1), text=r.progress, review_state=ReviewState.ACCEPTED,
            ))
    bulk_create_with_history(assignments, Assignment, batch_size=1000)
    bulk_create_with_history(milestones, Milestone, batch_size=1000)
    UnresolvedPhrase.objects.bulk_create(unresolved, batch_size=1000)
    bulk_create_with_history(reports, ProgressReport, batch_size=1000)
    # bulk_create sends no signals: the flags (and the copies made from them) are stored here
    flags_refresh(tasks=[t.pk for t in tasks], as_of=today)
    return ImportResult(plan, len(tasks), len(assignments), len(milestones), sorted(created))


def format_errors(errors: list[CellError], limit: int = MAX_ERRORS_SHOWN) -> Iterator[str]:
    for e in errors[:limit]:
        yield str(e)
    if len(errors) > limit:
        yield f"……另有 {len(errors) - limit} 处错误未列出（共 {len(errors)} 处）。"
