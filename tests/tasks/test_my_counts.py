"""我的任务's section counts, summed from the assignment tally (views.MyCounts) for a liaison of one
unit, are the counts of the rows the sections list — checked here against the rows themselves,
counted by a plain query of each section's definition, over a mix of flags, statuses, states,
urgings and tasks shared with another unit."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from departments import roles
from tasks.models import Assignment, ConfirmState, Task, TaskFlag, TaskStatus
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UrgingFactory, UserFactory

MINE = reverse("tasks:mine")
CLOSED = [TaskStatus.DONE, TaskStatus.DONE_LATE]


def world(unit_a, unit_b) -> None:
    """Every combination of flag, status and state for unit_a, every other task shared with unit_b,
    some urged (to unit_a, to unit_b, answered), one urged task not assigned to unit_a at all."""
    plan = PlanFactory()
    combos = itertools.product(
        ["", TaskFlag.OVERDUE, TaskFlag.DUE_SOON],
        [TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED, TaskStatus.DONE, TaskStatus.DONE_LATE],
        [ConfirmState.PENDING, ConfirmState.CONFIRMED, ConfirmState.DISPUTED],
    )
    for i, (flag, status, state) in enumerate(combos):
        for copy in range(2):
            task = TaskFactory(plan=plan, flag=flag, status=status)
            AssignmentFactory(task=task, unit=unit_a, state=state, dispute_reason="不属于本单位职责" if
                              state == ConfirmState.DISPUTED else "")
            if (i + copy) % 2:
                AssignmentFactory(task=task, unit=unit_b, role="responsible")
            if (i + copy) % 3 == 0:
                UrgingFactory(task=task, unit=unit_a, reply_by=dt.date(2026, 6, 30))
            elif (i + copy) % 3 == 1:
                UrgingFactory(task=task, unit=unit_b)
            if (i + copy) % 5 == 0:
                UrgingFactory(task=task, unit=unit_a, answer="已办理", answered_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    UrgingFactory(task=TaskFactory(plan=plan, flag=TaskFlag.OVERDUE), unit=unit_a)


def expected(units) -> dict:
    """Each section's rows by its own definition, counted (distinct tasks)."""
    urged = Task.objects.filter(urgings__unit__in=units, urgings__answered_at__isnull=True)
    mine = Task.objects.filter(assignments__unit__in=units).exclude(pk__in=urged).exclude(status__in=CLOSED)
    flagged_open = Assignment.objects.filter(task__flag__in=[TaskFlag.OVERDUE, TaskFlag.DUE_SOON]).exclude(
        task__status__in=CLOSED)
    pending = Assignment.objects.filter(unit__in=units, state=ConfirmState.PENDING)
    return {
        "overdue": mine.filter(flag=TaskFlag.OVERDUE).distinct().count(),
        "due_soon": mine.filter(flag=TaskFlag.DUE_SOON).distinct().count(),
        "pending": pending.exclude(pk__in=flagged_open).exclude(task__in=urged).count(),
        "pending_all": pending.count(),
        "disputed": Assignment.objects.filter(unit__in=units, state=ConfirmState.DISPUTED).count(),
    }


def shown(client, user) -> dict:
    client.force_login(user)
    context = client.get(MINE).context
    return {
        "overdue": context["overdue"].paginator.count,
        "due_soon": context["due_soon"].paginator.count,
        "pending": len(context["pending"]),
        "pending_all": int(str(context["pending_all"])),  # (a lazy object: str is proxied, int is not)
        "disputed": len(context["disputed"]),
    }


@pytest.mark.django_db
def test_a_liaison_of_one_unit_sees_the_counts_of_the_rows(client, liaison_a, unit_a, unit_b):
    world(unit_a, unit_b)
    want = expected([unit_a])
    assert all(want.values())  # every section has rows: the sums are tried on something
    assert shown(client, liaison_a) == want


@pytest.mark.django_db
def test_the_counts_follow_a_write_and_an_urging(client, liaison_a, unit_a, unit_b):
    world(unit_a, unit_b)
    before = shown(client, liaison_a)
    overdue = Assignment.objects.filter(unit=unit_a, task__flag=TaskFlag.OVERDUE, state=ConfirmState.PENDING,
                                        task__status=TaskStatus.IN_PROGRESS).exclude(task__urgings__unit=unit_a).first()
    UrgingFactory(task=overdue.task, unit=unit_a)
    waiting = Assignment.objects.filter(unit=unit_a, task__flag="", state=ConfirmState.PENDING,
                                        task__status=TaskStatus.IN_PROGRESS).exclude(task__urgings__unit=unit_a).first()
    waiting.state = ConfirmState.CONFIRMED
    waiting.save()
    after = shown(client, liaison_a)
    assert after == expected([unit_a])
    assert (after["overdue"], after["pending"], after["pending_all"]) == (
        before["overdue"] - 1, before["pending"] - 1, before["pending_all"] - 1)


@pytest.mark.django_db
def test_a_liaison_of_two_units_counts_a_shared_task_once(client, unit_a, unit_b):
    world(unit_a, unit_b)
    both = UserFactory(username="liaison_ab", role=roles.LIAISON, units=[unit_a, unit_b])
    want = expected([unit_a, unit_b])
    assert shown(client, both) == want
    # a shared task is one row: fewer tasks than the two units' assignments
    shared = Task.objects.filter(flag=TaskFlag.OVERDUE, assignments__unit=unit_b).exclude(status__in=CLOSED)
    assert shared.exists() and want["overdue"] < Assignment.objects.filter(
        unit__in=[unit_a, unit_b], task__flag=TaskFlag.OVERDUE).exclude(task__status__in=CLOSED).count()
