"""The change history shows a progress report's 报送期 as a month (2026年12月), not as its first day."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks.models import ConfirmState
from tasks.workflow import services as workflow
from tasks.workflow.history import task_history
from tests.factories import AssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_the_history_shows_the_reporting_period_as_a_month(client, office, unit_a, liaison_a):
    task = TaskFactory(title="推进证照分离改革")
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    workflow.progress_submit(task=task, unit=unit_a, author=liaison_a, text="已完成", percent=50,
                             period=dt.date(2026, 12, 1))
    report = next(c for c in task_history(task) if c.what == "进展")
    assert report.subject == "区市场监管局 2026年12月"
    assert {f.label: f.new for f in report.changes}["报送期"] == "2026年12月"

    client.force_login(office)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "报送期：2026年12月" in page and "2026-12-01" not in page
