"""The Word 督查通报: built from factories' data, opened with python-docx, its figures held to tasks.figures."""

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.utils import timezone
from docx import Document

from deadlines.models import Bulletin, BulletinState, MonthlyReport, ReportStatus
from departments.models import UnitKind
from tasks import figures
from tasks.models import AssignmentRole, ConfirmState, TaskPace, TaskStatus
from tasks.supervision import bulletin as bulletins
from tasks.supervision import report as workbook
from tasks.supervision.report import report_context
from tasks.supervision.services import report_build
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db

SEPT_END = dt.date(2020, 9, 30)


def _task(plan, number, lead, *, confirmed=True, **kwargs):
    kwargs.setdefault("title", f"任务{number}")
    task = TaskFactory(plan=plan, number=number, order=int(number), **kwargs)
    AssignmentFactory(task=task, unit=lead, role=AssignmentRole.LEAD,
                      state=ConfirmState.CONFIRMED if confirmed else ConfirmState.PENDING)
    return task


@pytest.fixture
def world(unit_a, unit_b):
    """Ten tasks of one plan as of 2020-09-30: done, done late, overdue, 超/按/慢序时 (three quarters
    of the year gone: 95 %, 75 %, 30 % done), a town and a collective among the units."""
    town = UnitFactory(name="城厢街道", kind=UnitKind.TOWN)
    collective = UnitFactory(name="区级有关部门", kind=UnitKind.COLLECTIVE)
    plan = PlanFactory(title="2020年萧山区改革工作要点", year=2020, issued_on=dt.date(2020, 1, 1))
    t = _task(plan, "1", unit_a, status=TaskStatus.DONE, completed_on=dt.date(2020, 8, 31))
    MilestoneFactory(task=t, due_on=dt.date(2020, 9, 30), done_on=dt.date(2020, 8, 31))
    t = _task(plan, "2", unit_b, status=TaskStatus.DONE_LATE, completed_on=dt.date(2020, 9, 10))
    MilestoneFactory(task=t, due_on=dt.date(2020, 8, 31), done_on=dt.date(2020, 9, 10))
    t = _task(plan, "3", unit_b, title="推进企业开办全程网办")
    MilestoneFactory(task=t, due_on=dt.date(2020, 6, 30))
    t = _task(plan, "4", unit_b)
    MilestoneFactory(task=t, due_on=dt.date(2020, 9, 15))
    t = _task(plan, "5", town, status=TaskStatus.IN_PROGRESS, pace=TaskPace.AHEAD, percent=95)
    MilestoneFactory(task=t, due_on=dt.date(2020, 12, 31))
    t = _task(plan, "6", unit_a, status=TaskStatus.IN_PROGRESS, pace=TaskPace.ON_PACE, percent=75)
    MilestoneFactory(task=t, due_on=dt.date(2020, 12, 31))
    t = _task(plan, "7", unit_a, status=TaskStatus.IN_PROGRESS, pace=TaskPace.BEHIND, percent=30,
              confirmed=False)
    MilestoneFactory(task=t, due_on=dt.date(2020, 12, 31))
    t = _task(plan, "8", town, confirmed=False)
    MilestoneFactory(task=t, due_on=dt.date(2020, 11, 30))
    t = _task(plan, "9", collective)
    MilestoneFactory(task=t, due_on=dt.date(2020, 7, 31))
    t = _task(plan, "10", town)
    MilestoneFactory(task=t, due_on=dt.date(2020, 12, 31))
    return plan


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _build(month=9, year=2020) -> Bulletin:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "localdate", lambda *a: dt.date(2020, 10, 9))
        report_build(year=year, month=month)
    return Bulletin.objects.select_related("report").get(report__year=year, report__month=month)


def _tally() -> figures.Tally:
    total = figures.Tally()
    for plan in figures.plan_tallies(as_of=SEPT_END + dt.timedelta(days=1), done_by=SEPT_END):
        total.add(plan)
    return total


def test_the_drafted_overview_carries_the_figures_of_tasks_figures(world, media):
    bulletin = _build()
    text = _text(bulletin.file.read())
    t = _tally()
    assert t.total == 10 and t.overdue == 3 and t.closed == 2  # the world is what it says
    share = lambda n: figures.pct(Fraction(n, t.total))  # noqa: E731
    assert f"纳入本次督查的改革任务共{t.total}项" in text
    assert f"已完成{t.closed}项（占{share(t.closed)}），含按时完成{t.done}项、逾期完成{t.done_late}项" in text
    assert f"逾期未完成{t.overdue}项（占{share(t.overdue)}）" in text
    assert f"超序时{t.pace['ahead']}项（占{share(1)}）" in text
    assert f"按序时{t.pace['on_pace']}项（占{share(1)}）" in text
    assert f"慢序时{t.counts['behind']}项（占{share(t.counts['behind'])}）" in text
    assert f"任务完成率{t.completion_pct}" in text and f"签收率{t.sign_pct}" in text
    assert "截至2020年9月30日" in text
    assert "与上月相比" not in text  # no August report to compare with


def test_units_are_named_by_the_ranking_departments_and_towns_apart_placeholders_left_out(world, media):
    text = _text(_build().file.read())
    units = figures.unit_tallies(as_of=SEPT_END)
    best = next(u for u in units if u.table == "department" and u.rank == 1)
    assert f"部门中，{best.name}（{best.completion_pct}）" in text
    assert "区税务局（2项）逾期未完成任务较多" in text
    assert "镇街中，尚无办结任务且无逾期的单位；各镇街均无逾期未完成任务" in text
    named = next(line for line in text.split("\n") if line.startswith("从单位看"))
    assert "区级有关部门" not in named  # a collective is not ranked, so not named


def test_problems_name_the_most_overdue_task_with_its_days(world, media):
    text = _text(_build().file.read())
    ctx = report_context(year=2020, month=9)
    annex = workbook.task_rows(workbook.overdue_milestones(ctx), ctx, overdue=True)
    days = next(r.days for r in annex if r.task.number == "3")  # as the annex counts them
    assert "一是部分任务逾期未完成。逾期未完成任务3项，其中区税务局2项" in text
    assert f"第3项“推进企业开办全程网办”（牵头单位：区税务局，逾期{days}天）" in text
    assert "二是部分任务推进慢于序时进度" in text and "三是部分责任分工未及时签收。尚有2项分工未签收" in text


def test_masthead_issue_number_office_and_signature(world, media, settings):
    settings.OFFICE_NAME = "萧山区委改革办"
    Bulletin.objects.create(  # one issued earlier in the year: this one is 第2期
        report=MonthlyReport.objects.create(year=2020, month=8), issue_number=1, issued_on=dt.date(2020, 9, 8),
        title="八月", addressee="x", overview="x", signature="x", drafted_at=timezone.now(),
    )
    bulletin = _build()
    assert bulletin.issue_number == 2 and bulletin.state == BulletinState.DRAFT
    paragraphs = [p.text for p in Document(io.BytesIO(bulletin.file.read())).paragraphs]
    assert paragraphs[0] == settings.BULLETIN_SERIES and paragraphs[1] == "第2期"
    assert paragraphs[2] == "萧山区委改革办\t2020年10月9日"
    assert "关于2020年9月改革任务推进情况的通报" in paragraphs
    assert paragraphs[-2:] == ["萧山区委改革办", "2020年10月9日"]  # 落款
    assert any(p.startswith("附件：2020年9月督查通报附表") for p in paragraphs)
    assert bulletins.REQUIREMENTS_PLACEHOLDER in paragraphs  # 下步要求 left for the office


def test_the_page_is_a4_with_official_margins_and_chinese_fonts(world, media):
    doc = Document(io.BytesIO(_build().file.read()))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.top_margin.cm, 1) == 3.7 and round(section.left_margin.cm, 1) == 2.8
    east_asian = {r._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
                  for p in doc.paragraphs for r in p.runs}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= east_asian
    table = next(p for p in doc.part.package.iter_parts() if p.partname.endswith("/fontTable.xml")).blob.decode()
    assert "仿宋_GB2312" in table and 'w:val="仿宋"' in table


def test_change_since_last_month_when_last_month_has_a_report(world, media):
    MonthlyReport.objects.create(year=2020, month=8, status=ReportStatus.READY)
    text = _text(_build().file.read())
    before = figures.Tally()
    # as the 督查通报 counts a past month: overdue on the 1st of the next, done by its last day
    for plan in figures.plan_tallies(as_of=dt.date(2020, 9, 1), done_by=dt.date(2020, 8, 31)):
        before.add(plan)
    now = _tally()
    points = 100 * float(now.completion_rate - before.completion_rate)
    assert f"完成率较上月提高{points:.1f}个百分点" in text
    assert (before.overdue, now.overdue) == (3, 3)  # task 2 overdue at August's end, done late since
    assert "逾期未完成任务与上月持平（3项）" in text


def test_a_rebuild_keeps_the_offices_edited_text(world, media, office):
    bulletin = _build()
    text = bulletins.BulletinText.of(bulletin)
    text.overview = "总体平稳，改革办改写的总体情况。"
    text.requirements = "一是锚定时限狠抓落实。"
    bulletins.bulletin_save(bulletin=bulletin, text=text, user=office)
    report_build(year=2020, month=9)
    bulletin.refresh_from_db()
    assert bulletin.overview == "总体平稳，改革办改写的总体情况。"
    assert "总体平稳，改革办改写的总体情况。" in _text(bulletin.file.read())


def test_redraft_rewrites_only_the_drafted_parts(world, media, office):
    bulletin = _build()
    text = bulletins.BulletinText.of(bulletin)
    text.overview, text.requirements, text.addressee = "旧文字", "一是抓落实。", "各部门："
    bulletins.bulletin_save(bulletin=bulletin, text=text, user=office)
    bulletin = bulletins.bulletin_redraft(bulletin=bulletin, user=office)
    assert bulletin.overview.startswith("截至2020年9月30日")
    assert bulletin.requirements == "一是抓落实。" and bulletin.addressee == "各部门："


def test_a_final_bulletin_needs_requirements_and_is_not_edited(world, media, office):
    bulletin = _build()
    with pytest.raises(ValueError, match="下步工作要求"):
        bulletins.bulletin_finalize(bulletin=bulletin, user=office)
    text = bulletins.BulletinText.of(bulletin)
    text.requirements = "一是抓落实。"
    bulletins.bulletin_save(bulletin=bulletin, text=text, user=office)
    bulletin = bulletins.bulletin_finalize(bulletin=bulletin, user=office)
    assert bulletin.is_final
    with pytest.raises(bulletins.BulletinFinal):
        bulletins.bulletin_save(bulletin=bulletin, text=text, user=office)


def test_the_builder_takes_the_workbooks_context(world):
    ctx = report_context(year=2020, month=9, scope=figures.Scope.parse("all"))
    text = bulletins.draft_text(ctx, issued_on=dt.date(2020, 10, 9))
    buffer = io.BytesIO()
    bulletins.write_bulletin(buffer, ctx, text)
    assert "纳入本次督查的改革任务共10项（全部计划）" in _text(buffer.getvalue())
