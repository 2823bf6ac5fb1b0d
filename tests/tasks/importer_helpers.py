"""Shared helpers for the importer tests (no database)."""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

from tasks.importers import ParsedItem, ParsedPlan, parse_plan

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
CHECKER = ROOT.parent / "shared" / "tools" / "check_import_json.py"


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
