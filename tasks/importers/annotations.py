"""Responsibility annotations: who leads (牵头) and who is responsible (责任) for a piece of text.

Each written form is one small rule object in `INLINE_RULES` / `FALLBACK_RULES`; adding a
format means adding a rule and a test. A rule returns `Annotation`s with the span of the
text it consumed, so an item with several annotations can be split into sub-tasks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .labels import (
    FIRST_LEADS_RE,
    LEAD_LABELS,
    NOTE_RE,
    OTHER_LABELS,
    UNIT_LABEL_RE,
    parse_label_line,
)
from .units import AliasTable, comma_group, looks_like_unit, marked_leads, split_units, unit_names

_CLAUSE_RE = re.compile(r"[，,；;]")

__all__ = ["FIRST_LEADS_RE", "Annotation", "RuleContext", "find_annotations", "parse_label_line"]

_OPEN_CLOSE = {"【": "】", "（": "）", "(": ")", "〔": "〕", "[": "]", "［": "］"}
_FAMILY = {"【": "【", "（": "(", "(": "(", "〔": "〔", "[": "[", "［": "["}
_CLOSE_FAMILY = {"】": "【", "）": "(", ")": "(", "〕": "〔", "]": "[", "］": "["}

_LABEL_RE = UNIT_LABEL_RE
# a bracket that names a person first: 牵头区领导:刘胜、夏东;牵头单位:区发展改革局
_PERSON_FIRST_RE = re.compile(r"[\u4e00-\u9fff]{0,6}(?:领导|责任人|负责人|联系人)\s*[:：]")
# `[；;]|[,，]\s*(?=(?:LABELS)\s*[:：])`, opening with one class (the engine jumps from mark to mark)
_CLAUSE_SPLIT_RE = re.compile(
    rf"[；;,，](?:(?<=[；;])|(?<=[,，])\s*(?=(?:{'|'.join(LEAD_LABELS + OTHER_LABELS)})\s*[:：]))")
_OTHER_ROLE_TAIL_RE = re.compile(r"(?:按职责分工|按照职责分工|按职责|分工)?(?:负责|配合|参与|协同|协助|协办|落实|共同推进)$")


@dataclass
class Annotation:
    start: int
    end: int
    # (as written, is lead), printed order; a bracket rule's reading is a tuple (shared by every
    # annotation of the plan that reads the same content: never changed)
    units: Sequence[tuple[str, bool]] = field(default_factory=list)
    rule: str = ""


@dataclass
class RuleContext:
    table: AliasTable
    first_unit_leads: bool = False  # the document says "列第一个单位的均为牵头单位"
    comma_leads: bool = False  # the document says "逗号前为牵头单位": a list's units before its first comma lead
    # what a rule read in a bracket's content, by (rule, content, first_unit_leads): a plan repeats
    # its annotations, and a rule's reading of a content depends on nothing else of this context
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # the rule is first stated in the text being read (not before it): it holds from its statement on
    stated_here: bool = False


_BRACKET_RE = re.compile(r"[【（(〔\[［】）)〕\]］]")


def bracket_groups(text: str):
    """(start, end, opener, content) of every top-level bracket group, nesting respected (cached:
    each rule asks for the same text's groups)."""
    return _bracket_groups(text)


@lru_cache(maxsize=4096)
def _bracket_groups(text: str) -> tuple:
    return tuple(_group_list(text))


# a bracket → (its family, whether it opens)
_MARK_INFO = {**{ch: (fam, True) for ch, fam in _FAMILY.items()}, **{ch: (fam, False) for ch, fam in _CLOSE_FAMILY.items()}}


def _group_list(text: str) -> list[tuple[int, int, str, str]]:
    # every bracket of the text, found once; a group's closing bracket is looked for among them
    marks = [(m.start(), _MARK_INFO[m.group()]) for m in _BRACKET_RE.finditer(text)]
    groups: list[tuple[int, int, str, str]] = []
    n = len(marks)
    a = 0
    while a < n:
        i, (fam, opens) = marks[a]
        if not opens:
            a += 1
            continue
        depth = 1  # same-family brackets nest; the others are text
        c = a + 1
        while c < n:
            f, o = marks[c][1]
            if f == fam:
                if o:
                    depth += 1
                else:
                    depth -= 1
                    if not depth:
                        break
            c += 1
        if c < n:
            closed = marks[c][0]
            groups.append((i, closed + 1, text[i], text[i + 1 : closed]))
            a = c + 1
        elif _LABEL_RE.match(text, i + 1) or (_PERSON_FIRST_RE.match(text, i + 1) and _LABEL_RE.search(text, i + 1)):
            # a unit bracket never closed (a paste cut off in it: `〔牵头单位:A;配合单位:B,各县(区)人民`)
            # runs to the end of the text
            groups.append((i, len(text), text[i], text[i + 1 :]))
            break
        elif _CUT_LEAD_PHRASE_RE.match(text, i + 1):
            # a lead phrase's bracket cut off (`(区发改委主办,区教育局、区建设局、城建集`): read to its last
            # whole unit (the name cut off is none)
            content = text[i + 1 :]
            cut = max(content.rfind(sep) for sep in "、,，；;")
            groups.append((i, len(text), text[i], content[:cut]))
            break
        else:
            a += 1
    return groups


_CUT_LEAD_PHRASE_RE = re.compile(r"[^，,；;。（()）\n]{2,40}?(?:牵头|主办)(?:负责)?[，,；;][^（()）]*$")


def _units_in(text: str) -> list[str]:
    return split_units(text)


# A clause of a unit bracket that says when, not who: `（A牵头，B配合，6月底前完成）`,
# `（A负责，2016年9月底前）`, `（A牵头，持续推进）`. The dates are read from the text anyway.
_TIME_CLAUSE_RE = re.compile(
    r"\d{1,4}\s*[年月日]|[一二三四]季度|年底|年内|年中|半年|月底|月中|旬|持续|长期|常态|每[年季月周]|按[年季月]"
)


def _who_clauses(content: str) -> list[str]:
    """The clauses of a bracket that name units (time clauses left out)."""
    return [c.strip() for c in _CLAUSE_RE.split(content) if c.strip() and not _TIME_CLAUSE_RE.search(c)]


class _BracketRule:
    """A rule that reads each top-level bracket group on its own (`read`): an annotation's span is
    its group's."""

    name = ""

    def find(self, text: str, ctx: RuleContext) -> list[Annotation]:
        return [a for group in bracket_groups(text) if (a := self.read(text, group, ctx)) is not None]

    def read(self, text: str, group: tuple, ctx: RuleContext) -> Annotation | None:
        raise NotImplementedError

    def _units(self, content: str, ctx: RuleContext) -> tuple[tuple[str, bool], ...]:
        raise NotImplementedError

    def _annotation(self, group: tuple, ctx: RuleContext, key: tuple) -> Annotation | None:
        """The group's annotation from `_units` of its content, read once per plan for each `key`
        (a plan repeats its brackets: ctx.memo)."""
        start, end, _opener, content = group
        units = ctx.memo.get(key)
        if units is None:
            units = ctx.memo[key] = self._units(content, ctx)
        return Annotation(start, end, units, self.name) if units else None


_NEXT_LABEL_RE = re.compile(r"[,，、]\s*[\u4e00-\u9fff]{2,8}[:：]")


class LabelledBracketRule(_BracketRule):
    """`【责任单位：A、B；列第一个单位的均为牵头单位】`, `（牵头单位：A；责任单位：B、C）`, `〔牵头单位:A,责任单位:B〕`."""

    name = "labelled-bracket"

    def read(self, text: str, group: tuple, ctx: RuleContext) -> Annotation | None:
        content = group[3]
        if ":" not in content and "：" not in content:
            return None  # a label ends in a colon
        return self._annotation(group, ctx, (self.name, content, ctx.first_unit_leads, ctx.comma_leads))

    def _units(self, content: str, ctx: RuleContext) -> tuple[tuple[str, bool], ...]:
        content = content.strip()
        # a person named first (牵头区领导:刘胜、夏东;牵头单位:区发展改革局): the unit clauses after it
        if not _LABEL_RE.match(content) and not (_PERSON_FIRST_RE.match(content) and _LABEL_RE.search(content)):
            return ()
        units: list[tuple[str, bool]] = []
        has_lead_label = False
        before_comma: set[str] = set()  # (`逗号前为牵头单位`)
        for clause in _CLAUSE_SPLIT_RE.split(content.split("。")[0]):
            clause = clause.strip()
            m = _LABEL_RE.match(clause)
            if not m:
                continue  # e.g. "列第一个单位的均为牵头单位"
            is_lead = m.group(1) in LEAD_LABELS
            if not is_lead and (phrase := label_lead_phrase(clause[m.end() :], ctx)):
                units += phrase  # `责任单位:区安委办牵头,区工委组织部、区发改局…协同`: the lead named in it
                has_lead_label = True
                continue
            has_lead_label |= is_lead
            marked = marked_leads(clause)
            has_lead_label |= bool(marked)
            value = clause[m.end() :]
            if ":" in value or "：" in value:  # `责任单位:A、B,完成时限:全年`: the next label ends the list
                value = _NEXT_LABEL_RE.split(value, 1)[0]
            units += [(u, is_lead or u in marked) for u in _units_in(value)]
            if ctx.comma_leads and not before_comma:
                before_comma = comma_group(value)
        if units and not has_lead_label and before_comma:
            return tuple((u, u in before_comma) for u, _lead in units)
        if units and not has_lead_label and ctx.first_unit_leads:
            units[0] = (units[0][0], True)
        return tuple(units)


# a clause naming leaders by their posts, not units: 分管副省长、协管副秘书长负责 / 市政府分管领导牵头
_LEADER_POST = r"(?:分管|协管|联系)?[\u4e00-\u9fff]{0,6}?(?:省长|市长|县长|区长|州长|旗长|秘书长|书记|常委|领导|主席)"
_LEADERS_RE = re.compile(rf"^{_LEADER_POST}(?:[、,，和及]{_LEADER_POST})*(?:负责|牵头|主抓|挂帅|督导)?$")
_LEAD_TAIL_RE = re.compile(r"(?:分别)?(?:牵头|主办)(?:单位|负责|实施|落实|推进|办理)?$")  # (A主办,B协办: 玄武)


class LeadPhraseBracketRule(_BracketRule):
    """`（A牵头，B、C按职责分工负责）`, `（A、B牵头，各有关部门配合）`, `(A牵头负责)`."""

    name = "lead-phrase-bracket"

    def read(self, text: str, group: tuple, ctx: RuleContext) -> Annotation | None:
        content = group[3]
        if "牵头" not in content and "主办" not in content:
            return None  # no clause can end in 牵头 or 主办
        return self._annotation(group, ctx, (self.name, content))

    def _units(self, content: str, ctx: RuleContext) -> tuple[tuple[str, bool], ...]:
        # what follows a 。 is a remark, not more units (`…各县(市)区政府负责落实。以下均需各县(市)区政府
        # 落实,…不再列出`: 佳木斯), unless the units start after it
        head, dot, rest = content.partition("。")
        clauses = _who_clauses(head if dot and ("牵头" in head or "主办" in head) else content)
        while clauses and _LEADERS_RE.match(clauses[0]):
            clauses = clauses[1:]  # `(分管副省长、协管副秘书长负责,省发展改革委牵头,…)`: the leaders are persons
        if not clauses or not _LEAD_TAIL_RE.search(clauses[0]):
            return ()
        leads = _units_in(_LEAD_TAIL_RE.sub("", clauses[0]))
        others = [u for c in clauses[1:] for u in _units_in(_OTHER_ROLE_TAIL_RE.sub("", c))]
        # (a city named bare among the others, its government: `…,银川市、石嘴山市、吴忠市人民政府…配合`)
        if leads and all(looks_like_unit(u, ctx.table) for u in leads) and all(
                looks_like_unit(u, ctx.table) or _BARE_PLACE_RE.fullmatch(u) for u in others):
            return tuple([(u, True) for u in leads] + [(u, False) for u in others])
        return ()


_BARE_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{2,5}(?:市|县|区|州|盟|旗)")


class TrailingListRule(_BracketRule):
    """004: a bracketed unit list right after a sentence (`。(市跑改办、市审管办)`); its first unit leads.

    In-text parentheses like `(市)`, `(便民服务中心)`, `(负面清单项目除外)` follow a word, not
    `。`, and are left alone. A list that ends the text is accepted after any character.
    """

    name = "trailing-list"

    def read(self, text: str, group: tuple, ctx: RuleContext) -> Annotation | None:
        start, end, opener, content = group
        if opener == "【":
            return None
        k = start - 1  # the last character before the bracket that is not a space
        while k >= 0 and text[k].isspace():
            k -= 1
        at_end = _NOT_TAIL_RE.search(text, end) is None
        if not (k >= 0 and (text[k] in "。；;！" or at_end)):
            return None
        return self._annotation(group, ctx, (self.name, content, ctx.first_unit_leads, ctx.comma_leads))

    def _units(self, content: str, ctx: RuleContext) -> tuple[tuple[str, bool], ...]:
        if (note := _AS_LEAD_RE.match(content.strip())) is not None:
            # `(区发改局为牵头单位)`: its units lead; `(*为牵头单位)` says what a star means, names none
            if leads := unit_names(note.group(1), ctx.table):
                return tuple((u, True) for u in leads)
            return ()
        names = _units_in(content)
        if not (names and all(looks_like_unit(u, ctx.table) for u in names)):
            # `(A负责,2016年9月底前)`: the units once the time clause and the role word are off
            who = _who_clauses(content)
            names = [u for c in who for u in _units_in(_OTHER_ROLE_TAIL_RE.sub("", c))] if len(who) == 1 else []
            if not (names and all(looks_like_unit(u, ctx.table) for u in names)):
                return ()
        if ctx.comma_leads and (before_comma := comma_group(content)):
            return tuple((u, u in before_comma) for u in names)  # `逗号前为牵头单位`: (A、B,C、D)
        if _SHARED_ROLE_RE.search(content) and not ctx.first_unit_leads:
            return tuple((u, False) for u in names)  # `(A、B等按职责分工负责)`: all alike, none leads
        return tuple([(names[0], True)] + [(u, False) for u in names[1:]])


# a list that closes by saying each does its part, with no lead named (a State Council 分工 style)
_SHARED_ROLE_RE = re.compile(r"(?:按(?:照)?(?:各自)?职责(?:分工)?|分工|分别|共同)(?:负责|落实|推进)\s*(?:$|[;；])")
_NOT_TAIL_RE = re.compile(r"[^ 。;；\n]")  # what may not follow a list that ends the text
_AS_LEAD_RE = re.compile(r"^([^，,；;。]*?)(?:为|是)牵头(?:单位)?$")  # a note: `区发改局为牵头单位`


_UNIT_HEAD = r"(?:省|市|区|县)[^，。,；;、\s“”（(]{1,20}?(?:厅|局|委|办|室|院|会|中心|部|处)"


_SUBJECT_RE = re.compile(rf"^({_UNIT_HEAD}(?:（[^）]*）|\([^)]*\))?|其他\S{{2,10}}?单位)(?=负责|会同|根据|牵头)")
_PARTNER_RE = re.compile(rf"会同({_UNIT_HEAD})(?=推进|进行|做好|开展|落实|研究|制定|明确|，|,|、|和|共同)")


class SubjectRule:
    """001: a paragraph that starts with its unit — `省X负责…`, `省X会同省Y推进…`, `；会同省Z推进…`.

    The subject leads; 会同 partners are responsible. `负责牵头`/`并牵头` add nobody.
    """

    name = "subject"

    def find(self, text: str, ctx: RuleContext) -> list[Annotation]:
        m = _SUBJECT_RE.match(text)
        if not m:
            return []
        units = [(m.group(1), True)] + [(p.group(1), False) for p in _PARTNER_RE.finditer(text)]
        return [Annotation(0, len(text), units, self.name)]


# `(?<![由并])({_UNIT_HEAD})牵头…`, written to open with the unit's first character (consumed, the
# character before it checked behind both), so that the engine jumps from 省/市/区/县 to the next
_INLINE_LEAD_RE = re.compile(
    rf"([省市区县](?<![由并].){_UNIT_HEAD[len('(?:省|市|区|县)'):]})牵头(?=开展|负责|推进|组织|实施|做好|，|,)")


class InlineLeadRule:
    """001 S2: `省政府办公厅牵头开展…` inside a sentence (not `由X牵头`, which describes a body)."""

    name = "inline-lead"

    def find(self, text: str, ctx: RuleContext) -> list[Annotation]:
        if "牵头" not in text:
            return []
        return [Annotation(0, len(text), [(m.group(1), True)], self.name) for m in _INLINE_LEAD_RE.finditer(text)][:1]


# `部门分工:省发展改革委牵头,各地、各部门配合。`, `由某副市长负责,市建设局牵头,市发改委配合,按照要求…`: the lead
# phrase of `LeadPhraseBracketRule` written in the sentence, no bracket around it
_PROSE_LEAD_RE = re.compile(
    r"(?<![^。；;:：,，\s])(?P<lead>[^。；;:：,，()（）\s]{2,60}?牵头(?:负责)?)[,，]\s*"
    r"(?P<rest>[^。；;:：()（）]{2,120}?(?:配合|负责|参与|协助|落实))(?=[。；;,，\s]|$)")


_LEAD_THEN_OTHERS_RE = re.compile(r"牵头(?:负责)?[,，]")
_LEAD_PHRASE = LeadPhraseBracketRule()


def label_lead_phrase(value: str, ctx: RuleContext) -> tuple[tuple[str, bool], ...]:
    """A unit label's value that is itself a lead phrase — `责任单位:省政府办公厅、省财政厅牵头,省商务厅、
    省文化广电和旅游厅` — read as `LeadPhraseBracketRule` reads a bracket (its rule notes off); () if not one."""
    if "牵头" not in value:
        return ()
    value = NOTE_RE.sub("", value) if "(" in value or "（" in value else value
    if _LEAD_THEN_OTHERS_RE.search(value) is None:
        return ()
    key = ("label-lead-phrase", value)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _LEAD_PHRASE._units(value.strip().rstrip("。"), ctx)
    return found


class ProseLeadRule:
    """A lead phrase and its partners in the sentence (`A牵头,B、C配合`), where no bracket names units:
    the units of every such phrase of the paragraph, read as `LeadPhraseBracketRule` reads a bracket."""

    name = "prose-lead"

    def find(self, text: str, ctx: RuleContext) -> list[Annotation]:
        if "牵头" not in text:
            return []
        units: list[tuple[str, bool]] = []
        for m in _PROSE_LEAD_RE.finditer(text):
            content = f"{m.group('lead')},{m.group('rest')}"
            found = ctx.memo.get((self.name, content))
            if found is None:
                found = ctx.memo[(self.name, content)] = _LEAD_PHRASE._units(content, ctx)
            units += [u for u in found if u not in units]
        return [Annotation(0, len(text), units, self.name)] if units else []


# Bracket rules may occur several times in one item (one sub-task each); first rule wins a span.
INLINE_RULES = [LabelledBracketRule(), LeadPhraseBracketRule(), TrailingListRule()]
# Tried only when no bracket annotation was found; at most one annotation per item.
FALLBACK_RULES: list[SubjectRule | ProseLeadRule | InlineLeadRule] = [SubjectRule(), ProseLeadRule(), InlineLeadRule()]


def find_annotations(text: str, ctx: RuleContext) -> list[Annotation]:
    found: list[Annotation] = []
    # where a rule first stated here starts: the brackets closed before it are read without it
    # (`(责任单位:省级有关部门,…)…(责任单位:省司法厅、省市场监管局。列第一位的为牵头单位,下同)`)
    stated_at = -1
    if ctx.stated_here and ctx.first_unit_leads and (m := FIRST_LEADS_RE.search(text)) is not None:
        stated_at = m.start()
    # Top-level groups never overlap, and a bracket rule's span is its group's: each group goes to
    # the first rule (in `INLINE_RULES` order) that reads it. Groups come in printed order.
    for group in _group_list(text):
        before = group[1] <= stated_at
        if before:
            ctx.first_unit_leads = False
        for rule in INLINE_RULES:
            ann = rule.read(text, group, ctx)
            if ann is not None:
                found.append(ann)
                break
        if before:
            ctx.first_unit_leads = True
    if found:
        return found
    for fallback in FALLBACK_RULES:
        anns = fallback.find(text, ctx)
        if anns:
            return anns
    return []
