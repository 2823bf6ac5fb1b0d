"""The task list sorted by 最近截止 latest first keeps tasks without a due date last (tables._ordered):
on PostgreSQL an index in exactly that order serves it (task_next_due_idx read backwards would put
them first). SQLite refuses NULLS LAST in an index definition and sorts in memory, so the index is
PostgreSQL's only, and not part of the model state."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS task_next_due_desc_idx ON tasks_task (next_due DESC NULLS LAST, id DESC)"
DROP = "DROP INDEX IF EXISTS task_next_due_desc_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0008_as_written_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
