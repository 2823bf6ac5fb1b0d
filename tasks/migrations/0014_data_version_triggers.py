"""reformtracker.dataversion: on PostgreSQL, every statement that writes a table the kept counts
and pages are made from takes the next value of data_version_seq (a statement-level trigger: one step per
statement, not per row; a sequence takes no lock). Nothing on SQLite."""

from django.conf import settings
from django.db import migrations

# what the kept counts and pages show: tasks and their plans, sections, units, milestones, urgings and
# reports; units, their aliases and liaisons (and the liaisons' names)
MODELS = ("tasks.Task", "tasks.Assignment", "tasks.Plan", "tasks.Section", "tasks.Urging", "tasks.ProgressReport",
          "deadlines.Milestone", "departments.Unit", "departments.UnitAlias", settings.AUTH_USER_MODEL)


def tables(apps) -> list[str]:
    names = [apps.get_model(m)._meta.db_table for m in MODELS]
    return [*names, apps.get_model("departments.Unit")._meta.get_field("liaisons").remote_field.through._meta.db_table]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS data_version_seq")
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM nextval('data_version_seq'); RETURN NULL; END $$"
    )
    for table in tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS data_version_bump()")
    schema_editor.execute("DROP SEQUENCE IF EXISTS data_version_seq")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0013_urging_reply_by"),
        ("deadlines", "0006_monthlyreport_queued_at"),
        ("departments", "0002_role_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
