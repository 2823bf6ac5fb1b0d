"""The daily scan and reminder delivery at 100,000 tasks, side by side with plain SQL.

    BENCH_SCAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_bench_scan .venv/bin/python benchmarks/bench_scan.py

The database is BENCH_SCAN_DATABASE_URL's (default rt_bench_scan on 127.0.0.1), never DATABASE_URL's:
the script resets flags and deletes reminders, so an office's own database must not be reachable by
`make bench` from a shell that has DATABASE_URL set.

PostgreSQL only. The database is created if missing and filled once with fixtures.generate
(100,000 tasks, ~330,000 assignments, ~300,000 milestones; BENCH_TASKS to change), one liaison per
unit and a supervisor; later runs reuse it. VACUUM ANALYZE (what autovacuum would have done) before
every measured step, then BENCH_ROUNDS rounds (default 3), interleaved, medians printed:

- the scan, first run (every stored flag reset) and repeat (nothing changed), against its floor:
  hand-written UPDATE … FROM statements that store the same columns (milestone state; task 时限,
  未报进展 and 序时进度; the assignments' copy of the task) and write only rows that differ. The
  floor records no reminders; the scan does. Neither recomputes the list's copies (next_due,
  final_due, lead unit): they read no date, every write keeps them, and the nightly job
  repair_copies checks them (since 2026-12-04; the scan did before) — its time is printed apart,
  without a goal. After each run the stored values of both are compared.
- delivery of BENCH_REMINDERS (default 200,000) unsent reminders, against its floor: one UPDATE
  marking them sent and one SELECT counting each liaison's.

Counts are rows really written or inserted (ScanResult, cursor.rowcount), never rows attempted.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pgdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.getenv("BENCH_SCAN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rt_bench_scan")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
TASKS = int(os.getenv("BENCH_TASKS", "100000"))
ROUNDS = int(os.getenv("BENCH_ROUNDS", "3"))
REMINDERS = int(os.getenv("BENCH_REMINDERS", "200000"))
TODAY = dt.date(2026, 9, 30)
GOAL = 2.0


def ensure_database(url: str) -> None:
    if not urlsplit(url).scheme.startswith("postgres"):
        sys.exit("bench_scan.py measures PostgreSQL: set BENCH_SCAN_DATABASE_URL=postgres://…")
    pgdb.ensure_database(url)


def ensure_data() -> None:
    from django.contrib.auth import get_user_model

    from departments import roles
    from departments.models import Unit
    from fixtures.generate import generate_dataset
    from tasks.models import Task

    have = Task.objects.count()
    if have < TASKS:
        t0 = time.perf_counter()
        counts = generate_dataset(tasks=TASKS - have, seed=have, as_of=TODAY)
        print(f"generated {counts['tasks']} tasks in {time.perf_counter() - t0:.0f} s")
    user_model = get_user_model()
    for unit in Unit.objects.filter(liaisons__isnull=True):
        user, _ = user_model.objects.get_or_create(username=f"bench_liaison_{unit.pk}",
                                                   defaults={"email": f"l{unit.pk}@example.gov.cn"})
        unit.liaisons.add(user)
    if not user_model.objects.filter(groups__name=roles.SUPERVISOR).exists():
        from django.contrib.auth.models import Group

        user, _ = user_model.objects.get_or_create(username="bench_supervisor", defaults={"email": "s@example.gov.cn"})
        user.groups.add(Group.objects.get_or_create(name=roles.SUPERVISOR)[0])


def sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.rowcount


def vacuum(*tables: str) -> None:
    from django.db import connection

    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE " + ", ".join(tables) if tables else "VACUUM ANALYZE")


SCAN_TABLES = ("deadlines_milestone", "tasks_task", "tasks_assignment", "deadlines_reminder")


def reset_flags() -> None:
    """Every stored flag back to its default, no reminder recorded: the scan's first run."""
    sql("UPDATE deadlines_milestone SET state = 'upcoming' WHERE state <> 'upcoming'")
    sql("UPDATE tasks_task SET flag = '', progress_missing = false, pace = '' "
        "WHERE flag <> '' OR progress_missing OR pace <> ''")
    sql("UPDATE tasks_assignment SET task_flag = '' WHERE task_flag <> ''")
    sql("DELETE FROM deadlines_reminder")
    vacuum(*SCAN_TABLES)


def raw_scan() -> str:
    """The floor: the same stored columns from hand-written SQL (constants computed in Python from
    the same calendar and report periods), rows that differ only."""
    from django.conf import settings
    from django.db import transaction

    from deadlines.models import work_calendar
    from tasks.models import Plan, duty_starts_before, progress_duty

    cal = work_calendar()
    windows = [(pk, cal.due_soon_until(TODAY, n)) for pk, n in Plan.objects.values_list("pk", "due_soon_workdays")]
    values = ", ".join("(%s::int, %s::date)" for _ in windows)
    flat = [v for pair in windows for v in pair]
    is_open = ("COALESCE(t.completed_on > %(d)s OR (t.completed_on IS NULL AND t.status NOT IN ('done', 'done_late')),"
               " false)")
    with transaction.atomic():
        ms = sql(
            f"UPDATE deadlines_milestone m SET state = s.want FROM ("
            f" SELECT m.id, CASE WHEN NOT ((m.done_on IS NULL OR m.done_on > %s) AND "
            f"  COALESCE(t.completed_on > %s OR (t.completed_on IS NULL AND t.status NOT IN ('done', 'done_late')), false))"
            f"  THEN 'done' WHEN m.due_on < %s THEN 'overdue' WHEN m.due_on <= w.until THEN 'due_soon'"
            f"  ELSE 'upcoming' END AS want"
            f" FROM deadlines_milestone m JOIN tasks_task t ON t.id = m.task_id"
            f" JOIN (VALUES {values}) w(plan_id, until) ON w.plan_id = t.plan_id) s"
            f" WHERE m.id = s.id AND m.state <> s.want",
            [TODAY, TODAY, TODAY, *flat],
        )
        duty, params = [], {"d": TODAY, "tol": settings.PACE_TOLERANCE}
        for i, (period, plan_ids) in enumerate(progress_duty(TODAY).items()):
            params.update({f"p{i}": period, f"b{i}": duty_starts_before(period), f"plans{i}": tuple(plan_ids)})
            duty.append(
                f"(t.plan_id IN %(plans{i})s AND t.created_at < %(b{i})s AND t.id IN ("
                f"SELECT a.task_id FROM tasks_assignment a WHERE NOT EXISTS (SELECT 1 FROM tasks_progressreport r "
                f"WHERE r.task_id = a.task_id AND r.unit_id = a.unit_id AND r.period >= %(p{i})s "
                f"AND r.review_state <> 'returned')))"
            )
        owed = " OR ".join(duty) or "false"
        tasks = sql(
            f"""UPDATE tasks_task SET flag = s.flag, progress_missing = s.missing, pace = s.pace FROM (
              WITH worst AS (
                SELECT owner, bool_or(state = 'overdue') AS overdue FROM (
                  SELECT m.task_id AS owner, m.state FROM deadlines_milestone m WHERE m.state IN ('overdue', 'due_soon')
                  UNION ALL
                  SELECT c.parent_id, m.state FROM deadlines_milestone m JOIN tasks_task c ON c.id = m.task_id
                  WHERE m.state IN ('overdue', 'due_soon') AND c.parent_id IS NOT NULL) x
                GROUP BY owner
              ), t AS (
                SELECT t.id, t.plan_id, t.created_at, t.percent, t.final_due, {is_open} AS is_open,
                       t.final_due - COALESCE(p.issued_on, (t.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS total,
                       %(d)s - COALESCE(p.issued_on, (t.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS gone
                FROM tasks_task t JOIN tasks_plan p ON p.id = t.plan_id
              )
              SELECT t.id,
                CASE WHEN t.is_open AND w.overdue THEN 'overdue' WHEN t.is_open AND w.owner IS NOT NULL THEN 'due_soon'
                     ELSE '' END AS flag,
                (t.is_open AND ({owed})) AS missing,
                CASE WHEN NOT t.is_open OR t.final_due IS NULL OR t.total < 1 THEN ''
                     WHEN t.gone < 1 THEN CASE WHEN t.percent > %(tol)s THEN 'ahead' ELSE 'on_pace' END
                     WHEN t.final_due <= %(d)s THEN CASE WHEN t.percent > 100 + %(tol)s THEN 'ahead'
                          WHEN t.percent < 100 - %(tol)s THEN 'behind' ELSE 'on_pace' END
                     WHEN (t.percent - %(tol)s) * t.total - t.gone * 100 > 0 THEN 'ahead'
                     WHEN (t.percent + %(tol)s) * t.total - t.gone * 100 < 0 THEN 'behind'
                     ELSE 'on_pace' END AS pace
              FROM t LEFT JOIN worst w ON w.owner = t.id
            ) s WHERE tasks_task.id = s.id AND (tasks_task.flag <> s.flag OR tasks_task.progress_missing <> s.missing
                                               OR tasks_task.pace <> s.pace)""",
            params,
        )
        copies = sql(
            "UPDATE tasks_assignment a SET task_flag = t.flag, task_status = t.status, task_plan_id = t.plan_id,"
            " task_top_level = (t.parent_id IS NULL), task_pace = t.pace FROM tasks_task t WHERE a.task_id = t.id AND"
            " (a.task_flag IS DISTINCT FROM t.flag OR a.task_status IS DISTINCT FROM t.status"
            " OR a.task_pace IS DISTINCT FROM t.pace"
            " OR a.task_plan_id IS DISTINCT FROM t.plan_id OR a.task_top_level IS DISTINCT FROM (t.parent_id IS NULL))"
        )
    return f"milestones={ms} tasks={tasks} assignments={copies}"


def stored() -> tuple:
    """A digest of every stored value the scan writes (the list's copies included)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT md5(string_agg(id || state, ',' ORDER BY id)) FROM deadlines_milestone")
        ms = cur.fetchone()[0]
        cur.execute("SELECT md5(string_agg(concat_ws('|', id, flag, progress_missing, pace, next_due, final_due,"
                    " lead_unit_id), ',' ORDER BY id)) FROM tasks_task")
        tasks = cur.fetchone()[0]
        cur.execute("SELECT md5(string_agg(concat_ws('|', id, task_flag, task_status, task_plan_id, task_top_level,"
                    " task_pace),"
                    " ',' ORDER BY id)) FROM tasks_assignment")
        return ms, tasks, cur.fetchone()[0]


def app_scan() -> str:
    from tasks.supervision import services

    r = services.deadlines_scan(today=TODAY)
    return (f"milestones={r.changed} tasks={r.tasks_changed} copies={r.copies_refreshed} "
            f"reminders inserted={r.reminders} (due soon {r.due_soon}, overdue {r.overdue})")


def timed(fn) -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
    return elapsed, len(ctx.captured_queries), result


def prepare_reminders() -> int:
    """REMINDERS unsent reminders over the first milestones (kinds in turn; a due date of their own
    so the unique constraint holds next to the scan's)."""
    sql("DELETE FROM deadlines_reminder")
    n = sql(
        "INSERT INTO deadlines_reminder (kind, milestone_id, due_on, created_at) "
        "SELECT (ARRAY['overdue', 'due_soon', 'escalation', 'overdue'])[1 + id %% 4], id, due_on - 1000, now() "
        "FROM deadlines_milestone ORDER BY id LIMIT %s",
        [REMINDERS],
    )
    return n


def reset_delivery() -> None:
    sql("UPDATE deadlines_reminder SET sent_at = NULL WHERE sent_at IS NOT NULL")
    sql("DELETE FROM deadlines_notification")
    sql("DELETE FROM deadlines_outboundmessage")
    vacuum("deadlines_reminder", "deadlines_notification", "deadlines_outboundmessage")


def raw_delivery() -> str:
    from django.db import connection, transaction

    with transaction.atomic():
        claimed = sql("UPDATE deadlines_reminder SET sent_at = now() WHERE sent_at IS NULL")
        with connection.cursor() as cur:
            cur.execute(
                "SELECT l.user_id, count(DISTINCT r.id) FROM deadlines_reminder r"
                " JOIN deadlines_milestone m ON m.id = r.milestone_id JOIN tasks_assignment a ON a.task_id = m.task_id"
                " JOIN departments_unit_liaisons l ON l.unit_id = a.unit_id"
                " WHERE r.sent_at = now() GROUP BY l.user_id"
            )
            recipients = len(cur.fetchall())
    return f"reminders={claimed} recipients={recipients}"


def app_delivery() -> str:
    from deadlines.models import Notification, OutboundMessage
    from tasks.supervision import services

    n = services.reminders_deliver(today=TODAY)
    return f"reminders={n} notifications={Notification.objects.count()} messages={OutboundMessage.objects.count()}"


def line(label: str, app: list[float], raw: list[float], queries: int, goal: float | None = GOAL) -> None:
    a, r = statistics.median(app), statistics.median(raw)
    ratio = a / r if r else float("inf")
    if goal is None:  # the delivery's goal is its shape (set-based, queries flat: tests), not a ratio
        verdict = "(goal: set-based, queries flat)"
    else:
        verdict = f"(goal ≤ {goal:g}) {'ok' if ratio <= goal else 'OVER'}"
    print(f"{label:<26} {a:7.2f} s ({queries:3d} queries) | raw {r:6.2f} s | ratio {ratio:5.2f} {verdict}")


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    ensure_data()
    print(f"database: {connection.settings_dict['NAME']}, {TASKS} tasks; {ROUNDS} rounds, interleaved, medians")
    times: dict[str, list[float]] = {k: [] for k in ("raw first", "raw repeat", "app first", "app repeat")}
    notes: dict[str, str] = {}
    queries: dict[str, int] = {}
    agree = True
    for i in range(ROUNDS):
        order = ("raw", "app") if i % 2 == 0 else ("app", "raw")
        digests = {}
        for who in order:
            reset_flags()
            fn = raw_scan if who == "raw" else app_scan
            for run in ("first", "repeat"):
                elapsed, n, result = timed(fn)
                times[f"{who} {run}"].append(elapsed)
                notes[f"{who} {run}"], queries[f"{who} {run}"] = result, n
                vacuum(*SCAN_TABLES)  # as autovacuum would between two mornings
            digests[who] = stored()
        agree = agree and digests["raw"][:2] == digests["app"][:2] and digests["raw"][2] == digests["app"][2]
        print(f"  round {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    for key in times:
        print(f"  {key:<11} {notes[key]}")
    print(f"  stored values of the scan and of the raw SQL identical: {'yes' if agree else 'NO'}")

    from tasks.flags import copies_repair

    repair = [timed(copies_repair) for _ in range(ROUNDS)]
    print(f"  nightly copies check (job repair_copies, nothing stale): "
          f"{statistics.median(t for t, _, _ in repair):.2f} s, {repair[-1][1]} queries, "
          f"{repair[-1][2]} rows rewritten")

    made = prepare_reminders()
    deliver: dict[str, list[float]] = {"raw": [], "app": []}
    for i in range(ROUNDS):
        for who in (("raw", "app") if i % 2 == 0 else ("app", "raw")):
            reset_delivery()
            elapsed, n, result = timed(raw_delivery if who == "raw" else app_delivery)
            deliver[who].append(elapsed)
            notes[f"deliver {who}"], queries[f"deliver {who}"] = result, n
    print(f"  delivery of {made} reminders: app {notes['deliver app']}; raw {notes['deliver raw']}")
    sql("DELETE FROM deadlines_reminder")

    print()
    line("scan, first run", times["app first"], times["raw first"], queries["app first"])
    line("scan, repeat", times["app repeat"], times["raw repeat"], queries["app repeat"])
    line(f"delivery, {made // 1000}k reminders", deliver["app"], deliver["raw"], queries["deliver app"], goal=None)


if __name__ == "__main__":
    main()
