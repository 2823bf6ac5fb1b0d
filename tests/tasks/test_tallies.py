"""The per-unit tally (tasks.tallies) adds up, after every kind of write, to what counting the
assignments gives; the dashboard and 单位管理 read it and not the assignments; the nightly fold keeps
the sums and writes nothing when there is nothing to fold; missing triggers are made again."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.views import unit_task_counts
from tasks import figures, tallies
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentTally,
    ConfirmState,
    TaskFlag,
    TaskStatus,
    TaskTally,
    UnitTally,
)
from tasks.supervision.services import deadlines_scan
from tasks.workflow import services as workflow
from tests.factories import (
    AssignmentFactory,
    MilestoneFactory,
    PlanFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 6, 15)


def tally_sums(spec: tallies.Spec = tallies.ASSIGNMENTS) -> dict[tuple, int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {spec.columns}, SUM(n) FROM {spec.table} GROUP BY {spec.columns} HAVING SUM(n) <> 0")
        return {row[:-1]: row[-1] for row in cur.fetchall()}


def counted(spec: tallies.Spec = tallies.ASSIGNMENTS) -> dict[tuple, int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {spec.values()}, COUNT(*) FROM {spec.source} GROUP BY {spec.values()}")
        return {row[:-1]: row[-1] for row in cur.fetchall()}


def assert_in_step() -> None:
    for spec in tallies.SPECS:
        assert tally_sums(spec) == counted(spec), spec.table


@pytest.fixture
def world():
    plan = PlanFactory()
    units = UnitFactory.create_batch(3)
    tasks = TaskFactory.create_batch(3, plan=plan)
    child = TaskFactory(plan=plan, parent=tasks[0])
    for task in tasks:
        AssignmentFactory(task=task, unit=units[0], role=AssignmentRole.LEAD)
        AssignmentFactory(task=task, unit=units[1], role=AssignmentRole.RESPONSIBLE)
    AssignmentFactory(task=child, unit=units[2])
    MilestoneFactory(task=tasks[1], due_on=TODAY - dt.timedelta(days=3))
    return plan, units, tasks, child


def test_the_key_holds_every_bucket_field_the_figures_count_by():
    """A bucket added to figures.BUCKET_FIELDS (with its copy on the assignment) must be counted
    by the tally too, or the dashboard would fold every task into the old buckets."""
    assert set(figures._assignment_copies().values()) <= set(tallies.KEY)
    assert {"unit_id", "role", "state", "task_plan_id", "task_top_level"} <= set(tallies.KEY)
    assert {f.attname for f in AssignmentTally._meta.concrete_fields} == {"id", "n", *tallies.KEY}
    # the per-plan tally: the bucket fields under their own names (fields_at(None) reads them so)
    assert set(figures.BUCKET_FIELDS) <= set(tallies.TASKS.key)
    assert {f.attname for f in TaskTally._meta.concrete_fields} == {"id", "n", *tallies.TASKS.key}


def test_every_kind_of_write_keeps_the_tally_in_step(world):
    plan, units, tasks, child = world
    assert_in_step()
    # a form's save through the services: confirmation, a task's status copied onto its assignments
    user = UserFactory()
    workflow.assignment_confirm(assignment=Assignment.objects.get(task=tasks[0], unit=units[0]), user=user)
    assert_in_step()
    tasks[2].status = TaskStatus.IN_PROGRESS
    tasks[2].save()
    assert Assignment.objects.filter(task=tasks[2], task_status=TaskStatus.IN_PROGRESS).count() == 2
    assert_in_step()
    # the daily scan's set-based UPDATEs (a flag copied onto 2 assignments)
    deadlines_scan(today=TODAY)
    assert Assignment.objects.filter(task_flag=TaskFlag.OVERDUE).count() == 2
    assert_in_step()
    # a queryset update, a bulk insert, a hand-made SQL statement
    Assignment.objects.filter(unit=units[1]).update(state=ConfirmState.CONFIRMED)
    assert_in_step()
    extra = TaskFactory(plan=plan)
    Assignment.objects.bulk_create([Assignment(task=extra, unit=u, role=AssignmentRole.RESPONSIBLE) for u in units])
    assert_in_step()
    with connection.cursor() as cur:
        cur.execute("UPDATE tasks_assignment SET role = %s WHERE unit_id = %s", [AssignmentRole.LEAD, units[2].pk])
    assert_in_step()
    # a sub-task made top-level (its assignment's level copy moves)
    child.parent = None
    child.save()
    assert_in_step()
    # merging two units moves or deletes assignments; deleting a plan deletes its tasks' assignments
    workflow.unit_merge(source=units[1], target=units[0], user=user)
    assert_in_step()
    plan.delete()
    assert Assignment.objects.count() == 0
    assert tally_sums() == {} and tally_sums(tallies.TASKS) == {}


def test_the_unit_tally_is_written_only_when_an_assignment_changes_unit(world):
    """The per-unit tally's UPDATE trigger fires for an UPDATE that sets the unit and changes it (a
    unit merge), not for the daily scan's and the services' updates of the other columns — which
    rewrite every assignment of a task, up to all 300,000 on the scan's first run."""
    plan, units, tasks, child = world
    rows = UnitTally.objects.count()
    calls = _trigger_calls(tallies.UNITS)
    deadlines_scan(today=TODAY)
    Assignment.objects.update(state=ConfirmState.CONFIRMED)
    for assignment in Assignment.objects.all():
        assignment.save()  # every column set, the unit among them, unchanged
    assert Assignment.objects.filter(task_flag=TaskFlag.OVERDUE).exists()
    assert UnitTally.objects.count() == rows
    assert _trigger_calls(tallies.UNITS) == calls  # not fired at all (a statement trigger would add 0)
    assert tally_sums(tallies.UNITS) == {(units[0].pk,): 3, (units[1].pk,): 3, (units[2].pk,): 1}
    Assignment.objects.filter(unit=units[2]).update(unit=units[1])
    assert UnitTally.objects.count() == rows + 2  # the moved row's −1 and +1
    assert tally_sums(tallies.UNITS) == {(units[0].pk,): 3, (units[1].pk,): 4} == counted(tallies.UNITS)
    assert calls is None or _trigger_calls(tallies.UNITS) == calls + 1  # the one row moved (PostgreSQL counts)


def _trigger_calls(spec: tallies.Spec) -> int | None:
    """How often the tally's trigger function ran in this transaction (PostgreSQL, with the calls of
    PL functions counted for this session); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SET track_functions = 'pl'")
        cur.execute("SELECT COALESCE(SUM(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = %s",
                    [spec.function])
        return cur.fetchone()[0]


def test_the_dashboard_and_the_unit_list_count_from_the_tally_alone(world, office, client):
    plan, units, tasks, child = world
    with CaptureQueriesContext(connection) as captured:
        rows = {r.unit_id: r for r in figures.unit_tallies()}
        plans = {p.plan_id: p for p in figures.plan_tallies()}
        counts = unit_task_counts()
    assert not [q["sql"] for q in captured if '"tasks_assignment"' in q["sql"] or '"tasks_task"' in q["sql"]]
    # top-level tasks only in the figures (the sub-task's unit is not ranked); every assignment in 单位管理
    assert {u: (r.assignments, r.lead, r.responsible) for u, r in rows.items()} == {
        units[0].pk: (3, 3, 0), units[1].pk: (3, 0, 3)}
    assert (plans[plan.pk].assignments, plans[plan.pk].confirmed) == (6, 0)
    # the plan's top-level tasks by bucket: one overdue (after the scan it would be; stored: not started)
    assert (plans[plan.pk].total, plans[plan.pk].not_started) == (3, 3)
    assert counts == {units[0].pk: 3, units[1].pk: 3, units[2].pk: 1}
    # a unit whose assignments all went adds up to 0 in the tally: not ranked, no count
    Assignment.objects.filter(unit=units[1]).delete()
    assert units[1].pk not in {r.unit_id for r in figures.unit_tallies()}
    assert units[1].pk not in unit_task_counts()
    client.force_login(office)
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_the_fold_keeps_the_sums_and_writes_nothing_the_second_time(world):
    plan, units, tasks, child = world
    for task in tasks:
        task.status = TaskStatus.IN_PROGRESS
        task.save()
    Assignment.objects.filter(unit=units[2]).delete()
    before = {spec.table: tally_sums(spec) for spec in tallies.SPECS}
    models = {AssignmentTally: tallies.ASSIGNMENTS, TaskTally: tallies.TASKS, UnitTally: tallies.UNITS}
    rows = sum(model.objects.count() for model in models)
    removed = tallies.compact()
    assert removed > 0 and sum(model.objects.count() for model in models) == rows - removed
    # one row per combination, none of 0
    for model, spec in models.items():
        assert model.objects.count() == len(before[spec.table]) and not model.objects.filter(n=0).exists()
        assert tally_sums(spec) == before[spec.table] == counted(spec)
    assert UnitTally.objects.count() == 2  # one row per unit left with assignments
    kept = [list(m.objects.order_by("pk").values_list("pk", "n")) for m in models]
    with CaptureQueriesContext(connection) as captured:
        assert tallies.compact() == 0
    assert not [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]
    assert [list(m.objects.order_by("pk").values_list("pk", "n")) for m in models] == kept


def test_the_daily_scan_folds_the_tally_once_it_has_committed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(today=TODAY)
    assert AssignmentTally.objects.count() == len(counted())
    assert TaskTally.objects.count() == len(counted(tallies.TASKS))
    assert_in_step()


def test_a_scan_that_wrote_nothing_leaves_the_fold_to_its_job(world, django_capture_on_commit_callbacks):
    """A repeat of the day's scan changes no task and no assignment: no tally row appended, no fold
    (reading the whole tally to find nothing); others' rows are folded by fold_tallies."""
    deadlines_scan(today=TODAY)
    with django_capture_on_commit_callbacks() as callbacks:
        repeat = deadlines_scan(today=TODAY)
    assert (repeat.changed, repeat.tasks_changed, repeat.copies_refreshed) == (0, 0, 0)
    assert tallies.compact not in callbacks
    with django_capture_on_commit_callbacks() as callbacks:
        deadlines_scan(today=TODAY + dt.timedelta(days=400))  # a year on: flags change
    assert tallies.compact in callbacks


def test_missing_triggers_are_made_again_and_the_tally_recounted(world):
    for spec in tallies.SPECS:
        assert tallies.installed(connection, spec) == set(tallies._wanted(connection, spec))
    assert tallies.ensure() == []  # all there: nothing done
    tallies.drop(connection, tallies.TASKS)
    AssignmentFactory(task=TaskFactory(), unit=UnitFactory())  # a task no trigger counted
    assert tally_sums(tallies.TASKS) != counted(tallies.TASKS)
    assert tallies.ensure() == [tallies.TASKS.table]
    assert tallies.installed(connection, tallies.TASKS) == set(tallies._wanted(connection, tallies.TASKS))
    assert_in_step()
    tallies.drop()
    AssignmentFactory(task=TaskFactory(), unit=UnitFactory())
    assert tally_sums() != counted()
    assert tallies.ensure() == [tallies.ASSIGNMENTS.table]
    assert_in_step()
    AssignmentFactory(task=TaskFactory(), unit=UnitFactory())
    assert_in_step()


def test_sqlite_keeps_the_tally_with_its_own_triggers(tmp_path):
    """`make run`'s database: migrate a fresh SQLite file, write through the ORM and by hand, and
    rebuild the assignments' table as a SQLite migration does (its triggers go with it): the next
    migrate makes them again."""
    script = textwrap.dedent("""
        import django
        django.setup()
        from django.core.management import call_command
        from django.db import connection
        call_command("migrate", verbosity=0)
        from tests.tasks.test_tallies import assert_in_step, counted, tally_sums
        from tasks import tallies
        from tasks.models import Assignment, TaskStatus
        from tests.factories import AssignmentFactory, TaskFactory, UnitFactory
        assert connection.vendor == "sqlite"
        for spec in tallies.SPECS:
            assert tallies.installed(connection, spec) == {*spec.triggers.values()} - {spec.triggers["TRUNCATE"]}
        a = AssignmentFactory()
        AssignmentFactory(task=a.task)
        a.task.status = TaskStatus.IN_PROGRESS
        a.task.save()
        Assignment.objects.filter(pk=a.pk).update(state="confirmed")
        AssignmentFactory(task=TaskFactory(parent=a.task)).delete()
        assert len(counted()) == 2 and len(counted(tallies.TASKS)) == 2
        assert_in_step()
        assert tallies.compact() > 0
        assert_in_step()
        with connection.cursor() as cur:  # what a table rebuild does to the triggers
            for spec in tallies.SPECS:
                for name in spec.triggers.values():
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        AssignmentFactory(task=a.task)
        call_command("migrate", verbosity=0)
        assert sum(counted().values()) == 3
        assert_in_step()
        AssignmentFactory(task=TaskFactory(parent=a.task))
        assert_in_step()
        print("ok")
    """)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
           "DJANGO_SETTINGS_MODULE": "reformtracker.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_the_quarter_hourly_job_folds_what_the_triggers_appended(world):
    from tasks.supervision import jobs

    rows = AssignmentTally.objects.count() + TaskTally.objects.count() + UnitTally.objects.count()
    assert jobs.fold_tallies() > 0
    assert AssignmentTally.objects.count() + TaskTally.objects.count() + UnitTally.objects.count() < rows
    assert_in_step()
    assert jobs.fold_tallies() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table locks")
def test_the_fold_leaves_a_tally_a_long_write_holds_to_the_next_round(world, monkeypatch):
    """A writer's open transaction (an import) holds the tally's lock: the fold gives up after its
    lock timeout instead of queueing every other writer behind it, and folds the next round."""
    import psycopg2

    monkeypatch.setattr(tallies, "FOLD_LOCK_TIMEOUT", "100ms")
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other.cursor() as cur:  # what a trigger's append takes, in a transaction left open
            cur.execute(f"LOCK TABLE {tallies.ASSIGNMENTS.table} IN ROW EXCLUSIVE MODE")
        assert tallies._compact(connection, tallies.ASSIGNMENTS) == 0
        assert AssignmentTally.objects.count() > len(counted())  # nothing folded, nothing lost
        assert_in_step()
    finally:
        other.rollback()
        other.close()
    assert tallies._compact(connection, tallies.ASSIGNMENTS) > 0
    assert AssignmentTally.objects.count() == len(counted())
    assert_in_step()


def _backlog(rows: int = 200_000) -> None:
    """`rows` rows appended to the tally for one of its combinations, +1 and −1 in turn: the sums do
    not change, the table grows as a big import's appends would make it (about 20 MB). A fixed
    number, whatever the tally held before (a test database the suite shares keeps the rows of
    earlier tests)."""
    spec = tallies.ASSIGNMENTS
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {spec.table} ({spec.columns}, n) SELECT {spec.columns}, "
                    f"CASE WHEN g %% 2 = 0 THEN 1 ELSE -1 END "
                    f"FROM (SELECT {spec.columns} FROM {spec.table} LIMIT 1) one, generate_series(1, %s) g", [rows])


def _file(table: str) -> int:
    """The table's file: VACUUM FULL writes a new one."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_relation_filenode(%s)", [table])
        return cur.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM FULL")
@pytest.mark.django_db(transaction=True)
def test_a_tally_far_larger_than_its_rows_is_rewritten_after_the_fold(world):
    """Folded, a backlog of appended rows leaves a few in a table the backlog's size: the fold is
    followed by VACUUM FULL (a new file; how much it frees depends on the server's oldest open
    transaction, of any database, so the test reads the rewrite, not the size)."""
    _backlog()
    table = tallies.ASSIGNMENTS.table
    before = _file(table)
    assert tallies.compact() > 0
    assert AssignmentTally.objects.count() == len(counted())
    assert_in_step()
    assert _file(table) != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM FULL")
@pytest.mark.django_db(transaction=True)
def test_a_tally_of_its_rows_size_is_left_as_it_is(world):
    table = tallies.ASSIGNMENTS.table
    before = _file(table)
    tallies.compact()
    assert _file(table) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM FULL")
def test_inside_a_transaction_the_fold_folds_and_leaves_the_rewrite(world):
    """VACUUM cannot run in a transaction block (a caller's atomic, a test's): the fold alone."""
    _backlog()
    before = _file(tallies.ASSIGNMENTS.table)
    assert tallies.compact() > 0
    assert_in_step()
    assert _file(tallies.ASSIGNMENTS.table) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table locks")
@pytest.mark.django_db(transaction=True)
def test_the_rewrite_gives_up_while_a_reader_holds_the_tally(world, monkeypatch):
    """A long transaction reading the tally holds a lock VACUUM FULL must wait for: after its lock
    timeout the fold goes on without the rewrite — folded, nothing lost."""
    import psycopg2

    _backlog()
    monkeypatch.setattr(tallies, "FOLD_LOCK_TIMEOUT", "100ms")
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cur:  # a reader's transaction left open
            cur.execute(f"SELECT COUNT(*) FROM {tallies.ASSIGNMENTS.table}")
        before = _file(tallies.ASSIGNMENTS.table)
        assert tallies._compact(connection, tallies.ASSIGNMENTS) > 0
        assert _file(tallies.ASSIGNMENTS.table) == before  # not rewritten
        assert AssignmentTally.objects.count() == len(counted())
        assert_in_step()
    finally:
        other.rollback()
        other.close()
