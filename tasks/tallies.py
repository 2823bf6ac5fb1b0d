"""Counted as written: the per-unit and per-plan tallies the dashboard and 单位管理 read.

The dashboard's per-unit figures (ranking, 签收率) and 单位管理's 任务数 count assignments by unit,
role, confirmation state and their task's plan, level, status, flag and 序时进度; its per-plan
figures count top-level tasks by plan, status, flag and 序时进度. Counted at every view, those are
GROUP BYs over every assignment and task — 300,000 rows and 140 ms at 100,000 tasks, ten times more
at ten times the tasks. `AssignmentTally` and `TaskTally` keep the counts instead (and `UnitTally`
单位管理's assignments per unit alone, UNITS), one row per combination of their key (SPECS): the
database adds a row of +n and −n for each statement that inserts, updates or deletes the source
rows (a trigger: whatever wrote them — a form, the daily scan's set-based UPDATE, a unit merge, a
plan deleted, a hand-made SQL statement). Readers sum the rows per combination; `compact()` (after
the daily scan) folds each combination's rows into one again. A reader's work is then the number of
combinations (a few thousand, whatever the number of tasks) plus the day's changes.

Why rows of differences, not one counter per combination updated in place: every writer only
appends, so two liaisons confirming at once never wait on the same counter row or deadlock over
two of them; the fold takes a short table lock once a day.

PostgreSQL: one statement-level trigger per operation with transition tables (the rows a statement
changed, aggregated once: the daily scan's UPDATE of 300,000 assignments adds a few thousand rows).
SQLite (development): a row-level trigger per operation. The triggers are made by migration
tasks 0018 and checked after every `migrate` (`ensure`): SQLite drops a table's triggers whenever
a migration rebuilds the table, and a tally whose triggers were missing is recounted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.db import connection as default_connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spec:
    """A tally table kept from a source table: `key` maps each tally column to an expression over
    a source row, written with {row} where the row's name goes (NEW., OLD., or nothing)."""

    table: str
    source: str
    key: dict[str, str]
    # the source's column that alone makes the key (UNITS): its UPDATE trigger fires only for an
    # UPDATE that sets that column, row by row where it changed, so an UPDATE of the other columns
    # (the daily scan's copies of the task onto 300,000 assignments) costs this tally nothing.
    # (PostgreSQL allows no column list on a trigger with transition tables.)
    update_of: str = ""
    # the triggers' names start with it (the source's name, unless two tallies share a source)
    prefix: str = ""

    @property
    def columns(self) -> str:
        return ", ".join(self.key)

    def values(self, row: str = "") -> str:
        return ", ".join(expr.format(row=row) for expr in self.key.values())

    @property
    def function(self) -> str:
        return f"{self.table}_add"

    @property
    def triggers(self) -> dict[str, str]:
        prefix = self.prefix or self.source
        return {op: f"{prefix}_tally_{op.lower()}" for op in ("INSERT", "UPDATE", "DELETE", "TRUNCATE")}


# what an assignment is counted by: its unit, role and confirmation state, and its copies of the task's
# plan, level and bucket fields (Assignment.task_*, kept by TaskQuerySet.refresh_copies)
KEY = ("unit_id", "role", "state", "task_plan_id", "task_top_level", "task_status", "task_flag", "task_pace")
ASSIGNMENTS = Spec("tasks_assignmenttally", "tasks_assignment", {c: f"{{row}}{c}" for c in KEY})
# what a task is counted by in the plan tally: its plan, level and bucket fields
TASKS = Spec("tasks_tasktally", "tasks_task", {
    "plan_id": "{row}plan_id", "top_level": "({row}parent_id IS NULL)", "status": "{row}status",
    "flag": "{row}flag", "pace": "{row}pace",
})
# 单位管理's 任务数: the assignments of each unit. Summed from ASSIGNMENTS it read the 27,000 rows of
# every combination at 100,000 tasks (6–10 ms); this keeps one row per unit (and the day's changes).
UNITS = Spec("tasks_unittally", "tasks_assignment", {"unit_id": "{row}unit_id"}, update_of="unit_id",
             prefix="tasks_assignment_unit")
SPECS = (ASSIGNMENTS, TASKS, UNITS)


def _postgresql_sql(spec: Spec) -> list[str]:
    cols = spec.columns
    into = f"INSERT INTO {spec.table} ({cols}, n)"
    # the row-level UPDATE trigger of a tally with update_of: the changed row's −1 and +1
    row_update = (f"\n  ELSIF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' THEN\n"
                  f"    {into} VALUES ({spec.values('OLD.')}, -1), ({spec.values('NEW.')}, 1);") if spec.update_of else ""
    function = f"""CREATE OR REPLACE FUNCTION {spec.function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {into} SELECT {spec.values()}, COUNT(*) FROM new_rows GROUP BY {spec.values()};
  ELSIF TG_OP = 'DELETE' THEN
    {into} SELECT {spec.values()}, -COUNT(*) FROM old_rows GROUP BY {spec.values()};{row_update}
  ELSIF TG_OP = 'UPDATE' THEN
    {into} SELECT {cols}, SUM(d) FROM (
      SELECT {spec.values()}, 1 AS d FROM new_rows UNION ALL SELECT {spec.values()}, -1 AS d FROM old_rows
    ) AS changed ({cols}, d) GROUP BY {cols} HAVING SUM(d) <> 0;
  ELSE
    DELETE FROM {spec.table};
  END IF;
  RETURN NULL;
END $$"""
    transitions = {"INSERT": "REFERENCING NEW TABLE AS new_rows", "DELETE": "REFERENCING OLD TABLE AS old_rows",
                   "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", "TRUNCATE": ""}
    when = {op: f"{op} ON {spec.source} {transitions[op]} FOR EACH STATEMENT" for op in spec.triggers}
    if col := spec.update_of:
        when["UPDATE"] = f"UPDATE OF {col} ON {spec.source} FOR EACH ROW WHEN (OLD.{col} IS DISTINCT FROM NEW.{col})"
    return [function, *(f"CREATE TRIGGER {name} AFTER {when[op]} EXECUTE FUNCTION {spec.function}()"
                        for op, name in spec.triggers.items())]


def _sqlite_sql(spec: Spec) -> list[str]:
    def add(row: str, n: int) -> str:
        return f"INSERT INTO {spec.table} ({spec.columns}, n) VALUES ({spec.values(row + '.')}, {n});"

    changed = " OR ".join(f"({e.format(row='OLD.')}) IS NOT ({e.format(row='NEW.')})" for e in spec.key.values())
    names = spec.triggers
    return [
        f"CREATE TRIGGER {names['INSERT']} AFTER INSERT ON {spec.source} BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER {names['UPDATE']} AFTER UPDATE{' OF ' + spec.update_of if spec.update_of else ''} "
        f"ON {spec.source} WHEN {changed} "
        f"BEGIN {add('OLD', -1)} {add('NEW', 1)} END",
        f"CREATE TRIGGER {names['DELETE']} AFTER DELETE ON {spec.source} BEGIN {add('OLD', -1)} END",
    ]


def _wanted(connection, spec: Spec = ASSIGNMENTS) -> list[str]:
    """The triggers this database keeps the tally with (SQLite has no TRUNCATE)."""
    ops = ("INSERT", "UPDATE", "DELETE", "TRUNCATE") if connection.vendor == "postgresql" else ("INSERT", "UPDATE", "DELETE")
    return [spec.triggers[op] for op in ops]


def installed(connection=default_connection, spec: Spec = ASSIGNMENTS) -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [spec.source])
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [spec.source])
        return {name for (name,) in cur.fetchall()} & set(spec.triggers.values())


def install(connection=default_connection, spec: Spec = ASSIGNMENTS) -> None:
    """(Re)make the triggers and recount the tally from its source, in one transaction."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {spec.source} IN SHARE ROW EXCLUSIVE MODE")  # no write between count and triggers
        drop(connection, spec)
        for sql in _postgresql_sql(spec) if connection.vendor == "postgresql" else _sqlite_sql(spec):
            cur.execute(sql)
        recount(connection, spec)


def drop(connection=default_connection, spec: Spec = ASSIGNMENTS) -> None:
    with connection.cursor() as cur:
        for name in spec.triggers.values():
            cur.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {spec.source}" if connection.vendor == "postgresql" else ""))
        if connection.vendor == "postgresql":
            cur.execute(f"DROP FUNCTION IF EXISTS {spec.function}()")


def recount(connection=default_connection, spec: Spec = ASSIGNMENTS) -> None:
    """The tally counted afresh from its source."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {spec.table}")
        cur.execute(f"INSERT INTO {spec.table} ({spec.columns}, n) SELECT {spec.values()}, COUNT(*) "
                    f"FROM {spec.source} GROUP BY {spec.values()}")


def ensure(connection=default_connection) -> list[str]:
    """Make the triggers of each tally that misses any (and recount it); returns the tallies it had
    to remake. After every migrate."""
    tables = set(connection.introspection.table_names())
    remade = []
    for spec in SPECS:
        if {spec.table, spec.source} <= tables and installed(connection, spec) != set(_wanted(connection, spec)):
            install(connection, spec)
            remade.append(spec.table)
    return remade


# how long the fold waits for a tally's lock before leaving it to the next round: while it waits,
# PostgreSQL queues every writer behind it, and a writer's transaction (an import) may be long
FOLD_LOCK_TIMEOUT = "2s"


def compact(connection=default_connection) -> int:
    """Fold each tally's rows of one combination into one (dropping those that add up to nothing);
    returns the rows removed. Writes nothing when every combination already has one row: a repeat
    of the daily scan with nothing changed writes no row here either. Run in a transaction of its
    own (the daily scan calls it after committing): it locks each tally against the triggers'
    appends meanwhile, and leaves a tally whose lock it does not get within FOLD_LOCK_TIMEOUT (a
    long write holds it) to the next round."""
    return sum(_compact(connection, spec) for spec in SPECS)


# A tally that held a big backlog (a plan of thousands of tasks imported at once, the generator's
# bulk load: 330,000 rows folded into 27,000) keeps that size once folded — PostgreSQL reuses the
# space but never returns it, and every reader walks it (34 MB and 13–160 ms at 100,000 tasks, where
# the folded rows need 4 MB). After each fold, a tally much larger than its rows is rewritten to
# them with VACUUM FULL (its indexes rebuilt). Asked at every fold, not only after a big one: a
# rewrite keeps the rows an older transaction (of any database on the server) may still see, so
# one that came too soon is done again at a later fold.
SHRINK_MIN_BYTES = 8 * 1024 * 1024
SHRINK_ROW_BYTES = 128  # a tally row with its share of the page, generously
SHRINK_SLACK = 4


def _compact(connection, spec: Spec) -> int:
    try:
        removed = _fold(connection, spec)
    except OperationalError as exc:  # the lock not had in time (LockNotAvailable)
        logger.info("tally %s not folded this round: %s", spec.table, exc)
        return 0
    _shrink_if_bloated(connection, spec)
    return removed


def _shrink_if_bloated(connection, spec: Spec) -> None:
    """VACUUM FULL the tally when it takes more than SHRINK_SLACK times what its rows need (and more
    than SHRINK_MIN_BYTES). PostgreSQL only, and outside a transaction (VACUUM cannot run in one: a
    test's or a caller's atomic block leaves it to the next fold). It locks the tally against readers
    for as long as copying its few thousand rows takes; waiting more than FOLD_LOCK_TIMEOUT for the
    lock (a long transaction holds it), it gives up until the next fold — readers still get their
    answer meanwhile."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_table_size(%s::regclass)", [spec.table])
        size = cur.fetchone()[0]
        if size <= SHRINK_MIN_BYTES:  # (the usual tally: its rows are not counted at every fold)
            return
        cur.execute(f"SELECT COUNT(*) FROM {spec.table}")
        rows = cur.fetchone()[0]
        if size <= SHRINK_SLACK * rows * SHRINK_ROW_BYTES:
            return
        try:
            cur.execute(f"SET lock_timeout = '{FOLD_LOCK_TIMEOUT}'")
            cur.execute(f"VACUUM (FULL, ANALYZE) {spec.table}")
            logger.info("tally %s rewritten to its %s rows (it took %s bytes)", spec.table, rows, size)
        except OperationalError as exc:
            logger.info("tally %s not rewritten this round: %s", spec.table, exc)
        finally:
            cur.execute("RESET lock_timeout")


def _fold(connection, spec: Spec) -> int:
    cols = spec.columns
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SET LOCAL lock_timeout = '{FOLD_LOCK_TIMEOUT}'")
            cur.execute(f"LOCK TABLE {spec.table} IN SHARE ROW EXCLUSIVE MODE")
            cur.execute("SET LOCAL lock_timeout TO DEFAULT")
        cur.execute(f"SELECT 1 FROM {spec.table} GROUP BY {cols} HAVING COUNT(*) > 1 OR SUM(n) = 0 LIMIT 1")
        if cur.fetchone() is None:
            return 0
        cur.execute(f"SELECT COUNT(*) FROM {spec.table}")
        before = cur.fetchone()[0]
        cur.execute(f"CREATE TEMPORARY TABLE tally_sums AS SELECT {cols}, SUM(n) AS n FROM {spec.table} "
                    f"GROUP BY {cols} HAVING SUM(n) <> 0")
        cur.execute(f"DELETE FROM {spec.table}")
        cur.execute(f"INSERT INTO {spec.table} ({cols}, n) SELECT {cols}, n FROM tally_sums")
        after = cur.rowcount
        cur.execute("DROP TABLE tally_sums")
    return before - after
