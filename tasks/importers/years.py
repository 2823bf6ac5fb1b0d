"""The plan's year, read from the document — never today's year silently.

Sources, first found wins (`YEAR_SOURCES`):
  title       the title (`2019年…工作要点`)
  doc_number  the plan's own 文号 (`杭改办〔2019〕1号`)
  heading     a heading-like line of the head with a year (`2024年《政府工作报告》…分解表`)
  dates       the earliest explicit year of an item's date (`2017年6月`)
  issue_date  the issue date under the covering notice
  notice      a 文号 named in the head (`(昆政发〔2016〕13号)`, the plan's or the one it implements)
  page        a date of the head: `2019年1月16日`, the page's `发布日期:2018-07-09`
  preamble    a year the head's prose gives the plan (`…研究制定2022年工作要点`, `制定2023年重点工作任务清单`)
  inferred    a year the text calls past (`对2020年已达标的…` → 2021)
  mentioned   the year the items write most often (`2021年是…`, `到2021年…`)
Without any of them the year is unknown: `YearNeeded` when some date depends on it
(`6月底前`), else today's year with a warning (no date uses it).
"""

from __future__ import annotations

import re

from .errors import ImportFailure

YEAR_SOURCES = (
    "override", "title", "doc_number", "heading", "dates", "issue_date", "notice", "page", "preamble", "inferred",
    "mentioned",
)

_YEAR_IN_TEXT_RE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_DOCNUM_YEAR_RE = re.compile(r"[〔\[［(（【]\s*((?:19|20)\d{2})\s*[〕\]］)）】]\s*\d+\s*号")
_FULL_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_PAGE_DATE_RE = re.compile(r"(?:发布|发文|印发|成文|更新)(?:日期|时间)[\s:：|]{0,4}((?:19|20)\d{2})[-/.年]\d{1,2}")
_PAST_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:已|以前|之前|底已|末已)")
_SENTENCE_RE = re.compile(r"[。，,；;：:！？]")
# a year given to a plan of the kinds imported here, in prose: 研究制定2022年工作要点, 2023年重点工作任务清单如下
_PLAN_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年度?[^。；;，,《》]{0,20}?(?:工作要点|实施方案|工作方案|行动方案|工作计划|"
                           r"行动计划|重点工作|任务清单|责任分解|任务分解|民生实事)"
                           # the year's goals stated first: `2022年合肥新站高新区,全区经济社会发展的奋斗目标是:`
                           r"|((?:19|20)\d{2})\s*年[^。；;《》]{0,30}?(?:奋斗目标|主要预期目标|预期目标|发展目标|总体要求)")


class YearNeeded(ImportFailure):  # noqa: N818 — an ImportFailure the caller may answer with a year
    """No year anywhere in the document, and some of its dates need one."""


def head_years(head: list[str]) -> dict[str, int]:
    """Year evidence from the lines before the first item: {source: year}."""
    found: dict[str, int] = {}
    notice_years: list[int] = []
    for line in head:
        t = line.strip()
        if not t:
            continue
        if "heading" not in found and len(t) <= 60 and not _SENTENCE_RE.search(t) and not _FULL_DATE_RE.search(t):
            if m := _YEAR_IN_TEXT_RE.search(t):
                found["heading"] = int(m.group(1))
        notice_years += [int(y) for y in _DOCNUM_YEAR_RE.findall(t)]
        if "page" not in found and (m := _FULL_DATE_RE.search(t) or _PAGE_DATE_RE.search(t)):
            found["page"] = int(m.group(1))
        if "preamble" not in found and "年" in t:
            for m in _PLAN_YEAR_RE.finditer(t):
                before = t[: m.start()]
                if before.count("《") <= before.count("》"):  # not a document cited by its title (根据《2021年…》)
                    found["preamble"] = int(m.group(1) or m.group(2))
                    break
    if notice_years:
        found["notice"] = max(notice_years)
    return found


def past_years(text: str) -> list[int]:
    return [int(y) for y in _PAST_YEAR_RE.findall(text)]


def docnum_year(doc_number: str | None) -> int | None:
    m = _DOCNUM_YEAR_RE.search(doc_number or "")
    return int(m.group(1)) if m else None


# a span of years: `三年行动方案(2022—2024年)`, `2021-2025年`, `2023至2025年`
_YEAR_SPAN_RE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—–\-~～至到]+\s*(?:19|20)\d{2}\s*年")
_TITLE_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def title_year(title: str) -> int | None:
    """The year a title names; of a plan over several years (`三年行动方案(2022—2024年)`), its first — where
    the title names no year of its own beside them (`…(2021-2023年)2022年工作要点`: 2022)."""
    if not title:
        return None
    span = _YEAR_SPAN_RE.search(title)
    if span is not None:
        rest = title[: span.start()] + title[span.end() :]
        own = _TITLE_YEAR_RE.search(rest)
        return int(own.group(1)) if own else int(span.group(1))
    m = _TITLE_YEAR_RE.search(title)
    return int(m.group(1)) if m else None


def mentioned_year(texts: list[str]) -> int | None:
    """The year written most often in the items' text (the earliest of equals)."""
    counts: dict[int, int] = {}
    for t in texts:
        for y in _YEAR_IN_TEXT_RE.findall(t):
            counts[int(y)] = counts.get(int(y), 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda y: (-counts[y], y))
