"""The main pages' cost does not grow with the data, and what they keep (counts, rendered parts)
is never served after a write: reformtracker.dataversion."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformtracker import dataversion
from tasks.models import Assignment, AssignmentRole, ConfirmState, Task, TaskFlag, TaskStatus
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory, UnitFactory
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

LIST, MINE, BOARD, UNITS = (reverse(n) for n in ("tasks:list", "tasks:mine", "dashboard:index", "departments:list"))


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def kept(settings):
    settings.COUNT_CACHE_SECONDS = 60
    settings.DASHBOARD_CACHE_SECONDS = 60


def populate(n: int, unit_a, unit_b, plan=None) -> list[Task]:
    """n tasks of both units in one plan, alternately overdue and due soon, half still waiting for
    签收, and as many units again (the dashboard's and 单位管理's rows grow with the units)."""
    plan = plan or PlanFactory()
    start = plan.tasks.count()
    tasks = []
    for i in range(start, start + n):
        task = TaskFactory(plan=plan, order=i, flag=TaskFlag.OVERDUE if i % 2 else TaskFlag.DUE_SOON)
        AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.PENDING if i % 2 else ConfirmState.CONFIRMED)
        AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
        AssignmentFactory(task=task, unit=UnitFactory())
        MilestoneFactory(task=task, due_on=dt.date(2020, 12, 31))
        tasks.append(task)
    return tasks


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def pages(office, liaison, task):
    return [(office, LIST), (liaison, MINE), (office, BOARD), (office, UNITS),
            (liaison, reverse("tasks:detail", args=[task.pk]))]


def test_every_main_page_makes_as_many_queries_for_50_tasks_as_for_5(client, office, liaison_a, unit_a, unit_b):
    few = populate(5, unit_a, unit_b)
    counts_few = []
    for user, url in pages(office, liaison_a, few[0]):
        client.force_login(user)
        counts_few.append(queries(client, url))
    many = populate(45, unit_a, unit_b, plan=few[0].plan)
    counts_many = []
    for user, url in pages(office, liaison_a, many[0]):
        client.force_login(user)
        counts_many.append(queries(client, url))
    assert counts_many == counts_few


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_kept_page_reloads_with_fewer_queries_and_the_same_content(client, office, liaison_a, unit_a, unit_b, kept):
    tasks = populate(6, unit_a, unit_b)
    for user, url in pages(office, liaison_a, tasks[0]):
        client.force_login(user)
        client.get(url)  # the CSRF cookie is set (我的任务 keeps its forms per CSRF secret)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        with CaptureQueriesContext(connection) as warm:
            again = client.get(url)
        assert without_tokens(again) == without_tokens(first), url
        assert len(warm) < len(cold), url


def test_a_saved_task_shows_at_once_on_every_kept_page(client, office, liaison_a, unit_a, unit_b, kept):
    tasks = populate(4, unit_a, unit_b)
    client.force_login(office)
    before = {url: client.get(url).content.decode() for url in (LIST, BOARD)}
    task = tasks[0]
    task.title = "改过的任务名称"
    task.status = TaskStatus.DONE
    task.save()
    assert "改过的任务名称" in client.get(LIST).content.decode() and "改过的任务名称" not in before[LIST]
    assert client.get(BOARD, {"scope": "all"}).context["board"].total.done == 1
    client.force_login(liaison_a)
    assert "改过的任务名称" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_unit_counts_follow_a_new_assignment(client, office, unit_a, unit_b, kept):
    populate(3, unit_a, unit_b)
    client.force_login(office)
    rows = {r.record.name: r.record.task_count for r in client.get(UNITS).context["table"].paginated_rows}
    assert rows[unit_a.name] == 3
    AssignmentFactory(unit=unit_a)
    rows = {r.record.name: r.record.task_count for r in client.get(UNITS).context["table"].paginated_rows}
    assert rows[unit_a.name] == 4


def test_units_sort_by_their_number_of_tasks(client, office, unit_a, unit_b):
    populate(2, unit_a, unit_b)
    AssignmentFactory(unit=unit_b)
    client.force_login(office)
    names = [r.record.name for r in client.get(UNITS, {"sort": "-task_count"}).context["table"].paginated_rows]
    assert names[:2] == [unit_b.name, unit_a.name]


def test_a_liaison_never_gets_another_units_kept_list(client, liaison_a, liaison_b, unit_a, unit_b, kept):
    mine = TaskFactory(title="甲单位的任务")
    AssignmentFactory(task=mine, unit=unit_a)
    theirs = TaskFactory(title="乙单位的任务")
    AssignmentFactory(task=theirs, unit=unit_b)
    client.force_login(liaison_a)
    assert "乙单位的任务" not in client.get(LIST).content.decode()
    client.force_login(liaison_b)
    page = client.get(LIST).content.decode()
    assert "乙单位的任务" in page and "甲单位的任务" not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_a_set_based_update_moves_the_version_on_postgresql(unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    before = dataversion.current()
    Assignment.objects.filter(task=task).update(state=ConfirmState.CONFIRMED)  # no signal is sent
    assert dataversion.current() != before


@pytest.mark.django_db(transaction=True)
def test_a_set_based_write_moves_the_number_again_after_its_commit():
    """A page counted by another request between the write and its commit (the old rows under the
    number the write already moved) is not served after the commit: the number moves once more."""
    from django.db import transaction

    task = TaskFactory()
    seen = []
    with transaction.atomic():
        before = dataversion.current()
        Task.objects.filter(pk=task.pk).update(title="批量改过")
        during = dataversion.current()
        Task.objects.filter(pk=task.pk).update(title="再改一次")
        seen.append(dataversion.current())
    after = dataversion.current()
    assert len({before, during, seen[0], after}) == 4  # each statement, and the commit once more
    # a write to a table no kept page shows moves nothing
    from django.contrib.sessions.models import Session

    Session.objects.filter(pk="none").delete()
    assert dataversion.current() == after
