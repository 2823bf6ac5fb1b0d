"""Time and peak memory of the task-breakdown export (write-only openpyxl) on 50,000 rows.

    .venv/bin/python benchmarks/bench_export.py [--rows 50000] [--db-url sqlite:////tmp/x.sqlite3]

By default builds a throw-away SQLite database in a temporary folder (migrate, then bulk-create
the rows: each task with a lead and a responsible unit, two milestones and a progress report).
The export then runs in a fresh child process, so its memory figures are the export's own:
the child's peak RSS after loading Django and after exporting, and the time. Prints; asserts
nothing. `--tracemalloc` adds the peak of Python allocations (slow: several times longer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(db_url: str | None, folder: str) -> None:
    os.environ["DATABASE_URL"] = db_url or f"sqlite:///{folder}/bench_export.sqlite3"
    os.environ.setdefault("DATA_DIR", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(rows: int) -> None:
    from deadlines.models import Milestone
    from departments.models import Unit
    from tasks.models import Assignment, AssignmentRole, Plan, ProgressReport, Task, TaskSource

    if Task.objects.count() >= rows:
        return
    units = [Unit.objects.get_or_create(name=f"区测试局{i}")[0] for i in range(40)]
    plan = Plan.objects.create(title=f"基准计划{time.time()}", year=2020)
    tasks = Task.objects.bulk_create(
        [
            Task(plan=plan, number=str(i + 1), order=i, source=TaskSource.TABLE, category=f"类别{i % 12}",
                 indicator=f"指标{i}", title=f"指标{i}",
                 target="推进“最多跑一次”改革向基层延伸，夯实网点基础，优化便民服务网点的空间布局。" * 2)
            for i in range(rows)
        ],
        batch_size=2000,
    )
    if tasks[0].pk is None:
        tasks = list(Task.objects.filter(plan=plan).order_by("order"))
    Assignment.objects.bulk_create(
        [Assignment(task=t, unit=units[i % 40], role=AssignmentRole.LEAD, order=0) for i, t in enumerate(tasks)]
        + [Assignment(task=t, unit=units[(i + 1) % 40], role=AssignmentRole.RESPONSIBLE, order=1)
           for i, t in enumerate(tasks)],
        batch_size=5000,
    )
    Milestone.objects.bulk_create(
        [Milestone(task=t, due_on=dt.date(2020, 6, 30), phrase="6月底") for t in tasks]
        + [Milestone(task=t, due_on=dt.date(2020, 12, 31), phrase="12月底", order=1) for t in tasks],
        batch_size=5000,
    )
    ProgressReport.objects.bulk_create(
        [ProgressReport(task=t, unit=units[i % 40], period=dt.date(2020, 9, 1), text="已完成方案制定，正在推进。")
         for i, t in enumerate(tasks)],
        batch_size=5000,
    )


def peak_rss_mb() -> float:
    """VmHWM: this process's own peak RSS (ru_maxrss can carry the parent's figure across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(out: Path, use_tracemalloc: bool) -> None:
    """Runs in its own process: only Django and the export in memory."""
    from tasks.excel.breakdown import write_breakdown
    from tasks.models import Task

    rss_base = peak_rss_mb()
    if use_tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    with out.open("wb") as fh:
        count = write_breakdown(fh, Task.objects.all())
    elapsed = time.perf_counter() - t0
    rss_peak = peak_rss_mb()
    size = out.stat().st_size / 1024 / 1024
    print(f"export: {count} rows in {elapsed:.1f} s ({count / elapsed:,.0f} rows/s), file {size:.1f} MB")
    print(f"export process peak RSS: {rss_base:.0f} MB with Django loaded, {rss_peak:.0f} MB after the export "
          f"(+{rss_peak - rss_base:.0f} MB)")
    if use_tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        print(f"peak Python allocations during export (tracemalloc): {peak / 1024 / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db-url", help="database to use (default: a temporary SQLite file)")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: output file of the export process
    args = parser.parse_args()
    if args.child:
        setup_django(args.db_url, str(Path(args.child).parent))
        child(Path(args.child), args.tracemalloc)
        return
    with tempfile.TemporaryDirectory() as folder:
        db_url = args.db_url or f"sqlite:///{folder}/bench_export.sqlite3"
        setup_django(db_url, folder)
        t0 = time.perf_counter()
        populate(args.rows)
        print(f"data: {args.rows} tasks ready in {time.perf_counter() - t0:.1f} s")
        cmd = [sys.executable, __file__, "--db-url", db_url, "--child", str(Path(folder) / "export.xlsx")]
        if args.tracemalloc:
            cmd.append("--tracemalloc")
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
