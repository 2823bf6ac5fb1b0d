"""The 任务分解表 export (the task-list download) beside xlsxwriter writing the same cells.

    .venv/bin/python benchmarks/bench_export.py [--rows 50000] [--runs 3] [--db-url postgres://…/rt_bench]

Database: PostgreSQL (default rt_bench on 127.0.0.1, created if missing; any Django database URL
works, SQLite too), topped up to --rows tasks by fixtures.generate (what `generate_data` and
bench_pages.py use) and ANALYZEd. The export writes the first --rows tasks by id.

Side by side, interleaved, each run in a fresh child process so its memory is its own:
- export: `write_breakdown`, what the download view calls, streaming to a file on disk: the
  rows fetched in chunks, the cells composed, row heights, the workbook written.
- anchor: a minimal xlsxwriter `constant_memory` script writing the identical cells — the same
  strings, formats, row heights, merged title and print set-up — with no database: the cells are
  taken once from the export's own rows before any timing, and loaded before the clock starts.
  The two files' sheet XML is compared: it must be the same bytes.

Time: the median of --runs. Memory, in separate runs (tracemalloc slows Python code several
times): the peak of Python allocations while writing, at --rows and at a tenth of it (flat means
it does not grow with the rows), and the growth of the child's peak RSS. Prints
figure | export | anchor | ratio | goal; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pgdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rt_bench"
TIME_GOAL = 1.5  # issue 15: the export within 1.5× of xlsxwriter writing the same cells
FLAT_GOAL = 1.25  # peak allocations at N rows ÷ at N/10 rows
GENERATED = dt.datetime(2026, 1, 1, 8, 0)  # the 导出时间 line, the same in both files


# --- database --------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    if url.startswith("postgres"):
        pgdb.ensure_database(url)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_data(rows: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from fixtures.generate import generate_dataset
    from tasks.models import Task

    call_command("migrate", verbosity=0)
    have = Task.objects.count()
    if have >= rows:
        print(f"reusing {have} tasks")
        return
    started = time.monotonic()
    counts = generate_dataset(tasks=rows - have, seed=have)
    print(f"generated {counts['tasks']} tasks in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def first_tasks(rows: int):
    """The first `rows` tasks by id, as a queryset the export can order and annotate."""
    from tasks.models import Task

    ids = Task.objects.order_by("pk").values_list("pk", flat=True)
    last = ids[rows - 1] if ids.count() >= rows else ids.last()
    return Task.objects.filter(pk__lte=last)


# --- the cells, once, for the anchor ---------------------------------------------------------


def dump_cells(rows: int, path: Path) -> int:
    """The export's cells as plain data: [(strings, flag, height in points)], safe_value applied."""
    from reformtracker.xlsx import safe_value
    from tasks.excel.breakdown import COLUMNS, export_rows
    from tasks.supervision.report import row_height

    cells = [
        (["" if v is None else safe_value(v) for v in (*r.values, r.key)], r.flag, row_height(r.values, COLUMNS))
        for r in export_rows(first_tasks(rows))
    ]
    with path.open("wb") as fh:
        pickle.dump(cells, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return len(cells)


def write_anchor(out: Path, cells: list, title: str, note: str) -> int:
    """What a hand-written xlsxwriter script does to write the same sheet: nothing else."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    ws = wb.add_worksheet("任务分解表")
    border = {"border": 1, "top_color": "#000000", "bottom_color": "#000000", "left_color": "#000000",
              "right_color": "#000000"}
    body = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "text_wrap": True, **border}
    title_f = wb.add_format({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center",
                             "valign": "vcenter"})
    note_f = wb.add_format({"font_name": "宋体", "font_size": 10, "font_color": "#333333"})
    head_f = wb.add_format({"font_name": "黑体", "font_size": 11, "bold": True, "pattern": 1, "bg_color": "#D9D9D9",
                            "align": "center", "valign": "vcenter", "text_wrap": True, **border})
    center_f = wb.add_format({**body, "align": "center"})
    text_f = wb.add_format(body)
    red_f = wb.add_format({**body, "pattern": 1, "bg_color": "#F4B6B6"})
    blue_f = wb.add_format({**body, "pattern": 1, "bg_color": "#BDD7EE"})
    plain = [center_f, *[text_f] * 7, center_f]
    formats = {"": plain, "overdue": [*plain[:6], red_f, *plain[7:]], "due_soon": [*plain[:6], blue_f, *plain[7:]]}
    for i, width in enumerate((7, 12, 20, 50, 18, 22, 16, 40, 10, 12)):
        ws.set_column_pixels(i, i, width * 7, None, {"hidden": i == 9})
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.65)  # the print set-up of tasks/supervision/report.py
    ws.repeat_rows(2)
    ws.set_header("", margin=0.5)
    ws.set_footer("&C第 &P 页 共 &N 页", margin=0.25)
    ws.merge_range(0, 0, 0, 8, None, title_f)
    ws.write_string(0, 0, title, title_f)
    ws.merge_range(1, 0, 1, 8, None, note_f)
    ws.write_string(1, 0, note, note_f)
    headers = ["序号", "类别", "指标名称", "目标任务", "牵头单位", "责任单位", "时间进度", "进展情况", "状态"]
    for i, h in enumerate(headers):
        ws.write_string(2, i, h, head_f)
    ws.write_string(2, 9, "任务ID（勿改）")
    write_string, write_blank, set_row = ws.write_string, ws.write_blank, ws.set_row_pixels
    row = 2
    for values, flag, height in cells:
        row += 1
        set_row(row, height / 0.75)
        for col, (value, fmt) in enumerate(zip(values[:9], formats.get(flag, plain), strict=True)):
            if value:
                write_string(row, col, value, fmt)
            else:
                write_blank(row, col, None, fmt)
        write_string(row, 9, values[9])
    ws.autofilter(2, 0, 2 + max(len(cells), 1), 8)
    wb.close()
    return len(cells)


# --- the children ----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """VmHWM: this process's own peak RSS (ru_maxrss can carry the parent's figure across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    """One timed write, in its own process; prints `seconds rows alloc_mb rss_growth_mb`."""
    out = Path(args.out)
    if args.child == "export":
        setup_django(args.db_url)
        from django.db import connection

        from tasks.excel.breakdown import write_breakdown

        tasks = first_tasks(args.rows)
        connection.ensure_connection()
        from django.utils import timezone

        at = timezone.make_aware(GENERATED)
        run = lambda: write_breakdown(str(out), tasks, title=args.title, note=args.note, generated_at=at)  # noqa: E731
    else:
        sys.path.insert(0, str(ROOT))
        with open(args.cells, "rb") as fh:
            cells = pickle.load(fh)[: args.rows]
        import xlsxwriter  # noqa: F401  (imported before the clock, as Django is for the export)

        note = f"{args.note}　　导出时间：{GENERATED:%Y-%m-%d %H:%M}"
        run = lambda: write_anchor(out, cells, args.title, note)  # noqa: E731
    rss = peak_rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    count = run()
    elapsed = time.perf_counter() - t0
    alloc = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if args.tracemalloc else 0.0
    print(f"{elapsed:.4f} {count} {alloc:.2f} {peak_rss_mb() - rss:.1f}")


def spawn(kind: str, args, folder: Path, rows: int, *, trace: bool = False) -> tuple[float, int, float, float]:
    cmd = [sys.executable, __file__, "--child", kind, "--rows", str(rows), "--db-url", args.db_url,
           "--out", str(folder / f"{kind}.xlsx"), "--cells", str(folder / "cells.pickle"),
           "--title", args.title, "--note", args.note]
    if trace:
        cmd.append("--tracemalloc")
    line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()
    return float(line[0]), int(line[1]), float(line[2]), float(line[3])


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    # internal: the child processes
    parser.add_argument("--child", choices=["export", "anchor"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--cells", help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--title", default="任务分解表", help=argparse.SUPPRESS)
    parser.add_argument("--note", default="筛选条件：全部", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    ensure_database(args.db_url)
    setup_django(args.db_url)
    ensure_data(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        n = dump_cells(args.rows, folder / "cells.pickle")
        print(f"{n} rows on {args.db_url.split('://')[0]}; the anchor's cells taken once in "
              f"{time.perf_counter() - t0:.1f} s (not timed)")
        times: dict[str, list[float]] = {"export": [], "anchor": []}
        for _ in range(args.runs):  # interleaved: the machine's load falls on both alike
            for kind in times:
                times[kind].append(spawn(kind, args, folder, args.rows)[0])
        same = sheet_xml(folder / "export.xlsx") == sheet_xml(folder / "anchor.xlsx")
        small = max(args.rows // 10, 1)
        mem = {(kind, rows): spawn(kind, args, folder, rows, trace=True)
               for rows in (small, args.rows) for kind in times}
    ex, an = statistics.median(times["export"]), statistics.median(times["anchor"])
    print(f"runs: export {', '.join(f'{t:.2f}' for t in times['export'])} s; "
          f"anchor {', '.join(f'{t:.2f}' for t in times['anchor'])} s; same sheet XML: {'yes' if same else 'NO'}")
    rows = [("figure", "export", "anchor", "ratio", "goal")]
    verdict = ("ok" if ex / an <= TIME_GOAL else "MISSED") if same else "NOT COMPARABLE: the sheets differ"
    rows.append((f"time, {n:,} rows (median of {args.runs})", f"{ex:.2f} s", f"{an:.2f} s", f"{ex / an:.2f}×",
                 f"≤ {TIME_GOAL}× {verdict}"))
    for rows_n in (small, args.rows):
        e, a = mem[("export", rows_n)][2], mem[("anchor", rows_n)][2]
        rows.append((f"peak Python allocations, {rows_n:,} rows", f"{e:.1f} MB", f"{a:.1f} MB", f"{e / a:.2f}×", ""))
    for kind in ("export", "anchor"):
        growth = mem[(kind, args.rows)][2] / mem[(kind, small)][2]
        goal = f"≤ {FLAT_GOAL}× (flat) {'ok' if growth <= FLAT_GOAL else 'MISSED'}" if kind == "export" else ""
        rows.append((f"  {kind}: allocations at {args.rows:,} ÷ at {small:,} rows", "", "", f"{growth:.2f}×", goal))
    e, a = mem[("export", args.rows)][3], mem[("anchor", args.rows)][3]
    rows.append((f"peak RSS growth, {args.rows:,} rows", f"+{e:.0f} MB", f"+{a:.0f} MB", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
