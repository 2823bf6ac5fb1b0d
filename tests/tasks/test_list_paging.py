"""The task list's paging by plan (GroupOrderPaginator) gives exactly the rows the SQL sort would,
and the list pages' query counts stay flat as the data grows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from tasks.models import AssignmentRole, ConfirmState, Task, TaskFlag
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory, UnitFactory
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
LIST = reverse("tasks:list")
MINE = reverse("tasks:mine")


@pytest.fixture
def plans(unit_a):
    """Plans of very different sizes, created out of their display order, with equal `order`
    values inside a plan (only the task id can break those ties)."""
    sizes = {("乙计划", 2021): 7, ("甲计划", 2020): 1, ("丙计划", 2021): 0, ("丁计划", 2019): 12, ("戊计划", 2020): 3}
    for (title, year), n in sizes.items():
        plan = PlanFactory(title=title, year=year)
        for i in range(n):
            task = TaskFactory(plan=plan, order=i // 2, flag=TaskFlag.OVERDUE if i % 3 == 0 else "")
            if i % 2 == 0:
                AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)


def sql_order(descending: bool = False, **filters) -> list[int]:
    keys = ["plan__year", "plan__title", "order", "pk"]
    return list(
        Task.objects.filter(**filters)
        .order_by(*(f"-{k}" if descending else k for k in keys))
        .values_list("pk", flat=True)
    )


def listed(client, **params) -> tuple[list[int], int]:
    """Every task id the list shows, page by page, and the total it reports."""
    ids, total = [], None
    for page in itertools.count(1):
        table = client.get(LIST, {**params, "per_page": 5, "page": page}).context["table"]
        total = table.paginator.count
        ids += [row.record.pk for row in table.page.object_list]
        if not table.page.has_next():
            return ids, total


@pytest.mark.parametrize("sort", ["plan", "-plan"])
def test_paging_by_plan_lists_every_task_once_in_plan_then_document_order(client, office, plans, sort):
    client.force_login(office)
    ids, total = listed(client, sort=sort)
    assert ids == sql_order(descending=sort == "-plan")
    assert total == len(ids) == 23


@pytest.fixture
def leads(plans, unit_a, unit_b):
    """Lead units spread over the plans' tasks: unit_a leads every other task already; unit_b and
    three more units lead some of the rest, and some tasks have no lead at all."""
    others = [unit_b, *(UnitFactory(name=n) for n in ("区发改局", "区教育局", "区财政局"))]
    for i, task in enumerate(Task.objects.filter(lead_unit__isnull=True).order_by("pk")):
        if i % 4 != 3:
            AssignmentFactory(task=task, unit=others[i % len(others)], role=AssignmentRole.LEAD)


def sql_order_by_units(descending: bool = False, **filters) -> list[int]:
    from django.db.models import F

    first = F("lead_unit__name").desc(nulls_first=True) if descending else F("lead_unit__name").asc(nulls_last=True)
    return list(Task.objects.filter(**filters).order_by(first, "-pk" if descending else "pk").values_list("pk", flat=True))


@pytest.mark.parametrize("sort", ["units", "-units"])
def test_paging_by_lead_unit_lists_every_task_once_in_unit_name_order(client, office, leads, sort):
    client.force_login(office)
    ids, total = listed(client, sort=sort)
    assert ids == sql_order_by_units(descending=sort == "-units")
    assert total == len(ids) == 23
    no_lead = set(Task.objects.filter(lead_unit__isnull=True).values_list("pk", flat=True))
    assert no_lead and (set(ids[-len(no_lead):]) if sort == "units" else set(ids[: len(no_lead)])) == no_lead


def test_paging_by_lead_unit_keeps_the_filters(client, office, leads):
    client.force_login(office)
    ids, total = listed(client, sort="units", flag=TaskFlag.OVERDUE)
    assert ids == sql_order_by_units(flag=TaskFlag.OVERDUE) and total == len(ids) > 5


def test_paging_by_plan_keeps_the_filters_and_the_liaisons_scope(client, office, liaison_a, plans, unit_a):
    client.force_login(office)
    ids, total = listed(client, sort="plan", flag=TaskFlag.OVERDUE)
    assert ids == sql_order(flag=TaskFlag.OVERDUE) and total == len(ids) > 5
    client.force_login(liaison_a)
    ids, total = listed(client, sort="plan")
    assert ids == sql_order(assignments__unit=unit_a) and total == len(ids) > 5


def test_paging_by_plan_past_the_last_page_shows_the_last_page(client, office, plans):
    client.force_login(office)
    table = client.get(LIST, {"sort": "plan", "per_page": 5, "page": 99}).context["table"]
    assert table.page.number == 5 and [r.record.pk for r in table.page.object_list] == sql_order()[20:]


def test_paging_by_plan_with_nothing_to_show(client, office, plans):
    client.force_login(office)
    response = client.get(LIST, {"q": "没有这样的任务"})
    assert response.status_code == 200 and response.context["table"].paginator.count == 0
    assert "没有符合条件的任务" in response.content.decode()


def test_sorting_by_another_column_still_sorts_in_sql(client, office, plans):
    client.force_login(office)
    table = client.get(LIST, {"sort": "warning", "per_page": 50}).context["table"]
    flags = [row.record.flag for row in table.page.object_list]
    assert flags == sorted(flags, key=lambda f: f != TaskFlag.OVERDUE) and len(flags) == 23


# --- query budget at two data sizes ---------------------------------------------------------------


def populate(n_plans: int, per_plan: int, unit_a, unit_b) -> None:
    for _ in range(n_plans):
        plan = PlanFactory()
        for i in range(per_plan):
            task = TaskFactory(plan=plan, flag=TaskFlag.OVERDUE if i % 2 else TaskFlag.DUE_SOON)
            lead, other = (unit_a, unit_b) if i % 3 else (unit_b, unit_a)  # pages sorted by 单位 span groups
            AssignmentFactory(task=task, unit=lead)
            AssignmentFactory(task=task, unit=other, role=AssignmentRole.RESPONSIBLE)
            MilestoneFactory(task=task, due_on=dt.date(2020, 12, 31) + dt.timedelta(days=i))


@pytest.mark.parametrize(("n_plans", "per_plan"), [(1, 5), (8, 30)])
@pytest.mark.parametrize("user", ["office", "liaison_a"])
@pytest.mark.parametrize("sort", ["plan", "units", "-next_due", None])
def test_task_list_pages_spanning_many_plans_cost_the_same_queries(
    client, request, unit_a, unit_b, n_plans, per_plan, user, sort, django_assert_max_num_queries
):
    populate(n_plans, per_plan, unit_a, unit_b)
    client.force_login(request.getfixturevalue(user))
    with django_assert_max_num_queries(17):  # 17th: the aliases of the 单位 filter's unit picker
        response = client.get(LIST, {"per_page": 200, **({"sort": sort} if sort else {})})
    assert len(response.context["table"].page.object_list) == min(n_plans * per_plan, 200)


@pytest.mark.parametrize("rows", [5, 120])
def test_my_tasks_lists_the_first_pending_and_counts_them_all(client, liaison_a, unit_a, unit_b, rows,
                                                              django_assert_max_num_queries):
    populate(1, rows, unit_a, unit_b)
    # only waiting for 签收 (an overdue or due-soon task is listed in its own section instead)
    Task.objects.update(flag="")
    Task.objects.all().refresh_copies()
    client.force_login(liaison_a)
    with django_assert_max_num_queries(22):
        response = client.get(MINE)
    pending = response.context["pending"]
    assert len(pending) == rows and len(list(pending)) == min(rows, 20)
    assert all(a.state == ConfirmState.PENDING and a.unit == unit_a for a in pending)
    page = response.content.decode()
    assert f"待签收（{rows}）" in page
    assert ("下面列出前 20 项" in page) == (rows > 20)
    link = f"{LIST}?unit={unit_a.pk}&amp;confirm=pending"
    assert (link in page) == (rows > 20)
    if rows > 20:  # the link lists every one of them
        listed_all = client.get(LIST, {"unit": unit_a.pk, "confirm": "pending"}).context["table"]
        assert listed_all.paginator.count == rows


def test_my_tasks_pending_rows_keep_their_order(client, liaison_a, unit_a):
    """The first pending rows are picked by id, then read by id (views.first_rows): still nearest due
    date first, tasks without an open milestone last, then plan and document order."""
    plan = PlanFactory()
    for order, due in enumerate([dt.date(2031, 5, 1), None, dt.date(2030, 1, 1), dt.date(2030, 1, 1)]):
        task = TaskFactory(plan=plan, order=order, title=f"第{order}项")
        if due:
            MilestoneFactory(task=task, due_on=due)
        AssignmentFactory(task=task, unit=unit_a)
    Task.objects.update(flag="")
    Task.objects.all().refresh_copies()
    client.force_login(liaison_a)
    pending = client.get(MINE).context["pending"]
    assert [a.task.title for a in pending] == ["第2项", "第3项", "第0项", "第1项"]
    assert len(pending) == 4 and pending.hidden == 0


def test_sorting_by_units_follows_the_first_lead_units_name(client, office, unit_a, unit_b):
    """区市场监管局 sorts before 区税务局; a task without a lead unit comes last."""
    plan = PlanFactory()
    by_b, by_a, nobody = (TaskFactory(plan=plan, title=t) for t in ("乙牵头", "甲牵头", "无牵头"))
    AssignmentFactory(task=by_b, unit=unit_b, role=AssignmentRole.LEAD, order=0)
    AssignmentFactory(task=by_b, unit=unit_a, role=AssignmentRole.LEAD, order=1)
    AssignmentFactory(task=by_a, unit=unit_a, role=AssignmentRole.LEAD)
    AssignmentFactory(task=nobody, unit=unit_a, role=AssignmentRole.RESPONSIBLE)
    client.force_login(office)
    table = client.get(LIST, {"sort": "units"}).context["table"]
    leads = {row.record.title: row.record.lead_unit and row.record.lead_unit.name for row in table.page.object_list}
    assert leads == {"甲牵头": unit_a.name, "乙牵头": unit_b.name, "无牵头": None}
    assert list(leads) == ["甲牵头", "乙牵头", "无牵头"]


@pytest.mark.parametrize("sort", [None, "warning", "-percent", "title"])
def test_paging_in_any_other_order_reads_ids_first_and_lists_every_task_once_in_that_order(
        client, office, plans, unit_a, sort, django_assert_max_num_queries):
    """Orders that are not a plan or unit grouping are sorted in SQL and each page is read ids first,
    then by id (tables.page_rows): the pages still give the SQL order, every task once, each row with
    its plan and units. Ties on the sorted column (nine tasks at 40 %, the rest at 0 %) are broken by
    the id: on PostgreSQL pages sorted by 进度 alone overlapped and skipped tasks."""
    Task.objects.filter(pk__in=Task.objects.order_by("pk").values("pk")[:9]).update(percent=40)
    client.force_login(office)
    params = {"sort": sort} if sort else {}
    ids, total = listed(client, **params)
    table = client.get(LIST, {**params, "per_page": 200}).context["table"]
    assert ids == [row.record.pk for row in table.page.object_list]  # paged as one page
    assert total == len(ids) == len(set(ids)) == 23
    if sort == "-percent":
        percents = [Task.objects.get(pk=pk).percent for pk in ids]
        assert percents == sorted(percents, reverse=True) and percents[0] == 40
        assert ids[:9] == sorted(ids[:9]) and ids[9:] == sorted(ids[9:])  # ties by id
    if sort == "title":
        assert ids == list(Task.objects.order_by("title").values_list("pk", flat=True))  # titles unique
    records = [row.record for row in table.page.object_list]
    with django_assert_max_num_queries(0):  # plan and units came with the page (tables.list_units)
        shown = {r.pk: (r.plan.title, [name for _, _, name in r.listed_units]) for r in records}
    assert shown == {t.pk: (t.plan.title, [a.unit.name for a in t.assignments.order_by("order")])
                     for t in Task.objects.all()}
    assert any(units for _, units in shown.values())


def test_a_pages_rows_are_read_by_their_ids_alone_when_the_filters_join_nothing(plans, unit_a):
    """tables.by_ids: a page's rows, whose ids the filtered query just gave, are read by primary key
    without the filters when those are on the task's own columns or subqueries (我的任务's overdue
    table: `id IN (the unit's overdue assignments)` was evaluated again for the page's 20 ids), with
    the table's joins, annotations and prefetches kept. Filters through a join stay: dropped, the join
    would stay and repeat a task once per assignment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.models import Assignment
    from tasks.workflow.tables import by_ids, page_rows, with_list_columns

    own = with_list_columns(Task.objects.filter(
        flag=TaskFlag.OVERDUE, pk__in=Assignment.objects.filter(unit=unit_a).values("task_id")))
    wanted = list(own.order_by("pk").values_list("pk", flat=True))
    assert len(wanted) == 6
    with CaptureQueriesContext(connection) as captured:
        rows = page_rows(own.order_by("pk"), 1, 3)
    assert [t.pk for t in rows] == wanted[1:3]
    by_pk = next(q["sql"] for q in captured if "warning_rank" in q["sql"])  # the rows, not the ids
    assert by_pk.split(" WHERE ", 1)[1].strip() == f'"tasks_task"."id" IN ({wanted[1]}, {wanted[2]})'
    assert all(t.plan.title and hasattr(t, "warning_rank") for t in rows)
    # any id given is read, whatever the filters said: the ids come from the filtered query
    other = Task.objects.filter(assignments__unit=unit_a).exclude(pk__in=wanted).values_list("pk", flat=True)[0]
    assert other in by_ids(own).in_bulk([other])
    # a filter through a join is kept
    joined = Task.objects.filter(assignments__unit=unit_a, flag=TaskFlag.OVERDUE)
    assert set(by_ids(joined).in_bulk([*wanted, other])) == set(wanted)
    assert set(by_ids(joined.distinct()).in_bulk([*wanted, other])) == set(wanted)
