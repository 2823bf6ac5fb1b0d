"""统计口径 (tasks.figures): the buckets, the ranking tables, and one set of figures on the dashboard and
in the 督查通报."""

import datetime as dt
import io
import itertools
import random

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from departments.models import UnitKind, UnitLevel
from tasks import figures
from tasks.dashboard import board as dashboard
from tasks.models import AssignmentRole, ConfirmState, Task, TaskFlag, TaskStatus
from tasks.supervision.report import write_supervision_report
from tasks.supervision.services import deadlines_scan
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


# --- the buckets --------------------------------------------------------------------------------

def test_a_closed_task_is_never_overdue_and_an_open_overdue_one_is_never_in_progress():
    for flag in TaskFlag.values:
        assert figures.classify({"status": TaskStatus.DONE, "flag": flag}) == "done"
        assert figures.classify({"status": TaskStatus.DONE_LATE, "flag": flag}) == "done_late"
    for status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS):
        assert figures.classify({"status": status, "flag": TaskFlag.OVERDUE}) == "overdue"
        assert figures.classify({"status": status, "flag": TaskFlag.DUE_SOON}) == status


def test_the_list_filter_of_each_bucket_matches_the_tally(db):
    plan = PlanFactory()
    for status, flag in itertools.product(TaskStatus.values, TaskFlag.values):
        TaskFactory(plan=plan, status=status, flag=flag)
    [tally] = figures.plan_tallies(plan_ids=[plan.pk])
    for key in figures.BUCKET_KEYS:
        assert Task.objects.filter(figures.bucket_q(key)).count() == tally.counts[key], key
    assert sum(tally.counts.values()) == tally.total == 12
    assert (tally.done, tally.done_late, tally.overdue, tally.in_progress, tally.not_started) == (3, 3, 2, 2, 2)


def test_a_plans_level_comes_from_its_issuer():
    assert figures.plan_level("杭州市萧山区委改革办") == UnitLevel.DISTRICT
    assert figures.plan_level("宁波市象山县人民政府") == UnitLevel.COUNTY
    assert figures.plan_level("浙江省人民政府办公厅") == UnitLevel.PROVINCE
    assert figures.plan_level("市跑改办") == UnitLevel.CITY
    assert figures.plan_level("") == figures.office_level()


# --- ranking tables -----------------------------------------------------------------------------

def test_collectives_enterprises_and_other_levels_are_listed_but_not_ranked(unit_a):
    plan = PlanFactory(issuer="萧山区委改革办")
    units = {
        "dept": unit_a,
        "town": UnitFactory(name="益农镇", kind=UnitKind.TOWN, level=UnitLevel.TOWN),
        "collective": UnitFactory(name="区级有关部门", kind=UnitKind.COLLECTIVE),
        "placeholder": UnitFactory(name="相关部门", kind=UnitKind.DEPARTMENT, level=UnitLevel.DISTRICT),
        "province": UnitFactory(name="省发展改革委", level=UnitLevel.PROVINCE),
        "city": UnitFactory(name="市审管办", level=UnitLevel.CITY),
        "enterprise": UnitFactory(name="国网萧山供电公司", kind=UnitKind.ENTERPRISE, level=UnitLevel.OTHER),
    }
    for unit in units.values():
        AssignmentFactory(task=TaskFactory(plan=plan, status=TaskStatus.DONE), unit=unit)
    board = dashboard.build(as_of=dt.date(2020, 10, 1), plan_id=plan.pk)
    tables = {table.key: [(r.name, r.rank) for r in rows] for table, rows in board.tables}
    assert tables["department"] == [(unit_a.name, 1)]
    assert tables["town"] == [("益农镇", 1)]
    assert sorted(name for name, rank in tables["unranked"]) == sorted(
        ["区级有关部门", "相关部门", "省发展改革委", "市审管办", "国网萧山供电公司"]
    )
    assert all(rank is None for _, rank in tables["unranked"])
    why = {r.name: r.why_unranked for r in board.units}
    assert "集合单位" in why["区级有关部门"] and "省级" in why["省发展改革委"]


def test_a_city_plan_ranks_city_departments(unit_a):
    plan = PlanFactory(issuer="杭州市人民政府办公厅")
    city = UnitFactory(name="市审管办", level=UnitLevel.CITY)
    for unit in (unit_a, city):
        AssignmentFactory(task=TaskFactory(plan=plan), unit=unit)
    ranked = {r.name: r.rank for r in dashboard.build(as_of=dt.date(2020, 10, 1), plan_id=plan.pk).units}
    assert ranked == {"市审管办": 1, unit_a.name: None}


def test_the_page_shows_two_ranking_tables_and_the_tie_rule(client, supervisor, unit_a):
    plan = PlanFactory(issuer="区委改革办")
    town = UnitFactory(name="益农镇", kind=UnitKind.TOWN, level=UnitLevel.TOWN)
    for unit in (unit_a, town):
        AssignmentFactory(task=TaskFactory(plan=plan), unit=unit)
    client.force_login(supervisor)
    page = client.get("/dashboard/", {"plan": plan.pk}).content.decode()
    assert 'id="rank-department"' in page and 'id="rank-town"' in page
    assert "三项都相同才并列（1、1、3），并列者按单位名称排列" in page


def test_the_notes_page_prints_every_definition(client, liaison_a):
    client.force_login(liaison_a)
    page = client.get("/dashboard/notes/").content.decode()
    for term, text in figures.definitions():
        assert term in page and text in page
    assert "黄" in page and "未报进展" in page


# --- the dashboard and the 督查通报 agree -----------------------------------------------------------

MONTH_END = dt.date(2020, 9, 30)
MORNING_AFTER = dt.date(2020, 10, 1)


def _closed_on(rng) -> dt.date:
    return dt.date(2020, rng.randint(3, 9), rng.randint(1, 28))


@pytest.fixture
def generated():
    """A district plan of 40 tasks (some split into sub-tasks) over departments, towns, a collective
    and a city office, with nothing happening after 30 September; then the morning scan of 1 October."""
    rng = random.Random(12)
    plan = PlanFactory(issuer="萧山区委改革办", title="2020年萧山区深化改革工作要点")
    PlanFactory(issuer="萧山区委改革办")  # another plan: out of scope on both sides
    units = [UnitFactory(name=f"区部门{i}") for i in range(6)]
    units += [UnitFactory(name=n, kind=UnitKind.TOWN, level=UnitLevel.TOWN) for n in ("益农镇", "瓜沥镇", "新塘街道")]
    units += [UnitFactory(name="各镇街", kind=UnitKind.COLLECTIVE, level=UnitLevel.OTHER),
              UnitFactory(name="市发改委", level=UnitLevel.CITY)]
    for i in range(40):
        status = rng.choice(TaskStatus.values)
        closed = status in figures.CLOSED
        task = TaskFactory(plan=plan, status=status, completed_on=_closed_on(rng) if closed else None)
        for order, unit in enumerate(rng.sample(units, rng.randint(1, 3))):
            confirmed = rng.random() < 0.6
            AssignmentFactory(
                task=task, unit=unit, order=order,
                role=AssignmentRole.LEAD if order == 0 else AssignmentRole.RESPONSIBLE,
                state=ConfirmState.CONFIRMED if confirmed else ConfirmState.PENDING,
                responded_at=timezone.make_aware(dt.datetime(2020, 9, rng.randint(1, 30), 9)) if confirmed else None,
            )
        for _ in range(rng.randint(0, 3)):
            due = dt.date(2020, rng.randint(4, 12), rng.randint(1, 28))
            done = task.completed_on if closed else (due if rng.random() < 0.3 and due <= MONTH_END else None)
            MilestoneFactory(task=task, due_on=due, done_on=done)
        if i % 7 == 0:  # a sub-task whose milestone rolls up
            sub = TaskFactory(plan=plan, parent=task, status=TaskStatus.IN_PROGRESS)
            MilestoneFactory(task=sub, due_on=dt.date(2020, rng.randint(6, 12), 15))
    deadlines_scan(today=MORNING_AFTER)
    return plan


def _figures(t: figures.Tally) -> list:
    return [t.total, *(t.counts[k] for k in figures.BUCKET_KEYS),
            *(pytest.approx(float(r)) if r is not None else None for r in (t.completion_rate, t.on_time_rate, t.sign_rate))]


def _sheet(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]


def test_dashboard_and_bulletin_give_the_same_totals_rates_and_ranking(generated, client, supervisor):
    buf = io.BytesIO()
    write_supervision_report(buf, year=2020, month=9, plan=generated)
    buf.seek(0)
    wb = load_workbook(buf)
    client.force_login(supervisor)
    board = client.get("/dashboard/", {"plan": generated.pk}).context["board"]

    # the plan's totals and rates
    [plan_row, total_row] = _sheet(wb["汇总"])[:2]
    assert plan_row[2:] == _figures(board.plan) and total_row[2:] == _figures(board.total)
    assert board.total.overdue > 0 and board.total.done_late > 0 and board.total.not_started > 0
    assert sum(board.total.counts.values()) == board.total.total == 40

    # each ranking table: the same units, in the same order, with the same ranks and figures
    tables = {table.key: rows for table, rows in board.tables}
    for key, sheet in (("department", "部门排名"), ("town", "镇街排名")):
        rows = [r for r in _sheet(wb[sheet]) if isinstance(r[0], int)]
        assert [(r[0], r[1]) for r in rows] == [(u.rank, u.name) for u in tables[key]]
        for r, u in zip(rows, tables[key], strict=True):
            assert [r[2], *r[5:]] == _figures(u) and r[3:5] == [u.lead, u.responsible], u.name
    # the units not ranked are named under the last ranking table, with the reason
    assert [u.name for u in tables["unranked"]] == ["各镇街", "市发改委"]
    note = _sheet(wb["镇街排名"])[-1][0]
    assert note.startswith("不参与排名的单位（2个") and "各镇街" in note and "市级单位（非区级）：市发改委" in note

    # and the overdue chart adds up to the overdue card
    assert board.month_total == board.total.overdue


# --- the same scope and month: the dashboard of today and this month's 督查通报 --------------------

TODAY = dt.date(2020, 10, 20)


@pytest.fixture
def offices_plans():
    """Plans of several years and states, generated: this year's open ones (the default scope), one
    finished before the month began, one of last year still overdue; then the scan of today."""
    rng = random.Random(7)
    units = [UnitFactory(name=f"区部门{i}") for i in range(5)]
    units += [UnitFactory(name=n, kind=UnitKind.TOWN, level=UnitLevel.TOWN) for n in ("益农镇", "瓜沥镇")]
    plans = {
        "open": PlanFactory(issuer="萧山区委改革办", year=2020, issued_on=dt.date(2020, 3, 1)),
        "open2": PlanFactory(issuer="萧山区委改革办", year=2020),
        "finished": PlanFactory(issuer="萧山区委改革办", year=2020, issued_on=dt.date(2020, 2, 1)),
        "old": PlanFactory(issuer="萧山区委改革办", year=2019, doc_number="萧改办〔2019〕3号"),
        "later": PlanFactory(issuer="萧山区委改革办", year=2020, issued_on=dt.date(2020, 11, 5)),
    }
    for key, plan in plans.items():
        for _ in range(12):
            status = TaskStatus.DONE if key == "finished" else rng.choice(TaskStatus.values)
            closed = status in figures.CLOSED
            done_on = dt.date(2020, rng.randint(2, 9), rng.randint(1, 28)) if closed else None
            task = TaskFactory(plan=plan, status=status, completed_on=done_on, percent=rng.choice([0, 30, 60, 90]))
            for order, unit in enumerate(rng.sample(units, rng.randint(1, 3))):
                AssignmentFactory(task=task, unit=unit, order=order,
                                  role=AssignmentRole.LEAD if order == 0 else AssignmentRole.RESPONSIBLE,
                                  state=rng.choice([ConfirmState.CONFIRMED, ConfirmState.PENDING]))
            for _ in range(rng.randint(1, 3)):
                due = dt.date(plan.year, rng.randint(3, 12), rng.randint(1, 28))
                MilestoneFactory(task=task, due_on=due, done_on=done_on)
    deadlines_scan(today=TODAY)
    return plans


@pytest.mark.parametrize("scope", ["current", "year:2020", "year:2019", "all"])
def test_a_bulletin_built_today_gives_the_dashboards_figures_for_the_same_scope(
    offices_plans, client, supervisor, time_machine, scope
):
    time_machine.move_to(dt.datetime(2020, 10, 20, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False)
    buf = io.BytesIO()
    write_supervision_report(buf, year=2020, month=10, scope=figures.Scope.parse(scope))
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    client.force_login(supervisor)
    board = client.get("/dashboard/", {"scope": scope} if scope != "current" else {}).context["board"]
    assert board.scope.key == scope

    summary = _sheet(wb["汇总"])
    plan_rows = [r for r in summary if isinstance(r[0], int)]
    total_row = summary[len(plan_rows)]
    assert total_row[1] == "合计" and total_row[2:] == _figures(board.total)
    # each plan's counts and rates (the dashboard leaves a plan's 签收率 to the total)
    assert [r[2:-1] for r in plan_rows] == [_figures(p)[:-1] for p in board.plans]
    assert board.total.total > 0
    titles = {p.title for p in board.plans}
    assert offices_plans["later"].title not in titles  # issued after today: in no scope yet
    if scope == "current":
        # this year's open plans and last year's still open (carried over); not the one finished
        assert titles == {offices_plans["open"].title, offices_plans["open2"].title, offices_plans["old"].title}
        assert "数据截至：2020年10月20日（本月尚未结束" in wb["汇总"]["A2"].value

    tables = {table.key: rows for table, rows in board.tables}
    for key, sheet in (("department", "部门排名"), ("town", "镇街排名")):
        rows = [r for r in _sheet(wb[sheet]) if isinstance(r[0], int)]
        assert [(r[0], r[1]) for r in rows] == [(u.rank, u.name) for u in tables.get(key, [])]
        for r, u in zip(rows, tables[key], strict=True):
            assert [r[2], *r[5:]] == _figures(u) and r[3:5] == [u.lead, u.responsible], u.name

    # the 逾期事项 sheet has one row per task counted 逾期未完成
    overdue_rows = [r for r in _sheet(wb["逾期事项"]) if isinstance(r[0], int)]
    assert len(overdue_rows) == board.total.overdue
