"""The per-unit and per-plan tallies kept as assignments and tasks are written (tasks.tallies): their
tables, the triggers that add to them, their first count. The three partial indexes the
dashboard's GROUP BYs over every assignment and every top-level task read (assignment_tally_idx, assignment_plan_tally_idx,
task_top_plan_tally_idx) go: nothing reads those tables that way now, and a write no longer updates
them.

task_top_open_overdue_idx INCLUDEs next_due and plan: the dashboard's overdue-by-month chart counts
the open overdue tasks by the month of their next_due (figures.first_overdue_due) from it alone.
(next_due no longer counts a closed sub-task's milestones left open; the daily scan's refresh of
the copies rewrites the few parents that had one.)

(The triggers of these two tallies are made from tasks.tallies' specs as they are today; a change of a
key needs a migration of its own that alters the table and calls tallies.install() again. The per-unit
tally came later, with its own migration: 0022.)"""

from django.db import migrations, models


def install(apps, schema_editor):
    from tasks import tallies

    for spec in (tallies.ASSIGNMENTS, tallies.TASKS):
        tallies.install(schema_editor.connection, spec)


def drop(apps, schema_editor):
    from tasks import tallies

    for spec in (tallies.ASSIGNMENTS, tallies.TASKS):
        tallies.drop(schema_editor.connection, spec)


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0017_plan_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssignmentTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_id', models.BigIntegerField(verbose_name='单位')),
                ('role', models.CharField(max_length=20, verbose_name='分工')),
                ('state', models.CharField(max_length=20, verbose_name='签收状态')),
                ('task_plan_id', models.BigIntegerField(null=True, verbose_name='任务所属计划')),
                ('task_top_level', models.BooleanField(verbose_name='一级任务')),
                ('task_status', models.CharField(max_length=20, verbose_name='任务状态')),
                ('task_flag', models.CharField(max_length=20, verbose_name='任务时限标记')),
                ('task_pace', models.CharField(max_length=10, verbose_name='任务序时进度')),
                ('n', models.IntegerField(verbose_name='条数')),
            ],
            options={
                'verbose_name': '分工计数',
                'verbose_name_plural': '分工计数',
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='TaskTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('plan_id', models.BigIntegerField(verbose_name='计划')),
                ('top_level', models.BooleanField(verbose_name='一级任务')),
                ('status', models.CharField(max_length=20, verbose_name='状态')),
                ('flag', models.CharField(max_length=20, verbose_name='时限标记')),
                ('pace', models.CharField(max_length=10, verbose_name='序时进度')),
                ('n', models.IntegerField(verbose_name='条数')),
            ],
            options={
                'verbose_name': '任务计数',
                'verbose_name_plural': '任务计数',
                'default_permissions': (),
            },
        ),
        migrations.RunPython(install, drop, elidable=False),
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
            name='task_top_plan_tally_idx',
        ),
        migrations.RemoveIndex(
            model_name='task',
            name='task_top_open_overdue_idx',
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('flag', 'overdue'), ('parent__isnull', True), models.Q(('status__in', ['done', 'done_late']), _negated=True)), fields=['id'], include=('next_due', 'plan'), name='task_top_open_overdue_idx'),
        ),
    ]
