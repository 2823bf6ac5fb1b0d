"""Where a cold page's database time goes: every query of one request, EXPLAIN (ANALYZE, BUFFERS)'d.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_bench \
    .venv/bin/python benchmarks/explain_pages.py [list mine board units] [--top 8] [--plan-lines 0]

For each page (the same users and URLs as bench_pages.py) the cache is emptied, one request is
captured, and each of its SELECTs is explained three times (the best kept, so a noisy machine
inflates it least). Prints the sum of planning + execution time as the server measured it (no
round trips, no Python), then the slowest queries first, with their plans if asked. Read-only but
for bench_pages' users (get_or_create) and the ANALYZE of EXPLAIN ANALYZE (a SELECT runs).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # noqa: E402


def explain(cur, sql: str) -> tuple[float, list[str]]:
    best: tuple[float, list[str]] | None = None
    for _ in range(3):
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cur.fetchall()]
        ms = sum(float(line.split(":")[1].split()[0]) for line in plan
                 if line.startswith(("Planning Time", "Execution Time")))
        if best is None or ms < best[0]:
            best = (ms, plan)
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", default=["list", "mine", "board", "units"])
    parser.add_argument("--top", type=int, default=8, help="the slowest queries shown per page")
    parser.add_argument("--plan-lines", type=int, default=0, help="lines of each shown query's plan")
    parser.add_argument("--sql-width", type=int, default=160)
    args = parser.parse_args()
    bench_pages.setup_django(os.getenv("BENCH_DATABASE_URL", bench_pages.DEFAULT_DB))

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    office, liaison, _admin, _unit = bench_pages.bench_users()
    pages = {"list": (office, reverse("tasks:list")), "mine": (liaison, reverse("tasks:mine")),
             "board": (office, reverse("dashboard:index")), "units": (office, reverse("departments:list"))}
    for name in args.pages:
        user, url = pages[name]
        client = Client()
        client.force_login(user)
        client.get(url)  # connection open, templates compiled
        cache.clear()  # cold: every count made
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        rows = []
        with connection.cursor() as cur:
            for query in captured.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    rows.append((*explain(cur, query["sql"]), query["sql"]))
        print(f"=== {name} {url}: {len(captured.captured_queries)} queries, "
              f"planning + execution {sum(r[0] for r in rows):.1f} ms")
        for ms, plan, sql in sorted(rows, key=lambda r: -r[0])[: args.top]:
            print(f"--- {ms:.1f} ms  {sql[: args.sql_width]}")
            if args.plan_lines:
                print("\n".join(plan[: args.plan_lines]))


if __name__ == "__main__":
    main()
