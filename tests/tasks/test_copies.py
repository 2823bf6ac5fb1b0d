"""The copies kept for reading speed follow every write, through the ORM, the services, the bulk
paths and the daily scan: Task.next_due and Task.lead_unit (the task list's sort keys) and each
assignment's copy of its task's plan, level, status, flag and 序时进度 (the dashboard's per-unit tally)."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tasks.dashboard import board as dashboard
from tasks.models import Assignment, AssignmentRole, Task, TaskFlag, TaskPace, TaskStatus
from tasks.supervision import jobs
from tasks.supervision.services import deadlines_scan
from tasks.workflow import services as workflow
from tasks.workflow.tables import with_list_columns
from tests.factories import (
    AssignmentFactory,
    ExtensionRequestFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
    UnitFactory,
)
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
LIST = reverse("tasks:list")
D = dt.date


def keys(task: Task) -> tuple[dt.date | None, int | None]:
    task.refresh_from_db(fields=["next_due", "lead_unit"])
    return task.next_due, task.lead_unit_id


def test_next_due_is_the_earliest_open_milestone():
    task = TaskFactory()
    assert keys(task) == (None, None)
    late = MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    early = MilestoneFactory(task=task, due_on=D(2021, 3, 31))
    assert keys(task)[0] == D(2021, 3, 31)
    early.done_on = D(2021, 3, 20)
    early.save()
    assert keys(task)[0] == D(2021, 6, 30)
    late.due_on = D(2021, 9, 30)
    late.save()
    assert keys(task)[0] == D(2021, 9, 30)
    late.delete()
    assert keys(task)[0] is None


def test_lead_unit_is_the_first_lead_by_order(unit_a, unit_b):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.RESPONSIBLE, order=0)
    assert keys(task)[1] is None  # a responsible unit alone does not lead
    second = AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.LEAD, order=2)
    assert keys(task)[1] == unit_b.pk
    first = AssignmentFactory(task=task, unit=UnitFactory(name="区发改局"), role=AssignmentRole.LEAD, order=1)
    assert keys(task)[1] == first.unit_id
    first.delete()
    assert keys(task)[1] == unit_b.pk
    second.role = AssignmentRole.RESPONSIBLE
    second.save()
    assert keys(task)[1] is None


def test_saving_a_task_loaded_before_its_milestones_changed_keeps_the_new_date():
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    stale = Task.objects.get(pk=task.pk)
    MilestoneFactory(task=task, due_on=D(2021, 1, 31))
    stale.title = "改了标题"
    stale.save()
    assert keys(task)[0] == D(2021, 1, 31)


def test_closing_and_reopening_a_task(office, time_machine):
    time_machine.move_to(dt.datetime(2021, 7, 1, 9, tzinfo=dt.UTC))
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    workflow.task_close(task=task, user=office, completed_on=D(2021, 6, 28))
    assert keys(task)[0] is None
    workflow.task_reopen(task=task, user=office, reason="复核发现未完成")
    assert keys(task)[0] == D(2021, 6, 30)


def test_an_approved_extension_moves_next_due(office, unit_a):
    task = TaskFactory()
    milestone = MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    request = ExtensionRequestFactory(milestone=milestone, unit=unit_a, proposed_date=D(2021, 9, 30))
    workflow.extension_approve(request=request, user=office, as_of=D(2021, 6, 1))
    assert keys(task)[0] == D(2021, 9, 30)


def test_merging_units_moves_the_lead(office, unit_a, unit_b):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    workflow.unit_merge(source=unit_a, target=unit_b, user=office)
    assert keys(task)[1] == unit_b.pk


def test_refresh_only_stale_repairs_rows_written_around_the_orm(unit_a, unit_b):
    """What the daily scan does: rewrite only the tasks whose copies are wrong."""
    right, wrong_date, wrong_lead = TaskFactory(), TaskFactory(), TaskFactory()
    for task in (right, wrong_date, wrong_lead):
        MilestoneFactory(task=task, due_on=D(2021, 6, 30))
        AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    Task.objects.filter(pk=wrong_date.pk).update(next_due=None)
    Task.objects.filter(pk=wrong_lead.pk).update(lead_unit=unit_b)
    assert Task.objects.refresh_copies(only_stale=True) == 2
    assert [keys(t) for t in (right, wrong_date, wrong_lead)] == [(D(2021, 6, 30), unit_a.pk)] * 3
    assert Task.objects.refresh_copies(only_stale=True) == 0


def test_the_nightly_job_repairs_stale_keys_which_the_daily_scan_leaves_alone(unit_a, caplog):
    """next_due, final_due and the lead read no date: the scan (a new day) has nothing to change in
    them; a row written around the application is put right by the nightly repair_copies, with a
    warning in the worker's log."""
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    Task.objects.filter(pk=task.pk).update(next_due=D(2030, 1, 1))
    assert deadlines_scan(today=D(2021, 1, 4)).copies_refreshed == 0
    assert keys(task)[0] == D(2030, 1, 1)
    with caplog.at_level(logging.WARNING, logger="tasks.supervision.jobs"):
        assert jobs.repair_copies.apply().get() == 1
    assert keys(task)[0] == D(2021, 6, 30)
    assert "1 rows' copies were stale" in caplog.text
    assert jobs.repair_copies.apply().get() == 0


def test_the_repair_runs_every_night_before_the_scan_and_by_hand(unit_a):
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    repair, scan = entries["deadlines.tasks.repair_copies"], entries["deadlines.tasks.scan_deadlines"]
    assert (repair.day_of_week, repair.day_of_month) == (set(range(7)), set(range(1, 32)))  # every night
    assert (min(repair.hour), min(repair.minute)) < (min(scan.hour), min(scan.minute))
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    Task.objects.filter(pk=task.pk).update(lead_unit=None)
    out = io.StringIO()
    call_command("repair_copies", stdout=out)
    assert "1 行不一致，已改写" in out.getvalue()
    assert keys(task)[1] == unit_a.pk
    out = io.StringIO()
    call_command("repair_copies", stdout=out)
    assert "全部一致" in out.getvalue()


def copies(assignment) -> tuple:
    assignment.refresh_from_db()
    a = assignment
    return a.task_plan_id, a.task_top_level, a.task_status, a.task_flag, a.task_pace


def test_assignments_copy_their_tasks_plan_level_status_flag_and_pace(unit_a, unit_b):
    task = TaskFactory(flag=TaskFlag.DUE_SOON, pace=TaskPace.AHEAD)
    lead = AssignmentFactory(task=task, unit=unit_a)
    assert copies(lead) == (task.plan_id, True, TaskStatus.NOT_STARTED, TaskFlag.DUE_SOON, TaskPace.AHEAD)
    task.status, task.pace = TaskStatus.IN_PROGRESS, TaskPace.BEHIND
    task.save()
    assert copies(lead) == (task.plan_id, True, TaskStatus.IN_PROGRESS, TaskFlag.DUE_SOON, TaskPace.BEHIND)
    sub = AssignmentFactory(task=TaskFactory(plan=task.plan, parent=task), unit=unit_b)
    assert copies(sub)[1] is False


def test_closing_a_task_reaches_the_dashboard_through_the_copies(office, unit_a, time_machine):
    time_machine.move_to(dt.datetime(2021, 7, 1, 9, tzinfo=dt.UTC))
    task = TaskFactory(status=TaskStatus.IN_PROGRESS)
    MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    AssignmentFactory(task=task, unit=unit_a)
    workflow.task_close(task=task, user=office, completed_on=D(2021, 7, 1))
    [row] = dashboard.unit_rows()
    assert (row.name, row.assigned, row.done, row.done_late) == (unit_a.name, 1, 0, 1)


def test_the_scans_flags_reach_the_assignments_copies(unit_a):
    """The scan sets flags with set-based UPDATEs (no signals); it refreshes the copies itself."""
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=D(2021, 6, 30))
    assignment = AssignmentFactory(task=task, unit=unit_a)
    assert deadlines_scan(today=D(2021, 7, 5)).copies_refreshed >= 1
    assert copies(assignment)[3] == TaskFlag.OVERDUE
    [row] = dashboard.unit_rows()
    assert (row.assigned, row.overdue) == (1, 1)
    assert [r.overdue for r in dashboard.unit_rows(plan_id=task.plan_id)] == [1]
    assert dashboard.unit_rows(plan_id=PlanFactory().pk) == []


def test_the_scans_pace_reaches_the_assignments_copy_and_the_units_slow_figure(unit_a, settings):
    """序时进度 is set by the scan's set-based UPDATE too; the per-unit 慢序时 counts it from the copy."""
    settings.PACE_TOLERANCE = 10
    task = TaskFactory(plan=PlanFactory(year=2026, issued_on=D(2026, 1, 1)), percent=10,
                       status=TaskStatus.IN_PROGRESS)
    MilestoneFactory(task=task, due_on=D(2026, 12, 31))
    assignment = AssignmentFactory(task=task, unit=unit_a)
    deadlines_scan(today=D(2026, 10, 1))  # 75 % of the time gone, 10 % done
    task.refresh_from_db()
    assert task.pace == copies(assignment)[4] == TaskPace.BEHIND
    [row] = dashboard.unit_rows()
    assert (row.assigned, row.behind, row.pace[TaskPace.BEHIND]) == (1, 1, 1)


def test_refresh_only_stale_repairs_assignment_copies(unit_a):
    task = TaskFactory()
    right, wrong = AssignmentFactory(task=task, unit=unit_a), AssignmentFactory(task=task)
    Assignment.objects.filter(pk=wrong.pk).update(task_status=TaskStatus.DONE, task_top_level=False,
                                                  task_pace=TaskPace.AHEAD)
    assert Task.objects.refresh_copies(only_stale=True) == 1
    assert copies(right) == copies(wrong) == (task.plan_id, True, TaskStatus.NOT_STARTED, "", "")


# --- the list sorted by them -----------------------------------------------------------------------


@pytest.fixture
def dated(unit_a, unit_b):
    """Five tasks: two share a date (the id breaks the tie), one has every milestone done."""
    plan = PlanFactory()
    made = {}
    for title, due, unit in [
        ("晚", D(2021, 9, 30), unit_a),
        ("早", D(2021, 3, 31), unit_b),
        ("同日一", D(2021, 6, 30), unit_b),
        ("同日二", D(2021, 6, 30), unit_a),
        ("已完成", None, None),
    ]:
        task = TaskFactory(plan=plan, title=title)
        MilestoneFactory(task=task, due_on=due or D(2020, 1, 1), done_on=None if due else D(2020, 1, 1))
        if unit:
            AssignmentFactory(task=task, unit=unit, role=AssignmentRole.LEAD)
        made[title] = task
    return made


def titles(client, sort: str) -> list[str]:
    table = client.get(LIST, {"sort": sort}).context["table"]
    return [row.record.title for row in table.page.object_list]


def test_sorting_by_next_due_puts_tasks_without_an_open_deadline_last(client, office, dated):
    client.force_login(office)
    ascending = titles(client, "next_due")
    assert ascending == ["早", "同日一", "同日二", "晚", "已完成"]
    # latest first, ties by id reversed, and still the task without an open deadline last
    assert titles(client, "-next_due") == ["晚", "同日二", "同日一", "早", "已完成"]


def test_sorting_by_units_puts_tasks_without_a_lead_last(client, office, dated):
    client.force_login(office)
    # 区市场监管局 (unit_a) before 区税务局 (unit_b) in the database's collation, ties by id
    ascending = titles(client, "units")
    assert ascending == ["晚", "同日二", "早", "同日一", "已完成"]
    assert titles(client, "-units") == ascending[::-1]


def test_the_list_shows_the_stored_next_due(client, office, dated):
    client.force_login(office)
    page = client.get(LIST, {"sort": "next_due"}).content.decode()
    assert "2021-03-31" in page and page.index("2021-03-31") < page.index("2021-09-30")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's planner")
def test_sorting_by_next_due_reads_the_index(office, dated):
    """With the index the database stops after a page of rows instead of sorting every task."""
    from django.db.models import F

    orders = [  # both with tasks that have no due date last
        ("Index Scan using task_next_due_idx", (F("next_due").asc(nulls_last=True), "id")),
        ("Index Scan using task_next_due_desc_idx", (F("next_due").desc(nulls_last=True), "-id")),
    ]
    for scan, order in orders:
        with connection.cursor() as cur:
            cur.execute("SET enable_seqscan = off")  # a handful of test rows: make the planner show its hand
            plan = Task.objects.order_by(*order)[:25].explain()
            cur.execute("RESET enable_seqscan")
        assert scan in plan and "Sort" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's planner")
def test_the_lists_default_order_reads_the_urgency_index(office, dated):
    """A page of the task list in its default order (most urgent first) is an index scan + LIMIT on
    task_urgency_idx (migration 0015), which must say exactly what tables.urgency_rank() says."""
    from tasks.workflow.tables import TaskTable

    table = TaskTable(with_list_columns(Task.objects.all()), order_by=("warning",))
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute("SET enable_sort = off")
        plan = table.data.data[:25].explain()
        cur.execute("RESET enable_seqscan")
        cur.execute("RESET enable_sort")
    assert "Index Scan using task_urgency_idx" in plan and "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's planner")
def test_my_tasks_counts_its_flagged_tasks_from_indexes_alone(unit_a):
    """我的任务 counts a unit's open overdue tasks by merging the unit's assignment entries with
    task_open_flag_idx (migration 0015): no heap page of the tasks read."""
    AssignmentFactory(task=TaskFactory(flag=TaskFlag.OVERDUE), unit=unit_a)
    ids = Assignment.objects.filter(unit__in=[unit_a], task_flag=TaskFlag.OVERDUE).values("task_id")
    flagged = Task.objects.filter(pk__in=ids, flag=TaskFlag.OVERDUE).open()
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute("SET enable_bitmapscan = off")
        plan = flagged.order_by().explain()
        cur.execute("RESET enable_seqscan")
        cur.execute("RESET enable_bitmapscan")
    assert "task_open_flag_idx" in plan, plan
