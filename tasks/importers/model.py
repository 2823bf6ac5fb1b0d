"""Plain dataclasses produced by the plan parser (no Django, no database).

`ParsedPlan.to_json_dict()` gives the public JSON of ``import_plan --dry-run --json``;
the extra fields (``kind``, ``level``, ``known``, ``what``, ``recurring``, ``category`` …)
are for the DB writer and the review UI.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

# Unit kinds and levels are plain strings so the DB writer can map them onto its own choices.
KIND_DEPARTMENT = "department"
KIND_TOWN = "town"  # 镇街
KIND_ENTERPRISE = "enterprise"
KIND_COLLECTIVE = "collective"


@dataclass
class UnitRef:
    """One unit named for an item."""

    name: str  # canonical name (after the alias table)
    as_written: str  # as printed, whitespace removed
    kind: str = KIND_DEPARTMENT  # department / town / enterprise / collective
    level: str | None = None  # province / city / district / county / town, from the prefix
    known: bool = False  # found in the alias table (or its canonical names)

    def to_json_dict(self) -> dict:
        return {"name": self.name, "as_written": self.as_written}


@dataclass
class Deadline:
    """A due date (时间节点) and the phrase it came from."""

    date: datetime.date
    phrase: str
    what: str = ""  # what is due by then (the clause around the phrase), may be empty
    recurring: bool = False  # True for expanded phrases like 每季度 (one Deadline per occurrence)

    def to_json_dict(self) -> dict:
        return {"date": self.date.isoformat(), "phrase": self.phrase}


@dataclass
class ParsedItem:
    """A work item (工作任务) or sub-task; appendix-table rows are items with source="table"."""

    number: str  # numeral as printed without punctuation ("17" for "17．", "七" for "(七)"), "" if none
    source: str  # "text" or "table"
    section: str  # heading path, e.g. "二、工作内容 / （一）提升政务服务能级"
    title: str
    text: str
    ref: str = ""  # unique within the plan: "二.一.1", "二.R3", "T17", children "<parent>-2"
    line: int = 0  # 1-based line of the item in the decoded text (0 if unknown)
    lead_units: list[UnitRef] = field(default_factory=list)
    responsible_units: list[UnitRef] = field(default_factory=list)  # leads included, printed order
    deadlines: list[Deadline] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # date phrases nobody could resolve
    children: list[ParsedItem] = field(default_factory=list)
    category: str = ""  # 类别 (table rows)
    indicator: str = ""  # 指标名称 (table rows)
    target: str = ""  # 目标任务 (table rows)

    def to_json_dict(self) -> dict:
        return {
            "number": self.number,
            "source": self.source,
            "section": self.section,
            "title": self.title,
            "text": self.text,
            "lead_units": [u.to_json_dict() for u in self.lead_units],
            "responsible_units": [u.to_json_dict() for u in self.responsible_units],
            "deadlines": [d.to_json_dict() for d in self.deadlines],
            "unresolved": list(self.unresolved),
            "children": [c.to_json_dict() for c in self.children],
        }

    def walk(self) -> Iterator[ParsedItem]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class PlanMeta:
    title: str = ""
    issuer: str | None = None
    doc_number: str | None = None  # 文号, e.g. 杭改办〔2019〕1号
    issued_on: datetime.date | None = None
    year: int = 0
    year_source: str = ""  # "override", "title", "dates", "issue_date" or "today"
    title_markers: list[str] = field(default_factory=list)  # e.g. ["(再次征求意见稿)"]

    def to_json_dict(self) -> dict:
        return {
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "year": self.year,
        }


@dataclass
class ParsedPlan:
    meta: PlanMeta
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)  # canonical names not in the alias table
    filename: str = ""
    # paragraphs that look like tasks (numbered, or naming a unit) but were read as no item: (line, text)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def to_json_dict(self) -> dict:
        return {
            "plan": self.meta.to_json_dict(),
            "items": [i.to_json_dict() for i in self.items],
            "warnings": list(self.warnings),
            "skipped": [{"line": line, "text": text} for line, text in self.skipped],
        }

    def walk(self) -> Iterator[ParsedItem]:
        """Every item and sub-task, depth first, in document order."""
        for item in self.items:
            yield from item.walk()
