"""Each unit's assignments counted as they are written: the tally the dashboard and 单位管理 read.

The per-unit figures (the dashboard's ranking, its 签收率, 单位管理's 任务数) count assignments by
unit, role, confirmation state and their task's plan, level, status, flag and 序时进度. Counted from
the assignments at every view, that is a GROUP BY over every assignment — 300,000 rows and 140 ms at
100,000 tasks, ten times more at ten times the tasks. `AssignmentTally` keeps those counts instead,
one row per combination of KEY: the database adds a row of +n and −n for each statement that
inserts, updates or deletes assignments (a trigger: whatever wrote them — a form, the daily scan's
set-based UPDATE, a unit merge, a plan deleted, a hand-made SQL statement). Readers sum the rows
per combination; `compact()` (after the daily scan) folds each combination's rows into one again.
The reader's work is then the number of combinations (a few thousand, whatever the number of
tasks) plus the day's changes.

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

from django.db import connection as default_connection
from django.db import transaction

TABLE = "tasks_assignmenttally"
SOURCE = "tasks_assignment"
FUNCTION = "tasks_assignment_tally"
TRIGGERS = {"INSERT": f"{SOURCE}_tally_insert", "UPDATE": f"{SOURCE}_tally_update",
            "DELETE": f"{SOURCE}_tally_delete", "TRUNCATE": f"{SOURCE}_tally_truncate"}
# what an assignment is counted by: its unit, role and confirmation state, and its copies of the task's
# plan, level and bucket fields (Assignment.task_*, kept by TaskQuerySet.refresh_copies)
KEY = ("unit_id", "role", "state", "task_plan_id", "task_top_level", "task_status", "task_flag", "task_pace")


def _columns(prefix: str = "") -> str:
    return ", ".join(f"{prefix}{c}" for c in KEY)


def _postgresql_sql() -> list[str]:
    cols = _columns()
    into = f"INSERT INTO {TABLE} ({cols}, n)"
    function = f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {into} SELECT {cols}, COUNT(*) FROM new_rows GROUP BY {cols};
  ELSIF TG_OP = 'DELETE' THEN
    {into} SELECT {cols}, -COUNT(*) FROM old_rows GROUP BY {cols};
  ELSIF TG_OP = 'UPDATE' THEN
    {into} SELECT {cols}, SUM(d) FROM (
      SELECT {cols}, 1 AS d FROM new_rows UNION ALL SELECT {cols}, -1 AS d FROM old_rows
    ) changed GROUP BY {cols} HAVING SUM(d) <> 0;
  ELSE
    DELETE FROM {TABLE};
  END IF;
  RETURN NULL;
END $$"""
    transitions = {"INSERT": "REFERENCING NEW TABLE AS new_rows", "DELETE": "REFERENCING OLD TABLE AS old_rows",
                   "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", "TRUNCATE": ""}
    return [function, *(
        f"CREATE TRIGGER {name} AFTER {op} ON {SOURCE} {transitions[op]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {FUNCTION}()"
        for op, name in TRIGGERS.items()
    )]


def _sqlite_sql() -> list[str]:
    cols = _columns()

    def add(row: str, n: int) -> str:
        return f"INSERT INTO {TABLE} ({cols}, n) VALUES ({_columns(row + '.')}, {n});"

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in KEY)
    return [
        f"CREATE TRIGGER {TRIGGERS['INSERT']} AFTER INSERT ON {SOURCE} BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER {TRIGGERS['UPDATE']} AFTER UPDATE ON {SOURCE} WHEN {changed} "
        f"BEGIN {add('OLD', -1)} {add('NEW', 1)} END",
        f"CREATE TRIGGER {TRIGGERS['DELETE']} AFTER DELETE ON {SOURCE} BEGIN {add('OLD', -1)} END",
    ]


def _wanted(connection) -> list[str]:
    """The triggers this database keeps the tally with (SQLite has no TRUNCATE)."""
    ops = ("INSERT", "UPDATE", "DELETE", "TRUNCATE") if connection.vendor == "postgresql" else ("INSERT", "UPDATE", "DELETE")
    return [TRIGGERS[op] for op in ops]


def installed(connection=default_connection) -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [SOURCE])
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [SOURCE])
        return {name for (name,) in cur.fetchall()} & set(TRIGGERS.values())


def install(connection=default_connection) -> None:
    """(Re)make the triggers and recount the tally from the assignments, in one transaction."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {SOURCE} IN SHARE ROW EXCLUSIVE MODE")  # no write between count and triggers
        drop(connection)
        for sql in _postgresql_sql() if connection.vendor == "postgresql" else _sqlite_sql():
            cur.execute(sql)
        recount(connection)


def drop(connection=default_connection) -> None:
    with connection.cursor() as cur:
        for name in TRIGGERS.values():
            cur.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {SOURCE}" if connection.vendor == "postgresql" else ""))
        if connection.vendor == "postgresql":
            cur.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def recount(connection=default_connection) -> None:
    """The tally counted afresh from the assignments."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(f"INSERT INTO {TABLE} ({_columns()}, n) SELECT {_columns()}, COUNT(*) FROM {SOURCE} "
                    f"GROUP BY {_columns()}")


def ensure(connection=default_connection) -> bool:
    """Make the triggers if any is missing (and recount); True if it had to. After every migrate."""
    tables = connection.introspection.table_names()
    if TABLE not in tables or SOURCE not in tables or installed(connection) == set(_wanted(connection)):
        return False
    install(connection)
    return True


def compact(connection=default_connection) -> int:
    """Fold each combination's rows into one (dropping those that add up to nothing); returns the
    rows removed. Writes nothing when every combination already has one row: a repeat of the daily
    scan with nothing changed writes no row here either. Run in a transaction of its own (the daily
    scan calls it after committing): it locks the tally against the triggers' appends meanwhile."""
    cols = _columns()
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute(f"SELECT 1 FROM {TABLE} GROUP BY {cols} HAVING COUNT(*) > 1 OR SUM(n) = 0 LIMIT 1")
        if cur.fetchone() is None:
            return 0
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
        before = cur.fetchone()[0]
        cur.execute(f"CREATE TEMPORARY TABLE tally_sums AS SELECT {cols}, SUM(n) AS n FROM {TABLE} "
                    f"GROUP BY {cols} HAVING SUM(n) <> 0")
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(f"INSERT INTO {TABLE} ({cols}, n) SELECT {cols}, n FROM tally_sums")
        after = cur.rowcount
        cur.execute("DROP TABLE tally_sums")
    return before - after
