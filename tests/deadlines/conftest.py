"""Helpers for the deadline tests: a task of a unit with a milestone."""

import datetime as dt

import pytest

from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory


@pytest.fixture
def plan(db):
    # issued in October: no monthly progress report is owed before November, so
    # progress reminders stay out of the deadline tests (they have their own)
    return PlanFactory(year=2026, due_soon_workdays=5, issued_on=dt.date(2026, 10, 1))


@pytest.fixture
def make_milestone(plan):
    """make_milestone(due_on, unit, [plan=..., role=..., task=...]) -> Milestone"""

    def make(due_on: dt.date, unit, *, plan=plan, role=AssignmentRole.LEAD, task=None, **kwargs):
        if task is None:
            task = TaskFactory(plan=plan)
            AssignmentFactory(task=task, unit=unit, role=role)
        return MilestoneFactory(task=task, due_on=due_on, phrase=f"{due_on:%Y年%m月%d日}前", **kwargs)

    return make


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
