"""reformtracker.dataversion: on PostgreSQL, every statement that writes a table the cached counts
are made from takes the next value of data_version_seq (a statement-level trigger: one step per
statement, not per row; a sequence takes no lock). Nothing on SQLite."""

from django.db import migrations

TABLES = ("tasks_task", "tasks_assignment", "tasks_plan", "deadlines_milestone", "departments_unit")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS data_version_seq")
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM nextval('data_version_seq'); RETURN NULL; END $$"
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS data_version_bump()")
    schema_editor.execute("DROP SEQUENCE IF EXISTS data_version_seq")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0013_urging_reply_by"),
        ("deadlines", "0006_monthlyreport_queued_at"),
        ("departments", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
