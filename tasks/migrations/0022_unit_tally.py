"""单位管理's 任务数 from a tally of its own (tasks.tallies.UNITS): one row per unit once folded, kept by
triggers on the assignments — statement-level on INSERT, DELETE and TRUNCATE, row-level on an UPDATE
that changes an assignment's unit (a unit merge), so the daily scan's UPDATEs of the task's copies
do not fire it. Counted from the assignments once, here."""

from django.db import migrations, models


def install(apps, schema_editor):
    from tasks import tallies

    tallies.install(schema_editor.connection, tallies.UNITS)


def drop(apps, schema_editor):
    from tasks import tallies

    tallies.drop(schema_editor.connection, tallies.UNITS)


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0021_report_unit_returned_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_id', models.BigIntegerField(verbose_name='单位')),
                ('n', models.IntegerField(verbose_name='条数')),
            ],
            options={
                'verbose_name': '单位分工计数',
                'verbose_name_plural': '单位分工计数',
                'default_permissions': (),
            },
        ),
        migrations.RunPython(install, drop),
    ]
