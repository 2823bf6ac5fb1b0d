"""The parser's whole output, pinned: every corpus, extra and seed document (as text, with the
year given, and the seeds as Word files), all of them glued into one long document, and a
generated plan in every shape, each compared with a snapshot under tests/tasks/parser_golden/.

The snapshots hold every field of the parsed dataclasses (units' kind/level/known, deadlines'
``what``/``recurring``, refs, lines, skipped paragraphs, the meta's year source …), not only the
``--json`` shape, plus every date phrase `find_dates` reads in each line of those documents.
A speed-up must leave all of it unchanged. When a change of behaviour is meant, record again:

    .venv/bin/python -m tests.tasks.test_parser_golden
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
from pathlib import Path

import pytest

from tasks.importers import ImportFailure, parse_plan, read_document
from tasks.importers.dates import find_dates, looks_like_date_cell, parse_date_cell
from tests.tasks.docx_helpers import text_to_docx
from tests.tasks.importer_helpers import SEEDS

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "parser_golden"
FOLDERS = {"corpus": HERE / "corpus" / "docs", "extra": HERE / "extra" / "docs", "seeds": SEEDS}
YEAR_GIVEN = 2030


def _documents() -> list[tuple[str, Path]]:
    return [(f"{group}/{p.name}", p) for group, folder in FOLDERS.items() for p in sorted(folder.glob("*.txt"))]


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _outcome(parse) -> dict:
    try:
        plan = parse()
    except ImportFailure as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"json": plan.to_json_dict(), "full": _plain(dataclasses.asdict(plan))}


def _date_lines(text: str) -> list:
    """Every line with a date phrase: find_dates' hits, and the line read as a table cell."""
    out = []
    for no, line in enumerate(text.split("\n"), start=1):
        hits = find_dates(line, 2021)
        if hits or looks_like_date_cell(line):
            cell = parse_date_cell(line, 2021)
            out.append([no, [_plain(dataclasses.asdict(h)) for h in hits], looks_like_date_cell(line),
                        _plain(dataclasses.asdict(cell)) if cell else None])
    return out


def _snapshot_of(key: str, path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    snap = {
        "text": _outcome(lambda: parse_plan(text, filename=path.name)),
        "year_given": _outcome(lambda: parse_plan(text, year=YEAR_GIVEN, filename=path.name)),
        "dates": _date_lines(text),
    }
    if key.startswith("seeds/"):
        snap["word"] = _outcome(lambda: parse_plan(read_document(text_to_docx(text), path.stem + ".docx")))
    return snap


def _glued_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for _, p in _documents())


def _inputs() -> list[tuple[str, object]]:
    """(snapshot name, how to compute it)."""
    out: list[tuple[str, object]] = [(key, lambda key=key, p=p: _snapshot_of(key, p)) for key, p in _documents()]
    out.append(("glued", lambda: {"text": _outcome(lambda: parse_plan(_glued_text()))}))
    generated = GOLDEN / "generated_plan.txt"
    out.append(("generated", lambda: {"text": _outcome(lambda: parse_plan(generated.read_text(encoding="utf-8")))}))
    return out


def _path(name: str) -> Path:
    return GOLDEN / (name.replace("/", "__").removesuffix(".txt") + ".json")


INPUTS = _inputs()


@pytest.mark.parametrize(("name", "compute"), INPUTS, ids=[n for n, _ in INPUTS])
def test_parser_output_matches_its_snapshot(name, compute):
    expected = json.loads(_path(name).read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(compute(), ensure_ascii=False))
    for part in expected:  # one part at a time: a failure names the part that moved
        assert actual[part] == expected[part], f"{name}: {part}"
    assert actual.keys() == expected.keys()


def test_every_document_has_a_snapshot():
    assert {_path(n).name for n, _ in INPUTS} == {p.name for p in GOLDEN.glob("*.json")}


def record() -> None:
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for name, compute in INPUTS:
        _path(name).write_text(json.dumps(compute(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("recorded", _path(name).relative_to(HERE))


if __name__ == "__main__":
    sys.exit(record())
