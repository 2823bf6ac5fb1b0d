"""The task list's default order: by urgency, 红 → 黄 → 蓝 → 绿, then done; inside a colour the nearest
due date first and tasks without one last."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks.models import Task, TaskFlag, TaskStatus
from tests.factories import MilestoneFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db
LIST = reverse("tasks:list")

# (title, flag, progress_missing, status, due dates of its milestones)
CAST = [
    ("绿晚", "", False, TaskStatus.IN_PROGRESS, [dt.date(2027, 9, 30)]),
    ("办结", "", False, TaskStatus.DONE, [dt.date(2027, 1, 31)]),
    ("红无日期", TaskFlag.OVERDUE, False, TaskStatus.IN_PROGRESS, []),
    ("蓝", TaskFlag.DUE_SOON, False, TaskStatus.IN_PROGRESS, [dt.date(2027, 1, 10)]),
    ("红晚", TaskFlag.OVERDUE, True, TaskStatus.IN_PROGRESS, [dt.date(2026, 11, 30)]),
    ("黄", "", True, TaskStatus.NOT_STARTED, [dt.date(2027, 6, 30)]),
    ("绿无日期", "", False, TaskStatus.NOT_STARTED, []),
    ("逾期办结", "", False, TaskStatus.DONE_LATE, []),
    ("红早", TaskFlag.OVERDUE, False, TaskStatus.NOT_STARTED, [dt.date(2026, 10, 31)]),
    ("绿早", "", False, TaskStatus.IN_PROGRESS, [dt.date(2027, 3, 31)]),
    ("黄临期", TaskFlag.DUE_SOON, True, TaskStatus.IN_PROGRESS, [dt.date(2027, 1, 5)]),
]
URGENT_FIRST = ["红早", "红晚", "红无日期", "黄临期", "黄", "蓝", "绿早", "绿晚", "绿无日期", "办结", "逾期办结"]


@pytest.fixture
def cast():
    plan = PlanFactory()
    for title, flag, missing, status, dues in CAST:
        task = TaskFactory(plan=plan, title=title, status=status)
        for due in dues:
            MilestoneFactory(task=task, due_on=due, done_on=due if status == TaskStatus.DONE else None)
        # the stored flags as the daily scan would leave them on some day
        Task.objects.filter(pk=task.pk).update(flag=flag, progress_missing=missing)


def titles(client, **params) -> list[str]:
    table = client.get(LIST, {"per_page": 50, **params}).context["table"]
    return [row.record.title for row in table.page.object_list]


def test_the_list_shows_the_most_urgent_first_then_the_nearest_due_date(client, office, cast):
    client.force_login(office)
    assert titles(client) == URGENT_FIRST


def test_the_first_rows_wear_the_red_badge_and_the_colours_follow_in_order(client, office, cast):
    client.force_login(office)
    levels = [row.record.warning_level for row in client.get(LIST).context["table"].page.object_list]
    assert levels == ["red"] * 3 + ["yellow"] * 2 + ["blue"] + [""] * 5


def test_sorting_the_warning_column_the_other_way_puts_done_first_and_red_last(client, office, cast):
    client.force_login(office)
    listed = titles(client, sort="-warning")
    assert listed[:2] == ["办结", "逾期办结"] and listed[-3:] == ["红早", "红晚", "红无日期"]
    assert listed[2:5] == ["绿早", "绿晚", "绿无日期"]  # inside a colour still the nearest due date first


def test_the_urgency_order_pages_without_overlap(client, office, cast):
    client.force_login(office)
    pages = [titles(client, per_page=5, page=n) for n in (1, 2, 3)]
    assert [t for page in pages for t in page] == URGENT_FIRST


def test_a_liaison_sees_the_same_order_on_their_own_tasks(client, liaison_a, unit_a, cast):
    from tests.factories import AssignmentFactory

    for task in Task.objects.filter(title__in=["黄", "红晚", "绿早", "办结"]):
        AssignmentFactory(task=task, unit=unit_a)
    client.force_login(liaison_a)
    assert titles(client) == ["红晚", "黄", "绿早", "办结"]
