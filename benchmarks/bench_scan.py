"""Daily scan over 300,000 milestones: prints its time and query count.

Runs against PostgreSQL in a throwaway database (created if missing):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_bench_jobs .venv/bin/python benchmarks/bench_scan.py
BENCH_MILESTONES=30000 for a quick run. The data is generated here with
bulk_create (kept between runs when the count matches).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rt_bench_jobs")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
N = int(os.getenv("BENCH_MILESTONES", "300000"))
TODAY = dt.date(2026, 9, 30)


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2

    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                            password=parts.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    conn.close()


def generate(n: int) -> None:
    """n milestones on n/3 tasks of 10 plans, 60 units with a liaison each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from deadlines.models import Milestone, Notification, OutboundMessage, Reminder
    from departments import roles
    from departments.models import Unit
    from tasks.models import Assignment, AssignmentRole, Plan, Task

    rng = random.Random(5)
    with connection.cursor() as cur:
        for model in (Reminder, Notification, OutboundMessage, Milestone, Assignment, Task, Plan):
            cur.execute(f"DELETE FROM {model._meta.db_table}")
    User = get_user_model()
    liaison_group, _ = Group.objects.get_or_create(name=roles.LIAISON)
    units = []
    for i in range(60):
        unit, _ = Unit.objects.get_or_create(name=f"基准单位{i:02d}")
        user, _ = User.objects.get_or_create(username=f"bench_liaison{i:02d}", defaults={"email": f"b{i}@example.gov.cn"})
        user.groups.add(liaison_group)
        unit.liaisons.add(user)
        units.append(unit)
    plans = Plan.objects.bulk_create(
        Plan(title=f"基准计划{i}", year=2026, due_soon_workdays=(3, 5, 7)[i % 3], issued_on=dt.date(2026, 1, 1))
        for i in range(10)
    )
    n_tasks = max(n // 3, 1)
    tasks = Task.objects.bulk_create(
        (Task(plan=plans[i % 10], number=str(i), order=i, title=f"基准任务{i}") for i in range(n_tasks)),
        batch_size=5000,
    )
    Assignment.objects.bulk_create(
        (Assignment(task=t, unit=units[i % 60], role=AssignmentRole.LEAD) for i, t in enumerate(tasks)),
        batch_size=5000,
    )
    start = dt.date(2026, 1, 1)
    Milestone.objects.bulk_create(
        (
            Milestone(
                task=tasks[i % n_tasks], due_on=(due := start + dt.timedelta(days=rng.randrange(540))),
                done_on=due if rng.random() < 0.3 else None,
            )
            for i in range(n)
        ),
        batch_size=5000,
    )


def timed(label: str, fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
    print(f"{label:<38} {elapsed:8.2f} s  {len(ctx.captured_queries):4d} queries  {result}")
    return result


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from deadlines import outbox
    from deadlines.models import Milestone, MilestoneState, Notification, OutboundMessage, Reminder
    from tasks.supervision import services

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if Milestone.objects.count() != N:
        t0 = time.perf_counter()
        generate(N)
        print(f"generated {N} milestones in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE") if connection.vendor == "postgresql" else None
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    OutboundMessage.objects.all().delete()
    Milestone.objects.update(state=MilestoneState.UPCOMING)

    def scan():
        r = services.deadlines_scan(today=TODAY)
        return f"changed={r.changed} tasks={r.tasks_changed} due_soon={r.due_soon} overdue={r.overdue} reminders={r.reminders}"

    timed("scan, first run (every state changes)", scan)
    timed("scan, second run (nothing changes)", scan)
    timed("scan, next day", lambda: services.deadlines_scan(today=TODAY + dt.timedelta(days=1)).changed)
    timed("deliver reminders (digests)", lambda: services.reminders_deliver(today=TODAY))
    timed("send e-mails (locmem)", outbox.outbound_send)


if __name__ == "__main__":
    main()
