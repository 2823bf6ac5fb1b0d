"""A small world for the web tests: two units' tasks with every kind of object on each.

`unit_a`'s objects are liaison_a's "own"; `unit_b`'s are "other" to liaison_a.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tasks.models import Assignment, ConfirmState, Evidence, ProgressReport, Task, Urging
from tests.factories import (
    AssignmentFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UrgingFactory,
)

FAR = dt.date(2099, 12, 31)  # never passed, whatever the wall clock says


@dataclass
class Side:
    task: Task
    assignment: Assignment
    disputed: Assignment
    report: ProgressReport
    evidence: Evidence
    urging: Urging
    extension: object
    milestone: object


def build_side(plan, section, unit, other_unit, liaison) -> Side:
    task = TaskFactory(plan=plan, section=section, title=f"{unit.name}牵头的任务")
    assignment = AssignmentFactory(task=task, unit=unit)
    milestone = MilestoneFactory(task=task, due_on=FAR, phrase="长期")
    report = ProgressReportFactory(task=task, unit=unit, author=liaison)
    evidence = EvidenceFactory(report=report)
    urging = UrgingFactory(task=task, unit=unit)
    extension = ExtensionRequestFactory(milestone=milestone, unit=unit, requested_by=liaison)
    # a second task where this unit disputes its assignment
    disputed_task = TaskFactory(plan=plan, section=section, title=f"{unit.name}有异议的任务")
    disputed = AssignmentFactory(
        task=disputed_task, unit=unit, state=ConfirmState.DISPUTED, dispute_reason="不属于本单位职责"
    )
    return Side(task, assignment, disputed, report, evidence, urging, extension, milestone)


@dataclass
class World:
    a: Side
    b: Side


def build_world(unit_a, unit_b, liaison_a, liaison_b) -> World:
    plan = PlanFactory()
    section = SectionFactory(plan=plan)
    return World(
        a=build_side(plan, section, unit_a, unit_b, liaison_a),
        b=build_side(plan, section, unit_b, unit_a, liaison_b),
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """PBKDF2 costs ~2 s per user on the CI machine; the web tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
