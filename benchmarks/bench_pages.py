"""Server time and query count of the main pages on a large data set in PostgreSQL.

    .venv/bin/python benchmarks/bench_pages.py [--tasks 100000] [--runs 7] [--db-url postgres://…/rt_bench]

Creates the database if missing (default rt_bench on 127.0.0.1), migrates it,
tops it up to --tasks tasks with fixtures.generate (reused on later runs), then
requests each page with Django's test Client as the office and as a liaison:
the median of --runs timed requests after one warm-up, and the number of SQL
queries of one request. Prints figures; asserts nothing (speed goals are read,
not tested).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rt_bench"


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            print(f"creating database {name}")
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # The test Client's default host is not in ALLOWED_HOSTS outside the test runner.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the liaison's expected 403s


def ensure_data(tasks: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from fixtures.generate import generate_dataset
    from tasks.models import Task

    call_command("migrate", verbosity=0)
    have = Task.objects.count()
    if have >= tasks:
        print(f"reusing {have} tasks")
        return
    started = time.monotonic()
    counts = generate_dataset(tasks=tasks - have, seed=seed + have)
    print(f"generated {counts['tasks']} tasks in {time.monotonic() - started:.1f} s: {counts}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh bulk inserts: give the planner statistics at once


def bench_users():
    """An office user, and a liaison of the unit with the most assignments."""
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
    return office, liaison, unit


def measure(client, url: str, runs: int, cold: bool) -> tuple[int, float, float, int, float]:
    """(status, median ms, min ms, queries, slowest query ms). `cold` empties Django's cache before
    every request (in case DASHBOARD_CACHE_SECONDS turns the dashboard's cache on: cold measures the SQL)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: template compilation, connection
    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    slowest = max((float(q["time"]) * 1000 for q in ctx.captured_queries), default=0.0)
    return response.status_code, statistics.median(times), min(times), len(ctx), slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db-url", default=os.getenv("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    ensure_database(args.db_url)
    setup_django(args.db_url)
    ensure_data(args.tasks, args.seed)

    from django.test import Client
    from django.urls import reverse

    from tasks.models import Task

    office, liaison, unit = bench_users()
    total = Task.objects.count()
    office_task = Task.objects.order_by("-pk").values_list("pk", flat=True).first()
    liaison_task = Task.objects.filter(assignments__unit=unit).order_by("-pk").values_list("pk", flat=True).first()

    board = reverse("dashboard:index")
    task_list = reverse("tasks:list")
    one_plan = f"{board}?plan={Task.objects.get(pk=office_task).plan_id}"
    pages = [
        ("office", office, "督查看板", board, True),
        ("office", office, "督查看板 单个计划", one_plan, True),
        ("office", office, "任务清单", task_list, False),
        ("office", office, "任务清单 逾期筛选", f"{task_list}?warning=red", False),
        ("office", office, "任务清单 关键词“营商”", f"{task_list}?q=%E8%90%A5%E5%95%86",
         False),
        # 最近截止 reads task_next_due_idx (倒序 task_next_due_desc_idx); 单位 pages unit by unit like the default order pages plan by plan
        ("office", office, "任务清单 按最近截止排序", f"{task_list}?sort=next_due", False),
        ("office", office, "任务清单 按最近截止倒序", f"{task_list}?sort=-next_due", False),
        ("office", office, "任务清单 按单位排序", f"{task_list}?sort=units", False),
        ("office", office, "任务清单 按单位 第1000页", f"{task_list}?sort=units&page=1000",
         False),
        ("office", office, "任务详情", reverse("tasks:detail", args=[office_task]), False),
        ("liaison", liaison, "督查看板（应为403）", board, False),
        ("liaison", liaison, "任务清单", task_list, False),
        ("liaison", liaison, "我的任务", reverse("tasks:mine"), False),
        ("liaison", liaison, "任务详情", reverse("tasks:detail", args=[liaison_task]), False),
    ]
    print(f"\n{total} tasks in {args.db_url.rsplit('/', 1)[-1]}; liaison of {unit.name}; median of {args.runs} runs\n")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (timings inflate on a busy machine)")
    print(f"{'role':<8} {'page':<26} {'status':>6} {'median ms':>10} {'min ms':>8} {'queries':>8} {'slowest SQL ms':>15}  url")
    for role, user, label, path, cold in pages:
        client = Client()
        client.force_login(user)
        status, median, fastest, queries, slowest = measure(client, path, args.runs, cold)
        print(f"{role:<8} {label:<26} {status:>6} {median:>10.1f} {fastest:>8.1f} {queries:>8} {slowest:>15.1f}  {path}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
