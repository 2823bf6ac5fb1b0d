"""最近截止: tasks without an open milestone come last whichever way the column is sorted."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import MilestoneFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("next_due", ["早", "晚", "无一", "无二"]), ("-next_due", ["晚", "早", "无二", "无一"])],
)
def test_tasks_without_a_due_date_come_last_in_both_directions(client, office, sort, expected):
    plan = PlanFactory()
    none_1 = TaskFactory(plan=plan, title="无一")
    early, late = TaskFactory(plan=plan, title="早"), TaskFactory(plan=plan, title="晚")
    none_2 = TaskFactory(plan=plan, title="无二")
    MilestoneFactory(task=early, due_on=dt.date(2027, 3, 31))
    MilestoneFactory(task=late, due_on=dt.date(2027, 9, 30))
    assert none_1.pk < none_2.pk
    client.force_login(office)
    table = client.get(reverse("tasks:list"), {"sort": sort}).context["table"]
    assert [row.record.title for row in table.page.object_list] == expected
