"""Headings, the section tree and which nodes are work items.

Levels: `一、` chapter; `（一）`/`(一)` section; `1.`/`1．`/`1、` numbered item.
Within a chapter that is not skipped (工作目标, 基本原则, 保障措施 … see `SKIP_WORDS`):
numbered nodes are the items; a section with no numbered nodes is itself an item
(003's 工作内容, 001's 实施步骤); a chapter with no headings at all makes each of its
paragraphs an item (001's 职责分工, number "" — their `ref` is the ordinal, e.g. "二.R3").
Everything after an `附件` line is the appendix (only its tables are read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import UNIT_LABEL_RE, parse_label_line
from .text import ATTACHMENT_RE, ITEM_MARK, Para
from .units import unit_names

SKIP_WORDS = (
    "总体要求", "指导思想", "工作目标", "主要目标", "目标任务", "基本原则", "实施范围", "适用范围", "配套措施",
    "保障措施", "工作保障", "工作要求", "组织领导", "组织保障", "附件", "工作机制",
)
# a heading that names a goal, a significance or an approach, whatever its qualifier (改革目标, 总体目标,
# 建设目标, 目标要求, 重要意义, 基本思路, 工作思路): prose about the plan, not its tasks
_SKIP_TITLE_RE = re.compile(r"^[^，,；;、]{0,4}(?:目标|意义|思路)(?:和?要求|任务)?[:：]?$")
CHAPTER_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")
SECTION_RE = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*(.*)$")
NUMBERED_RE = re.compile(rf"^(\d{{1,3}}){ITEM_MARK}\s*(.*)$")
# a section's or a numbered item's start (what follows a plan's head)
NUMBERED_START_RE = re.compile(rf"[（(]\s*[一二三四五六七八九十]{{1,3}}\s*[）)]|\d{{1,3}}{ITEM_MARK}")
# a 若干规定/措施 written in articles: `第二章  推进“最多跑一次”改革高效落地` / `第二条  推进“一件事”一窗办。…`
ARTICLE_CHAPTER_RE = re.compile(r"^第\s*([一二三四五六七八九十]{1,3})\s*章\s*(.*)$")
ARTICLE_RE = re.compile(r"^第\s*([一二三四五六七八九十百零〇]{1,5})\s*条\s*(\S.*)$")
_GENERAL_CHAPTERS = ("总则", "附则")  # its articles say why and when the rules apply: no task
# an item numbered with a circled number: `①实现“小升规”60家(责任单位:市经信局);`
_CIRCLED_CHARS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED = frozenset(_CIRCLED_CHARS)
CIRCLED_RE = re.compile(f"^([{_CIRCLED_CHARS}])\\s*(\\S.*)$")
PAREN_NUMBERED_RE = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*(\S.*)$")
_CN = "一二三四五六七八九十"


def cn_to_int(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN.index(s[1]) + 1
    if len(s) == 2 and s.endswith("十"):
        return (_CN.index(s[0]) + 1) * 10
    if len(s) == 3:
        return (_CN.index(s[0]) + 1) * 10 + _CN.index(s[2]) + 1
    return _CN.index(s) + 1


@dataclass
class Node:
    level: int  # 1 chapter, 2 section, 3 numbered
    number: str
    heading: str  # the heading line as printed (cleaned)
    title: str  # heading text after the number, up to the first 。
    first: str  # text of the heading line after the number (title + inline body)
    line: int
    body: list[Para] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    paren: bool = False  # numbered `（1）` rather than `1.`

    @property
    def skipped(self) -> bool:
        """A 工作目标/保障措施 … node, unless its numbered items name their units (`责任单位：`)."""
        if any(w in self.title for w in SKIP_WORDS):
            return not self._annotated()
        # a goal named so may still be the plan's task (一、主要预期目标 / (一)地区生产总值增长6% / 责任单位:…)
        return _SKIP_TITLE_RE.match(self.title) is not None and not self._names_units()

    def _annotated(self) -> bool:
        """Whether the node's items name their units: by label, or by a lead bracket (`(一)总体要求:…
        (分管副省长负责,省发展改革委牵头,…)`, a 分工意见 assigning its 总体要求 like any task)."""
        numbered = [c for c in self.children if c.level == 3] + [
            g for c in self.children if c.level == 2 for g in c.children if g.level == 3]
        # (or its sections, where they are the items: 一、主要目标 / (一)地区生产总值增长11%。[牵头单位:…])
        # (or the node itself: `(十)完成省定节能减排目标任务。(牵头单位:市发改委;…)`, a task named with 目标任务)
        labelled = [self, *numbered, *(c for c in self.children if c.level == 2)]
        if any(UNIT_LABEL_RE.search(p.text) for n in labelled for p in n.body) or any(
                UNIT_LABEL_RE.search(n.first) for n in labelled):
            return True
        nodes = [self, *self.children, *numbered]
        return any(_TASKLIKE_UNIT_RE.search(t) for n in nodes for t in [n.first, *(p.text for p in n.body)])

    def _names_units(self) -> bool:
        """Whether any heading or paragraph under the node names a unit by label."""
        return any(UNIT_LABEL_RE.search(p.text) for p in self.body) or any(
            UNIT_LABEL_RE.search(c.first) or c._names_units() for c in self.children)

    def label(self) -> str:
        return self.heading if self.level < 3 else self.title


@dataclass
class RawItem:
    number: str
    section: str
    text_lines: list[str]
    line: int
    ref: str


@dataclass
class Outline:
    prelude: list[Para]
    chapters: list[Node]
    appendix: list[Para]
    warnings: list[str]
    notice: list[Para] = field(default_factory=list)  # the covering notice's paragraphs

    def skipped(self) -> list[Para]:
        """Paragraphs before the plan's first chapter, outside the covering notice, that look like
        tasks: numbered, or naming their units (`责任单位：`, `（X牵头）`)."""
        notice = {id(p) for p in self.notice}
        before = [p for p in self.prelude if id(p) not in notice and _looks_like_task(p.text)]
        # an appendix is read for its tables; a list of tasks written there as text is reported
        after = [p for p in self.appendix if not p.is_table_row and _looks_like_task(p.text)
                 and not _OMITTED_RE.search(p.text)]
        return before + after


_TASKLIKE_NUMBER_RE = re.compile(r"^(?:\d{1,3}\s*[.．、。]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[①-⑳])\s*\S")
_TASKLIKE_UNIT_RE = re.compile(r"[（(〔【\[][^（）()〔〕【】\[\]]{2,60}牵头[^（）()〔〕【】\[\]]{0,60}[）)〕】\]]")


_OMITTED_RE = re.compile(r"[（(]略[）)]$")  # `2.2018年…清单（略）`: an attachment left out


def _looks_like_task(text: str) -> bool:
    if len(text) < 6 or text.startswith(("附件", "附：")):
        return False
    return bool(_TASKLIKE_NUMBER_RE.match(text) or UNIT_LABEL_RE.search(text) or _TASKLIKE_UNIT_RE.search(text))


def _heading_title(rest: str) -> str:
    rest = rest.strip()
    end = rest.find("。")
    head = rest if end < 0 else rest[:end]
    return head if len(head) <= 60 else head[:60]


def _heading_label(number_part: str, rest: str) -> str:
    title = _heading_title(rest)
    return f"{number_part}{title}".rstrip("。")


def build_outline(paras: list[Para]) -> Outline:
    prelude: list[Para] = []
    chapters: list[Node] = []
    appendix: list[Para] = []
    warnings: list[str] = []
    chapter = section = numbered = None
    in_appendix = False
    # A plan with no 一、 chapter and no table: its numbered paragraphs are its items all the same
    flat = not any(CHAPTER_RE.match(p.text) or p.is_table_row for p in paras)
    circled = "①" in "".join(p.text[:1] for p in paras)  # (① … ② … items, where a list starts at ①)
    notice = covering_notice(paras)
    notice_paras = [paras[k] for k in notice]
    articles = sum(1 for p in paras if p.text[:1] == "第" and ARTICLE_RE.match(p.text)) >= 2
    general = False  # in a 总则 or 附则 chapter of articles
    for k, p in enumerate(paras):
        if k in notice:
            prelude.append(p)  # the covering notice's 一、二、 are its requests, not the plan's tasks
            continue
        t = p.text
        # each pattern is tried only on a line that starts as it does (or is short enough for it)
        c0 = t[:1]
        if (len(t) <= _SIGNATURE_MAX or c0 in "（(" or t[:4].isdecimal() or c0.isspace()) and _closing(paras, k):
            prelude.append(p)  # the signature and date under the text, `（此件公开发布）`
            continue
        bracket, digit, cn = c0 in "（(", c0.isdecimal(), c0 in _CN
        if in_appendix or (not p.is_table_row and c0 == "附" and ATTACHMENT_RE.match(t) and chapters):
            in_appendix = True
            appendix.append(p)
            continue
        if p.is_table_row:
            appendix.append(p)  # a table inside the body: read with the appendix tables
            continue
        if articles and c0 == "第" and (m := ARTICLE_CHAPTER_RE.match(t)):
            title = "".join(m.group(2).split())
            general = title in _GENERAL_CHAPTERS
            chapter = None if general else Node(1, m.group(1), f"第{m.group(1)}章 {title}", _heading_title(title), title,
                                                p.line)
            if chapter is None:
                prelude.append(p)
            else:
                chapters.append(chapter)
            section = numbered = None
            continue
        if articles and c0 == "第" and (m := ARTICLE_RE.match(t)):
            if general:
                prelude.append(p)  # 第一条 为全面提升行政效能…特制定本规定: the rules' purpose
                continue
            if chapter is None:
                chapter = Node(1, "", "", "", "", p.line)
                chapters.append(chapter)
            numbered = Node(3, f"第{m.group(1)}条", t, _heading_title(m.group(2)), m.group(2), p.line)
            (section or chapter).children.append(numbered)
            continue
        if cn and (m := CHAPTER_RE.match(t)):
            chapter = Node(1, m.group(1), _heading_label(f"{m.group(1)}、", m.group(2)), _heading_title(m.group(2)),
                           m.group(2), p.line)
            chapters.append(chapter)
            section = numbered = None
            continue
        if chapter is None and flat and ((bracket and SECTION_RE.match(t)) or (digit and NUMBERED_RE.match(t))
                                         or circled and c0 in _CIRCLED and CIRCLED_RE.match(t)):
            chapter = Node(1, "", "", "", "", p.line)
            chapters.append(chapter)
        if chapter is None:
            prelude.append(p)
            continue
        if bracket and (m := SECTION_RE.match(t)):
            number_part = t[: m.start(2)].strip()
            section = Node(2, m.group(1), _heading_label(number_part, m.group(2)), _heading_title(m.group(2)),
                           m.group(2), p.line)
            chapter.children.append(section)
            numbered = None
            continue
        if digit and (m := NUMBERED_RE.match(t)):
            numbered = Node(3, m.group(1), t, _heading_title(m.group(2)), m.group(2), p.line)
            (section or chapter).children.append(numbered)
            continue
        # `①实现“小升规”60家(责任单位:市经信局);` on its own line: an item where no `1.` item is open
        if circled and c0 in _CIRCLED and (numbered is None or numbered.paren) and (m := CIRCLED_RE.match(t)):
            numbered = Node(3, m.group(1), t, _heading_title(m.group(2)), m.group(2), p.line, paren=True)
            (section or chapter).children.append(numbered)
            continue
        # `（1）…` on its own line: an item where no `1.` item is open (else a sub-item of that item)
        if bracket and (m := PAREN_NUMBERED_RE.match(t)) and (numbered is None or numbered.paren):
            numbered = Node(3, m.group(1), t, _heading_title(m.group(2)), m.group(2), p.line, paren=True)
            (section or chapter).children.append(numbered)
            continue
        (numbered or section or chapter).body.append(p)
    if chapters and appendix and not any(p.is_table_row for p in appendix) \
            and not any(c._names_units() for c in chapters) and any(UNIT_LABEL_RE.search(p.text) for p in appendix):
        # the attachment is the plan, in prose, its items naming their units; the 一、二、 before it, none
        # naming a unit, were the notice's (连云港 人大: 二、征集意见和建议的时间 … 附件: … 1.…(牵头单位:…))
        inner = build_outline(appendix)
        inner.prelude[:0] = prelude
        inner.notice[:0] = notice_paras
        inner.warnings[:0] = warnings
        return inner
    _check_numbering(chapters, warnings)
    return Outline(prelude, chapters, appendix, warnings, notice_paras)


_ADDRESSEE_RE = re.compile(
    r"^[^。！？]{2,150}(?:政府|部门|单位|办事处|机构|管委会|委员会|各局|委办局|直属单位|各有关方面)[^。！？]{0,20}[:：]$")
_ISSUE_DATE_RE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def covering_notice(paras: list[Para]) -> range:
    """Indexes of the covering notice: from its addressee line (`各区人民政府，市直各单位：`) to its
    date line, when the addressee comes before the plan's first chapter. Empty when there is none."""
    for k, p in enumerate(paras[:40]):
        if p.is_table_row or CHAPTER_RE.match(p.text):
            return range(0)
        if p.text.endswith((":", "：")) and ("各" in p.text or "有关" in p.text) and _ADDRESSEE_RE.match(p.text):
            for j in range(k + 1, min(len(paras), k + 80)):
                if _ISSUE_DATE_RE.match(paras[j].text):
                    span = paras[k : j + 1]
                    # a notice whose own 一、二、 name units is itself the plan (通知 listing its tasks)
                    if len(span) > 25 or any(_annotated_heading(p.text) for p in span):
                        return range(0)
                    return range(k, j + 1)
            return range(0)
    return range(0)


_SIGNATURE_RE = re.compile(r"^[^。，,；;：:！？、\s]{2,30}(?:办公室|办公厅|政府|委员会|领导小组|局|厅|委|办)$")
_SIGNATURE_MAX = 30 + len("领导小组")  # the longest line `_SIGNATURE_RE` matches (asked first: most lines are longer)
_PUBLISH_NOTE_RE = re.compile(r"^[（(]此件[^）)]{0,10}[）)]$")


def _closing(paras: list[Para], k: int) -> bool:
    """The issue date, the signature lines right above it, `（此件公开发布）` right below it."""
    t = paras[k].text
    c0 = t[:1]
    if (c0.isdecimal() or c0.isspace()) and _ISSUE_DATE_RE.match(t) or c0 in "（(" and _PUBLISH_NOTE_RE.match(t):
        return True
    j = k
    while j + 1 < len(paras) and j - k < 3 and len(paras[j].text) <= _SIGNATURE_MAX and _SIGNATURE_RE.match(paras[j].text):
        j += 1
    return j > k and _ISSUE_DATE_RE.match(paras[j].text) is not None


def _annotated_heading(text: str) -> bool:
    return bool((CHAPTER_RE.match(text) or SECTION_RE.match(text) or NUMBERED_RE.match(text))
                and (UNIT_LABEL_RE.search(text) or _TASKLIKE_UNIT_RE.search(text) or _closes_with_units(text)))


# a bracket closing a paragraph after its sentence (one level of brackets inside: 省数据局(省营商局))
_CLOSING_BRACKET_RE = re.compile(
    r"[。；;！]\s*[（(〔【\[](?P<content>(?:[^（）()〔〕【】\[\]]|[（(][^（）()]{0,20}[）)]){2,300})[）)〕】\]][\s。；;]*$")
_ROLE_WORD_RE = re.compile(r"负责|配合|参与|协助|落实$")


def _closes_with_units(text: str) -> bool:
    """`一、对…进行监测和督导。(省发展改革委、省财政厅等按职责分工负责)`, `二、…。〔省水利厅、省数据局(省营商局)〕`:
    a paragraph that closes with its units, named with a role (负责, 配合) or a list of unit names."""
    m = _CLOSING_BRACKET_RE.search(text)
    if m is None:
        return False
    content = m.group("content")
    if _ROLE_WORD_RE.search(content):
        return True
    return bool(unit_names(content))


def _check_numbering(chapters: list[Node], warnings: list[str]) -> None:
    seen: dict[str, int] = {}
    for ch in chapters:
        if ch.number in seen:
            warnings.append(f"章节编号“{ch.number}、”重复出现（第{seen[ch.number]}行和第{ch.line}行），已按原文保留。")
        seen.setdefault(ch.number, ch.line)
        secs = [c for c in ch.children if c.level == 2]
        nums = [cn_to_int(s.number) for s in secs]
        if nums != sorted(nums):
            order = "、".join(f"（{s.number}）" for s in secs)
            warnings.append(f"“{ch.heading}”下的小节顺序为 {order}，与编号顺序不一致，已按原文顺序保留。")


def _para_text(node: Node) -> list[str]:
    return [node.first] + [p.text for p in node.body]


_NOTE_MAX = 5  # a paragraph this short under a chapter is a note on it (总负责。), not a task
# a line that gives the heading's task its content by label: `主要任务:完成技能培训22.5万人次…`
_CONTENT_LABEL_RE = re.compile(r"(?:主要任务|工作任务|任务内容|目标任务|工作内容|具体任务|主要内容|工作目标|建设内容|"
                               r"实施内容|主要措施|工作措施|具体措施|任务目标)\s*[:：]")


def select_items(outline: Outline) -> list[RawItem]:
    items: list[RawItem] = []
    for ch in outline.chapters:
        if ch.skipped:
            continue
        chap_label = ch.heading
        chap_ref = ch.number
        sections = [c for c in ch.children if c.level == 2]
        direct = [c for c in ch.children if c.level == 3]
        for n in direct:
            items.append(RawItem(n.number, chap_label, _para_text(n), n.line, f"{chap_ref}.{n.number}"))
        for s in sections:
            if s.skipped:
                continue
            numbered = [c for c in s.children if c.level == 3]
            if numbered:
                for n in numbered:
                    items.append(RawItem(n.number, f"{chap_label} / {s.heading}", _para_text(n), n.line,
                                         f"{chap_ref}.{s.number}.{n.number}"))
            else:
                items.append(RawItem(s.number, chap_label, _para_text(s), s.line, f"{chap_ref}.{s.number}"))
        if not ch.children and (_annotated_heading(f"{ch.number}、{ch.first}") or ch.body and any(
                UNIT_LABEL_RE.search(p.text) or _CONTENT_LABEL_RE.match(p.text) for p in ch.body) and all(
                parse_label_line(p.text) or _CONTENT_LABEL_RE.match(p.text) or len(p.text) <= _NOTE_MAX
                for p in ch.body)):
            # `一、压缩开办时间。6月底前…。（市市场监管局牵头）`, or followed by its label lines only
            # (`一、开展道路交通安全隐患治理…` / `责任单位:…` / `完成时限:2025年6月`; `主要任务:…` / `牵头单位:…`,
            # a page's `展开全文` between them): the chapter is itself a task
            items.append(RawItem(ch.number, "", _para_text(ch), ch.line, f"{chap_ref}"))
        elif not ch.children:
            for i, p in enumerate(ch.body, start=1):
                if len(p.text.rstrip("。.；;")) <= _NOTE_MAX:
                    continue  # `一、某区长牵头重点工作` / `总负责。`: a note on the heading, no task
                items.append(RawItem("", chap_label, [p.text], p.line, f"{chap_ref}.R{i}"))
    items.sort(key=lambda it: it.line)
    return items
