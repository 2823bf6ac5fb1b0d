"""Shared helpers for the importer tests (no database)."""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

from tasks.importers import ParsedItem, ParsedPlan, parse_plan

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
SCHEMA = ROOT / "tasks" / "importers" / "import_plan.schema.json"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@cache
def seed(prefix: str) -> ParsedPlan:
    return parse_plan(seed_path(prefix).read_text(encoding="utf-8"), filename=seed_path(prefix).name)


def by_ref(plan: ParsedPlan, ref: str) -> ParsedItem:
    return next(i for i in plan.walk() if i.ref == ref)


def names(units) -> list[str]:
    return [u.name for u in units]


def dates(item: ParsedItem) -> list[tuple[str, str]]:
    return [(d.date.isoformat(), d.phrase) for d in item.deadlines]


def d(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)


def import_json_problems(doc: dict) -> list[str]:
    """Everything wrong with an ``import_plan --dry-run --json`` object: the schema in the repository
    (tasks/importers/import_plan.schema.json), and what a schema cannot say (leads among the
    responsible units, real calendar dates)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    if problems:
        return problems

    def check(item: dict, where: str) -> None:
        leads = {u["name"] for u in item["lead_units"]}
        if not leads <= {u["name"] for u in item["responsible_units"]}:
            problems.append(f"{where}: a lead unit is not among responsible_units")
        for d in item["deadlines"]:
            try:
                datetime.date.fromisoformat(d["date"])
            except ValueError:
                problems.append(f"{where}: {d['date']} is not a date")
        for k, child in enumerate(item["children"]):
            check(child, f"{where}.children[{k}]")

    for k, item in enumerate(doc["items"]):
        check(item, f"items[{k}]")
    return problems
