"""The words a plan uses to label who does a task and by when, in one place.

Label lines (`牵头单位:`, `牵头责任单位：`, `协同责任单位:`, `时限要求:`), labelled brackets and
table headers all draw on these lists. A label that names a *person* (`牵头负责领导:金力`,
`责任领导`, `分管县领导`) is recognised so that it is never read as a unit.
"""

from __future__ import annotations

import re

_WS_RE = re.compile(r"\s+")
_LABEL_WORD_RE = re.compile(r"[^:：\s]+")

LEAD_LABELS = (
    "牵头责任单位", "总牵头单位", "总牵头部门", "牵头责任部门", "牵头单位", "牵头部门", "主办单位", "主责单位", "主责部门", "牵头处室",
    "牵头科室", "主要责任单位", "牵头负责部门", "牵头负责单位",
)
OTHER_LABELS = (
    "协同责任单位", "协同责任部门", "配合责任单位", "配合责任部门", "责任单位", "责任部门", "配合单位", "配合部门",
    "协办单位", "参与单位", "参与部门", "协同单位", "协同部门", "协作单位", "责任主体", "实施单位", "落实单位",
    # a department's own plan assigns its offices
    "责任处室", "责任科室", "负责处室", "负责科室", "配合处室", "配合科室", "责任股室", "协同配合单位",
    "共同责任单位", "共同责任部门", "协助单位", "协助部门", "数据提供单位",
)
PERSON_LABELS = (
    "牵头负责领导", "牵头领导", "牵头区领导", "牵头县领导", "牵头市领导", "责任领导", "分管领导", "分管县领导",
    "分管区领导", "分管市领导", "联系领导",
    "包保领导", "项目责任人", "责任人", "联系人", "负责人",
)
PROGRESS_LABELS = ("实际完成情况", "完成情况", "进展情况", "工作进展", "推进情况", "进度情况", "当前进度",
                   # (and a year's staged targets, `年度阶段性工作目标:第一季度:…完成工作任务20%以上`: no deadline)
                   "年度阶段性工作目标", "阶段性工作目标", "阶段性目标")
DATE_LABELS = (
    "完成时间", "完成时限", "时间节点", "时限要求", "完成期限", "时间要求", "时间安排", "进度安排", "完成时间节点",
)

_alt = lambda words: "|".join(sorted(words, key=len, reverse=True))  # noqa: E731 — longest first
UNIT_LABEL_RE = re.compile(rf"({_alt(LEAD_LABELS + OTHER_LABELS)})\s*[:：]")
# A line made of one or more labels and its value: `完成时间：完成时间：2019年6月底前`.
_ALL = LEAD_LABELS + OTHER_LABELS + PERSON_LABELS + DATE_LABELS + PROGRESS_LABELS
LINE_LABEL_RE = re.compile(rf"^((?:(?:{_alt(_ALL)})\s*[:：]\s*)+)(.*)$")
_LABEL_FIRST = frozenset(w[0] for w in _ALL)  # what `LINE_LABEL_RE` matches starts with
LINE_START_LABEL_RE = re.compile(rf"^(?:{_alt(_ALL)})\s*[:：]")
# a label inside a line, after a space or the end of a sentence: `…试运营。 牵头领导:林静国 责任单位:市X局`
# (the look-ahead for a label's first character lets the engine skip the other positions)
INLINE_LABEL_RE = re.compile(rf"(?=[{''.join(sorted({w[0] for w in _ALL}))}])(?:(?<=\s)|(?<=[。；;]))({_alt(_ALL)})\s*[:：]")
# the same labels, found by the character before them (a scan that jumps from space to 。): a match
# is that character, the label starts right after it
INLINE_LABEL_AFTER_RE = re.compile(rf"[\s。；;,，](?=(?:{_alt(_ALL)})\s*[:：])")
_ALL_WORDS = frozenset(_ALL)
# a task's own label in a record printed one field a line (`具体任务` / `全面落实…` / `责任单位` / `卫健局、文旅局`)
TASK_FIELD_LABELS = ("具体任务", "工作任务", "任务名称", "重点工作", "主要任务", "重点任务", "任务内容", "工作内容",
                     "目标任务", "工作事项", "督办事项", "任务事项")
FIELD_LABELS = _ALL_WORDS | frozenset(TASK_FIELD_LABELS)  # every label a record's field may have
UNIT_FIELD_LABELS = frozenset(LEAD_LABELS + OTHER_LABELS)
_LABEL_LAST = frozenset(w[-1] for w in _ALL)
_ALL_LENGTHS = sorted({len(w) for w in _ALL})


def may_have_inline_label(line: str) -> bool:
    """False when `INLINE_LABEL_AFTER_RE` cannot match: no colon has a label word before it (spaces
    between allowed) that follows a space, 。；; or a comma (牵头单位:A,配合单位:B). Looked at from the colons (a line has few), not
    by the pattern's scan of every character (a long line with a colon seldom has an inline label)."""
    for colon in ":：":
        c = line.find(colon)
        while c != -1:
            k = c
            while k and line[k - 1].isspace():
                k -= 1
            if k > 3 and line[k - 1] in _LABEL_LAST:
                for n in _ALL_LENGTHS:
                    if k > n and line[k - n : k] in _ALL_WORDS:
                        ch = line[k - n - 1]
                        if ch in "。；;,，" or ch.isspace():
                            return True
            c = line.find(colon, c + 1)
    return False

# "列第一个单位的均为牵头单位" (000), "第一责任单位为牵头单位,下同", "列第一位者为牵头或汇总单位,下同",
# "首位单位为牵头单位", "排名第一的为牵头单位", "排在首位的为牵头单位", "列第一位的为工作牵头单位":
# the first unit of every later list leads.
FIRST_LEADS_RE = re.compile(
    r"(?:(?:列|排)(?:在|名)?)?(?:第一|首位)(?:个|位|家)?(?:的|者)?(?:责任)?(?:单位|部门)?(?:者|的)?(?:均|都)?为(?:工作)?牵头"
)
# "逗号前为牵头单位,下同" (六安): the units before a list's first comma lead (`A、B,C、D`: A and B)
COMMA_LEADS_RE = re.compile(r"(?:逗号|，号)(?:之)?前(?:的)?(?:单位|部门)?(?:均|都)?(?:为|是)(?:工作)?牵头")
# A bracketed note inside a unit list that states a rule, not a unit: `(第一责任单位为牵头单位,下同)`.
# (or one that says who else does every task: `〔以下均需各市、区人民政府落实,不再单独列出〕`)
NOTE_WORDS = ("牵头", "下同", "汇总", "以下均", "不再单独")
NOTE_RE = re.compile(rf"[（(〔【\[][^（）()〔〕【】\[\]]*(?:{'|'.join(NOTE_WORDS)})[^（）()〔〕【】\[\]]*[）)〕】\]]")


def label_kind(label: str) -> str:
    """"lead", "other", "person" or "date" for a label word (as matched above)."""
    label = _WS_RE.sub("", label)
    if label in LEAD_LABELS:
        return "lead"
    if label in OTHER_LABELS:
        return "other"
    if label in PERSON_LABELS:
        return "person"
    if label in PROGRESS_LABELS:
        return "progress"
    return "date"


def parse_label_line(line: str) -> tuple[str, str] | None:
    """`完成时间：完成时间：2019年6月底前` → ("完成时间", "2019年6月底前"); None for any other line."""
    if ":" not in line and "：" not in line:
        return None  # a label ends in a colon
    line = line.strip()
    if line[:1] not in _LABEL_FIRST:
        return None  # (the line starts with a label word)
    m = LINE_LABEL_RE.match(line)
    if not m:
        return None
    label = _LABEL_WORD_RE.match(m.group(1)).group(0)  # type: ignore[union-attr]  # (LINE_LABEL_RE's group 1 starts with a label word)
    return label, m.group(2).strip()


# `责任单位：A、B（A为牵头单位）`: a note naming the lead among the units
NOTE_LEAD_RE = re.compile(r"[（(]([^（）()]{2,30}?)(?:为|是|作为)牵头(?:单位|部门)?[^（）()]{0,20}[）)]")


# `区审管办（牵头）、区数管局`: the marker right after a unit
MARKED_LEAD_RE = re.compile(r"([^、，,；;\s（()）:：]{2,30})\s*[（(](?:牵头|牵头单位|牵头部门|主办|主责)[）)]")
_NOTE_SPLIT_RE = re.compile(r"[、,，和及]")
# several units each leading their part: `责任单位:市人力社保局、市农业农村局分别牵头`
_SEVERAL_LEAD_RE = re.compile(r"([^：:；;（()）。]{2,60}?)分别牵头")
_MARKER_RE = re.compile(r"[（(](?:牵头|牵头单位|牵头部门|主办|主责)[）)]")


# a plan's statement that a star marks the lead units: 带*的为牵头单位, *为牵头单位, 标*号者为牵头单位
STAR_LEADS_RE = re.compile(r"[*＊]\s*号?\s*(?:的|者)?\s*(?:单位)?\s*(?:为|是|系)\s*牵头")


def note_leads(text: str) -> set[str]:
    """Unit names a note designates as leads: `（区发改局为牵头单位）`, `区审管办（牵头）`."""
    out: set[str] = set()
    if "牵头" in text:
        # `（A、B为牵头单位）`, and `A、B分别牵头`
        notes = (NOTE_LEAD_RE, _SEVERAL_LEAD_RE) if "分别牵头" in text else (NOTE_LEAD_RE,)
        for pattern in notes:
            for m in pattern.finditer(text):
                out.update(x.strip() for x in _NOTE_SPLIT_RE.split(m.group(1)) if x.strip())
    if _MARKER_RE.search(text):  # the marker first: the name before it is costly to look for everywhere
        out.update(m.group(1) for m in MARKED_LEAD_RE.finditer(text))
    return out


# --- annotation debris in a task's text --------------------------------------------------------

_WHO_WHEN = _alt(LEAD_LABELS + OTHER_LABELS + PERSON_LABELS + DATE_LABELS)
# 【责任单位：区审管办（跑改办）、区数管局】 — a square bracket may hold round ones
_SQUARE_NOTE_RE = re.compile(rf"[【\[［]\s*(?:{_WHO_WHEN})\s*[:：][^】\]］]*[】\]］]")
# (牵头单位:市跑改办) / （责任单位：区发改局（牵头））— one level of nesting inside
_ROUND_NOTE_RE = re.compile(rf"[（(〔]\s*(?:{_WHO_WHEN})\s*[:：](?:[^（）()〔〕]|[（(][^（）()]*[）)])*[）)〕]")
_LABEL_LINE_RE = re.compile(rf"^\s*(?:{_WHO_WHEN})\s*[:：].*$", re.MULTILINE)
_INLINE_TAIL_RE = re.compile(rf"(?:(?<=\s)|(?<=[。；;]))(?:{_WHO_WHEN})\s*[:：].*$", re.MULTILINE)
_SPACES_RE = re.compile(r"[ \t\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")


def strip_annotations(text: str) -> str:
    """A task's text as a reader wants it: without the responsibility and deadline annotations the
    plan wrote into it (【责任单位：…】, (牵头单位:…), lines `完成时间:…`, a trailing `牵头单位:… 责任单位:…`).
    The units and dates themselves are stored apart (assignments, milestones)."""
    text = _SQUARE_NOTE_RE.sub("", text or "")
    text = _ROUND_NOTE_RE.sub("", text)
    text = _LABEL_LINE_RE.sub("", text)
    text = _INLINE_TAIL_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    return _BLANK_LINES_RE.sub("\n", text).strip()
