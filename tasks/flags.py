"""Stored flags, kept current: the one place every write and the daily scan call.

The rule lives on the models — `Milestone.state_on` / `MilestoneQuerySet` for a milestone's state,
`Task.flag_on` / `progress_missing_on` / `pace_on` and their SQL twins (`TaskQuerySet.with_flags`)
for a task's 时限 (逾期/临期), 黄 (未报进展) and 序时进度. What is stored (`Milestone.state`,
`Task.flag`, `Task.progress_missing`, `Task.pace`, and the copies `refresh_copies` keeps) is that
rule evaluated on a day, so pages, exports and counts read columns, not subqueries.

Every write that changes an input of the rule (import, milestone edit, extension approved, progress
reported or reviewed, 办结, reopen, assignment changes) calls `flags_refresh(tasks=…)` for the tasks
it touched, in its own transaction: nothing waits for 07:30 but the passing of the day. The scan
calls it for every task with today's date.

Set-based: a fixed handful of UPDATE … FROM statements whatever the number of rows (tasks.setbased),
each writing only the rows whose stored value differs, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from deadlines import dates
from deadlines.models import Milestone, work_calendar
from tasks import setbased
from tasks.models import Task, flag_case, pace_case, progress_missing_case


@dataclass
class Refreshed:
    milestones: int = 0
    tasks: int = 0
    copies: int = 0


def _scope(tasks: Iterable[int] | QuerySet | Task) -> list[int]:
    """The tasks and their parents: a sub-task's milestones flag its parent too."""
    if isinstance(tasks, Task):
        tasks = [tasks.pk]
    elif isinstance(tasks, QuerySet):
        tasks = tasks.values_list("pk", flat=True)
    ids = {pk for pk in tasks if pk is not None}
    parents = Task.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
    return sorted(ids | set(parents))


@transaction.atomic
def flags_refresh(
    *,
    tasks: Iterable[int] | QuerySet | Task | None = None,
    as_of: dt.date | None = None,
    cal: dates.WorkCalendar | None = None,
) -> Refreshed:
    """Store the rule's values on `as_of` (default: today, Asia/Shanghai) for `tasks` (ids, a
    queryset or one task; None: every task) — milestone states, task flags, 未报进展, 序时进度 —
    then the copies made from them (Task.next_due, the assignments' task_flag …)."""
    as_of = as_of or timezone.localdate()
    cal = cal or work_calendar()
    if tasks is None:
        task_rows, milestones = Task.objects.order_by(), Milestone.objects.order_by()
    else:
        ids = _scope(tasks)
        if not ids:
            return Refreshed()
        task_rows = Task.objects.order_by().filter(pk__in=ids)
        # the sub-tasks' milestones decide the parents' flags: refresh them too (their state may be a day
        # old); one IN over the tasks and their sub-tasks, so the milestones are found by their task index
        with_children = Task.objects.order_by().filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values("pk")
        milestones = Milestone.objects.order_by().filter(task_id__in=with_children)
    done = Refreshed()
    # one SELECT computes every milestone's state (the rule: MilestoneQuerySet.with_state), one
    # UPDATE … FROM writes the rows whose stored state differs
    done.milestones = setbased.update_from(
        Milestone, milestones.with_state(as_of, cal).values("pk", "state_as_of"), {"state": "state_as_of"}
    )
    # the flags and the scan's reminders below select milestones by state: let the planner count
    # the states just written instead of yesterday's
    setbased.analyze_after(Milestone, done.milestones)
    # the dates copied from the milestones first: 序时进度 reads Task.final_due. They read no date:
    # every write keeps them (tasks.signals, and here for the tasks a write touched), so the run over
    # every task (the daily scan) leaves them alone; what was written around the ORM (hand-made
    # SQL, a restore) is repaired by copies_repair, the nightly job
    if tasks is not None:
        done.copies = task_rows.refresh_list_keys(only_stale=True)
    # the three task flags in one UPDATE, so a task whose flag and pace both change is one row written;
    # 时限 reads the milestone states just stored
    wanted = task_rows.annotate(
        want_flag=flag_case(as_of, cal, stored_states=True, hashed=tasks is None),
        want_missing=progress_missing_case(as_of, hashed=tasks is None),
        want_pace=pace_case(as_of),
    ).values("pk", "want_flag", "want_missing", "want_pace")
    done.tasks = setbased.update_from(
        Task, wanted, {"flag": "want_flag", "progress_missing": "want_missing", "pace": "want_pace"}
    )
    # the flags just changed set-based (no signals): the assignments' copies follow
    done.copies += task_rows.refresh_assignment_copies(only_stale=True)
    return done


@transaction.atomic
def copies_repair() -> int:
    """Every task's copies recomputed (Task.next_due, final_due and lead_unit; the assignments' copy
    of their task's plan, level, status, flag and pace), rewriting only the rows that differ: none,
    unless something wrote around the ORM (hand-made SQL, a partial restore). Every write keeps
    them and the daily scan keeps the assignments' copy of the flags it changes; this is the check
    behind both, run nightly (job repair_copies) and by `manage.py repair_copies`. Returns the rows
    rewritten."""
    return Task.objects.order_by().refresh_copies(only_stale=True)


class RefreshesFlags:
    """An admin edit is a write like any other: the task's stored flags follow at once (tasks.flags)."""

    def _task_ids(self, obj) -> list[int]:
        return [obj.pk if isinstance(obj, Task) else obj.task_id]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # inlines (milestones, units) saved first
        flags_refresh(tasks=self._task_ids(form.instance))

    def delete_model(self, request, obj):
        ids = [] if isinstance(obj, Task) else self._task_ids(obj)
        super().delete_model(request, obj)
        flags_refresh(tasks=ids)
