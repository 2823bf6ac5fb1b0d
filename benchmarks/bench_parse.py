"""Parser throughput beside its floor: `.venv/bin/python benchmarks/bench_parse.py [MB] [ROUNDS]`.

The parser (`read_document` + `parse_plan`, bytes in, `ParsedPlan` out) against the floor: reading
the same bytes and regex-splitting them into lines and numbered items (`一、`, `（一）`, `1.`),
timed interleaved round by round, best of ROUNDS each. The parser as the product runs it: compiled
by mypyc (setup.py), which the first line says. Goal (issue 15): the parser at
≥ 10 MB/s, or within 10× the floor. Times are the process's CPU time, so that what the other
processes of a shared machine run meanwhile does not count (both sides are single-threaded).

1. The seed plans, one by one (best and mean parse time).
2. Every corpus, extra and seed document, each parsed on its own as an office imports it,
   the whole set repeated to about MB megabytes; the parser's caches are emptied before each
   document (outside the timing), so a repeat is parsed as cold as the first time.
3. A generated plan of MB megabytes that mixes the shapes real plans take (numbered
   chapters/sections/items, labelled brackets, trailing lead phrases, label lines, inline
   sub-items, a tab table, a one-cell-per-paragraph table, a pipe table); no two items alike, so
   nothing is read twice. Then the same plan at half the size: time should halve (linear).
4. The corpus, the seeds and the extra documents under tests/tasks, scored in process with the
   corpus scorer's rules (tests/tasks/scoring.py).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tasks.importers  # noqa: E402
from tasks.importers import ImportFailure, compiled, parse_plan, read_document  # noqa: E402
from tests.tasks.scoring import score_folder  # noqa: E402

_CN = "一二三四五六七八九十"
GOAL_MBS, GOAL_RATIO = 10.0, 10.0
# the floor's item split: a line that starts with a chapter, section or item number
_ITEM_RE = re.compile(r"\n(?=[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,3}[.．、]))")
_VERBS = ["推进", "深化", "完善", "健全", "落实", "优化", "加快", "强化", "探索", "建立", "扩大"]
_WORKS = ["政务服务事项标准化建设", "营商环境综合改革", "数字化改革应用场景", "投资项目审批制度改革",
          "基层治理体系建设", "公共数据平台建设", "医疗保障制度改革", "乡村振兴示范带建设",
          "工程建设项目审批", "社会信用体系建设", "国有企业混合所有制改革", "教育评价体系改革", "生态环境监管"]
_UNITS = ["区发改局", "区财政局", "区数管局", "区教育局", "区卫健局", "区市场监管局", "区司法局", "区税务局",
          "区自然资源局", "区住建局", "区农业农村局", "区人力社保局", "区民政局", "区商务局"]


def _cn(n: int) -> str:
    return _CN[n - 1] if n <= 10 else "十" + _CN[n - 11] if n < 20 else _CN[n // 10 - 1] + "十" + (_CN[n % 10 - 1] if n % 10 else "")


def _pick(seq: list[str], n: int) -> str:
    return seq[n % len(seq)]


def generated_plan(megabytes: float) -> str:
    """A plan of about ``megabytes`` MB (UTF-8) in every shape the importer reads, no two items alike."""
    parts = ["2021年某区深化改革工作要点", "某改办〔2021〕3号",
             "各镇街，区级各部门：", "现将工作要点印发给你们，请认真贯彻落实。", "某区改革办", "2021年2月1日", ""]
    target = int(megabytes * 1024 * 1024)
    size, chapter, n = 0, 0, 0
    while size < target:
        chapter += 1
        block = [f"{_cn(chapter % 99 or 1)}、深化第{chapter}方面改革", ""]
        for s in range(1, 6):
            block.append(f"（{_cn(s)}）{_pick(_VERBS, chapter + s)}第{chapter}-{s}项重点工作")
            for k in range(1, 9):
                n += 1
                lead, other, third = _pick(_UNITS, n), _pick(_UNITS, n * 3 + 1), _pick(_UNITS, n * 5 + 2)
                block.append(
                    f"{k}.{_pick(_VERBS, n)}{_pick(_WORKS, n * 7)}。全面梳理第{n}批办事事项清单，{n % 12 + 1}月底前完成"
                    f"目录编制，持续优化办事流程，压缩办理时限至{n % 5 + 2}个工作日内。【责任单位：{lead}、{other}、"
                    f"区级有关部门；列第一个单位的均为牵头单位】推动{_pick(_WORKS, n * 11)}数据共享，"
                    f"{'年底前' if n % 3 else f'{n % 4 + 1}季度末'}实现互通。（{third}牵头，{lead}、各镇街按职责分工负责）"
                )
            n += 1
            block += [
                f"9.{_pick(_VERBS, n)}{_pick(_WORKS, n)}。(1)全面落实第{n}批多证合一改革。({_pick(_UNITS, n)}牵头负责)"
                f"(2)完善第{n}批全程电子化。({_pick(_UNITS, n + 5)}牵头负责)",
                f"10.加强第{n}项监管能力建设。", f"牵头单位:{_pick(_UNITS, n + 2)}", "责任单位:区政府有关部门,各街道(功能区)",
                f"完成时限:2021年{n % 12 + 1}月{n % 28 + 1}日前",
            ]
        block += [
            "序号\t工作任务\t牵头单位\t责任单位\t完成时限",
            *[f"{r}\t建成第{chapter}-{r}号{_pick(_WORKS, chapter + r)}平台，完成第{r}批事项接入。\t{_pick(_UNITS, chapter + r)}"
              f"\t区财政局、各镇街\t{(chapter + r) % 12 + 1}月底前" for r in range(1, 21)],
            "",
            "序号", "重点工作", "责任领导", "责任单位", "完成时限",
            *[x for r in range(1, 6) for x in (str(r), f"盘活存量土地{chapter * 10 + r}00亩。", "张三",
                                                _pick(_UNITS, chapter * 2 + r), "全年")],
            "",
            "序号 | 目标任务 | 分管领导 | 牵头责任单位 | 责任单位",
            *[f"{r} | 新增托位{chapter * 10 + r}00个。 | 李四 | {_pick(_UNITS, chapter + 3 * r)} | 区卫健局" for r in range(1, 11)],
            "",
        ]
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    return "\n".join(parts)


def documents() -> list[Path]:
    here = ROOT / "tests" / "tasks"
    return [p for folder in (here / "corpus" / "docs", here / "extra" / "docs", ROOT / "fixtures" / "seeds")
            for p in sorted(folder.glob("*.txt"))]


def parse(data: bytes) -> None:
    try:
        parse_plan(read_document(data, "plan.txt"))
    except ImportFailure:
        pass  # the negative documents (a 政策解读, a bare notice) are refused: that is their parse


def floor(data: bytes) -> None:
    text = data.decode("utf-8")
    for part in _ITEM_RE.split(text):
        part.split("\n")


def _caches() -> list:
    """Every memoised function of the parser's modules (unit keys, bracket groups, split lists …)."""
    found = []
    for info in pkgutil.iter_modules(tasks.importers.__path__, "tasks.importers."):
        module = importlib.import_module(info.name)
        found += [f for f in vars(module).values() if callable(getattr(f, "cache_clear", None))]
    return found


def side_by_side(blobs: list[bytes], rounds: int) -> tuple[float, float]:
    """Best CPU seconds of the parser and of the floor over all ``blobs``, interleaved round by round;
    the parser's caches emptied before each blob, outside the timing."""
    caches = _caches()
    best = {parse: float("inf"), floor: float("inf")}
    for _ in range(rounds):
        for fn in (parse, floor):
            total = 0.0
            for data in blobs:
                for f in caches:
                    f.cache_clear()
                start = time.process_time()
                fn(data)
                total += time.process_time() - start
            best[fn] = min(best[fn], total)
    return best[parse], best[floor]


def report(label: str, blobs: list[bytes], rounds: int) -> None:
    mb = sum(len(b) for b in blobs) / 1024 / 1024
    t_parse, t_floor = side_by_side(blobs, rounds)
    ratio = t_parse / t_floor
    ok = mb / t_parse >= GOAL_MBS or ratio <= GOAL_RATIO
    print(f"{label:<34} {mb:5.1f} MB  parser {mb / t_parse:5.1f} MB/s ({t_parse:.2f} s) | floor {mb / t_floor:6.1f} MB/s"
          f" | {ratio:5.1f}× | goal ≥{GOAL_MBS:.0f} MB/s or ≤{GOAL_RATIO:.0f}× {'met' if ok else 'NOT MET'}")


def main(megabytes: float = 5.0, rounds: int = 3) -> None:
    print(compiled.describe(), "(`make native` compiles it in a checkout)")
    seeds = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
    print(f"{'seed':<28} {'chars':>7} {'items':>6} {'best ms':>8} {'mean ms':>8}")
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        timings: list[float] = []
        for _ in range(rounds * 5):
            start = time.perf_counter()
            plan = parse_plan(text)
            timings.append((time.perf_counter() - start) * 1000)
        total = sum(1 for _ in plan.walk())
        print(f"{path.name:<28} {len(text):>7} {total:>6} {min(timings):>8.1f} {sum(timings) / len(timings):>8.1f}")

    print()
    docs = [p.read_bytes() for p in documents()]
    times = max(1, round(megabytes * 1024 * 1024 / sum(len(d) for d in docs)))
    report(f"{len(docs)} documents ×{times}, one by one", docs * times, rounds)

    plan: Callable[[float], bytes] = lambda mb: generated_plan(mb).encode("utf-8")  # noqa: E731
    big, half = plan(megabytes), plan(megabytes / 2)
    items = sum(1 for _ in parse_plan(big.decode("utf-8")).walk())
    report(f"generated plan ({items} items)", [big], rounds)
    report("generated plan, half the size", [half], rounds)
    best = {big: float("inf"), half: float("inf")}
    for _ in range(rounds):  # the two sizes interleaved, so that both meet the same load
        for data in (big, half):
            start = time.process_time()
            parse(data)
            best[data] = min(best[data], time.process_time() - start)
    print(f"linear: size ×{len(big) / len(half):.2f} → time ×{best[big] / best[half]:.2f} (interleaved)")

    here = ROOT / "tests" / "tasks"
    print()
    for name, truth, folder in (("corpus", here / "corpus" / "truth", here / "corpus" / "docs"),
                                ("seeds", here / "seeds_truth", ROOT / "fixtures" / "seeds"),
                                ("extra", here / "extra" / "truth", here / "extra" / "docs")):
        print(f"{name:<7} {score_folder(truth, folder).lines[-1]}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
