"""Parser throughput and corpus score: `.venv/bin/python benchmarks/bench_parse.py [MB] [ROUNDS]`.

1. The seed plans, one by one (best and mean parse time).
2. A generated plan of several megabytes that mixes the shapes real plans take (numbered
   chapters/sections/items, labelled brackets, trailing lead phrases, label lines, inline
   sub-items, a tab table, a one-cell-per-paragraph table, a pipe table): MB/s through
   `parse_plan` (target: ≥ 10 MB/s).
3. The corpus, the seeds and the extra documents under tests/tasks, scored in process with the
   corpus scorer's rules (tests/tasks/scoring.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.importers import parse_plan  # noqa: E402
from tests.tasks.scoring import score_folder  # noqa: E402

_CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return _CN[n - 1] if n <= 10 else "十" + _CN[n - 11] if n < 20 else _CN[n // 10 - 1] + "十" + (_CN[n % 10 - 1] if n % 10 else "")


def generated_plan(megabytes: float) -> str:
    """A plan of about ``megabytes`` MB (UTF-8) in every shape the importer reads."""
    parts = ["2021年某区深化改革工作要点", "某改办〔2021〕3号",
             "各镇街，区级各部门：", "现将工作要点印发给你们，请认真贯彻落实。", "某区改革办", "2021年2月1日", ""]
    target = int(megabytes * 1024 * 1024)
    size, chapter = 0, 0
    while size < target:
        chapter += 1
        block = [f"{_cn(chapter % 99 or 1)}、深化第{chapter}方面改革", ""]
        for s in range(1, 6):
            block.append(f"（{_cn(s)}）推进第{s}项重点工作")
            for k in range(1, 9):
                block.append(
                    f"{k}.推进政务服务事项标准化建设。全面梳理办事事项清单，{k}月底前完成目录编制，"
                    f"持续优化办事流程，压缩办理时限至3个工作日内。【责任单位：区审管办（跑改办）、区数管局、"
                    f"区级有关部门；列第一个单位的均为牵头单位】推动数据共享，年底前实现互通。"
                    f"（区发改局牵头，区财政局、各镇街按职责分工负责）"
                )
            block += [
                "9.深化商事制度改革。(1)全面落实多证合一改革。(区市场监管局牵头负责)(2)完善全程电子化。(区税务局牵头负责)",
                "10.加强监管能力建设。", "牵头单位:区司法局", "责任单位:区政府有关部门,各街道(功能区)",
                "完成时限:2021年12月15日前",
            ]
        block += [
            "序号\t工作任务\t牵头单位\t责任单位\t完成时限",
            *[f"{r}\t建成某平台，完成第{r}批事项接入。\t区数管局\t区财政局、各镇街\t{r % 12 + 1}月底前" for r in range(1, 21)],
            "",
            "序号", "重点工作", "责任领导", "责任单位", "完成时限",
            *[x for r in range(1, 6) for x in (str(r), f"盘活存量土地{r}00亩。", "张三", "区自然资源局", "全年")],
            "",
            "序号 | 目标任务 | 分管领导 | 牵头责任单位 | 责任单位",
            *[f"{r} | 新增托位{r}00个。 | 李四 | 区教育局 | 区卫健局" for r in range(1, 11)],
            "",
        ]
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    return "\n".join(parts)


def main(megabytes: float = 3.0, rounds: int = 3) -> None:
    seeds = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
    print(f"{'seed':<28} {'chars':>7} {'items':>6} {'best ms':>8} {'mean ms':>8}")
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        timings = []
        for _ in range(rounds * 5):
            start = time.perf_counter()
            plan = parse_plan(text)
            timings.append((time.perf_counter() - start) * 1000)
        total = sum(1 for _ in plan.walk())
        print(f"{path.name:<28} {len(text):>7} {total:>6} {min(timings):>8.1f} {sum(timings) / len(timings):>8.1f}")

    text = generated_plan(megabytes)
    mb = len(text.encode("utf-8")) / 1024 / 1024
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        plan = parse_plan(text)
        best = min(best, time.perf_counter() - start)
    items = sum(1 for _ in plan.walk())
    print(f"\ngenerated plan: {mb:.1f} MB, {items} items and sub-items, best {best:.2f} s → {mb / best:.1f} MB/s")

    here = ROOT / "tests" / "tasks"
    print()
    for name, truth, docs in (("corpus", here / "corpus" / "truth", here / "corpus" / "docs"),
                              ("seeds", here / "seeds_truth", ROOT / "fixtures" / "seeds"),
                              ("extra", here / "extra" / "truth", here / "extra" / "docs")):
        print(f"{name:<7} {score_folder(truth, docs).lines[-1]}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
