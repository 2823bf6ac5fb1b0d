"""The flag rule once: the pure methods (Milestone.state_on, Task.flag_on / progress_missing_on /
pace_on), their queryset twins and what tasks.flags stores agree, on generated cases."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from deadlines.models import Milestone, MilestoneState, work_calendar
from tasks.flags import flags_refresh
from tasks.models import ReviewState, Task, TaskFlag, TaskPace, TaskStatus
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
# around National Day 2026 (holidays 10-01…10-07): working days matter for 临期
DAYS = [D(2026, 9, 30), D(2026, 10, 6), D(2026, 11, 9)]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _generate(rng: random.Random, n: int) -> list[Task]:
    units = [UnitFactory() for _ in range(3)]
    plans = [
        PlanFactory(year=2026, issued_on=None, due_soon_workdays=5),
        PlanFactory(year=2026, issued_on=D(2026, 8, 10), due_soon_workdays=3, progress_due_day=10),
        PlanFactory(year=2026, issued_on=D(2026, 10, 20), due_soon_workdays=10),
    ]
    tasks = []
    for _ in range(n):
        plan = rng.choice(plans)
        parent = rng.choice([None, None, None, *tasks[-5:]]) if tasks else None
        if parent is not None:
            plan = parent.plan
        status = rng.choice([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS,
                             TaskStatus.DONE, TaskStatus.DONE_LATE])
        completed = None
        if status in (TaskStatus.DONE, TaskStatus.DONE_LATE):
            completed = rng.choice([None, D(2026, 9, 20), D(2026, 10, 6), D(2026, 11, 1)])
        task = TaskFactory(plan=plan, parent=parent, status=status, completed_on=completed,
                           percent=rng.choice([0, 10, 35, 50, 80, 100]))
        created = rng.choice([D(2026, 7, 1), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 20)])
        Task.objects.filter(pk=task.pk).update(created_at=_aware(created))
        for unit in rng.sample(units, rng.randint(0, 2)):
            AssignmentFactory(task=task, unit=unit, role=rng.choice(["lead", "responsible"]))
            for _ in range(rng.randint(0, 2)):
                ProgressReportFactory(
                    task=task, unit=unit, period=rng.choice([D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)]),
                    review_state=rng.choice(list(ReviewState.values)),
                )
        for _ in range(rng.randint(0, 3)):
            due = D(2026, 9, 30) + dt.timedelta(days=rng.randint(-40, 60))
            extended = rng.random() < 0.3
            MilestoneFactory(
                task=task, due_on=due,
                original_due_on=due - dt.timedelta(days=30) if extended else None,
                done_on=rng.choice([None, None, due - dt.timedelta(days=3), D(2026, 10, 6)]),
            )
        tasks.append(task)
    return tasks


@pytest.mark.parametrize("seed", [1, 2])
def test_the_pure_rule_the_queryset_and_the_stored_flags_agree(seed):
    rng = random.Random(seed)
    tasks = _generate(rng, 45)
    cal = work_calendar()
    seen: set[tuple] = set()
    for as_of in DAYS:
        by_sql = {m.pk: m.state_as_of for m in Milestone.objects.with_state(as_of, cal)}
        for m in Milestone.objects.select_related("task__plan"):
            assert m.state_on(as_of, cal) == by_sql[m.pk], (as_of, m.pk)
            for state in MilestoneState.values:
                assert Milestone.objects.in_state(state, as_of, cal).filter(pk=m.pk).exists() == (
                    by_sql[m.pk] == state
                )
        flags_refresh(as_of=as_of, cal=cal)
        stored = {t.pk: t for t in Task.objects.with_flags(as_of, cal)}
        for task in Task.objects.select_related("plan").filter(pk__in=[t.pk for t in tasks]):
            got = stored[task.pk]
            want = (task.flag_on(as_of, cal), task.progress_missing_on(as_of), task.pace_on(as_of))
            assert (got.flag_as_of, got.progress_missing_as_of, got.pace_as_of) == want, (as_of, task.pk)
            assert (got.flag, got.progress_missing, got.pace) == want, (as_of, task.pk)
            seen.add(want)
        for m in Milestone.objects.all():
            assert m.state == by_sql[m.pk]
        # a second refresh on the same day writes nothing
        again = flags_refresh(as_of=as_of, cal=cal)
        assert (again.milestones, again.tasks, again.copies) == (0, 0, 0)
    # the generated cases reach every value
    assert {f for f, _, _ in seen} == set(TaskFlag.values)
    assert {m for _, m, _ in seen} == {True, False}
    assert {p for _, _, p in seen} == set(TaskPace.values)


def test_pace_compares_percent_with_the_share_of_time_gone(settings):
    settings.PACE_TOLERANCE = 10
    plan = PlanFactory(year=2026, issued_on=D(2026, 1, 1))
    task = TaskFactory(plan=plan, percent=50, status=TaskStatus.IN_PROGRESS)
    MilestoneFactory(task=task, due_on=D(2026, 12, 31))  # 364 days
    half = D(2026, 7, 2)  # 182 days gone: 50 %
    assert task.pace_on(half) == TaskPace.ON_PACE
    assert task.pace_on(D(2026, 3, 1)) == TaskPace.AHEAD  # 16 % gone
    assert task.pace_on(D(2026, 10, 1)) == TaskPace.BEHIND  # 75 % gone
    assert task.pace_on(D(2027, 3, 1)) == TaskPace.BEHIND  # past the date: all the time is gone
    task.status, task.completed_on = TaskStatus.DONE, D(2026, 9, 1)
    assert task.pace_on(D(2026, 10, 1)) == TaskPace.NONE


def test_a_sub_tasks_overdue_milestone_flags_the_parent_and_gives_it_a_date(unit_a):
    parent = TaskFactory()
    child = TaskFactory(plan=parent.plan, parent=parent)
    AssignmentFactory(task=child, unit=unit_a)
    MilestoneFactory(task=child, due_on=D(2026, 9, 1))
    flags_refresh(tasks=[child.pk], as_of=D(2026, 9, 30))
    parent.refresh_from_db()
    assert parent.flag == TaskFlag.OVERDUE
    assert parent.next_due == D(2026, 9, 1)  # 最近截止 is never "—" for an overdue task


def test_the_report_duty_starts_in_the_month_the_task_was_imported(unit_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 3, 2, tzinfo=dt.UTC))  # 11-03 in Shanghai
    task = TaskFactory(plan=PlanFactory(year=2026))
    AssignmentFactory(task=task, unit=unit_a)
    assert task.progress_period_owed(D(2026, 11, 6)) is None  # October: before the import
    assert task.progress_period_owed(D(2026, 12, 6)) == D(2026, 11, 1)
    assert task.progress_missing_on(D(2026, 12, 6)) is True
    ProgressReportFactory(task=task, unit=unit_a, period=D(2026, 11, 1), review_state=ReviewState.ACCEPTED)
    assert task.progress_missing_on(D(2026, 12, 6)) is False


def test_the_task_list_filters_and_shows_behind_pace(client, office):
    plan = PlanFactory(year=2026, issued_on=D(2026, 1, 1))
    behind = TaskFactory(plan=plan, title="进度落后", percent=10, status=TaskStatus.IN_PROGRESS)
    ahead = TaskFactory(plan=plan, title="进度超前", percent=90, status=TaskStatus.IN_PROGRESS)
    for task in (behind, ahead):
        MilestoneFactory(task=task, due_on=D(2026, 12, 31))
    flags_refresh(tasks=[behind.pk, ahead.pk], as_of=D(2026, 7, 1))
    client.force_login(office)
    page = client.get("/tasks/", {"pace": TaskPace.BEHIND}).content.decode()
    assert "进度落后" in page and "进度超前" not in page
    assert "慢序时" in page
    detail = client.get(f"/tasks/{behind.pk}/").content.decode()
    assert "慢序时" in detail
