"""The monthly 督查通报 annex workbook, opened with openpyxl and checked cell by cell."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tasks.figures import Scope
from tasks.models import AssignmentRole, ConfirmState, ProgressReport, TaskStatus
from tasks.supervision.report import RED_FILL, FutureMonth, write_supervision_report
from tests.factories import (
    AssignmentFactory,
    ExtensionRequestFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    TaskFactory,
    UrgingFactory,
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


def _report(year=2020, month=9, **kwargs):
    kwargs.setdefault("today", dt.date(2026, 12, 2))
    buf = io.BytesIO()
    write_supervision_report(buf, year=year, month=month, generated_at=GENERATED, **kwargs)
    buf.seek(0)
    return load_workbook(buf)


def _rows(ws, first=4):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def _task_rows(ws):
    """The rows of a task list sheet that are tasks (a number in 序号), not group headings."""
    return [r for r in _rows(ws) if isinstance(r[0], int)]


def _headings(ws):
    return [r[0] for r in _rows(ws) if isinstance(r[0], str) and all(v is None for v in r[1:])]


def test_report_has_its_sheets_in_order_with_a_merged_title(september):
    wb = _report(plan=september)
    assert wb.sheetnames == ["汇总", "部门排名", "逾期事项", "临期事项", "说明"]
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith("2020年9月改革任务督查通报")
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
        assert "数据截至：2020年9月30日24时" in ws["A2"].value
        assert "生成时间：2020-10-01 08:00" in ws["A2"].value
        assert "萧改办〔2020〕1号" in ws["A2"].value


def test_every_sheet_is_set_up_for_printing_on_a4_landscape(september):
    for ws in _report(plan=september).worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.fitToWidth == 1
        assert ws.freeze_panes == "A4"
        assert ws.print_title_rows == "$3:$3"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.page_setup.useFirstPageNumber and int(ws.page_setup.firstPageNumber) == 1  # per sheet
        assert ws["A4"].border.left.style == "thin"
        assert ws["B3"].font.b is True
        # the header has no fill: in black and white a grey header looks like the red 逾期 fill
        assert ws["B3"].fill.fill_type is None and ws["B3"].border.bottom.style == "medium"
        assert all(ws.column_dimensions[c].width >= 4 for c in "AB")
    wb = _report(plan=september)
    assert wb["汇总"].page_setup.fitToHeight == 1  # one page of 汇总
    assert wb["逾期事项"].page_setup.fitToHeight == 0


FIGURES = ["任务数", "已完成", "逾期完成", "逾期未完成", "慢序时", "推进中", "未启动", "完成率", "按时完成率", "签收率"]


def test_summary_counts_the_plans_top_level_tasks_as_of_the_months_end(september):
    ws = _report(plan=september)["汇总"]
    assert [c.value for c in ws[3]] == ["序号", "计划（文号）", *FIGURES]
    rows = _rows(ws)
    # 1, 5 and 7 overdue at 30 Sep (7 was done only on 3 Oct); 2 and 6 not started; 3 done, 4 late
    assert rows[0][2:9] == [7, 1, 1, 3, 0, 0, 2]  # nobody reported a percent, and the time is not all gone
    assert rows[0][9] == pytest.approx(2 / 7) and rows[0][10] == pytest.approx(0.5)
    assert rows[0][11] == pytest.approx(7 / 8)  # unit_b has not confirmed task 1 yet
    assert rows[1][1] == "合计" and rows[1][2:9] == [7, 1, 1, 3, 0, 0, 2]
    assert ws["E4"].fill.fill_type is None and ws["F4"].fill.fill_type == "solid"
    assert ws["J4"].number_format == "0.0%"
    overview = rows[3][0]
    assert overview.startswith("总体情况：统计范围内共有任务7项") and "逾期未完成3项（42.9%）" in overview


def test_units_are_counted_by_the_same_buckets_and_ranked(september, unit_a, unit_b):
    ws = _report(plan=september)["部门排名"]
    assert [c.value for c in ws[3]] == ["排名", "单位", "任务数", "牵头", "责任", *FIGURES[1:]]
    by_unit = {r[1]: r for r in _rows(ws) if r[1]}
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


def test_overdue_sheet_has_one_row_per_task_grouped_by_plan_and_lead_unit(september, unit_a):
    # a second overdue milestone of task 1: the task still prints once, both dates in its row
    MilestoneFactory(task=september.tasks.get(number="1"), due_on=dt.date(2020, 9, 20))
    ws = _report(plan=september)["逾期事项"]
    assert [c.value for c in ws[3]] == [
        "序号", "工作任务", "状态", "逾期节点", "完成时限", "责任单位", "最新进展", "逾期天数", "滞后原因",
    ]
    assert _headings(ws) == ["2020年萧山区“最多跑一次”改革工作要点（萧改办〔2020〕1号）（3项）",
                             "牵头单位：区市场监管局（3项）"]
    rows = _task_rows(ws)
    assert [r[1] for r in rows] == ["7. 任务7的内容", "1. 任务1的内容", "5. 任务5的内容"]  # most overdue first
    assert [r[0] for r in rows] == [1, 2, 3]
    one = rows[1]
    assert one[2] == "红·逾期"
    assert one[3] == "2020-09-15\n2020-09-20"
    assert one[4] == dt.datetime(2020, 9, 20)  # 完成时限: the last due date
    assert one[5] == "区税务局"  # the lead is the heading above
    assert one[6] == "已完成方案制定（09-20）"  # the October report came after the cut-off
    assert one[7] == 16  # from the earliest overdue date to 1 October
    # due on the last day and still open: overdue by one day; the extension is shown
    assert rows[2][7] == 1
    assert "原定06-30" in rows[2][3]
    # done only in October: still overdue in September's report
    assert rows[0][7] == 30
    status = ws.cell(row=6, column=3)
    assert status.value == "红·逾期" and status.fill.fgColor.rgb.endswith("F4B6B6")  # the fill: a second cue
    assert ws.cell(row=6, column=2).fill.fill_type is None  # no colour where it means nothing
    assert ws.cell(row=6, column=2).alignment.wrap_text is True
    assert ws.cell(row=6, column=5).number_format == "yyyy-mm-dd"


def test_a_rows_height_follows_its_text(september):
    task = september.tasks.get(number="1")
    task.title = "深化“证照分离”改革，" * 12  # about 120 characters: four printed lines
    task.save()
    ws = _report(plan=september)["逾期事项"]
    heights = {ws.cell(row=r, column=1).value: ws.row_dimensions[r].height for r in range(4, ws.max_row + 1)}
    assert heights[2] >= 4 * 13 > heights[1]


def test_task_text_prints_without_annotation_debris(september):
    task = september.tasks.get(number="1")
    task.title = "深化企业开办改革。【责任单位：区市场监管局、区人社局（牵头）】完成时间:2020年9月"
    task.save()
    rows = _task_rows(_report(plan=september)["逾期事项"])
    assert rows[1][1] == "1. 深化企业开办改革。"


def test_lag_reason_is_the_units_answer_to_an_urging_or_its_extension_reason(september, unit_a):
    t5 = september.tasks.get(number="5")
    asked = ExtensionRequestFactory(milestone=t5.milestones.get(), unit=unit_a, reason="等待省里系统上线",
                                    original_date=dt.date(2020, 9, 30), proposed_date=dt.date(2020, 12, 31))
    type(asked).objects.filter(pk=asked.pk).update(created_at=timezone.make_aware(dt.datetime(2020, 9, 28, 9, 0)))
    t1 = september.tasks.get(number="1")
    UrgingFactory(task=t1, unit=unit_a, answer="场地未落实",
                  answered_at=timezone.make_aware(dt.datetime(2020, 9, 25, 9, 0)))
    rows = {r[1]: r for r in _task_rows(_report(plan=september)["逾期事项"])}
    assert rows["1. 任务1的内容"][8] == "区市场监管局（催办回复）：场地未落实"
    assert rows["5. 任务5的内容"][8].startswith("区市场监管局（延期申请，待审批）：等待省里系统上线")


def test_due_soon_sheet_lists_what_falls_due_next_month(september):
    ws = _report(plan=september)["临期事项"]
    assert _headings(ws)[1] == "牵头单位：区税务局（1项）"
    rows = _task_rows(ws)
    assert [r[1] for r in rows] == ["2. 任务2的内容"]
    assert rows[0][3] == "2020-10-20"
    assert rows[0][7] == 19  # 距截止天数 from the same day as 逾期天数: 1 October
    assert rows[0][2] == "绿·正常"
    assert "10月01日至10月31日到期" in ws["A1"].value


def test_an_empty_sheet_says_so_instead_of_a_bare_header(september):
    ws = _report(plan=september, year=2020, month=11)["临期事项"]  # nothing falls due in December
    assert _rows(ws)[0][0] == "本月无临期事项。"
    assert any(str(r) == "A4:H4" for r in ws.merged_cells.ranges)


def test_notes_sheet_defines_every_figure(september):
    ws = _report(plan=september)["说明"]
    notes = {r[0]: r[1] for r in _rows(ws)}
    for figure in ["完成率", "按时完成率", "签收率", "排名规则", "排名范围", "逾期未完成", "推进中", "未启动",
                   "逾期事项", "临期事项", "日历", "数据截至", "预警颜色", "统计范围", "逾期天数", "状态"]:
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


def test_by_default_the_report_covers_the_years_plans_still_open(september, unit_a):
    older = PlanFactory(title="2017年的方案", year=2017)
    MilestoneFactory(task=_task(older, "1", unit_a), due_on=dt.date(2017, 6, 30))
    closed = PlanFactory(title="八月前已办结的计划")
    _task(closed, "1", unit_a, status=TaskStatus.DONE, completed_on=dt.date(2020, 7, 1))
    wb = _report()
    plans = [h for h in _headings(wb["逾期事项"]) if not h.startswith("牵头单位")]
    assert [h.split("（")[0] for h in plans] == ["2020年萧山区“最多跑一次”改革工作要点", "另一个计划"]
    titles = [r[1] for r in _rows(wb["汇总"]) if isinstance(r[0], int)]
    assert "2017年的方案" not in " ".join(titles) and "八月前已办结的计划" not in " ".join(titles)
    assert len(_task_rows(wb["逾期事项"])) == 4
    assert "当前计划" in wb["汇总"]["A2"].value
    # all plans, or the 2017 year, on request
    assert len(_task_rows(_report(scope=Scope("all"))["逾期事项"])) == 5
    assert len(_task_rows(_report(scope=Scope("year", year=2017))["逾期事项"])) == 1


def test_a_plan_issued_after_the_month_is_left_out(september, unit_a):
    later = PlanFactory(title="十月印发的计划", issued_on=dt.date(2020, 10, 10))
    MilestoneFactory(task=_task(later, "1", unit_a), due_on=dt.date(2020, 9, 30))
    summary = _rows(_report(scope=Scope("all"))["汇总"])
    assert not any("十月印发" in str(r[1]) for r in summary)
    assert _rows(_report(scope=Scope("all"), year=2020, month=10)["汇总"])


def test_the_month_not_ended_is_reported_as_of_today(september):
    wb = _report(year=2020, month=9, today=dt.date(2020, 9, 16), plan=september)
    assert "数据截至：2020年9月16日（本月尚未结束" in wb["汇总"]["A2"].value
    assert "24时" not in wb["汇总"]["A2"].value
    rows = _task_rows(wb["逾期事项"])
    # only what was overdue on the 16th: task 1 (due the 15th) by one day; task 7 (due the 1st) by 15
    assert {r[1]: r[7] for r in rows} == {"1. 任务1的内容": 1, "7. 任务7的内容": 15}


def test_a_month_not_begun_is_refused(september):
    with pytest.raises(FutureMonth, match="尚未开始"):
        _report(year=2027, month=1)


def test_empty_month_still_gives_a_valid_report(db):
    wb = _report()
    assert _rows(wb["逾期事项"])[0][0].startswith("截至2020年9月30日24时，统计范围内无逾期未完成事项")
    assert _rows(wb["汇总"])[0][1] == "合计"


def test_command_writes_the_report_to_the_given_file(september, tmp_path):
    out = tmp_path / "tb.xlsx"
    call_command("build_supervision_report", "--month", "2020-09", "--plan", september.doc_number,
                 "--output", str(out))
    wb = load_workbook(out)
    assert [r[1] for r in _task_rows(wb["逾期事项"])] == ["7. 任务7的内容", "1. 任务1的内容", "5. 任务5的内容"]


def test_command_refuses_a_bad_month(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("build_supervision_report", "--month", "2020-13", "--output", str(tmp_path / "x.xlsx"))


def test_command_refuses_a_month_not_begun(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2030年1月尚未开始"):
        call_command("build_supervision_report", "--month", "2030-01", "--output", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_a_past_months_report_reads_pace_as_of_that_months_end(unit_a):
    """30 % done of a year-long task: on pace at the end of March (a quarter gone), behind today."""
    plan = PlanFactory(issued_on=dt.date(2020, 1, 1))
    task = _task(plan, "1", unit_a, status=TaskStatus.IN_PROGRESS, percent=30)
    MilestoneFactory(task=task, due_on=dt.date(2020, 12, 31))
    from tasks.flags import flags_refresh

    flags_refresh(as_of=dt.date(2026, 12, 2))
    task.refresh_from_db()
    assert task.pace == "behind"  # as it stands today
    march = _rows(_report(year=2020, month=3, plan=plan)["汇总"])[0]
    assert march[2:9] == [1, 0, 0, 0, 0, 1, 0]  # 推进中, not 慢序时
    september = _rows(_report(year=2020, month=9, plan=plan)["汇总"])[0]
    assert september[2:9] == [1, 0, 0, 0, 1, 0, 0]  # three quarters gone: 慢序时
