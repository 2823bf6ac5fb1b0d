"""The main pages beside their raw SQL floor and the Django admin, at two sizes, in PostgreSQL.

    .venv/bin/python benchmarks/bench_pages.py [--runs 9] [--tasks 100000] [--small-tasks 10000]

Databases from the environment (created, migrated and generated if missing; kept between runs):
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rt_bench, --tasks tasks) and
BENCH_SMALL_DATABASE_URL (default …/rt_bench_10k, --small-tasks tasks). Each size runs in its own
process: VACUUM ANALYZE first (the state autovacuum keeps a database in: visibility map set, so
index-only scans read no heap), then for every page, interleaved run by run:

- the page through Django's test Client, logged in as its role (the liaison is one of the unit
  with the most assignments);
- its floor: the same rows, read by hand with a cursor from the same indexes, counts included;
- the Django admin changelist of the same model (a superuser), the page a developer gets for free.

Beside them, once per round, a thin page of the application: 通知 of a user with none (the base
template, its header and menu, the session, the user and a few tiny queries). The cheapest page of
the run (that one or a warm page, which reads a kept fragment) is what any page of this application
costs at least, whatever its own rows; where twice a page's floor is below it, no page Django draws
here can meet the floor goal, and the page's line says so.

Prints per page the median ms of each, the page's queries, page/floor and page/admin with their
goals (≤ 2, ≤ 0.5), then each page's 100k/10k ratio (goal: flat, ≤ 1.5 for a tenfold growth).
Pages that keep counts in the cache (COUNT_CACHE_SECONDS, DASHBOARD_CACHE_SECONDS; production
defaults 300 s) are measured both ways: "cold" (cache emptied before every request: every count
made) and "warm" (counts kept, as between two writes). Asserts nothing: speed goals are read here,
not tested.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pgdb import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rt_bench"
DEFAULT_SMALL_DB = "postgres://postgres@127.0.0.1:5432/rt_bench_10k"
GOAL_FLOOR, GOAL_ADMIN, GOAL_FLAT = 2.0, 0.5, 1.5
CLOSED = ("done", "done_late")


def setup_django(url: str) -> None:
    """Production settings (DEBUG off: cached templates, no query log, counts kept 300 s) over http."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-pages-only-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ["INSECURE_HTTP"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # static files unhashed: the benchmark needs no collectstatic
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    # The test Client's default host is not in ALLOWED_HOSTS outside the test runner.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)


def ensure_data(tasks: int, seed: int) -> None:
    from django.core.management import call_command

    from fixtures.generate import generate_dataset
    from tasks.models import Task

    call_command("migrate", verbosity=0)
    have = Task.objects.count()
    if have >= tasks * 0.95:
        return
    started = time.monotonic()
    counts = generate_dataset(tasks=tasks - have, seed=seed + have)
    print(f"generated {counts['tasks']} tasks in {time.monotonic() - started:.1f} s", flush=True)


def vacuum_analyze() -> float:
    from django.db import connection

    started = time.monotonic()
    connection.ensure_connection()
    raw = connection.connection
    was = raw.autocommit
    raw.autocommit = True  # VACUUM cannot run inside a transaction
    with raw.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    raw.autocommit = was
    return time.monotonic() - started


def bench_users():
    """An office user, a liaison of the unit with the most assignments, and a superuser for /admin/."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from departments import roles
    from departments.models import Unit

    roles.ensure_groups()
    User = get_user_model()
    office, _ = User.objects.get_or_create(username="bench_office", defaults={"first_name": "压测改革办"})
    office.groups.set([Group.objects.get(name=roles.OFFICE)])
    liaison, _ = User.objects.get_or_create(username="bench_liaison", defaults={"first_name": "压测联络员"})
    liaison.groups.set([Group.objects.get(name=roles.LIAISON)])
    unit = Unit.objects.annotate(n=Count("assignments")).order_by("-n").first()
    liaison.units.set([unit])
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_staff": True, "is_superuser": True})
    return office, liaison, admin, unit


# --- the floors: the same rows, by hand --------------------------------------------------------------

TASK_COLUMNS = """t.id, t.number, t.title, t.status, t.flag, t.pace, t.progress_missing, t.percent,
    t.next_due, t.updated_at, p.title, s.title, lu.name"""
TASK_JOINS = """JOIN tasks_plan p ON p.id = t.plan_id LEFT JOIN tasks_section s ON s.id = t.section_id
    LEFT JOIN departments_unit lu ON lu.id = t.lead_unit_id"""


def _units_of(cur, task_ids: list[int]) -> list:
    """The task table's 牵头/责任单位 column: every assignment of the shown tasks with its unit."""
    cur.execute(
        """SELECT a.task_id, a.role, a.state, u.name FROM tasks_assignment a
           JOIN departments_unit u ON u.id = a.unit_id WHERE a.task_id = ANY(%s) ORDER BY a.task_id, a."order" """,
        [task_ids],
    )
    return cur.fetchall()


def floor_task_list(cur, ctx) -> None:
    """Default order (plan, then document order), 25 rows: the count per plan (an index-only scan of
    task_plan_order_idx), the plans in order, the first plan's first rows by the same index."""
    cur.execute("SELECT plan_id, count(*) FROM tasks_task GROUP BY plan_id")
    counts = dict(cur.fetchall())
    cur.execute("SELECT id FROM tasks_plan WHERE id = ANY(%s) ORDER BY year, title", [list(counts)])
    first = cur.fetchone()[0]
    cur.execute(
        f"""SELECT {TASK_COLUMNS} FROM tasks_task t {TASK_JOINS}
            WHERE t.plan_id = %s ORDER BY t."order", t.id LIMIT 25""",
        [first],
    )
    _units_of(cur, [r[0] for r in cur.fetchall()])


def _my_flagged(cur, units: list[int], flag: str) -> None:
    """The first 20 flagged tasks' ids in the page's order (the urgency, the same for all of them,
    then the next deadline), then their rows, as the page reads them (selecting every column at
    once in the plan's order, as this did before, PostgreSQL scanned every task: 10–30 ms against
    the page's 2 + 1)."""
    cur.execute(
        """SELECT t.id FROM tasks_task t
           WHERE t.id IN (SELECT task_id FROM tasks_assignment WHERE unit_id = ANY(%s) AND task_flag = %s)
           AND t.flag = %s AND t.status NOT IN %s ORDER BY t.next_due NULLS LAST, t.id LIMIT 20""",
        [units, flag, flag, CLOSED],
    )
    ids = [r[0] for r in cur.fetchall()]
    cur.execute(f"SELECT {TASK_COLUMNS} FROM tasks_task t {TASK_JOINS} WHERE t.id = ANY(%s)", [ids])
    cur.fetchall()
    _units_of(cur, ids)


def floor_my_tasks(cur, ctx) -> None:
    """Urgings to answer; the sections' counts (from the unit's assignment tally rows, as the page
    counts them since 2026-12-03 — before, this made five COUNTs over the assignments and tasks, by
    then slower than the whole page); overdue and due-soon (first 20 each); pending (first 20);
    disputed (first 20); returned reports (first 50)."""
    units = [ctx["unit"]]
    cur.execute(
        """SELECT state, task_flag, task_status, sum(n) FROM tasks_assignmenttally WHERE unit_id = ANY(%s)
           GROUP BY 1, 2, 3""",
        [units],
    )
    cur.fetchall()
    cur.execute(
        """SELECT g.id, g.message, g.reply_by, g.created_at, t.id, t.number, t.title, t.flag, t.status, un.name
           FROM tasks_urging g JOIN tasks_task t ON t.id = g.task_id JOIN departments_unit un ON un.id = g.unit_id
           WHERE g.unit_id = ANY(%s) AND g.answered_at IS NULL ORDER BY g.reply_by NULLS LAST, g.created_at""",
        [units],
    )
    cur.fetchall()
    _my_flagged(cur, units, "overdue")
    _my_flagged(cur, units, "due_soon")
    # pending and disputed as the page reads them: the first 20 ids in order, then their rows (one
    # query selecting every column planned a parallel scan of every task: 26 ms against 4 + 1)
    listed = """a.unit_id = ANY(%s) AND a.state = 'pending'
                AND NOT (a.task_flag IN ('overdue', 'due_soon') AND a.task_status NOT IN %s)"""
    cur.execute(
        f"""SELECT a.id FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
            JOIN tasks_plan p ON p.id = t.plan_id WHERE {listed}
            ORDER BY COALESCE(t.next_due, '9999-12-31'), p.year DESC, p.title, t."order", a.id LIMIT 20""",
        [units, CLOSED],
    )
    cur.execute(
        """SELECT a.id, a.role, t.id, t.number, t.title, t.flag, t.status, t.next_due, p.title, un.name
           FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id JOIN tasks_plan p ON p.id = t.plan_id
           JOIN departments_unit un ON un.id = a.unit_id WHERE a.id = ANY(%s)""",
        [[r[0] for r in cur.fetchall()]],
    )
    cur.fetchall()
    cur.execute(
        """SELECT a.id FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
           JOIN tasks_plan p ON p.id = t.plan_id
           WHERE a.unit_id = ANY(%s) AND a.state = 'disputed' ORDER BY p.year DESC, p.title, t."order", a."order", a.id
           LIMIT 20""",
        [units],
    )
    cur.execute(
        """SELECT a.id, a.dispute_reason, t.id, t.title FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
           WHERE a.id = ANY(%s)""",
        [[r[0] for r in cur.fetchall()]],
    )
    cur.fetchall()
    cur.execute(
        """SELECT r.id, r.period, r.review_comment, t.id, t.title, un.name FROM tasks_progressreport r
           JOIN tasks_task t ON t.id = r.task_id JOIN departments_unit un ON un.id = r.unit_id
           WHERE r.unit_id = ANY(%s) AND r.review_state = 'returned' AND t.status NOT IN %s
           ORDER BY r.created_at DESC LIMIT 50""",
        [units, CLOSED],
    )
    cur.fetchall()


def floor_dashboard(cur, ctx) -> None:
    """The tallies the board counts, from the tallies kept as tasks and assignments are written
    (tasks.tallies): plans; top-level tasks summed by plan and bucket fields; assignments of
    top-level tasks summed by unit and bucket fields, with the confirmed and the lead ones (as the
    page sums them since 2026-12-03: before, it grouped by role and state too, and so did this);
    unit names; open overdue tasks by the month of their next deadline (next_due)."""
    cur.execute("SELECT id, title, year, doc_number, issuer FROM tasks_plan ORDER BY year DESC, title")
    cur.fetchall()
    cur.execute(
        """SELECT plan_id, status, flag, pace, sum(n) FROM tasks_tasktally WHERE top_level
           GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0"""
    )
    cur.fetchall()
    cur.execute(
        """SELECT unit_id, task_flag, task_pace, task_status, sum(n), sum(n) FILTER (WHERE state = 'confirmed'),
           sum(n) FILTER (WHERE role = 'lead') FROM tasks_assignmenttally
           WHERE task_top_level GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0"""
    )
    units = {r[0] for r in cur.fetchall()}
    cur.execute("SELECT id, name, kind, level FROM departments_unit WHERE id = ANY(%s)", [list(units)])
    cur.fetchall()
    cur.execute(
        """SELECT date_trunc('month', CASE WHEN next_due < %(today)s THEN next_due ELSE '9999-12-31' END),
           count(*) FROM tasks_task t WHERE t.parent_id IS NULL AND t.flag = 'overdue'
           AND t.status NOT IN %(closed)s GROUP BY 1""",
        {"today": ctx["today"], "closed": CLOSED},
    )
    cur.fetchall()


def floor_units(cur, ctx) -> None:
    """单位管理: each unit's assignments (the 任务数 column, summed from the per-unit tally the page
    reads since 2026-12-03: before, from the assignment tally, as this did), the units, their
    aliases and liaisons."""
    cur.execute("SELECT unit_id, sum(n) FROM tasks_unittally GROUP BY unit_id")
    cur.fetchall()
    cur.execute(
        """SELECT id, name, short_name, kind, level, needs_review, is_active FROM departments_unit
           ORDER BY name"""
    )
    ids = [r[0] for r in cur.fetchall()]
    cur.execute("SELECT unit_id, name FROM departments_unitalias WHERE unit_id = ANY(%s) ORDER BY name", [ids])
    cur.fetchall()
    cur.execute(
        f"""SELECT l.unit_id, u.first_name, u.last_name, u.username FROM {ctx['liaison_table']} l
            JOIN auth_user u ON u.id = l.user_id WHERE l.unit_id = ANY(%s)""",
        [ids],
    )
    cur.fetchall()


def floor_task_page(cur, ctx) -> None:
    """A task with its plan and section, sub-tasks, units, milestones, reports with evidence, urgings,
    extension requests and its change history."""
    pk = ctx["task"]
    queries = [
        """SELECT t.*, p.title, s.title FROM tasks_task t JOIN tasks_plan p ON p.id = t.plan_id
           LEFT JOIN tasks_section s ON s.id = t.section_id WHERE t.id = %s""",
        "SELECT id, number, title, status FROM tasks_task WHERE parent_id = %s ORDER BY \"order\"",
        """SELECT a.*, u.name FROM tasks_assignment a JOIN departments_unit u ON u.id = a.unit_id
           WHERE a.task_id = %s ORDER BY a."order" """,
        "SELECT * FROM deadlines_milestone WHERE task_id = %s ORDER BY due_on",
        """SELECT r.*, u.name FROM tasks_progressreport r JOIN departments_unit u ON u.id = r.unit_id
           WHERE r.task_id = %s ORDER BY r.created_at DESC""",
        """SELECT e.* FROM tasks_evidence e JOIN tasks_progressreport r ON r.id = e.report_id
           WHERE r.task_id = %s""",
        "SELECT * FROM tasks_urging WHERE task_id = %s ORDER BY created_at DESC",
        """SELECT x.* FROM deadlines_extensionrequest x JOIN deadlines_milestone m ON m.id = x.milestone_id
           WHERE m.task_id = %s""",
        "SELECT * FROM tasks_historicaltask WHERE id = %s ORDER BY history_date DESC",
        "SELECT * FROM tasks_historicalassignment WHERE task_id = %s ORDER BY history_date DESC",
        "SELECT * FROM deadlines_historicalmilestone WHERE task_id = %s ORDER BY history_date DESC",
    ]
    for sql in queries:
        cur.execute(sql, [pk])
        cur.fetchall()


# --- measuring ---------------------------------------------------------------------------------------


def page_timer(user, url: str, cold: bool):
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)

    def run() -> tuple[float, int, float]:
        if cold:
            cache.clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(response.content), cpu

    return run


def floor_timer(floor, ctx):
    from django.db import connection

    def run() -> tuple[float, int, float]:
        started = time.perf_counter()
        with connection.cursor() as cur:
            floor(cur, ctx)
        return (time.perf_counter() - started) * 1000, 0, 0.0

    return run


def count_queries(run) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def child(args) -> None:
    ensure_database(args.db_url)
    setup_django(args.db_url)
    ensure_data(args.tasks, args.seed)
    vacuum = vacuum_analyze()

    from django.urls import reverse
    from django.utils import timezone

    from departments.models import Unit
    from tasks.models import Task

    office, liaison, admin, unit = bench_users()
    # a web process as gunicorn runs it: what is loaded set aside from the cyclic collector
    import reformtracker.wsgi  # noqa: F401

    total = Task.objects.count()
    task = Task.objects.filter(assignments__unit=unit).order_by("-pk").values_list("pk", flat=True).first()
    ctx = {
        "unit": unit.pk, "task": task, "today": timezone.localdate(),
        "liaison_table": Unit._meta.get_field("liaisons").remote_field.through._meta.db_table,
    }
    admin_tasks = "/admin/tasks/task/"
    pages = [
        # label, user, url, floor, admin url, cold (cache emptied before each request)
        ("任务列表", office, reverse("tasks:list"), floor_task_list, admin_tasks, True),
        ("任务列表 (warm)", office, reverse("tasks:list"), floor_task_list, admin_tasks, False),
        ("我的任务", liaison, reverse("tasks:mine"), floor_my_tasks,
         f"/admin/tasks/assignment/?unit={unit.pk}", True),
        ("我的任务 (warm)", liaison, reverse("tasks:mine"), floor_my_tasks,
         f"/admin/tasks/assignment/?unit={unit.pk}", False),
        ("督查看板", office, reverse("dashboard:index"), floor_dashboard, admin_tasks, True),
        ("督查看板 (warm)", office, reverse("dashboard:index"), floor_dashboard, admin_tasks, False),
        ("单位管理", office, reverse("departments:list"), floor_units, "/admin/departments/unit/", True),
        ("单位管理 (warm)", office, reverse("departments:list"), floor_units, "/admin/departments/unit/", False),
        ("任务页", liaison, reverse("tasks:detail", args=[task]), floor_task_page,
         f"/admin/tasks/task/{task}/change/", False),
    ]
    timers, colds = [], {}
    for label, user, url, floor, admin_url, cold in pages:
        colds[label] = cold
        t = {"page": page_timer(user, url, cold), "floor": floor_timer(floor, ctx),
             "admin": page_timer(admin, admin_url, cold)}
        for run in t.values():
            run()  # warm-up: templates compiled, connection open, caches filled (warm rows)
        timers.append((label, t))
    times = {label: {k: [] for k in ("page", "floor", "admin", "cpu")} for label, _ in timers}
    sizes = {}
    thinnest = page_timer(office, reverse("deadlines:notifications"), False)
    thinnest()
    thinnest_ms: list[float] = []
    # cold pages first, then warm ones (a cold request empties the cache a warm one reads); within
    # each phase interleaved: every page, its floor and its admin once per round
    for phase in (True, False):
        for _ in range(args.runs):
            for label, t in timers:
                if colds[label] != phase:
                    continue
                for kind, run in t.items():
                    ms, size, cpu = run()
                    times[label][kind].append(ms)
                    if kind == "page":
                        sizes[label] = size
                        times[label]["cpu"].append(cpu)
            thinnest_ms.append(thinnest()[0])
        if phase:
            for label, t in timers:  # fill the cache for the warm phase
                if not colds[label]:
                    t["page"]()
    results = []
    for label, t in timers:
        med = {k: statistics.median(v) for k, v in times[label].items()}
        if not colds[label]:
            t["page"]()  # a cold page's count just emptied the cache: count a warm one warm
        results.append({"label": label, **med, "queries": count_queries(t["page"]), "kb": sizes[label] / 1024})
    load = os.getloadavg()[0]
    thin, thin_label = min([(statistics.median(thinnest_ms), "通知 (none)")]
                           + [(r["page"], r["label"]) for r in results])
    print(f"\n== {total} tasks in {args.db_url.rsplit('/', 1)[-1]} (VACUUM ANALYZE {vacuum:.1f} s); liaison of "
          f"{unit.name}; median of {args.runs} interleaved runs; load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page':<16} {'page ms':>8} {'(Python CPU)':>12} {'floor ms':>9} {'admin ms':>9} {'queries':>7} {'KB':>6}  ratios")
    for r in results:
        print(f"{r['label']:<16} {r['page']:>8.1f} {r['cpu']:>12.1f} {r['floor']:>9.1f} {r['admin']:>9.1f} {r['queries']:>7} "
              f"{r['kb']:>6.0f}  ratio to floor {r['page'] / r['floor']:.2f} goal ≤ {GOAL_FLOOR:g} "
              f"{'ok' if r['page'] / r['floor'] <= GOAL_FLOOR else 'MISSED'}; "
              f"ratio to admin {r['page'] / r['admin']:.2f} goal ≤ {GOAL_ADMIN:g} "
              f"{'ok' if r['page'] / r['admin'] <= GOAL_ADMIN else 'MISSED'}"
              + (f" (2× floor = {GOAL_FLOOR * r['floor']:.1f} ms: below the cheapest page)"
                 if GOAL_FLOOR * r["floor"] < thin else ""))
    print(f"the cheapest page of this run: {thin_label} {thin:.1f} ms (通知 of a user with none: "
          f"{statistics.median(thinnest_ms):.1f} ms, {count_queries(thinnest)} queries)")
    print("JSON " + json.dumps({"tasks": total, "results": results}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--small-tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)  # the child's database
    args = parser.parse_args()
    if args.db_url:
        child(args)
        return
    sizes = [
        (os.getenv("BENCH_SMALL_DATABASE_URL", DEFAULT_SMALL_DB), args.small_tasks),
        (os.getenv("BENCH_DATABASE_URL", DEFAULT_DB), args.tasks),
    ]
    runs = []
    for url, tasks in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--db-url", url, "--tasks", str(tasks), "--runs", str(args.runs),
             "--seed", str(args.seed)],
            check=True, stdout=subprocess.PIPE, text=True,
        ).stdout
        print("\n".join(line for line in out.splitlines() if not line.startswith("JSON ")), flush=True)
        runs.append(json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:]))
    small, large = runs
    print(f"\n== growth {small['tasks']} → {large['tasks']} tasks (page ms at the larger size / at the smaller)")
    for a, b in zip(small["results"], large["results"], strict=True):
        ratio = b["page"] / a["page"]
        print(f"{a['label']:<16} {a['page']:>8.1f} → {b['page']:>8.1f} ms  queries {a['queries']} → {b['queries']}  "
              f"ratio 100k/10k {ratio:.2f} goal ≤ {GOAL_FLAT:g} {'ok' if ratio <= GOAL_FLAT else 'MISSED'}")


if __name__ == "__main__":
    main()
