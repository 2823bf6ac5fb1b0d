"""Read speed at 100,000 tasks (issues 12 and 15).

- Assignment.task_pace: the assignments' copy of their task's 序时进度, beside the copies of its plan,
  level, status and flag (TaskQuerySet.refresh_copies keeps them all). The dashboard's per-unit tally
  groups by pace too: without the copy it joined 300,000 assignments to their tasks; with it, and
  with task_pace in assignment_tally_idx, it is an index-only scan. The per-plan tally's index takes
  Task.pace for the same reason.
- task_urgency_idx: the task list's default order (tasks.workflow.tables: urgency_rank() DESC,
  next_due ASC NULLS LAST, id) as an expression index, so a page of it is an index scan + LIMIT
  instead of a sort of every task. PostgreSQL only (SQLite refuses NULLS LAST in an index), and not
  part of the model state, like task_next_due_desc_idx (0009). The CASE must stay exactly
  urgency_rank()'s: tests/tasks/test_copies.py asks PostgreSQL's planner whether it matches.
- task_sort_keys_idx (id) INCLUDE (next_due, plan_id, order), and assignment_unit_waiting_idx (the
  pending and disputed assignments by unit and state, with their task, copies, order and id included): 我的任务 picks the first rows of a unit's thousands of pending
  or disputed assignments by their tasks' sort keys through index-only probes
  (tasks.workflow.views.first_rows) instead of hashing every task. PostgreSQL only (INCLUDE).
- task_open_flag_idx (flag, id) over open tasks: 我的任务's counts of a unit's overdue and due-soon
  tasks become index-only merges instead of a bitmap scan over the heap pages of every such task.
"""

from django.conf import settings
from django.db import migrations, models

URGENCY = (
    "CASE WHEN status IN ('done', 'done_late') THEN 0 WHEN flag = 'overdue' THEN 4 "
    "WHEN progress_missing THEN 3 WHEN flag = 'due_soon' THEN 2 ELSE 1 END"
)
CREATE_URGENCY = (
    f"CREATE INDEX IF NOT EXISTS task_urgency_idx ON tasks_task (({URGENCY}) DESC, next_due ASC NULLS LAST, id ASC)"
)
DROP_URGENCY = "DROP INDEX IF EXISTS task_urgency_idx"
CREATE_SORT_KEYS = 'CREATE INDEX IF NOT EXISTS task_sort_keys_idx ON tasks_task (id) INCLUDE (next_due, plan_id, "order")'
DROP_SORT_KEYS = "DROP INDEX IF EXISTS task_sort_keys_idx"


def copy_pace(apps, schema_editor):
    """The copy filled once; from now on refresh_copies keeps it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE tasks_assignment a SET task_pace = t.pace FROM tasks_task t "
            "WHERE t.id = a.task_id AND a.task_pace IS DISTINCT FROM t.pace"
        )
    else:
        schema_editor.execute(
            "UPDATE tasks_assignment SET task_pace = "
            "COALESCE((SELECT t.pace FROM tasks_task t WHERE t.id = tasks_assignment.task_id), '')"
        )


def create_urgency(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_URGENCY)
        schema_editor.execute(CREATE_SORT_KEYS)


def drop_urgency(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_URGENCY)
        schema_editor.execute(DROP_SORT_KEYS)


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0002_role_groups'),
        ('tasks', '0014_data_version_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_tally_idx',
        ),
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_plan_tally_idx',
        ),
        migrations.RemoveIndex(
            model_name='task',
            name='task_top_plan_status_flag_idx',
        ),
        migrations.AddField(
            model_name='assignment',
            name='task_pace',
            field=models.CharField(blank=True, choices=[('', '—'), ('ahead', '超序时'), ('on_pace', '按序时'), ('behind', '慢序时')], editable=False, max_length=10, verbose_name='任务序时进度'),
        ),
        migrations.RunPython(copy_pace, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('task_top_level', True)), fields=['unit', 'role', 'state', 'task_flag', 'task_pace', 'task_status', 'task_plan'], name='assignment_tally_idx'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('task_top_level', True)), fields=['task_plan', 'unit', 'role', 'state', 'task_flag', 'task_pace', 'task_status'], name='assignment_plan_tally_idx'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('parent__isnull', True)), fields=['plan', 'flag', 'pace', 'status'], name='task_top_plan_tally_idx'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state__in', ['pending', 'disputed'])), fields=['unit', 'state'], include=('task', 'task_flag', 'task_status', 'order', 'id'), name='assignment_unit_waiting_idx'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status__in', ['done', 'done_late']), _negated=True), fields=['flag', 'id'], name='task_open_flag_idx'),
        ),
        migrations.RunPython(create_urgency, drop_urgency),
    ]
