"""Plan importer, parsing half: text in, plain dataclasses out (no database, no models).

Public API
----------
``read_document(data: bytes, filename: str) -> str``
    Bytes of an uploaded file (``.txt``, ``.docx``, or no extension for pasted text) →
    text. Text is UTF-8 (BOM or not) or GBK/GB18030; Word files give paragraphs and tables
    in body order, one tab-separated line per table row. Raises `ImportFailure` (Chinese
    message) for an empty file, a binary/image file, another extension, or over 10 MB.

``parse_plan(text, *, year=None, filename="", aliases=None, undated=False) -> ParsedPlan``
    ``year`` overrides the plan year (else read from the document: title, 文号, heading,
    item dates, issue date, cited 文号, page date — `years.py`; each fallback adds a warning).
    No year anywhere and a date that needs one (`6月底前`): raises `YearNeeded` (an
    `ImportFailure` whose message asks for the year) — or, with ``undated`` (a preview: the
    command's ``--dry-run``), leaves those dates unresolved and says so in a warning. ``aliases`` maps
    as-written unit names to canonical ones (from the database); it extends/overrides
    `DEFAULT_ALIASES` + `KNOWN_UNITS`. Raises ``ImportFailure("未识别出任何工作任务…")``.

``ParsedPlan.to_json_dict()``
    exactly the ``import_plan --dry-run --json`` shape (JSON Schema: ``import_plan.schema.json``):
    ``{"plan": {title, issuer, doc_number, issued_on, year}, "items": [ITEM], "warnings": [str],
    "skipped": [{line, text}]}`` — ``skipped``: paragraphs that look like tasks but were read as none.

What it reads (one module each)
-------------------------------
* ``text.py`` cleaning and page-break joining; ``layout.py`` tables pasted without tabs (pipe
  cells, one cell per paragraph, space-separated rows, rows glued by a preview) → tab rows, and
  labels inline after the item text; ``tables.py`` tab tables (header synonyms, person and
  progress columns, merged and wrapped cells); ``docx.py`` Word (list numbering rebuilt, text
  boxes ignored, merged cells).
* ``structure.py`` chapters/sections/items, the covering notice (never tasks), skipped sections;
  ``subitems.py`` inline ``(1)…(2)…``; ``labels.py`` the label words (牵头/责任/person/date/progress)
  and stated lead rules; ``annotations.py`` bracket forms; ``units.py`` unit lists;
  ``dates.py`` date phrases; ``years.py`` the plan's year.

Dataclasses (`model.py`): `ParsedPlan(meta, items, warnings, unknown_units, filename)`,
`PlanMeta(title, issuer, doc_number, issued_on, year, year_source, title_markers)`,
`ParsedItem(number, source, section, title, text, ref, line, lead_units, responsible_units,
deadlines, unresolved, children, category, indicator, target)`,
`UnitRef(name, as_written, kind, level, known)`, `Deadline(date, phrase, what, recurring)`.

Choices a caller should know
----------------------------
* ``number`` is the numeral as printed without punctuation: "17" for ``17．``, "七" for
  ``(七)``, the 序号 for table rows. Table rows have source "table" when the plan also has text
  items (004's appendix); a plan whose only list is a table has its rows as items (source "text"). 001's unnumbered 职责分工 paragraphs have number "";
  ``ref`` is always unique in the plan ("二.一.1", "二.R3" for the 3rd unnumbered paragraph
  of chapter 二, "T17" for table row 17, "<parent ref>-2" for the 2nd sub-task).
* An item with several responsibility annotations (000 `【责任单位：…】`, 004 `。(…)`) gets
  one child per annotation; the parent's units and deadlines are the union, printed order.
  Children are numbered "<parent number>-<i>".
* ``responsible_units`` lists every unit named for the item, leads included. In a table,
  every unit of the 牵头单位 column leads.
* Recurring phrases (``每季度``) give one `Deadline` per quarter end, ``recurring=True``.
* Table rows: ``section`` = table title / 类别 / 指标名称; 类别/指标名称/目标任务 also in
  ``category``/``indicator``/``target``.
"""

from .docx import docx_to_text
from .errors import ImportFailure
from .model import Deadline, ParsedItem, ParsedPlan, PlanMeta, UnitRef
from .plan import no_lead_warning, parse_plan
from .read import MAX_BYTES, read_document
from .units import DEFAULT_ALIASES, KNOWN_UNITS, AliasTable
from .years import YearNeeded

__all__ = [
    "DEFAULT_ALIASES",
    "KNOWN_UNITS",
    "MAX_BYTES",
    "AliasTable",
    "Deadline",
    "ImportFailure",
    "ParsedItem",
    "ParsedPlan",
    "PlanMeta",
    "UnitRef",
    "YearNeeded",
    "docx_to_text",
    "no_lead_warning",
    "parse_plan",
    "read_document",
]
