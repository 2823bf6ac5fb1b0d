import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tasks.models import (
    Assignment,
    AssignmentRole,
    ConfirmState,
    Plan,
    Task,
    TaskFlag,
    TaskStatus,
    WarningLevel,
)
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_one_assignment_per_task_and_unit(unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    with pytest.raises(IntegrityError):
        Assignment.objects.create(task=task, unit=unit_a, role=AssignmentRole.RESPONSIBLE)


def test_a_dispute_needs_a_reason(unit_a):
    assignment = AssignmentFactory(unit=unit_a)
    assignment.state = ConfirmState.DISPUTED
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()
    assignment.dispute_reason = "该事项不属于本单位职责"
    assignment.save()
    assert Assignment.objects.get(pk=assignment.pk).state == ConfirmState.DISPUTED


def test_doc_number_identifies_a_plan_but_blank_ones_may_repeat():
    PlanFactory(doc_number="杭改办〔2019〕1号")
    PlanFactory(doc_number="", title="甲")
    PlanFactory(doc_number="", title="乙")
    with pytest.raises(IntegrityError):
        PlanFactory(doc_number="杭改办〔2019〕1号")


def test_title_and_year_identify_a_plan_without_doc_number():
    PlanFactory(doc_number="", title="2018年象山县实施意见", year=2018)
    with pytest.raises(IntegrityError):
        Plan.objects.create(title="2018年象山县实施意见", year=2018)


def test_closing_after_the_last_due_date_is_done_late():
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=dt.date(2020, 8, 31))
    MilestoneFactory(task=task, due_on=dt.date(2020, 12, 31))
    assert task.status_when_closed(dt.date(2020, 12, 31)) == TaskStatus.DONE
    assert task.status_when_closed(dt.date(2021, 1, 1)) == TaskStatus.DONE_LATE


def test_a_task_without_milestones_is_never_late():
    assert TaskFactory().status_when_closed(dt.date(2030, 1, 1)) == TaskStatus.DONE


@pytest.mark.parametrize(
    ("flag", "missing", "status", "level"),
    [
        (TaskFlag.OVERDUE, True, TaskStatus.IN_PROGRESS, WarningLevel.RED),
        (TaskFlag.DUE_SOON, True, TaskStatus.IN_PROGRESS, WarningLevel.YELLOW),
        (TaskFlag.DUE_SOON, False, TaskStatus.IN_PROGRESS, WarningLevel.BLUE),
        (TaskFlag.NONE, False, TaskStatus.NOT_STARTED, WarningLevel.NONE),
        (TaskFlag.OVERDUE, True, TaskStatus.DONE_LATE, WarningLevel.NONE),
    ],
)
def test_warning_level_red_beats_yellow_beats_blue_and_closed_tasks_have_none(flag, missing, status, level):
    task = TaskFactory.build(flag=flag, progress_missing=missing, status=status)
    assert task.warning_level == level


def test_liaison_sees_only_tasks_of_their_unit(liaison_a, unit_a, unit_b, office, supervisor):
    mine = AssignmentFactory(unit=unit_a).task
    AssignmentFactory(unit=unit_b)
    assert list(Task.objects.visible_to(liaison_a)) == [mine]
    assert Task.objects.visible_to(office).count() == 2
    assert Task.objects.visible_to(supervisor).count() == 2


def test_user_without_role_sees_nothing(db):
    from tests.factories import UserFactory

    TaskFactory()
    assert not Task.objects.visible_to(UserFactory()).exists()


def test_task_changes_are_kept_in_history():
    task = TaskFactory(title="原标题")
    task.title = "新标题"
    task.save()
    assert [h.title for h in task.history.order_by("history_date")] == ["原标题", "新标题"]


def test_closed_is_one_set_of_statuses_in_both_apps():
    """deadlines cannot import tasks (the layers), so it writes the values; they must stay the same."""
    from deadlines.models import CLOSED_STATUSES
    from tasks.models import CLOSED, TaskStatus

    assert set(CLOSED) == set(CLOSED_STATUSES) == {TaskStatus.DONE, TaskStatus.DONE_LATE}
    assert [TaskFactory.build(status=s).is_closed for s in TaskStatus] == [s in CLOSED_STATUSES for s in TaskStatus]
