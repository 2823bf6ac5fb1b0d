"""The monthly 督查通报 workbook, opened with openpyxl and checked cell by cell."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tasks.models import AssignmentRole, ConfirmState, ProgressReport, TaskStatus
from tasks.supervision.report import BLUE_FILL, RED_FILL, write_supervision_report
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

GENERATED = timezone.make_aware(dt.datetime(2020, 10, 1, 8, 0))


def _task(plan, number, lead, *, responsible=None, **kwargs):
    task = TaskFactory(plan=plan, number=number, order=int(number), title=f"任务{number}", text=f"任务{number}的内容", **kwargs)
    AssignmentFactory(task=task, unit=lead, role=AssignmentRole.LEAD, order=0, state=ConfirmState.CONFIRMED)
    if responsible:
        AssignmentFactory(task=task, unit=responsible, role=AssignmentRole.RESPONSIBLE, order=1)
    return task


def _set_created(report: ProgressReport, day: dt.date) -> None:
    ProgressReport.objects.filter(pk=report.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    )


@pytest.fixture
def september(unit_a, unit_b):
    """Seven tasks around 2020-09-30; unit_b ranks first (one of three finished)."""
    plan = PlanFactory(title="2020年萧山区“最多跑一次”改革工作要点", doc_number="萧改办〔2020〕1号")
    t1 = _task(plan, "1", unit_a, responsible=unit_b)
    MilestoneFactory(task=t1, due_on=dt.date(2020, 9, 15), phrase="9月中旬前")
    _set_created(ProgressReportFactory(task=t1, unit=unit_a, text="已完成方案制定"), dt.date(2020, 9, 20))
    _set_created(ProgressReportFactory(task=t1, unit=unit_a, text="十月的进展"), dt.date(2020, 10, 5))
    t2 = _task(plan, "2", unit_b)
    MilestoneFactory(task=t2, due_on=dt.date(2020, 10, 20), phrase="10月20日前")
    t3 = _task(plan, "3", unit_a, status=TaskStatus.DONE, completed_on=dt.date(2020, 8, 31))
    MilestoneFactory(task=t3, due_on=dt.date(2020, 9, 30), done_on=dt.date(2020, 8, 31))
    t4 = _task(plan, "4", unit_b, status=TaskStatus.DONE_LATE, completed_on=dt.date(2020, 9, 10))
    MilestoneFactory(task=t4, due_on=dt.date(2020, 8, 31), done_on=dt.date(2020, 9, 10))
    t5 = _task(plan, "5", unit_a)
    MilestoneFactory(task=t5, due_on=dt.date(2020, 9, 30), phrase="9月底前",
                     original_due_on=dt.date(2020, 6, 30))
    t6 = _task(plan, "6", unit_a)
    MilestoneFactory(task=t6, due_on=dt.date(2020, 11, 30), phrase="11月底前")
    t7 = _task(plan, "7", unit_a)
    MilestoneFactory(task=t7, due_on=dt.date(2020, 9, 1), done_on=dt.date(2020, 10, 3), phrase="8月底前")
    other = PlanFactory(title="另一个计划")
    MilestoneFactory(task=_task(other, "1", unit_a), due_on=dt.date(2020, 9, 2))
    return plan


def _report(**kwargs):
    buf = io.BytesIO()
    write_supervision_report(buf, year=2020, month=9, generated_at=GENERATED, **kwargs)
    buf.seek(0)
    return load_workbook(buf)


def _rows(ws, first=4):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def test_report_has_the_four_sheets_in_order_with_a_merged_title(september):
    wb = _report(plan=september)
    assert wb.sheetnames == ["汇总", "部门排名", "逾期事项", "临期事项", "说明"]
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith("2020年9月 “最多跑一次”改革任务督查通报")
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
        assert "数据截至：2020年9月30日24时" in ws["A2"].value
        assert "生成时间：2020-10-01 08:00" in ws["A2"].value
        assert "萧改办〔2020〕1号" in ws["A2"].value


def test_every_sheet_is_set_up_for_printing_on_a4_landscape(september):
    for ws in _report(plan=september).worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.freeze_panes == "A4"
        assert ws.print_title_rows == "$3:$3"
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.auto_filter.ref.startswith("A3:")
        assert ws["A4"].border.left.style == "thin"
        assert ws["B3"].font.b is True
        assert all(ws.column_dimensions[c].width >= 6 for c in "AB")


FIGURES = ["任务数", "已完成", "逾期完成", "逾期未完成", "慢序时", "推进中", "未启动", "完成率", "按时完成率", "签收率"]


def test_summary_counts_the_plans_top_level_tasks_as_of_the_months_end(september):
    ws = _report(plan=september)["汇总"]
    assert [c.value for c in ws[3]] == ["序号", "计划（文号）", *FIGURES]
    rows = _rows(ws)
    # 1, 5 and 7 overdue at 30 Sep (7 was done only on 3 Oct); 2 and 6 not started; 3 done, 4 late
    assert rows[0][2:9] == [7, 1, 1, 3, 0, 0, 2]  # nobody reported a percent: none 慢序时
    assert rows[0][9] == pytest.approx(2 / 7) and rows[0][10] == pytest.approx(0.5)
    assert rows[0][11] == pytest.approx(7 / 8)  # unit_b has not confirmed task 1 yet
    assert rows[-1][1] == "合计" and rows[-1][2:9] == [7, 1, 1, 3, 0, 0, 2]
    assert ws["E4"].fill.fill_type is None and ws["F4"].fill.fill_type == "solid"
    assert ws["J4"].number_format == "0.0%"


def test_units_are_counted_by_the_same_buckets_and_ranked(september, unit_a, unit_b):
    ws = _report(plan=september)["部门排名"]
    assert [c.value for c in ws[3]] == ["排名", "单位", "任务数", "牵头", "责任", *FIGURES[1:]]
    by_unit = {r[1]: r for r in _rows(ws)}
    # unit_b: leads 2 and 4, responsible for 1; 4 finished late; 1 overdue; 2 not started
    assert by_unit["区税务局"][2:11] == [3, 2, 1, 0, 1, 1, 0, 0, 1]
    assert by_unit["区税务局"][11] == pytest.approx(1 / 3)
    assert by_unit["区税务局"][12] == 0
    assert by_unit["区税务局"][13] == pytest.approx(2 / 3)
    assert by_unit["区税务局"][0] == 1
    # unit_a: leads 1,3,5,6,7; 3 done on time; 1, 5 and 7 overdue at 30 Sep; 6 not started
    assert by_unit["区市场监管局"][2:11] == [5, 5, 0, 1, 0, 3, 0, 0, 1]
    assert by_unit["区市场监管局"][11] == pytest.approx(0.2)
    assert by_unit["区市场监管局"][12] == 1
    assert by_unit["区市场监管局"][0] == 2
    # the overdue figure is red only where it is not zero
    overdue_cells = {r[1].value: r[7] for r in ws.iter_rows(min_row=4, max_row=5)}
    assert overdue_cells["区市场监管局"].fill.fgColor.rgb.endswith(RED_FILL.fgColor.rgb[-6:])
    assert overdue_cells["区市场监管局"].fill.fill_type == "solid"


def test_overdue_sheet_lists_open_milestones_at_the_months_end(september):
    ws = _report(plan=september)["逾期事项"]
    assert [c.value for c in ws[3]] == [
        "序号", "计划（文号）", "任务编号", "任务内容", "牵头单位", "责任单位", "时间节点", "截止日期",
        "逾期天数", "最新进展", "进展日期", "签收情况",
    ]
    rows = _rows(ws)
    assert [r[2] for r in rows] == ["7", "1", "5"]  # one lead unit, earliest due first
    by_number = {r[2]: r for r in rows}
    one = by_number["1"]
    assert one[0] == 1 or one[0] == 2
    assert one[1] == "2020年萧山区“最多跑一次”改革工作要点\n（萧改办〔2020〕1号）"
    assert one[3] == "任务1的内容"
    assert one[4] == "区市场监管局" and one[5] == "区税务局"
    assert one[6] == "9月中旬前"
    assert one[7] == dt.datetime(2020, 9, 15)
    assert one[8] == 16
    assert one[9] == "已完成方案制定"  # the October report came after the cut-off
    assert one[10] == dt.datetime(2020, 9, 20)
    assert one[11] == "区市场监管局：已签收\n区税务局：待签收"
    # due on the last day and still open: overdue by one day; the extension is shown
    assert by_number["5"][8] == 1
    assert "原定 2020-06-30" in by_number["5"][6]
    # done only in October: still overdue in September's report
    assert by_number["7"][8] == 30
    assert ws["H4"].number_format == "yyyy-mm-dd"
    assert ws["K4"].number_format == "yyyy-mm-dd"
    assert ws["I4"].fill.fill_type == "solid" and ws["I4"].fill.fgColor.rgb.endswith("F4B6B6")
    assert ws["D4"].fill.fill_type is None  # no colour where it means nothing
    assert ws["D4"].alignment.wrap_text is True
    # wrapped rows get a height: Excel would otherwise print one clipped line
    assert ws.row_dimensions[5].height >= 2 * 13.5  # task 1: plan title and 文号 on two lines


def test_due_soon_sheet_lists_what_falls_due_next_month(september):
    ws = _report(plan=september)["临期事项"]
    rows = _rows(ws)
    assert [r[2] for r in rows] == ["2"]
    assert rows[0][4] == "区税务局"
    assert rows[0][7] == dt.datetime(2020, 10, 20)
    assert rows[0][8] == 20
    assert ws["H4"].fill.fgColor.rgb.endswith(BLUE_FILL.fgColor.rgb[-6:])  # 蓝 = 临期, as on the pages
    assert "10月到期" in ws["A1"].value


def test_notes_sheet_defines_every_figure(september):
    ws = _report(plan=september)["说明"]
    notes = {r[0]: r[1] for r in _rows(ws)}
    for figure in ["完成率", "按时完成率", "签收率", "排名规则", "排名范围", "逾期未完成", "推进中", "未启动",
                   "逾期事项", "临期事项", "日历", "数据截至", "预警颜色"]:
        assert figure in notes
    assert "2020年9月30日24时" in notes["数据截至"]
    assert "黄色＝未报进展" in notes["预警颜色"] and "蓝色＝临期" in notes["预警颜色"]


def test_notes_sheet_and_the_notes_page_print_the_same_definitions(september, client, supervisor):
    from tasks import figures

    notes = {r[0]: r[1] for r in _rows(_report(plan=september)["说明"])}
    client.force_login(supervisor)
    page = client.get("/dashboard/notes/").content.decode()
    for term, text in figures.definitions():
        assert notes[term] == text
        assert text in page


def test_without_a_plan_the_report_covers_every_plan(september):
    ws = _report()["逾期事项"]
    assert len(_rows(ws)) == 4


def test_empty_month_still_gives_a_valid_report(db):
    wb = _report()
    assert _rows(wb["逾期事项"]) == []
    assert _rows(wb["汇总"])[0][1] == "合计"


def test_command_writes_the_report_to_the_given_file(september, tmp_path):
    out = tmp_path / "tb.xlsx"
    call_command("build_supervision_report", "--month", "2020-09", "--plan", september.doc_number,
                 "--output", str(out))
    wb = load_workbook(out)
    assert [r[2] for r in _rows(wb["逾期事项"])] == ["7", "1", "5"]


def test_command_refuses_a_bad_month(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("build_supervision_report", "--month", "2020-13", "--output", str(tmp_path / "x.xlsx"))
