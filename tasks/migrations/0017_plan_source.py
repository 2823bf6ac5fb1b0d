"""A plan's imported document moves from Plan.source_text to its own table (PlanSource), copied over,
so that reading plans (every select_related("plan") of the pages and reports) no longer fetches it."""

import django.db.models.deletion
from django.db import migrations, models


def copy_to_sources(apps, schema_editor):
    Plan = apps.get_model("tasks", "Plan")
    PlanSource = apps.get_model("tasks", "PlanSource")
    rows = Plan.objects.exclude(source_text="").values_list("pk", "source_text").iterator(chunk_size=200)
    batch = []
    for pk, text in rows:
        batch.append(PlanSource(plan_id=pk, text=text))
        if len(batch) == 200:
            PlanSource.objects.bulk_create(batch)
            batch = []
    PlanSource.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    Plan = apps.get_model("tasks", "Plan")
    PlanSource = apps.get_model("tasks", "PlanSource")
    for source in PlanSource.objects.iterator(chunk_size=200):
        Plan.objects.filter(pk=source.plan_id).update(source_text=source.text)


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0016_task_open_flag_idx_sort_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanSource",
            fields=[
                ("plan", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                              related_name="source", serialize=False, to="tasks.plan",
                                              verbose_name="计划")),
                ("text", models.TextField(blank=True, help_text="导入时的原文，逐字保存", verbose_name="原文")),
            ],
            options={
                "verbose_name": "计划原文",
                "verbose_name_plural": "计划原文",
            },
        ),
        migrations.RunPython(copy_to_sources, copy_back),
        migrations.RemoveField(
            model_name="plan",
            name="source_text",
        ),
    ]
