"""督查看板: who may see it, what each figure counts, where each figure links, and its query budget."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fixtures.generate import generate_dataset
from tasks import figures
from tasks.dashboard import board as dashboard
from tasks.models import AssignmentRole, TaskFlag, TaskStatus
from tasks.workflow.filters import TaskFilter
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 15)
URL = "/dashboard/"
# most tests count every plan; the default scope (the year's open plans) has tests of its own
ALL = {"scope": "all"}
ALL_PLANS = figures.Scope("all")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def make_task(plan, unit, *, status=TaskStatus.IN_PROGRESS, flag="", role=AssignmentRole.LEAD, parent=None):
    task = TaskFactory(plan=plan, status=status, flag=flag, parent=parent)
    AssignmentFactory(task=task, unit=unit, role=role)
    return task


@pytest.fixture
def scene(unit_a, unit_b):
    """unit_a: done, done late, overdue in progress, not started, and a done sub-task that must not count;
    unit_b: one done task as lead, and responsible on unit_a's done task."""
    plan = PlanFactory(title="2026年深化改革工作要点")
    other = PlanFactory(title="2026年营商环境实施方案")
    done = make_task(plan, unit_a, status=TaskStatus.DONE)
    AssignmentFactory(task=done, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
    make_task(plan, unit_a, status=TaskStatus.DONE_LATE, role=AssignmentRole.RESPONSIBLE)
    late = make_task(plan, unit_a, status=TaskStatus.IN_PROGRESS, flag=TaskFlag.OVERDUE)
    make_task(plan, unit_a, status=TaskStatus.NOT_STARTED, flag=TaskFlag.DUE_SOON)
    make_task(plan, unit_a, status=TaskStatus.DONE, parent=late)  # sub-task
    make_task(other, unit_b, status=TaskStatus.DONE)
    return {"plan": plan, "other": other, "late": late}


def rows_by_name(board):
    return {row.name: row for row in board.units}


# --- access ---------------------------------------------------------------------------------------

def test_supervisor_and_office_see_the_dashboard(client, supervisor, office):
    for user in (supervisor, office):
        client.force_login(user)
        page = client.get(URL, ALL)
        assert page.status_code == 200
        assert "督查看板" in page.content.decode()


def test_liaison_gets_403(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(URL, ALL).status_code == 403


def test_user_without_a_role_gets_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="pw-123456"))
    assert client.get(URL, ALL).status_code == 403


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL, ALL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_dashboard_is_read_only(client, supervisor):
    client.force_login(supervisor)
    assert client.post(URL).status_code == 405


def test_url_name_is_dashboard_index():
    assert reverse("dashboard:index") == URL


# --- figures --------------------------------------------------------------------------------------

def test_unit_figures_count_top_level_tasks_by_status(scene, unit_a, unit_b):
    a = rows_by_name(dashboard.build(as_of=AS_OF, scope=ALL_PLANS))[unit_a.name]
    # the overdue task is in progress, but counts once, as 逾期未完成: the buckets sum to the total
    assert (a.total, a.done, a.done_late, a.overdue, a.in_progress, a.not_started) == (4, 1, 1, 1, 0, 1)
    assert a.done + a.done_late + a.overdue + a.in_progress + a.not_started == a.total
    assert a.due_soon == 1
    assert (a.lead, a.responsible) == (3, 1)
    assert a.on_time_pct == "50.0%" and a.completion_pct == "50.0%"


def test_a_unit_counts_tasks_where_it_is_only_responsible(scene, unit_b):
    b = rows_by_name(dashboard.build(as_of=AS_OF, scope=ALL_PLANS))[unit_b.name]
    assert (b.assigned, b.lead, b.responsible, b.done) == (2, 1, 1, 2)


def test_ranking_is_completion_then_on_time_rate(scene, unit_a, unit_b):
    unit_c = UnitFactory(name="区教育局")
    make_task(scene["plan"], unit_c, status=TaskStatus.DONE)
    make_task(scene["plan"], unit_c, status=TaskStatus.IN_PROGRESS)
    unit_d = UnitFactory(name="区民政局")
    make_task(scene["plan"], unit_d, status=TaskStatus.NOT_STARTED)
    ranked = [(r.name, r.rank) for r in dashboard.build(as_of=AS_OF, scope=ALL_PLANS).units]
    # b completed everything; c and a both half, c all on time; d has nothing closed: last, rate shown as —.
    assert ranked == [(unit_b.name, 1), ("区教育局", 2), (unit_a.name, 3), ("区民政局", 4)]
    assert rows_by_name(dashboard.build(as_of=AS_OF, scope=ALL_PLANS))["区民政局"].on_time_pct == "—"


def unit_row(name, table="department", **counts):
    row = dashboard.UnitRow(name=name, table=table)
    row.counts.update(counts)
    return row


def test_equal_figures_share_a_rank():
    rows = [unit_row(n, done=1, in_progress=1) for n in "甲乙"]
    rows.append(unit_row("丙", done_late=1, in_progress=1))  # same 完成率, lower 按时完成率
    ranked = [(r.name, r.rank) for r in dashboard.rank(rows)]
    assert [rank for _, rank in ranked] == [1, 1, 3] and ranked[2][0] == "丙"


def test_units_share_a_rank_only_when_every_ranked_figure_is_equal():
    rows = [
        unit_row("甲", done=1, in_progress=1),
        unit_row("乙", done=1, overdue=1),  # same rates, one more 逾期未完成: ranked below
        unit_row("丙", done=1, in_progress=1),
        unit_row("丁", done=2, done_late=2),  # 4 of 4 closed beats 1 of 2
    ]
    ranked = [(r.name, r.rank) for r in dashboard.rank(rows)]
    assert ranked[0] == ("丁", 1)
    assert sorted(ranked[1:3]) == [("丙", 2), ("甲", 2)]
    assert ranked[3] == ("乙", 4)


def test_departments_and_towns_are_ranked_apart():
    rows = [unit_row("甲局", done=1), unit_row("乙镇", "town", done=1), unit_row("丙镇", "town"),
            unit_row("各镇街", "unranked", done=3)]
    ranked = {r.name: (r.table, r.rank) for r in dashboard.rank(rows)}
    assert ranked == {"甲局": ("department", 1), "乙镇": ("town", 1), "丙镇": ("town", 2), "各镇街": ("unranked", None)}


def test_a_closed_task_with_a_stale_overdue_flag_is_not_overdue(unit_a):
    make_task(PlanFactory(), unit_a, status=TaskStatus.DONE_LATE, flag=TaskFlag.OVERDUE)
    row = dashboard.build(as_of=AS_OF, scope=ALL_PLANS).units[0]
    assert (row.done_late, row.overdue) == (1, 0)


def test_plan_figures_and_totals(scene):
    board = dashboard.build(as_of=AS_OF, scope=ALL_PLANS)
    plans = {p.title: p for p in board.plans}
    main = plans["2026年深化改革工作要点"]
    assert (main.assigned, main.done, main.done_late, main.overdue) == (4, 1, 1, 1)
    assert plans["2026年营商环境实施方案"].assigned == 1
    assert board.total.assigned == 5 and board.total.done == 2


def test_a_plan_without_tasks_still_appears_with_zeros(scene):
    PlanFactory(title="2026年空计划")
    empty = {p.title: p for p in dashboard.build(as_of=AS_OF, scope=ALL_PLANS).plans}["2026年空计划"]
    assert empty.assigned == 0 and empty.on_time_pct == "—" and empty.completion_pct == "—"


def test_choosing_a_plan_narrows_units_and_totals(scene, unit_a, unit_b):
    board = dashboard.build(as_of=AS_OF, plan_id=scene["other"].pk)
    assert [r.name for r in board.units] == [unit_b.name]
    assert board.total.assigned == 1 and board.plan.title == "2026年营商环境实施方案"
    assert [p.title for p in board.plans] == ["2026年营商环境实施方案"]  # the plan table lists the scope


def test_an_unknown_plan_shows_everything_with_a_message(client, supervisor, scene):
    client.force_login(supervisor)
    page = client.get(URL, {"plan": "999999"}).content.decode()
    assert "所选计划不存在" in page
    assert "计划参数无效" in client.get(URL, {"plan": "abc"}).content.decode()


def test_overdue_by_month_counts_each_overdue_task_once_by_its_earliest_overdue_milestone(scene, unit_a):
    late = scene["late"]
    MilestoneFactory(task=late, due_on=dt.date(2026, 4, 30))
    MilestoneFactory(task=late, due_on=dt.date(2026, 5, 31))  # the same task again: not counted twice
    MilestoneFactory(task=late, due_on=dt.date(2026, 3, 20), done_on=dt.date(2026, 3, 19))  # done: not late
    other = make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE)
    MilestoneFactory(task=other, due_on=dt.date(2026, 5, 10))
    closed = make_task(scene["plan"], unit_a, status=TaskStatus.DONE_LATE, flag=TaskFlag.OVERDUE)
    MilestoneFactory(task=closed, due_on=dt.date(2026, 5, 10))  # closed task: not counted
    rolled_up = make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE)  # late through its sub-task
    sub = make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE, parent=rolled_up)
    MilestoneFactory(task=sub, due_on=dt.date(2025, 12, 10))
    # a closed sub-task's milestone left open is not the parent's: it goes by its own, in 2026-02
    parent = make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE)
    MilestoneFactory(task=parent, due_on=dt.date(2026, 2, 27))
    done_sub = make_task(scene["plan"], unit_a, status=TaskStatus.DONE, parent=parent)
    MilestoneFactory(task=done_sub, due_on=dt.date(2025, 9, 30))
    board = dashboard.build(as_of=AS_OF, scope=ALL_PLANS)
    bars = board.months
    assert len(bars) == 12 and bars[0].label == "2025-07" and bars[-1].label == "2026-06"
    counts = {b.label: b.count for b in bars}
    assert counts["2026-04"] == 1 and counts["2026-05"] == 1 and counts["2025-12"] == 1
    assert counts["2026-02"] == 1 and counts["2025-09"] == 0
    assert board.month_total == board.total.overdue == 4
    # … and the task list shows the parent's own date as its 最近截止
    parent.refresh_from_db(fields=["next_due"])
    assert parent.next_due == dt.date(2026, 2, 27)


def test_older_overdue_items_get_a_bar_per_year_labelled_with_the_year(scene, unit_a):
    for due in (dt.date(2018, 3, 31), dt.date(2019, 12, 31), dt.date(2025, 2, 28)):
        MilestoneFactory(task=make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE), due_on=due)
    board = dashboard.build(as_of=AS_OF, scope=ALL_PLANS)
    labels = [(b.label, b.count) for b in board.months]
    assert labels[:9] == [("2018", 1), ("2019", 1), ("2020", 0), ("2021", 0), ("2022", 0), ("2023", 0),
                          ("2024", 0), ("2025.1-6", 1), ("2025-07", 0)]
    assert board.month_total == board.total.overdue == 4  # scene["late"] has no milestone: 待重算
    assert labels[-1] == ("待重算", 1)


def test_every_bar_links_to_a_list_of_its_length(scene, unit_a, supervisor):
    for due in (dt.date(2018, 3, 31), dt.date(2025, 2, 28), dt.date(2025, 11, 30)):
        MilestoneFactory(task=make_task(scene["plan"], unit_a, flag=TaskFlag.OVERDUE), due_on=due)
    for bar in dashboard.build(as_of=AS_OF, scope=ALL_PLANS).months:
        assert filtered_count(bar.url, supervisor) == bar.count, bar.label


def test_the_chart_total_is_on_the_page_beside_the_overdue_card(client, supervisor, scene):
    MilestoneFactory(task=scene["late"], due_on=dt.date(2016, 5, 31))
    client.force_login(supervisor)
    page = client.get(URL, ALL).content.decode()
    assert '<strong id="month-total">1</strong>' in page and "等于“逾期未完成”1 项" in page
    assert ">2016<" in page and ">2026-06<" in page


# --- links ----------------------------------------------------------------------------------------

def filtered_count(url, user):
    """How many tasks the task list shows for a dashboard link (same FilterSet as the list page)."""
    query = urlsplit(url).query
    request = RequestFactory().get("/tasks/", parse_qs(query))
    request.user = user
    filterset = TaskFilter(QueryDict(query), request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def test_every_unit_figure_links_to_a_list_with_the_same_count(scene, supervisor, unit_a):
    assert scene["late"].children.exists()  # sub-tasks are left out on both sides (level=top)
    row = rows_by_name(dashboard.build(as_of=AS_OF, scope=ALL_PLANS))[unit_a.name]
    for figure in ("assigned", "done", "done_late", "in_progress", "not_started", "overdue", "lead", "responsible"):
        assert filtered_count(row.links[figure], supervisor) == getattr(row, figure), figure


def test_plan_figures_and_month_bars_link_to_matching_lists(scene, supervisor):
    MilestoneFactory(task=scene["late"], due_on=dt.date(2026, 5, 31))
    board = dashboard.build(as_of=AS_OF, plan_id=scene["plan"].pk)
    plan = board.plan
    for figure in ("assigned", "done", "done_late", "in_progress", "not_started", "overdue"):
        assert filtered_count(plan.links[figure], supervisor) == getattr(plan, figure), figure
    may = next(b for b in board.months if b.month == dt.date(2026, 5, 1))
    assert may.count == 1 and filtered_count(may.url, supervisor) == 1
    assert parse_qs(urlsplit(may.url).query)["overdue_to"] == ["2026-05-31"]


def test_page_shows_links_and_the_top_level_note(client, supervisor, scene, unit_a):
    client.force_login(supervisor)
    page = client.get(URL, ALL).content.decode()
    assert f"unit={unit_a.pk}&amp;level=top&amp;bucket=done" in page
    assert "只统计一级任务" in page and reverse("dashboard:notes") in page
    assert "牵头" in page and "责任" in page


# --- query budget ---------------------------------------------------------------------------------

def count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, ALL).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_the_data(client, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    generate_dataset(tasks=40, units=8, plans=2, seed=1, as_of=AS_OF)
    small = count_queries(client)
    generate_dataset(tasks=400, units=40, plans=4, seed=2, as_of=AS_OF)
    with django_assert_max_num_queries(small):
        page = client.get(URL, ALL)
    assert page.content.decode().count('class="unit-bar"') == 40
    # 12 before the scope selector: + the scope's plans, + the selector's list of plans
    with django_assert_max_num_queries(14):
        client.get(URL, {"plan": page.context["board"].plans[0].plan_id})


@pytest.fixture
def cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60  # a deployment with a shared cache may turn it on


def test_without_a_cache_every_view_counts_afresh(client, supervisor, scene):
    client.force_login(supervisor)
    assert count_queries(client) == count_queries(client)
    page = client.get(URL, ALL).content.decode()
    assert "统计于" in page and "秒更新" not in page


def test_the_page_says_how_old_cached_figures_may_be(client, supervisor, scene, cached):
    client.force_login(supervisor)
    assert "至多每 60 秒更新" in client.get(URL, ALL).content.decode()


def test_a_reload_is_served_from_the_cache(client, supervisor, scene, cached):
    client.force_login(supervisor)
    first = count_queries(client)
    assert count_queries(client) <= first - 4  # plans, plan tally, unit tally, unit names, months


def test_saving_a_task_shows_at_once_despite_the_cache(client, supervisor, scene, unit_a, cached):
    client.force_login(supervisor)
    assert client.get(URL, ALL).context["board"].total.done == 2
    late = scene["late"]
    late.status = TaskStatus.DONE
    late.save()
    assert client.get(URL, ALL).context["board"].total.done == 3


def test_generating_data_drops_cached_boards(client, supervisor, scene, cached, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    before = client.get(URL, ALL).context["board"].total.assigned
    with django_capture_on_commit_callbacks(execute=True):
        generate_dataset(tasks=20, units=5, plans=1, as_of=AS_OF)
    assert client.get(URL, ALL).context["board"].total.assigned > before


# --- scope ----------------------------------------------------------------------------------------

def test_by_default_the_dashboard_counts_the_years_plans_still_open(client, supervisor, unit_a):
    this_year = PlanFactory(title="本年度在办", year=2026)
    make_task(this_year, unit_a)
    finished = PlanFactory(title="本年度已办结", year=2026)
    make_task(finished, unit_a, status=TaskStatus.DONE)
    make_task(PlanFactory(title="往年计划", year=2019), unit_a, flag=TaskFlag.OVERDUE)
    carried = PlanFactory(title="上年度结转", year=2025)
    make_task(carried, unit_a)
    make_task(PlanFactory(title="上年度已办结", year=2025), unit_a, status=TaskStatus.DONE)
    board = dashboard.build(as_of=AS_OF)
    assert board.scope.key == "current" and board.scope_label == "当前计划（2026年度及2025年度结转的在办计划）"
    assert sorted(p.title for p in board.plans) == ["上年度结转", "本年度在办"] and board.total.assigned == 2
    assert [p.title for p in dashboard.build(as_of=AS_OF, scope=figures.Scope("year", year=2019)).plans] == ["往年计划"]
    assert dashboard.build(as_of=AS_OF, scope=ALL_PLANS).total.assigned == 5
    client.force_login(supervisor)
    page = client.get(URL)
    assert page.context["board"].scope.key == "current"
    html = page.content.decode()
    assert '<option value="current" selected>' in html and '<option value="year:2019">2019年度计划</option>' in html
    assert client.get(URL, {"scope": "year:2019"}).context["board"].total.overdue == 1
    assert "统计范围无效" in client.get(URL, {"scope": "decade"}).content.decode()


def test_scope_figures_link_to_lists_of_the_same_length(scene, supervisor, unit_a):
    board = dashboard.build(as_of=AS_OF, scope=figures.Scope("year", year=2020))
    row = rows_by_name(board)[unit_a.name]
    assert "scope=year%3A2020" in row.links["assigned"]
    for figure in ("assigned", "done", "overdue"):
        assert filtered_count(row.links[figure], supervisor) == getattr(row, figure), figure
