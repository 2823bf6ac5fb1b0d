"""Inline sub-items: `1.深化商事制度改革。(1)全面落实…。(A牵头负责)(2)完善…。(A牵头负责)` in one paragraph.

`inline_subitems(text)` finds `(1)`, `(2)` … numbered consecutively from 1, each at the start of
the text or after the end of a sentence or of a bracket. The plan builder then either
* turns a paragraph that is only a heading before `(1)` into a section whose sub-items are the
  items (as a `（一）` section with numbered items is), or
* keeps the paragraph as the item and makes each sub-item a child (sub-task).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPENER_RE = re.compile(r"[（(【〔\[]")

# (the look-ahead: a mark starts with a space or its bracket; the engine skips every other character)
_MARK_RE = re.compile(r"(?=[\s（(])(?:^|(?<=[。；;：:）)】〕\]\n！？]))\s*[（(]\s*(\d{1,2})\s*[）)](?=[^\d）)])")
_HEAD_MAX = 40
# what every mark has, found by a scan that skips to the brackets: most texts have no sub-items
_ANY_MARK_RE = re.compile(r"[（(]\s*\d{1,2}\s*[）)]")


@dataclass
class SubItem:
    number: str
    start: int  # where its text starts (after the marker)
    end: int


def _any_mark(text: str) -> bool:
    """`_ANY_MARK_RE.search(text)`, tried only at the text's brackets (found by str's own search,
    cheaper than the pattern's test of every character against its opening class)."""
    for bracket in "（(":
        k = text.find(bracket)
        while k != -1:
            if _ANY_MARK_RE.match(text, k):
                return True
            k = text.find(bracket, k + 1)
    return False


def inline_subitems(text: str) -> tuple[str, list[SubItem]]:
    """(the text before the first sub-item, the sub-items) — no sub-items unless there are two or more."""
    if not _any_mark(text):
        return text, []
    marks: list[re.Match] = []
    expected = 1
    for m in _MARK_RE.finditer(text):
        if int(m.group(1)) == expected:
            marks.append(m)
            expected += 1
    if len(marks) < 2:
        return text, []
    subs = [
        SubItem(m.group(1), m.end(), marks[k + 1].start() if k + 1 < len(marks) else len(text))
        for k, m in enumerate(marks)
    ]
    return text[: marks[0].start()], subs


def is_heading_only(head: str) -> bool:
    """Only a short title before `(1)`: `深化商事制度改革。`."""
    head = head.strip()
    return 0 < len(head) <= _HEAD_MAX and "。" not in head.rstrip("。") and not _OPENER_RE.search(head)
