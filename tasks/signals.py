"""Keep the task list's sort keys (Task.next_due, Task.lead_unit) in step with their sources.

Every save or delete of a task, an assignment or a milestone through the ORM refreshes its
task in one UPDATE. Bulk writes send no signals: they call `refresh_list_keys()` themselves
(the breakdown import, the data generator), and the daily scan repairs any row still stale.
A task's own save refreshes too, so an instance loaded before its milestones changed cannot
write back an old date.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from deadlines.models import Milestone
from tasks.models import Assignment, Task


def refresh_task(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: rows arrive in any order; refresh_list_keys after it
        return
    task_id = instance.pk if sender is Task else instance.task_id
    Task.objects.filter(pk=task_id).refresh_list_keys()


def connect() -> None:
    post_save.connect(refresh_task, sender=Task, dispatch_uid="list-keys-task")
    for model in (Assignment, Milestone):
        name = model.__name__
        post_save.connect(refresh_task, sender=model, dispatch_uid=f"list-keys-save-{name}")
        post_delete.connect(refresh_task, sender=model, dispatch_uid=f"list-keys-delete-{name}")
