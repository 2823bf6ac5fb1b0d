"""Keep the copies made for reading speed (TaskQuerySet.refresh_copies) in step with their sources:
the task list's sort keys Task.next_due and Task.lead_unit, and each assignment's copy of its
task's plan, level, status and flag that the dashboard counts.

Every save or delete of a task, an assignment or a milestone through the ORM refreshes its
task (two small UPDATEs). Bulk writes send no signals: they call `refresh_copies()` themselves
(the breakdown import; the data generator writes the copies directly), and the daily scan
refreshes whatever its set-based flag updates changed. A task's own save refreshes too, so an
instance loaded before its milestones changed cannot write back an old date.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from deadlines.models import Milestone
from tasks.models import Assignment, Task


def refresh_task(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: rows arrive in any order; call refresh_copies after it
        return
    task_id = instance.pk if sender is Task else instance.task_id
    # the parent too: a sub-task's open milestones count in its parent's 最近截止
    parent = Task.objects.filter(pk=task_id, parent__isnull=False).values("parent_id")
    Task.objects.filter(Q(pk=task_id) | Q(pk__in=parent)).refresh_copies(only_stale=True)


def connect() -> None:
    post_save.connect(refresh_task, sender=Task, dispatch_uid="copies-task")
    for model in (Assignment, Milestone):
        name = model.__name__
        post_save.connect(refresh_task, sender=model, dispatch_uid=f"copies-save-{name}")
        post_delete.connect(refresh_task, sender=model, dispatch_uid=f"copies-delete-{name}")
