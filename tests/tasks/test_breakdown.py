"""任务分解表: export (streamed workbook), parse, all-or-nothing import, lossless round trip."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from deadlines.models import Milestone, Recurrence, UnresolvedPhrase
from departments.models import Unit
from tasks.excel.breakdown import (
    HEADERS,
    KEY_HEADER,
    BreakdownFileError,
    NewPlan,
    breakdown_diff,
    breakdown_import,
    format_errors,
    parse_breakdown,
    resolve_units,
    write_breakdown,
)
from tasks.models import Assignment, AssignmentRole, Plan, Task, TaskFlag, TaskSource, TaskStatus
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    TaskFactory,
)

GENERATED = timezone.make_aware(dt.datetime(2020, 10, 1, 8, 0))
TODAY = dt.date(2020, 10, 1)


def _export(tasks) -> io.BytesIO:
    buf = io.BytesIO()
    write_breakdown(buf, tasks, note="筛选条件：全部", generated_at=GENERATED)
    buf.seek(0)
    return buf


def _data_rows(buf) -> list[list]:
    buf.seek(0)
    ws = load_workbook(buf)["任务分解表"]
    return [list(r)[: len(HEADERS)] for r in ws.iter_rows(min_row=4, values_only=True)]


def _keys(buf) -> list[str]:
    buf.seek(0)
    ws = load_workbook(buf)["任务分解表"]
    return [r[0] for r in ws.iter_rows(min_row=4, min_col=len(HEADERS) + 1, values_only=True)]


SHORT = ["序号", "类别", "指标名称", "目标任务", "牵头单位", "时间进度"]  # seed 004's appendix


def _xlsx(rows, header=SHORT, *, title_rows=0, merge=()) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["2019年杭州市工作指标和时间安排"])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    for rng in merge:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@pytest.fixture
def plan_2020(unit_a, unit_b):
    """A plan with every kind of row the export must carry: table and text tasks, two units,
    a recurring phrase, a bare date, an extension, an unresolved phrase, progress, statuses."""
    plan = PlanFactory(title="2020年萧山区工作要点", doc_number="萧改办〔2020〕1号", year=2020)
    t1 = TaskFactory(plan=plan, number="1", order=1, source=TaskSource.TABLE, category="夯实基础",
                     indicator="事项基础", target="做好“一件事”梳理归集。", title="事项基础",
                     flag=TaskFlag.OVERDUE)
    AssignmentFactory(task=t1, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    AssignmentFactory(task=t1, unit=unit_b, role=AssignmentRole.RESPONSIBLE, order=1)
    MilestoneFactory(task=t1, due_on=dt.date(2020, 12, 31), phrase="12月底")
    ProgressReportFactory(task=t1, unit=unit_a, text="已完成方案制定，正在推进。")
    t2 = TaskFactory(plan=plan, number="2", order=2, title="推进“证照分离”改革", text="推进“证照分离”改革全覆盖。",
                     status=TaskStatus.IN_PROGRESS, flag=TaskFlag.DUE_SOON)
    AssignmentFactory(task=t2, unit=unit_b, role=AssignmentRole.LEAD, order=0)
    for q, day in enumerate([(3, 31), (6, 30), (9, 30), (12, 31)]):
        MilestoneFactory(task=t2, due_on=dt.date(2020, *day), phrase="每季度", order=q,
                         recurrence=Recurrence.QUARTERLY)
    t3 = TaskFactory(plan=plan, number="3", order=3, category="营商环境", indicator="企业开办",
                     target="办理时限压减至1个工作日以内。", title="企业开办", status=TaskStatus.DONE_LATE)
    AssignmentFactory(task=t3, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    MilestoneFactory(task=t3, due_on=dt.date(2020, 9, 30), phrase="6月底", original_due_on=dt.date(2020, 6, 30))
    MilestoneFactory(task=t3, due_on=dt.date(2020, 11, 15), phrase="", order=1)
    t4 = TaskFactory(plan=plan, number="4", order=4, title="长期任务", text="", category="工作保障")
    UnresolvedPhrase.objects.create(task=t4, phrase="长期坚持")
    return plan


# --- export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_writes_the_usual_layout_with_values_from_the_database(plan_2020):
    buf = _export(plan_2020.tasks.all())
    ws = load_workbook(buf)["任务分解表"]
    assert ws["A1"].value == "任务分解表"
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "筛选条件：全部　　导出时间：2020-10-01 08:00"
    assert [c.value for c in ws[3]] == [*HEADERS, KEY_HEADER]
    assert ws.column_dimensions["J"].hidden is True  # the task id: out of the office's way
    rows = _data_rows(buf)
    assert _keys(buf) == [f"RT{plan_2020.pk}-{t.pk}" for t in plan_2020.tasks.order_by("order")]
    assert rows[0] == ["1", "夯实基础", "事项基础", "做好“一件事”梳理归集。", "区市场监管局", "区税务局", "12月底",
                       "已完成方案制定，正在推进。", "未启动"]
    assert rows[1][2:4] == ["推进“证照分离”改革", "推进“证照分离”改革全覆盖。"]
    assert rows[1][6] == "每季度" and rows[1][8] == "推进中"
    assert rows[2][6] == "6月底（延期至2020-09-30）；2020-11-15"
    assert rows[2][8] == "逾期完成"
    assert rows[3][6] == "长期坚持"


@pytest.mark.django_db
def test_export_is_set_up_for_printing_and_colours_only_overdue_and_due_soon(plan_2020):
    ws = load_workbook(_export(plan_2020.tasks.all()))["任务分解表"]
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["D"].width == 50
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$3:$3"
    assert "&P" in ws.oddFooter.center.text
    assert ws.auto_filter.ref == "A3:I7"
    assert ws["G4"].fill.fgColor.rgb.endswith("F4B6B6")  # overdue: red
    assert ws["G5"].fill.fgColor.rgb.endswith("BDD7EE")  # due soon: blue (蓝 = 临期, tasks.figures.WARNINGS)
    assert ws["G7"].fill.fill_type is None
    assert ws["D4"].alignment.wrap_text is True and ws["D4"].border.top.style == "thin"
    assert ws["A3"].font.b is True


# --- lossless round trip -------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_into_a_fresh_plan_reproduces_every_cell(plan_2020, office):
    first = _export(plan_2020.tasks.all())
    parsed = parse_breakdown(first, year=2020)
    assert parsed.errors == []
    known, unknown = resolve_units(parsed.unit_names)
    assert unknown == []
    result = breakdown_import(rows=parsed.rows, unit_map=known, user=office, today=TODAY,
                              new_plan=NewPlan("复制的计划", 2020))
    assert result.tasks == 4
    again = _export(result.plan.tasks.all())
    assert _data_rows(again) == _data_rows(first)
    # and the structure behind the cells
    t2 = result.plan.tasks.get(number="2")
    assert t2.source == TaskSource.TABLE and t2.milestones.count() == 4
    assert t2.milestones.first().recurrence == Recurrence.QUARTERLY
    t3 = result.plan.tasks.get(number="3")
    extended = t3.milestones.get(phrase="6月底")
    assert (extended.due_on, extended.original_due_on) == (dt.date(2020, 9, 30), dt.date(2020, 6, 30))
    t1 = result.plan.tasks.get(number="1")
    assert [(a.unit.name, a.role) for a in t1.assignments.order_by("order")] == [
        ("区市场监管局", AssignmentRole.LEAD), ("区税务局", AssignmentRole.RESPONSIBLE)]
    assert t1.title == "事项基础"


# --- parse ---------------------------------------------------------------------------------


def test_parse_reads_seed_004_layout_with_merged_cells_and_wrapped_units():
    header = ["序号", "类别", "指标名称", "目标任务", "牵头单位", "时间 进度"]
    rows = [
        [1, "夯实基础", "事项基础", "做好“一件事”梳理归集。", "市审管办 市委编办", "12 月底"],
        [2, None, "材料基础", "77 种电子证照共享应用。", "市数据资源局", "6 月底"],
        ["序号", "类别", "指标名称", "目标任务", "牵头单位", "时间进度"],  # repeated after a page break
        [3, None, None, "企业获得信贷办理时限压减。", "人行杭州 中心支行 各区、县(市) 政府及管委会", "每季度"],
    ]
    buf = _xlsx(rows, header, title_rows=1, merge=["B3:B6", "C4:C6"])
    parsed = parse_breakdown(buf, year=2019)
    assert parsed.errors == []
    assert [r.number for r in parsed.rows] == ["1", "2", "3"]
    assert [r.category for r in parsed.rows] == ["夯实基础"] * 3
    assert parsed.rows[2].indicator == "材料基础"  # merged: carried down
    assert parsed.rows[0].leads == ["市审管办"] and parsed.rows[0].responsible == ["市委编办"]
    assert parsed.rows[2].leads == ["人行杭州中心支行"]
    assert parsed.rows[2].responsible == ["各区、县(市)政府及管委会"]
    assert [d.due_on for d in parsed.rows[1].deadlines] == [dt.date(2019, 6, 30)]
    assert parsed.rows[1].deadlines[0].phrase == "6 月底"
    assert len(parsed.rows[2].deadlines) == 4 and parsed.rows[2].deadlines[0].recurring


def test_a_unit_cell_with_an_etc_tail_names_the_unit_without_it():
    """`区科技局等区级有关部门` in a 牵头单位 cell is 区科技局 (not a unit nobody knows, to be mapped by hand)."""
    header = ["序号", "类别", "指标名称", "目标任务", "牵头单位", "时间进度"]
    rows = [[1, "", "甲", "做好某项工作。", "区发改局、区科技局等区级有关部门", "12月底"]]
    parsed = parse_breakdown(_xlsx(rows, header, title_rows=1), year=2024)
    assert parsed.errors == []
    assert parsed.rows[0].leads == ["区发改局"] and parsed.rows[0].responsible == ["区科技局"]


def test_parse_accepts_real_dates_iso_dates_and_chinese_dates():
    rows = [[1, "", "甲", "", "区财政局", dt.datetime(2020, 5, 6)],
            [2, "", "乙", "", "区财政局", "2020-07-08"],
            [3, "", "丙", "", "区财政局", "2020年9月10日；全年"]]
    parsed = parse_breakdown(_xlsx(rows), year=2020)
    assert parsed.errors == []
    assert [[d.due_on for d in r.deadlines] for r in parsed.rows] == [
        [dt.date(2020, 5, 6)], [dt.date(2020, 7, 8)], [dt.date(2020, 9, 10), dt.date(2020, 12, 31)]]


def test_a_date_that_is_not_a_date_is_reported_by_row_and_column():
    rows = [[1, "", "甲", "", "区财政局", "", "明天吧"], [2, "", "乙", "", "区财政局", "", "2020-13-45"],
            [3, "", "", "", "区财政局", "", "12月底", "", "差不多了"]]
    parsed = parse_breakdown(_xlsx(rows, HEADERS), year=2020)
    messages = [str(e) for e in parsed.errors]
    assert messages[0].startswith("第 2 行 G列（时间进度）：无法识别的时间“明天吧”")
    assert messages[1] == "第 3 行 G列（时间进度）：“2020-13-45”不是有效日期。"
    assert "第 4 行 C列（指标名称）：指标名称和目标任务不能都为空。" in messages
    assert any(m.startswith("第 4 行 I列（状态）：“差不多了”不是有效状态") for m in messages)


def test_missing_columns_are_named():
    with pytest.raises(BreakdownFileError, match="缺少列：牵头单位、时间进度"):
        parse_breakdown(_xlsx([[1, "", "甲", "乙"]], ["序号", "类别", "指标名称", "目标任务"]), year=2020)


def test_a_text_file_is_not_an_xlsx():
    with pytest.raises(BreakdownFileError, match="不是 Excel（.xlsx）文件"):
        parse_breakdown(io.BytesIO("序号,类别\n1,甲".encode()), year=2020)


def test_a_password_protected_workbook_is_recognised():
    # What Excel writes for an encrypted .xlsx: an OLE compound file with an EncryptedPackage stream.
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(BreakdownFileError, match="设置了打开密码"):
        parse_breakdown(io.BytesIO(fake), year=2020)
    with pytest.raises(BreakdownFileError, match="旧版 Excel（.xls）"):
        parse_breakdown(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), year=2020)


def test_a_corrupt_workbook_is_refused():
    good = _xlsx([[1, "", "甲", "", "区财政局", "12月底"]]).getvalue()
    with pytest.raises(BreakdownFileError, match="文件已损坏"):
        parse_breakdown(io.BytesIO(good[: len(good) // 2]), year=2020)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    other_zip.seek(0)
    with pytest.raises(BreakdownFileError, match="文件已损坏"):
        parse_breakdown(other_zip, year=2020)


def test_ten_thousand_bad_rows_give_every_error_and_a_short_listing():
    rows = [[i, "", f"指标{i}", "", "区财政局", "某天"] for i in range(1, 10_001)]
    parsed = parse_breakdown(_xlsx(rows), year=2020)
    assert len(parsed.errors) == 10_000
    shown = list(format_errors(parsed.errors))
    assert len(shown) == 201
    assert shown[-1] == "……另有 9800 处错误未列出（共 10000 处）。"


def test_a_number_may_come_twice_as_in_a_plan_with_two_numbering_series():
    # seed 004: text items 1, 2 … and the appendix table's 1, 2 … in one plan
    rows = [[1, "", "甲", "", "区财政局", "12月底"], [1, "", "乙", "", "区财政局", "12月底"]]
    parsed = parse_breakdown(_xlsx(rows), year=2020)
    assert parsed.errors == [] and [r.number for r in parsed.rows] == ["1", "1"]


# --- import service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_units_are_mapped_or_created_for_review(office, unit_a):
    rows = [[1, "类", "甲", "目标", "区市场监管", "区新部门", "12月底", "进展一", "推进中"]]
    parsed = parse_breakdown(_xlsx(rows, HEADERS), year=2020)
    known, unknown = resolve_units(parsed.unit_names)
    assert known == {} and unknown == ["区市场监管", "区新部门"]
    plan = PlanFactory(year=2020)
    result = breakdown_import(rows=parsed.rows, unit_map={"区市场监管": unit_a, "区新部门": None}, user=office,
                              today=TODAY, plan=plan)
    assert result.created_units == ["区新部门"]
    assert Unit.objects.get(name="区新部门").needs_review is True
    task = plan.tasks.get()
    assert [(a.unit.name, a.role, a.as_written) for a in task.assignments.order_by("order")] == [
        ("区市场监管局", AssignmentRole.LEAD, "区市场监管"), ("区新部门", AssignmentRole.RESPONSIBLE, "区新部门")]
    report = task.reports.get()
    assert (report.text, report.unit, report.author, report.period) == ("进展一", unit_a, office, dt.date(2020, 10, 1))
    assert task.status == TaskStatus.IN_PROGRESS
    # bulk-created, so no signals: the import refreshes the copies the list and the dashboard read
    assert (task.next_due, task.lead_unit) == (dt.date(2020, 12, 31), unit_a)
    assert {(a.task_plan_id, a.task_top_level, a.task_status) for a in task.assignments.all()} == {
        (plan.pk, True, TaskStatus.IN_PROGRESS)}


@pytest.mark.django_db
def test_rows_without_a_task_id_that_repeat_a_task_of_the_plan_are_refused(office, unit_a):
    plan = PlanFactory(year=2020)
    TaskFactory(plan=plan, number="1", title="甲", source=TaskSource.TABLE)
    parsed = parse_breakdown(_xlsx([[1, "", "甲", "", unit_a.name, "12月底"], [1, "", "乙", "", unit_a.name, "12月底"]]),
                             year=2020)
    diff = breakdown_diff(parsed, plan)
    assert [str(e).split("：要修改")[0] for e in diff.errors] == ["第 2 行（序号）：计划中已有这一任务（1 甲）"]
    assert diff.new == [1]


@pytest.mark.django_db
def test_import_is_all_or_nothing(office, unit_a, monkeypatch):
    parsed = parse_breakdown(_xlsx([[1, "", "甲", "", unit_a.name, "12月底"]]), year=2020)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(UnresolvedPhrase.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        breakdown_import(rows=parsed.rows, unit_map={unit_a.name: unit_a}, user=office, today=TODAY,
                         new_plan=NewPlan("会失败的计划", 2020))
    assert not Plan.objects.filter(title="会失败的计划").exists()
    assert Task.objects.count() == 0 and Milestone.objects.count() == 0 and Assignment.objects.count() == 0


# --- command ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_errors_by_row_and_column_and_writes_nothing(tmp_path, unit_a, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_xlsx([[1, "", "甲", "", unit_a.name, "下个月"]]).getvalue())
    with pytest.raises(CommandError, match="发现 1 处错误，没有写入任何内容"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020")
    assert "第 2 行 F列（时间进度）：无法识别的时间“下个月”" in capsys.readouterr().err
    assert not Plan.objects.filter(title="新计划").exists()


@pytest.mark.django_db
def test_command_needs_unknown_units_mapped_then_imports(tmp_path, unit_a):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_xlsx([[1, "", "甲", "", "市场监管", "区未知局", "12月底"]], HEADERS[:7]).getvalue())
    with pytest.raises(CommandError, match="市场监管、区未知局"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020")
    assert Task.objects.count() == 0
    out = io.StringIO()
    call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020",
                 "--map", f"市场监管={unit_a.name}", "--create-units", stdout=out)
    assert "任务 1 项" in out.getvalue() and "区未知局" in out.getvalue()
    task = Task.objects.get(plan__title="新计划")
    assert task.milestones.get().due_on == dt.date(2020, 12, 31)
    assert task.assignments.get(role=AssignmentRole.LEAD).unit == unit_a


@pytest.mark.django_db
def test_command_refuses_a_corrupt_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(CommandError, match="文件已损坏"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020")

