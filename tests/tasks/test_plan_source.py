"""A plan's imported document lives in PlanSource (migration 0017 moved it off Plan)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tasks", "0016_task_open_flag_idx_sort_keys")]
AFTER = [("tasks", "0017_plan_source")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_moves_each_plans_document_to_its_source_and_back():
    try:
        old = _migrate(BEFORE)
        Plan = old.get_model("tasks", "Plan")
        with_text = Plan.objects.create(title="有原文的计划", year=2021, source_text="一、深化改革\n1.推进政务服务。")
        without = Plan.objects.create(title="没有原文的计划", year=2021, source_text="")

        new = _migrate(AFTER)
        sources = dict(new.get_model("tasks", "PlanSource").objects.values_list("plan_id", "text"))
        assert sources == {with_text.pk: "一、深化改革\n1.推进政务服务。"}  # an empty text needs no row
        assert new.get_model("tasks", "Plan").objects.filter(pk=without.pk).exists()

        back = _migrate(BEFORE)
        texts = dict(back.get_model("tasks", "Plan").objects.values_list("pk", "source_text"))
        assert texts == {with_text.pk: "一、深化改革\n1.推进政务服务。", without.pk: ""}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
