"""The monthly 督查通报 workbook at two sizes, in PostgreSQL: does it grow with the rows it writes, or faster?

    .venv/bin/python benchmarks/bench_report.py [--runs 3] [--tasks 100000] [--small-tasks 10000]

Databases: those of bench_pages.py (BENCH_DATABASE_URL, default rt_bench, and BENCH_SMALL_DATABASE_URL,
default rt_bench_10k; created, migrated and generated if missing), VACUUM ANALYZEd first. Each size
runs in its own process: this month's workbook for the office's current plans (what 生成督查通报 and
the instant download build: `write_supervision_report`), written to memory --runs times; the median
wall time, the time spent in the database, the number of queries and the slowest one, and the rows
of its two task sheets (overdue, due soon). Then, per size, milliseconds per row written, and their
ratio from the small size to the large one (goal: ≤ 1.5, the work grows with the rows, no faster).

Before issue 15's fix of the historical overdue test (figures.overdue_at: one EXISTS with an OR
across a join, which PostgreSQL hash-joined per row counted) the workbook took 82 s at 10,000 tasks,
88 % of it in one query. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_pages
from pgdb import ensure_database

GOAL_GROWTH = 1.5


def measure(url: str, tasks: int, runs: int) -> dict:
    bench_pages.setup_django(url)
    bench_pages.ensure_data(tasks, seed=7)
    bench_pages.vacuum_analyze()
    from django.db import connection
    from django.utils import timezone

    from tasks.supervision import report

    today = timezone.localdate()
    ctx = report.report_context(year=today.year, month=today.month)
    rows = (len(report.task_rows(report.overdue_milestones(ctx), ctx, overdue=True)),
            len(report.task_rows(report.due_soon_milestones(ctx), ctx, overdue=False)))
    walls, dbs, counts, slowest = [], [], [], []
    for _ in range(runs):
        queries: list[float] = []

        def timed(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(time.perf_counter() - started)

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            report.write_supervision_report(io.BytesIO(), year=today.year, month=today.month)
        walls.append(time.perf_counter() - started)
        dbs.append(sum(queries))
        counts.append(len(queries))
        slowest.append(max(queries))
    return {"tasks": tasks, "rows": rows, "wall": statistics.median(walls),
            "db": statistics.median(dbs), "queries": max(counts), "slowest": statistics.median(slowest)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--small-tasks", type=int, default=10_000)
    parser.add_argument("--db-url")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.db_url, args.tasks, args.runs)))
        return

    results = []
    for url, tasks in ((os.environ.get("BENCH_SMALL_DATABASE_URL", bench_pages.DEFAULT_SMALL_DB), args.small_tasks),
                       (os.environ.get("BENCH_DATABASE_URL", bench_pages.DEFAULT_DB), args.tasks)):
        ensure_database(url)
        out = subprocess.run([sys.executable, __file__, "--child", "--db-url", url, "--tasks", str(tasks),
                              "--runs", str(args.runs)], check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))

    print(f"督查通报 workbook of this month, current plans; median of {args.runs}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'tasks':>8} {'rows (overdue + due soon)':>26} {'wall s':>7} {'database s':>10} {'queries':>7}"
          f" {'slowest query s':>15} {'ms per row':>10}")
    per_row = []
    for r in results:
        n = sum(r["rows"])
        per_row.append(r["wall"] * 1000 / max(n, 1))
        print(f"{r['tasks']:>8} {r['rows'][0]:>14} + {r['rows'][1]:>9} {r['wall']:>7.1f} {r['db']:>10.1f}"
              f" {r['queries']:>7} {r['slowest']:>15.2f} {per_row[-1]:>10.2f}")
    growth = per_row[1] / per_row[0]
    print(f"ms per row, {results[1]['tasks']} ÷ {results[0]['tasks']} tasks: {growth:.2f}× "
          f"(goal ≤ {GOAL_GROWTH}: grows with the rows, no faster) {'ok' if growth <= GOAL_GROWTH else 'MISSED'}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
