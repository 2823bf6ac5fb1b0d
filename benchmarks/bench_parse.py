"""Print the parse time per seed plan: `.venv/bin/python benchmarks/bench_parse.py [ROUNDS]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.importers import parse_plan  # noqa: E402


def main(rounds: int = 20) -> None:
    seeds = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
    print(f"{'seed':<28} {'chars':>7} {'items':>6} {'best ms':>8} {'mean ms':>8}")
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            plan = parse_plan(text)
            timings.append((time.perf_counter() - start) * 1000)
        total = sum(1 for _ in plan.walk())
        print(f"{path.name:<28} {len(text):>7} {total:>6} {min(timings):>8.1f} {sum(timings) / rounds:>8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
