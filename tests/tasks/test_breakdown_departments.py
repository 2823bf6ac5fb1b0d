"""任务分解表 as departments write them: a merged title row, header synonyms, merged 序号 groups,
持续推进, footnotes and signatures; every error in one pass; an edited export updating its plan."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from deadlines.models import UnresolvedPhrase
from tasks.excel.breakdown import (
    Missing,
    NewPlan,
    breakdown_diff,
    breakdown_import,
    parse_breakdown,
    resolve_units,
    write_breakdown,
)
from tasks.models import AssignmentRole, Plan, ProgressReport, ReviewState, Task, TaskStatus
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory

TODAY = dt.date(2020, 10, 1)


def _table(title: str, header: list[str], rows: list[list], merge: list[str] = (), footer: list[list] = ()) -> io.BytesIO:
    """A department's own table: a merged title row above the header, then rows, then footnotes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for r in rows:
        ws.append(r)
    for r in footer:
        ws.append(r)
    for rng in merge:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "部门分解表.xlsx"
    return buf


# 1. 重点任务 / 具体举措 / 配合单位 / 完成时限 / 备注; 序号 and 重点任务 merged over three rows
TABLE_1 = dict(
    title="区市场监管局2020年“最多跑一次”改革任务分解表",
    header=["序号", "重点任务", "具体举措", "牵头单位", "配合单位", "完成时限", "备注"],
    rows=[
        ["1", "深化商事登记制度改革", "推行企业开办全程网办。", "区市场监管局", "区税务局", "6月底前", ""],
        [None, None, "推进“证照分离”改革全覆盖。", "区市场监管局", "", "持续推进", "与省局同步"],
        [None, None, "企业注销“一网通办”。", "区税务局", "区市场监管局", "12月底前", ""],
        ["2", "优化准入服务", "食品经营许可告知承诺。", "区市场监管局", "", "2020年9月30日", ""],
    ],
    merge=["A3:A5", "B3:B5"],
    footer=[["注：1.完成时限按自然年度计；2.配合单位按笔画排序。"], ["填报人：张三", None, "审核人：李四", None, "联系电话：82345678"]],
)
# 2. 改革任务 / 工作举措 / 责任单位 only (its first unit leads); 序号 merged but not 改革任务; 长期坚持, 按年度
TABLE_2 = dict(
    title="区税务局改革任务清单",
    header=["序号", "改革任务", "工作举措", "责任单位", "完成时限"],
    rows=[
        [1, "办税便利化", "推行“非接触式”办税。", "区税务局、区市场监管局", "长期坚持"],
        [None, "办税便利化", "压缩办税时间。", "区税务局", "按年度"],
        [2, "发票电子化", "推广电子发票。", "区税务局", "2020年11月底"],
    ],
    merge=["A3:A4"],
    footer=[["联系人：王五", "联系电话：12345"]],
)
# 3. 类别 merged, 工作举措, 进展情况: progress goes to review like any report
TABLE_3 = dict(
    title="重点改革任务推进表",
    header=["序号", "类别", "重点任务", "工作举措", "牵头单位", "配合单位", "完成时限", "进展情况"],
    rows=[
        [1, "营商环境", "企业开办", "一日办结。", "区市场监管局", "", "6月底", "已实现一日办结。"],
        [2, None, "纳税服务", "一次不用跑。", "区税务局", "", "全年", ""],
    ],
    merge=["B3:B4"],
    footer=[["备注：本表由各单位填报。"]],
)


@pytest.fixture
def units(unit_a, unit_b):
    return unit_a, unit_b


def _import(table, office, title):
    parsed = parse_breakdown(_table(**table), year=2020)
    assert [str(e) for e in parsed.errors] == []
    known, unknown = resolve_units(parsed.unit_names)
    assert unknown == []
    result = breakdown_import(rows=parsed, unit_map=known, user=office, today=TODAY, new_plan=NewPlan(title, 2020))
    return parsed, result.plan


@pytest.mark.django_db
def test_table_1_merged_number_becomes_an_item_with_sub_tasks(units, office):
    parsed, plan = _import(TABLE_1, office, "市场监管局分解表")
    assert [line for line, _ in parsed.skipped] == [7, 8]  # the footnote and the signature line
    tasks = {t.number: t for t in plan.tasks.all()}
    assert sorted(tasks) == ["1", "1-1", "1-2", "1-3", "2"]
    item = tasks["1"]
    assert item.title == "深化商事登记制度改革" and item.parent is None
    assert [tasks[n].parent_id for n in ("1-1", "1-2", "1-3")] == [item.pk] * 3
    assert [tasks[n].title for n in ("1-1", "1-2", "1-3")] == [
        "推行企业开办全程网办。", "推进“证照分离”改革全覆盖。", "企业注销“一网通办”。"]
    # the item is led by whoever leads its rows; the dates stay on the rows
    assert [(a.unit.name, a.role) for a in item.assignments.order_by("order")] == [
        ("区市场监管局", AssignmentRole.LEAD), ("区税务局", AssignmentRole.RESPONSIBLE)]
    assert item.milestones.count() == 0
    assert [m.due_on for m in tasks["1-1"].milestones.all()] == [dt.date(2020, 6, 30)]
    # 持续推进 is kept for the office to settle, not refused
    assert list(tasks["1-2"].unresolved_phrases.values_list("phrase", "settled")) == [("持续推进", False)]
    assert tasks["1-2"].text.endswith("备注：与省局同步")
    assert tasks["1-3"].assignments.get(role=AssignmentRole.LEAD).unit.name == "区税务局"
    assert tasks["2"].milestones.get().due_on == dt.date(2020, 9, 30)


@pytest.mark.django_db
def test_table_2_responsible_only_standing_phrases_and_a_merged_number_alone(units, office):
    parsed, plan = _import(TABLE_2, office, "税务局清单")
    assert [line for line, _ in parsed.skipped] == [6]
    tasks = {t.number: t for t in plan.tasks.all()}
    assert sorted(tasks) == ["1", "1-1", "1-2", "2"]
    assert tasks["1"].title == "办税便利化" and tasks["1-2"].parent_id == tasks["1"].pk
    # without a 牵头单位 column the first unit of 责任单位 leads
    assert [(a.unit.name, a.role) for a in tasks["1-1"].assignments.order_by("order")] == [
        ("区税务局", AssignmentRole.LEAD), ("区市场监管局", AssignmentRole.RESPONSIBLE)]
    assert sorted(UnresolvedPhrase.objects.filter(task__plan=plan).values_list("phrase", flat=True)) == [
        "按年度", "长期坚持"]
    assert tasks["2"].milestones.get().due_on == dt.date(2020, 11, 30)


@pytest.mark.django_db
def test_table_3_progress_is_a_report_pending_review_by_the_importing_user(units, office):
    _, plan = _import(TABLE_3, office, "重点改革任务推进表")
    tasks = {t.number: t for t in plan.tasks.all()}
    assert sorted(tasks) == ["1", "2"] and tasks["2"].category == "营商环境"
    report = ProgressReport.objects.get()
    assert (report.task, report.unit.name, report.author, report.review_state) == (
        tasks["1"], "区市场监管局", office, ReviewState.SUBMITTED)
    assert tasks["1"].milestones.get().due_on == dt.date(2020, 6, 30)
    assert tasks["2"].milestones.get().due_on == dt.date(2020, 12, 31)


def test_every_error_comes_in_one_pass_named_by_the_header_as_written():
    table = dict(
        title="某局任务表",
        header=["序号", "重点任务", "具体举措", "牵头单位", "完成时限"],
        rows=[[1, "甲", "举措甲", "区财政局", "下个月"], [2, "", "", "区财政局", "12月底"],
              [3, "丙", "举措丙", "区财政局", "2020-02-30"]],
    )
    parsed = parse_breakdown(_table(**table), year=2020)
    assert [str(e) for e in parsed.errors] == [
        "第 3 行 E列（完成时限）：无法识别的时间“下个月”：应为日期（如 2020-12-31、2020年12月31日）"
        "或“12月底”“全年”“每季度”“持续推进”等写法。",
        "第 4 行 B列（重点任务）：重点任务和具体举措不能都为空。",
        "第 5 行 E列（完成时限）：“2020-02-30”不是有效日期。",
    ]


@pytest.mark.django_db
def test_command_lists_errors_and_unknown_units_with_their_rows_together(tmp_path, unit_a, capsys):
    table = dict(
        title="某局任务表",
        header=["序号", "重点任务", "具体举措", "牵头单位", "配合单位", "完成时限"],
        rows=[[1, "甲", "举措甲", "区新设局", "区市场监管局", "下个月"], [2, "乙", "举措乙", "区市场监管局", "区新设局、区另一局", "6月底"]],
    )
    path = tmp_path / "dept.xlsx"
    path.write_bytes(_table(**table).getvalue())
    with pytest.raises(CommandError, match="发现 1 处错误；有 2 个系统中没有的单位：区新设局、区另一局"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020")
    err = capsys.readouterr().err
    assert "第 3 行 F列（完成时限）：无法识别的时间“下个月”" in err
    assert "系统中没有的单位“区新设局”：第 3、4 行" in err and "系统中没有的单位“区另一局”：第 4 行" in err
    assert not Plan.objects.filter(title="新计划").exists()


# --- an edited export updating its plan ------------------------------------------------------------


@pytest.fixture
def plan_2020(unit_a, unit_b):
    plan = PlanFactory(title="2020年工作要点", year=2020)
    for n in range(1, 4):
        t = TaskFactory(plan=plan, number=str(n), order=n, title=f"任务{n}", text=f"内容{n}")
        AssignmentFactory(task=t, unit=unit_a, role=AssignmentRole.LEAD, order=0)
        MilestoneFactory(task=t, due_on=dt.date(2020, 12, 31), phrase="12月底")
    return plan


def _export(plan) -> Workbook:
    buf = io.BytesIO()
    write_breakdown(buf, plan.tasks.all())
    buf.seek(0)
    return load_workbook(buf)


def _save(wb) -> io.BytesIO:
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "导出后修改.xlsx"
    return buf


@pytest.mark.django_db
@pytest.mark.parametrize(("missing", "left", "closed"), [(Missing.KEEP, 3, 0), (Missing.CLOSE, 3, 1), (Missing.DELETE, 2, 0)])
def test_rows_taken_out_of_the_file_are_listed_and_kept_unless_told(plan_2020, office, missing, left, closed):
    wb = _export(plan_2020)
    ws = wb.worksheets[0]
    ws.delete_rows(5)  # task 2
    ws.append(["4", "", "新任务", "新内容", "区税务局", "", "11月底", "", "未启动", None])
    parsed = parse_breakdown(_save(wb), year=2020)
    diff = breakdown_diff(parsed, plan_2020)
    assert [(n, t) for _, n, t in diff.missing] == [("2", "任务2")]
    assert [parsed.rows[i].title for i in diff.new] == ["新任务"] and diff.unchanged == 2
    known, _ = resolve_units(parsed.unit_names)
    result = breakdown_import(rows=parsed, unit_map=known, user=office, today=TODAY, plan=plan_2020, missing=missing)
    assert result.tasks == 1
    assert plan_2020.tasks.exclude(number="4").count() == left
    assert plan_2020.tasks.filter(status=TaskStatus.DONE).count() == closed


@pytest.mark.django_db
def test_ids_of_another_plan_and_copied_ids_are_refused(plan_2020, office):
    other = PlanFactory(title="另一个计划", year=2020)
    wb = _export(plan_2020)
    ws = wb.worksheets[0]
    ws.append([c.value for c in ws[4]])  # a row copied with its hidden id
    parsed = parse_breakdown(_save(wb), year=2020)
    assert [str(e) for e in parsed.errors] == [
        "第 7 行 J列（任务ID（勿改））：与第 4 行是同一个任务（任务ID 相同）：复制出来的新行请清空这一格。"]
    wb = _export(plan_2020)
    parsed = parse_breakdown(_save(wb), year=2020)
    errors = breakdown_diff(parsed, other).errors
    assert len(errors) == 3 and "导出自另一个计划" in str(errors[0])


@pytest.mark.django_db
def test_office_previews_the_cell_changes_in_the_browser_then_confirms(client, plan_2020, office, unit_b):
    client.force_login(office)
    wb = _export(plan_2020)
    ws = wb.worksheets[0]
    ws["G4"] = "9月底"
    ws["E5"] = unit_b.name
    ws.delete_rows(6)
    response = client.post(reverse("excel:breakdown_import"), {"file": _save(wb), "plan": plan_2020.pk})
    page = client.get(response["Location"]).content.decode()
    assert "修改任务 2 项（2 个单元格），新增 0 项，未变 0 项；文件中没有的任务 1 项" in page
    assert 'id="preview-changes"' in page and "12月底" in page and "9月底" in page and "区税务局" in page
    assert "计划中有、文件中没有的 1 项任务" in page and "保留不动" in page
    t1, t2, t3 = plan_2020.tasks.order_by("order")
    assert t1.milestones.get().due_on == dt.date(2020, 12, 31)  # nothing before confirming
    client.post(response["Location"], {"missing": Missing.KEEP})
    assert t1.milestones.get().due_on == dt.date(2020, 9, 30)
    assert [a.unit for a in t2.assignments.all()] == [unit_b]
    assert plan_2020.tasks.count() == 3 and Task.objects.filter(pk=t3.pk).exists()


@pytest.mark.django_db
def test_the_preview_page_lists_errors_and_unknown_units_in_one_go(client, office, unit_a):
    client.force_login(office)
    table = dict(
        title="某局任务表",
        header=["序号", "重点任务", "具体举措", "牵头单位", "完成时限"],
        rows=[[1, "甲", "举措甲", "区新设局", "明年"], [2, "乙", "举措乙", "区新设局", "6月底"]],
    )
    response = client.post(reverse("excel:breakdown_import"),
                           {"file": _table(**table), "new_title": "部门表", "new_year": 2020})
    page = client.get(response["Location"]).content.decode()
    assert "第 3 行 E列（完成时限）：无法识别的时间“明年”" in page
    assert "系统中没有的单位“区新设局”：第 3、4 行" in page
    assert "确认导入" not in page


@pytest.mark.django_db
def test_an_export_uploaded_as_a_new_plan_says_where_it_came_from(client, office, plan_2020):
    client.force_login(office)
    response = client.post(reverse("excel:breakdown_import"),
                           {"file": _save(_export(plan_2020)), "new_title": "副本", "new_year": 2020})
    page = client.get(response["Location"]).content.decode()
    assert "这份表是从计划“2020年工作要点" in page and "新增 3 项" in page


def test_a_row_whose_text_starts_with_zhu_is_a_task_not_a_footnote():
    table = dict(
        title="某局任务表",
        header=["序号", "重点任务", "具体举措", "牵头单位", "完成时限"],
        rows=[[None, "注重实效", "开展评估。", "区财政局", "12月底"]],
        footer=[["注1：本表按年度更新。"], ["说明：无"]],
    )
    parsed = parse_breakdown(_table(**table), year=2020)
    assert [r.title for r in parsed.rows] == ["注重实效"]
    assert [line for line, _ in parsed.skipped] == [4, 5]


@pytest.mark.django_db
def test_an_import_that_edits_a_task_makes_open_edit_forms_stale_and_refuses_progress_on_closed_tasks(
        plan_2020, office):
    t1, t2, _ = plan_2020.tasks.order_by("order")
    Task.objects.filter(pk=t2.pk).update(status=TaskStatus.DONE)
    wb = _export(plan_2020)
    ws = wb.worksheets[0]
    ws["C4"] = "任务一（改）"
    ws["H5"] = "办结后又写了进展。"
    parsed = parse_breakdown(_save(wb), year=2020)
    diff = breakdown_diff(parsed, plan_2020)
    assert [str(e).split("：请")[0] for e in diff.errors] == ["第 5 行（进展情况）：任务已办结，不能再报送进展"]
    ws["H5"] = None
    parsed = parse_breakdown(_save(wb), year=2020)
    known, _ = resolve_units(parsed.unit_names)
    breakdown_import(rows=parsed, unit_map=known, user=office, today=TODAY, plan=plan_2020)
    t1.refresh_from_db()
    assert (t1.title, t1.version) == ("任务一（改）", 2)


@pytest.mark.django_db
def test_a_changed_status_is_not_imported_but_said(plan_2020, office, client):
    wb = _export(plan_2020)
    wb.worksheets[0]["I4"] = "已完成"
    parsed = parse_breakdown(_save(wb), year=2020)
    diff = breakdown_diff(parsed, plan_2020)
    assert diff.changes == 0
    assert diff.notes == ["第 4 行：状态“已完成”未导入（原为“未启动”）：状态由办结审核决定，请在任务页办结或重新打开。"]
    client.force_login(office)
    response = client.post(reverse("excel:breakdown_import"), {"file": _save(wb), "plan": plan_2020.pk})
    assert "状态“已完成”未导入" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("table", [TABLE_1, TABLE_2, TABLE_3], ids=["table1", "table2", "table3"])
def test_a_department_table_once_imported_round_trips_through_its_export(units, office, table):
    _, plan = _import(table, office, "部门表")
    parsed = parse_breakdown(_save(_export(plan)), year=2020)
    assert parsed.errors == []
    diff = breakdown_diff(parsed, plan)
    assert (diff.errors, diff.changes, diff.missing, diff.unchanged) == ([], 0, [], plan.tasks.count())
    # and the department's own table a second time is refused, not doubled
    again = parse_breakdown(_table(**table), year=2020)
    assert breakdown_diff(again, plan).errors


def test_headers_with_a_bracketed_gloss_or_a_line_break_are_recognised():
    table = dict(
        title="某局任务表",
        header=["序 号", "重点任务", "具体\n举措", "牵头单位（部门）", "配合单位(部门)", "完成时限（时间节点）"],
        rows=[[1, "甲", "举措甲", "区财政局", "区税务局", "12月底"]],
    )
    parsed = parse_breakdown(_table(**table), year=2020)
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.indicator, row.target, row.leads, row.responsible) == ("甲", "举措甲", ["区财政局"], ["区税务局"])
    assert parsed.headers["schedule"] == "完成时限（时间节点）"


@pytest.mark.django_db
def test_text_that_would_be_a_formula_round_trips_quoted_with_no_changes(plan_2020, office):
    t1 = plan_2020.tasks.order_by("order").first()
    Task.objects.filter(pk=t1.pk).update(title="=HYPERLINK(\"http://x\")", text="-减少材料")
    wb = _export(plan_2020)
    assert wb.worksheets[0]["C4"].value == "'=HYPERLINK(\"http://x\")"  # text, never a formula
    parsed = parse_breakdown(_save(wb), year=2020)
    assert parsed.rows[0].indicator == "=HYPERLINK(\"http://x\")"
    assert breakdown_diff(parsed, plan_2020).changes == 0
