"""The corpus scorer's rules (the project's shared `score_import.py`), run in process.

The tests must not depend on files outside the repository, so the scoring rules live here
too. ``score_folder(truth_dir, docs_dir)`` parses every ``docs_dir/<doc>`` named by a
``truth_dir/*.json`` answer file with `parse_plan` (no database: the default alias table)
and returns per-document and overall F1 of items, units, lead units and deadlines.

Run it by hand (faster than the shared scorer, which starts ``manage.py`` per document):

    .venv/bin/python -m tests.tasks.scoring tests/tasks/corpus/truth tests/tasks/corpus/docs -v
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def norm_text(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    return re.sub(r"\s+", "", s)


def unit_keys(u):
    """All the keys one unit may be matched by: as written, canonical, alias-stripped."""
    if isinstance(u, dict):
        names = [u.get("as_written"), u.get("name")] + list(u.get("aliases") or [])
    else:
        names = [u]
    keys = set()
    for n in names:
        if not n:
            continue
        t = norm_text(n)
        for k in (t, re.sub(r"\([^()]*\)", "", t)):
            keys.add(k)
            keys.add(re.sub(r"等(有关)?(部门|单位)?$", "", k))
    return {k for k in keys if k}


def num_key(n, source):
    t = norm_text(str(n))
    t = re.sub(r"^第", "", t)
    t = t.strip("()、.．:：条 ")
    if source == "table" and not t.startswith("T"):
        t = "T" + t
    return t


def bigrams(s):
    s = norm_text(s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def dice(a, b):
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def flatten(item):
    units, leads, dates = [], [], set()
    stack = [item]
    while stack:
        it = stack.pop()
        units += it.get("responsible_units") or []
        leads += it.get("lead_units") or []
        for d in it.get("deadlines") or []:
            dates.add(d["date"] if isinstance(d, dict) else d)
        stack += it.get("children") or []
    units += leads
    return units, leads, dates


def match_units(truth_units, out_units):
    out_keys = [unit_keys(u) for u in out_units]
    uniq = []
    for k in out_keys:
        if not any(k & o for o in uniq):
            uniq.append(k)
    used = set()
    tp = 0
    seen_truth = []
    for t in truth_units:
        tk = unit_keys(t)
        if any(tk & s for s in seen_truth):
            continue
        seen_truth.append(tk)
        for i, ok in enumerate(uniq):
            if i not in used and tk & ok:
                used.add(i)
                tp += 1
                break
    return tp, len(uniq) - len(used), len(seen_truth) - tp


def f1(tp, fp, fn):
    if tp == 0:
        return 0.0 if (fp or fn) else 1.0
    p, r = tp / (tp + fp), tp / (tp + fn)
    return 2 * p * r / (p + r)


def score_doc(truth, out, report: Callable[[str], None] | None = None):
    titems = truth["items"]
    oitems = out.get("items") or []
    pairs = []
    for i, t in enumerate(titems):
        tn = t["number"]
        tk = num_key(tn, "table" if str(tn).startswith("T") else "text")
        tb = bigrams(t.get("title", ""))
        tunits = t.get("responsible_units") or []
        for j, o in enumerate(oitems):
            ok = num_key(o.get("number", ""), o.get("source", "text"))
            sec = re.findall(r"\(([一二三四五六七八九十]+)\)", norm_text(o.get("section") or ""))
            alt = num_key(f"({sec[-1]}){ok}", "text") if sec else None
            same_num = 1.0 if tk in (ok, alt) else 0.0
            otxt = (o.get("title") or "") + (o.get("text") or "")[: max(len(t.get("title", "")) + 20, 40)]
            sim = max(dice(tb, bigrams(o.get("title") or "")), dice(tb, bigrams(otxt))) if tb else 0.0
            ou, _, od = flatten(o)
            tp, fp, fn = match_units(tunits, ou)
            uj = tp / (tp + fp + fn) if (tp + fp + fn) else 1.0
            dj = len(set(t["deadlines"]) & od) / len(set(t["deadlines"]) | od) if (t["deadlines"] or od) else 1.0
            score = 0.6 * same_num + 0.5 * sim + 0.2 * uj + 0.1 * dj
            if score >= 0.5:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    ti_used, oj_used, matched = set(), set(), []
    for _s, i, j in pairs:
        if i in ti_used or j in oj_used:
            continue
        ti_used.add(i)
        oj_used.add(j)
        matched.append((i, j))
    c = {"u": [0, 0, 0], "l": [0, 0, 0], "d": [0, 0, 0]}
    for i, j in matched:
        t, o = titems[i], oitems[j]
        ou, ol, od = flatten(o)
        for k, tt, oo in (("u", t.get("responsible_units") or [], ou), ("l", t.get("lead_units") or [], ol)):
            if k == "l" and not tt:
                continue
            tp, fp, fn = match_units(tt, oo)
            if report and (fp or fn):
                report(f"    item {t['number']}: {k} truth {tt} got {[x.get('as_written') for x in oo]}")
            c[k] = [c[k][0] + tp, c[k][1] + fp, c[k][2] + fn]
        td = set(t["deadlines"])
        c["d"] = [c["d"][0] + len(td & od), c["d"][1] + len(od - td), c["d"][2] + len(td - od)]
        if report and td != od:
            report(f"    item {t['number']}: deadlines truth {sorted(td)} got {sorted(od)}")
    for i, t in enumerate(titems):
        if i not in ti_used:
            c["u"][2] += len(t.get("responsible_units") or [])
            c["l"][2] += len(t.get("lead_units") or [])
            c["d"][2] += len(t["deadlines"])
            if report:
                report(f"    missed item {t['number']} {t.get('title', '')[:30]}")
    if report:
        for j, o in enumerate(oitems):
            if j not in oj_used:
                report(f"    extra item {o.get('number')} {(o.get('title') or '')[:30]}")
    items = (len(matched), len(oitems) - len(matched), len(titems) - len(matched))
    return items, c


@dataclass
class FolderScore:
    items: float
    units: float
    leads: float
    deadlines: float
    lines: list[str]

    def minimum(self) -> float:
        return min(self.items, self.units, self.leads, self.deadlines)


def parse_to_json(path: Path) -> dict:
    from tasks.importers import ImportFailure, parse_plan, read_document

    try:
        text = read_document(path.read_bytes(), path.name)
        return parse_plan(text, filename=path.name, undated=True).to_json_dict()  # as import_plan --dry-run
    except ImportFailure:
        return {"items": []}


def score_folder(truth_dir, docs_dir, *, parse: Callable[[Path], dict] = parse_to_json, verbose=False,
                 doc_name: Callable[[str], str] = lambda name: name) -> FolderScore:
    tot = {"i": [0, 0, 0], "u": [0, 0, 0], "l": [0, 0, 0], "d": [0, 0, 0]}
    lines: list[str] = []
    for tf in sorted(Path(truth_dir).glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        out = parse(Path(docs_dir) / doc_name(truth["doc"]))
        detail: list[str] = []
        items, c = score_doc(truth, out, detail.append if verbose else None)
        tot["i"] = [a + b for a, b in zip(tot["i"], items, strict=True)]
        for k in "uld":
            tot[k] = [a + b for a, b in zip(tot[k], c[k], strict=True)]
        lines.append(
            f"{truth['doc']}: items {items[0]}/{len(truth['items'])} (+{items[1]} extra) "
            f"items F1 {f1(*items):.2f} units F1 {f1(*c['u']):.2f} leads F1 {f1(*c['l']):.2f} "
            f"deadlines F1 {f1(*c['d']):.2f}"
        )
        lines += detail
    s = {k: f1(*tot[k]) for k in "iuld"}
    lines.append(f"items F1 {s['i']:.3f} · units F1 {s['u']:.3f} · leads F1 {s['l']:.3f} · deadlines F1 {s['d']:.3f}")
    return FolderScore(s["i"], s["u"], s["l"], s["d"], lines)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    result = score_folder(args[0], args[1], verbose=verbose)
    print("\n".join(result.lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
