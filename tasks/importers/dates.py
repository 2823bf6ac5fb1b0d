"""Deadline phrases → dates, the way the office counts them (DOMAIN.md "Dates").

`find_dates(text, year)` scans prose and returns every phrase it recognised, in order, either
resolved (`DateHit.dates` non-empty) or unresolved (`三季度前`, `长期坚持`, a bare `2019年`,
`按季度`). Service targets such as `3个工作日内`, `最多90天`, `60分钟`, `6个月以内` never match.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

from deadlines.dates import month_end  # one month-end arithmetic for the whole product

_WS_RE = re.compile(r"\s+")

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_BEFORE = r"(?:前|之前|以前)"

_PATTERNS = [
    # 2018年10月10日-2018年11月10日, 2019年4月-2019年6月 → the end
    ("range", r"(?P<ry1>\d{4})年(?P<rm1>\d{1,2})月(?:\d{1,2}日)?\s*[-—–~～至到]\s*"
              r"(?:(?P<ry2>\d{4})年)?(?P<rm2>\d{1,2})月(?:(?P<rd2>\d{1,2})日)?"),
    # 2017年2月和3月 → the later month
    ("two_months", rf"(?:(?P<ty>\d{{4}})年)?(?P<tm1>\d{{1,2}})月(?:和|及|、|至)(?P<tm2>\d{{1,2}})月(?:底|末)?{_BEFORE}?"),
    ("full", rf"(?:(?P<fy>\d{{4}})年)?(?P<fm>\d{{1,2}})月(?P<fd>\d{{1,2}})[日号]{_BEFORE}?"),
    ("month", rf"(?:到|截至|截止到?|于)?(?:(?P<my>\d{{4}})年)?(?P<mm>\d{{1,2}})月"
              rf"(?P<msuf>(?:底|末|份)?{_BEFORE}|底|末)?"),
    ("year_end", rf"(?:到|截至|截止到?|于)?(?P<ey>\d{{4}})年(?:年)?(?:底|末|内){_BEFORE}?"),
    ("half", rf"(?:(?P<hy>\d{{4}})年)?(?P<hh>上半年|下半年)(?:底|末)?{_BEFORE}?"),
    ("quarter", r"(?:(?P<qy>\d{4})年)?(?P<qn>第?[一二三四1-4])季度(?P<qsuf>末前|末|底前|底|前|内)?"),
    ("each_quarter", r"每季度|每个季度"),
    ("by_quarter", r"按季度"),
    ("year_end_plain", rf"(?:到|截至|截止到?)?(?<![\d年])(?:年底|年末|年内){_BEFORE}?"),
    # (not the year's plan or work a task makes, `制定全年产业发展规划`, `全年工作`: an attribute, no time limit)
    ("whole_year", r"全年(?!的|(?:产业|经济)?(?:工作|计划|规划|目标|任务|安排|部署|要点|预算|考核|指标|重点|发展规划))"),
    ("long_term", r"长期坚持|长期"),
    ("bare_year", r"(?P<by>(?:19|20)\d{2})年(?!度)"),
]
# The first look-ahead lets the engine skip, at once, every position no phrase can start at; the
# second turns away, before the alternatives are tried, the common characters (一, 上, 年 …) and
# the digits (`第3批`, `5个工作日`) that start no phrase here: a phrase that starts with a digit
# starts with a year (`2021年`), a month (`6月`) or a quarter (`4季度`). Together they admit every
# start of every pattern below.
_MASTER = re.compile("(?=[0-9到截于上下第一二三四每按年全长])"
                     "(?=[0-9](?:\\d\\d\\d年|\\d?月|季度)|到|截|于|上半年|下半年|第?[一二三四]季度|每|按季度|年[底末内]"
                     "|全年|长期)(?:"
                     + "|".join(f"(?P<{name}>{pat})" for name, pat in _PATTERNS) + ")")
# A match's last closed group is the outer alternative that matched (its inner groups close first).
_KIND_OF = {_MASTER.groupindex[name]: name for name, _ in _PATTERNS}
# `_MASTER`'s second look-ahead, consuming, each alternative opening with one character: where it
# matches, `_MASTER` may; the engine jumps from one of those characters to the next (a pattern that
# opens with a look-ahead gives it nothing to jump by: it tries `_MASTER` at every position)
_PHRASE_START = re.compile("|".join(
    [f"{d}(?:\\d\\d\\d年|\\d?月|季度)" for d in "0123456789"]
    + ["到", "截", "于", "上半年", "下半年", "第[一二三四]季度", "一季度", "二季度", "三季度", "四季度", "每", "按季度",
       "年[底末内]", "全年", "长期"]))


# What follows a date that starts a period rather than ends one: `自2024年1月1日起施行`,
# `2023年7月开始`, `2022年6月以来`, `6月以后` — no deadline (`3月底前起草` is: 起草 drafts)
_START_AFTER_RE = re.compile(r"起(?!草)|开始|以来|以后|之后")
_START_AFTER = frozenset("起开以之")
# a period followed by a policy that runs through it: 实施/执行/施行 …政策 in the same clause
_POLICY_PERIOD_RE = re.compile(r"(?:实施|执行|施行)[^。；;，,\n]{0,40}?(?:政策|费率|标准|办法)")
# How long a plan or a policy runs (`有效期至2025年12月31日`, `有效期为2023年1月1日至2025年12月31日`,
# `实施期限至2021年12月31日`, `原…政策实施至2021年4月30日`, `延长至…`) is no task's deadline: the clause
# before the date names the term, or the date follows a verb of running on (but `完成期限至…` is one)
_CLAUSE_END_RE = re.compile(r"[，。；,;：:\n]")
_TERM_RE = re.compile(r"有效期|(?:实施|执行|政策)期限|(?:实施|执行|延续|延长|延期|顺延)(?:到|至)$"
                      r"|(?:政策|费率)(?:到|至)$")  # (`延续实施阶段性降低失业保险费率政策至2023年4月30日`)


@dataclass
class DateHit:
    phrase: str
    start: int
    end: int
    dates: list[datetime.date] = field(default_factory=list)  # empty: unresolved
    recurring: bool = False


def quarter_end(year: int, quarter: int) -> datetime.date:
    return month_end(year, quarter * 3)


def _safe(fn, *args) -> datetime.date | None:
    try:
        return fn(*args)
    except ValueError:
        return None


def _resolve(kind: str, g: re.Match, year: int) -> tuple[list[datetime.date], bool] | None:
    """Dates for one match, ([], False) if unresolved, None if the match is not a deadline."""
    if kind == "range":
        y = int(g["ry2"] or g["ry1"])
        if g["rd2"]:
            d = _safe(datetime.date, y, int(g["rm2"]), int(g["rd2"]))
        else:
            d = _safe(month_end, y, int(g["rm2"]))
        return ([d], False) if d else None
    if kind == "two_months":
        d = _safe(month_end, int(g["ty"] or year), max(int(g["tm1"]), int(g["tm2"])))
        return ([d], False) if d else None
    if kind == "full":
        d = _safe(datetime.date, int(g["fy"] or year), int(g["fm"]), int(g["fd"]))
        return ([d], False) if d else None
    if kind == "month":
        if not g["my"] and not g["msuf"]:
            return None  # a bare "6月" is not a deadline phrase
        d = _safe(month_end, int(g["my"] or year), int(g["mm"]))
        return ([d], False) if d else None
    if kind == "year_end":
        return [datetime.date(int(g["ey"]), 12, 31)], False
    if kind == "half":
        y = int(g["hy"] or year)
        return [datetime.date(y, 6, 30) if g["hh"] == "上半年" else datetime.date(y, 12, 31)], False
    if kind == "quarter":
        if g["qsuf"] == "前":
            return [], False  # 三季度前: before Q3 starts, or by its end? a person decides
        q = _QUARTERS[g["qn"].lstrip("第")]
        return [quarter_end(int(g["qy"] or year), q)], False
    if kind == "each_quarter":
        return [quarter_end(year, q) for q in (1, 2, 3, 4)], True
    if kind in ("year_end_plain", "whole_year"):
        return [datetime.date(year, 12, 31)], False
    if kind in ("by_quarter", "long_term", "bare_year"):
        return [], False
    return None


def find_dates(text: str, year: int, memo: dict | None = None) -> list[DateHit]:
    """``memo``: a dict kept by the caller over many texts (a plan repeats its phrases): what a
    phrase read by one pattern resolves to, for a year. (The phrase and the pattern fix the groups
    `_resolve` reads: no look-around peeks out of a phrase at what they capture.)"""
    hits: list[DateHit] = []
    # `_MASTER` tried only where `_PHRASE_START` finds a phrase may start (its look-behinds see the
    # text before, as `finditer` would let them)
    search, match = _PHRASE_START.search, _MASTER.match
    pos = 0
    while (c := search(text, pos)) is not None:
        p = c.start()
        m = match(text, p)
        if m is None:
            pos = p + 1
            continue
        pos = m.end()  # (no phrase is empty)
        if pos < len(text) and text[pos] in _START_AFTER and _START_AFTER_RE.match(text, pos):
            continue  # a start, not a deadline
        if p and text[p - 1] in "至到为止" and _in_term(text, p):
            continue
        if pos < len(text) and text[pos] in "实执施" and _POLICY_PERIOD_RE.match(text, pos):
            continue  # `2021年5月1日至2022年4月30日实施阶段性下调工伤保险费率50%的政策`: how long a policy runs
        if p and text[p - 1].isdigit() and m.group(0)[4:5] == "年" and m.group(0)[:4].isdigit():
            continue  # a year's digits end a longer number (`13400年内完成`: a sum glued to a time, no year 3400)
        phrase = m.group(0)
        if memo is None:
            resolved = _resolve(_KIND_OF[m.lastindex], m, year)  # type: ignore[index]  # (every alternative of _MASTER is a group)
        else:
            key = (phrase, m.lastindex, year)
            if key in memo:
                resolved = memo[key]
            else:
                resolved = memo[key] = _resolve(_KIND_OF[m.lastindex], m, year)  # type: ignore[index]  # (every alternative of _MASTER is a group)
        if resolved is None:
            if pos < len(text) and text[pos] in _DONE_FIRST and _DONE_RE.match(text, pos) \
                    and m.lastgroup == "month" and not m["my"] and phrase[:1] != "截" \
                    and not (p and text[p - 1] in _RANGE_MARKS):
                # a bare month the work is done in (`泵站改造3月开工,7月完工`): its end (not `1-7月完成投资`, so far;
                # not `截至7月完成`, what is done by then)
                if (d := _safe(month_end, year, int(m["mm"]))) is not None:
                    hits.append(DateHit(phrase, p, pos, [d], False))
            continue
        dates, recurring = resolved
        hits.append(DateHit(phrase, p, pos, dates if memo is None else list(dates), recurring))
    return hits


# what the work done in a bare month says (`7月完工`, `10月建成投用`, `9月底全面完成` has its 底 already)
_DONE_RE = re.compile(r"(?:份)?(?:全面|基本|全部|如期)?(?:完成|完工|建成|竣工|投用|投运|投产|上线|交付|开通|办结|通车)")
_DONE_FIRST = frozenset("份全基如完建竣投上交开办通")
_RANGE_MARKS = frozenset("-—–~～至到年")  # (and `明年7月份建成`: a relative year, read where 明年 is)


def _in_term(text: str, p: int) -> bool:
    """Whether the clause that ends at ``p`` speaks of how long a plan or policy runs (`_TERM_RE`)."""
    before = text[max(0, p - 40) : p]
    cut = 0
    for m in _CLAUSE_END_RE.finditer(before):
        cut = m.end()
    return _TERM_RE.search(before, cut) is not None


def parse_date_cell(cell: str, year: int) -> DateHit | None:
    """A 完成时限/时间进度 table cell (`12 月底`, `全年`, `每季度`): its whole text is the phrase."""
    cell = _WS_RE.sub("", cell)
    if not cell:
        return None
    if "；" in cell:  # the times of a row's sub-rows (`11月；2021.8；2021.12`): each its own cell
        parts = [hit for part in cell.split("；") if (hit := parse_date_cell(part, year)) is not None]
        dates = list(dict.fromkeys(d for hit in parts for d in hit.dates))
        return DateHit(cell, 0, len(cell), dates, any(hit.recurring for hit in parts))
    hits = find_dates(cell, year)
    resolved = [h for h in hits if h.dates]
    if resolved:
        dates = list(dict.fromkeys([d for h in resolved for d in h.dates]))
        return DateHit(cell, 0, len(cell), dates, any(h.recurring for h in resolved))
    if m := _CELL_YEARS_RE.match(cell):  # a project's years: `2023.01-2023.12`, `2022-2023`, `2022`: their end
        y, mo = int(m["y"]), int(m["m"] or 12)
        d = _safe(month_end, y, mo)
        if d:
            return DateHit(cell, 0, len(cell), [d], False)
    if m := _CELL_MONTH_RE.match(cell):  # in a date column a bare month is the deadline: `9月投入使用`
        d = _safe(month_end, int(m["y"] or year), int(m["m"]))
        if d:
            return DateHit(cell, 0, len(cell), [d], False)
    return DateHit(cell, 0, len(cell), [], False)


_CELL_MONTH_RE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?![\d日号起])")
_CELL_YEARS_RE = re.compile(r"(?:(?:19|20)\d\d(?:[.．/]\d{1,2})?[-—–~～至到])?(?P<y>(?:19|20)\d\d)(?:[.．/](?P<m>\d{1,2}))?$")


@lru_cache(maxsize=16384)  # a table repeats its date cells
def looks_like_date_cell(cell: str) -> bool:
    cell = _WS_RE.sub("", cell)
    # (a 时限 cell that names no time but how long: 持续推进, 常态化开展 — a person settles it)
    return bool(cell) and len(cell) <= 20 and (bool(_MASTER.search(cell)) or cell.startswith(_ONGOING)
                                               or cell[:1] in "12" and _CELL_YEARS_RE.match(cell) is not None)


_ONGOING = ("持续", "常态化", "长效")


_ISSUE_RE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")


def parse_issue_date(line: str) -> datetime.date | None:
    if "日" not in line:  # (most lines: the date ends in 日)
        return None
    m = _ISSUE_RE.match(_WS_RE.sub("", line))
    if not m:
        return None
    return _safe(datetime.date, int(m["y"]), int(m["m"]), int(m["d"]))
