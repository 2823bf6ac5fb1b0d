"""Unit names: splitting a written list, canonicalising against an alias table, kind/level guesses.

The caller passes ``aliases`` (as-written → canonical) from the database; `DEFAULT_ALIASES`
and `KNOWN_UNITS` cover the units of the five seed plans. Lookups ignore spaces, quotes and
the width of brackets (`区“跑改办”` = `区跑改办`, `(市)` = `（市）`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .labels import COMMA_LEADS_RE, FIRST_LEADS_RE, NOTE_RE, NOTE_WORDS, note_leads
from .model import KIND_COLLECTIVE, KIND_DEPARTMENT, KIND_ENTERPRISE, KIND_TOWN, UnitRef

_KEY_STRIP_RE = re.compile(r"[\s“”\"'‘’「」]")
_SENTENCE_CHARS_RE = re.compile(r"[。：:]")
_COLLECTIVE_HEAD_RE = re.compile(r"^(?:各|其他|有关|相关)")
_WS_RE = re.compile(r"\s+")
_STASH_RE = re.compile(r"\x00(\d+)\x00")

# SEED-NOTES "Same unit, several names".
DEFAULT_ALIASES: dict[str, str] = {
    "区审管办（跑改办）": "区审管办",
    "区审管办（招管办）": "区审管办",
    "区跑改办": "区审管办",
    "区“跑改办”": "区审管办",
    "区公安分局": "区公安局",
    "人民银行萧山支行": "人行萧山支行",
    "市卫生健康委员": "市卫生健康委",
    "市卫生健康委员会": "市卫生健康委",
    "省发展改革委（省审改办）": "省发展改革委",
    "区卫计局": "区卫健局",
}

# Canonical names met in the seeds; a unit found here (or in the aliases) is "known".
KNOWN_UNITS: tuple[str, ...] = (
    # 000 萧山 2020
    "区审管办", "区数管局", "区住建局", "区市场监管局", "区财政局", "区公安局", "区卫健局", "区教育局",
    "区交通运输局", "区文旅局", "区司法局", "区发改局", "区委编办", "区生态环境局", "区人社局",
    "区公积金中心", "区税务局", "人行萧山支行", "区规资局", "国网萧山供电公司", "区环境集团", "区经信局",
    "区应急局", "区医保局", "区民政局", "区委改革办", "区农业农村局", "区南站管委会", "经济技术开发区",
    "区级有关部门", "各镇街", "有关镇街",
    # 001 浙江 2017
    "省政府办公厅", "省编办", "省信访局", "省发展改革委", "省公安厅", "省财政厅", "省地税局", "省人社厅",
    "省工商局", "省国土资源厅", "省建设厅", "省质监局", "省法制办", "省政府督查室", "其他省级有关单位",
    # 003 萧山 就近办
    "区办事服务中心", "区信息中心", "区金融办", "相关区级部门", "各相关区级部门", "相关部门", "各相关部门",
    "相关银行", "各镇人民政府", "各街道办事处", "设置基层站所的区级部门",
    # 004 杭州 2019
    "市跑改办", "市审管办", "市委编办", "市数据资源局", "市司法局", "市市场监管局", "市税务局", "市法院",
    "仲裁办", "市建委", "市发改委", "市规划和自然资源局", "市财政局", "国网杭州供电公司", "市经信局",
    "市金融办", "市科技局", "人行杭州中心支行", "钱江海关", "市投资促进局", "市人力社保局", "市医保局",
    "市卫生健康委", "市体育局", "市公安局", "市民政局", "市教育局", "市交通运输局", "市华数集团",
    "市信访局", "市委督查室", "市政府督查室", "市统计局", "国家统计局杭州调查队", "市直各有关部门",
    "各区、县(市)政府及管委会", "市直各有关执法单位", "各改革领域工作专班",
)

# What a unit name ends with. A table fragment that ends otherwise is the first half of a wrapped name.
UNIT_SUFFIXES = (
    "中心支行", "支行", "中心", "集团", "公司", "管委会", "开发区", "办事处", "专班", "部门", "单位", "镇街",
    "政府", "局", "办", "委", "院", "室", "会", "队", "行", "司", "团", "府", "班", "厅", "部", "处", "所",
    "站", "关", "馆", "社", "组", "庭", "署", "镇", "街道", "乡",
    "示范区", "高新区", "新区", "园区", "功能区", "联", "协", "工作部", "分局", "支队", "大队",
    "科室", "处室", "股室", "科", "股",  # a department's offices (政策法规科, 各科室)
    "党校", "学校", "大学", "电视台", "气象台",
    # a development platform run by its own 管委会 (未来科技城, 良渚新城, 经开区, 湘湖度假区)
    "科技城", "新城", "经开区", "集聚区", "度假区", "保税区", "合作区", "试验区", "产业园", "工业园", "科技园",
)

# Collectives that contain a separator and must never be split.
_PROTECTED_RES = (
    re.compile(r"各[区县市乡镇](?:\s*、\s*[区县市乡镇])+\s*(?:[（(]\s*[区县市、]+\s*[）)])?\s*(?:人民)?(?:政府|党委)?\s*(?:及管委会)?"),
)
_COLLECTIVE_RE = re.compile(
    r"^(?:各|有关|相关|其他|市直|区直|县直|省直)|(?:有关|相关|各)\S*(?:部门|单位|镇街|政府|管委会|办事处|专班|银行|街道)$"
    r"|(?:部门|单位|镇街)$"
)
_SPLIT_RE = re.compile(r"[、,，;；/]")
_LEVELS = (("省", "province"), ("市", "city"), ("区", "district"), ("县", "county"), ("镇", "town"),
           ("乡", "town"), ("街道", "town"))
# 等 and what follows it closing a list (`A等相关部门`, `A等有关单位`, `A等省有关部门`): the others are no unit of their own
_ETC_TAIL = (
    r"等(?:[省市区县镇乡]级?|[省市区县]直)?(?:其他|其它)?(?:相关|有关)?(?:部门|单位|方面)?(?:和单位|单位)?$"
    # (and a longer kind of body after 相关/有关: `市消防救援支队等市各相关行政执法机关`)
    r"|等(?:[省市区县镇乡]级?|[省市区县]直)?各?(?:相关|有关)[\u4e00-\u9fff]{0,8}?(?:部门|单位|机关|机构)$"
    # (or such a group's words cut off by the page: `市住建局等政府各有关`)
    r"|等(?:[省市区县镇乡]级?|[省市区县]直|政府|其他|其它)*各?(?:相关|有关|成员)$"
    # (or their count: `区发改局等10个部门`)
    r"|等[0-9一二三四五六七八九十]{1,3}个(?:[省市区县]级|[省市区县]直)?(?:相关|有关)?(?:部门|单位)$")
_STRIP_HEAD = r"^(?:由|和|及|与)"  # a joining word before a list's part
_STRIP_HEAD_RE = re.compile(_STRIP_HEAD)
_STRIP_RE = re.compile(f"{_STRIP_HEAD}|{_ETC_TAIL}")
_ETC_TAIL_RE = re.compile(_ETC_TAIL)
# two units joined by 及 or 和 in one list part (`市级各有关部门及各县市区政府`, `州委编办及州直相关单位`,
# `经济投资局和航空口岸局分别牵头`): split where every side ends like a unit (a protected collective,
# `各区、县(市)政府及管委会`, is stashed; `区住房和城乡建设局` is one name: `区住房` is no unit)
_AND_RE = re.compile(r"以及|及|和")
_AND_OR_BRACKET_RE = re.compile(r"以及|及|和|[（(\[〔【）)\]〕】]")
_STRIP_HEADS = ("由", "和", "及", "与")


def _key(name: str) -> str:
    return _KEY_STRIP_RE.sub("", unicodedata.normalize("NFKC", name))


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """Comparison key: NFKC (bracket width), no spaces, no quotes."""
    return _key(name)


@lru_cache(maxsize=65536)
def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE_RE.search(key(name))) or any(r.fullmatch(name) for r in _PROTECTED_RES)


def looks_like_unit(name: str, table: AliasTable | None = None) -> bool:
    name = without_etc(name.strip())
    if not name or len(name) > 30 or _SENTENCE_CHARS_RE.search(name):
        return False
    if table is not None and table.knows(name):
        return True
    return is_collective(name) or ends_like_unit(name)


@lru_cache(maxsize=65536)
def guess_kind(name: str) -> str:
    return _kind_level(name)[0]


@lru_cache(maxsize=65536)
def guess_level(name: str) -> str | None:
    return _kind_level(name)[1]


@lru_cache(maxsize=65536)
def _kind_level(name: str) -> tuple[str, str | None]:
    """`guess_kind` and `guess_level` of a name, worked out together (one key, no cache per step)."""
    return _kind_level_of(name)


def _kind_level_of(name: str) -> tuple[str, str | None]:
    k = key(name)
    # is_collective (every protected collective starts with 各)
    if _COLLECTIVE_RE.search(k) or (name[:1] == "各" and any(r.fullmatch(name) for r in _PROTECTED_RES)):
        kind = KIND_COLLECTIVE
    elif k.endswith(("公司", "集团")) or (k.endswith("银行") and "人民银行" not in k):
        kind = KIND_ENTERPRISE
    elif k.endswith(("镇", "乡", "街道", "镇人民政府", "乡人民政府", "街道办事处")):
        kind = KIND_TOWN
    else:
        kind = KIND_DEPARTMENT
    if kind == KIND_TOWN:
        return kind, "town"  # 益农镇人民政府: the town comes last, not as a prefix
    k = _COLLECTIVE_HEAD_RE.sub("", k)
    for prefix, level in _LEVELS:
        if k.startswith(prefix):
            return kind, level
    return kind, None


_DEFAULT_MAP: dict[tuple, dict[str, str]] = {}


def _default_map() -> dict[str, str]:
    """The keys of `KNOWN_UNITS` and `DEFAULT_ALIASES`, computed once (not per plan: every plan
    starts from them). Computed again should either list change."""
    stamp = (KNOWN_UNITS, tuple(DEFAULT_ALIASES.items()))
    found = _DEFAULT_MAP.get(stamp)
    if found is None:
        found = {key(name): name for name in KNOWN_UNITS}
        for written, canonical in DEFAULT_ALIASES.items():
            found[key(written)] = canonical
        _DEFAULT_MAP.clear()
        _DEFAULT_MAP[stamp] = found
    return found


_DEFAULT_NAMES: dict[tuple, tuple[dict[str, str], dict[str, tuple[str, str | None]]]] = {}


def _default_names() -> tuple[dict[str, str], dict[str, tuple[str, str | None]]]:
    """`key` of every name of `KNOWN_UNITS` and `DEFAULT_ALIASES` (written and canonical), and
    `_kind_level` of every canonical one: what `AliasTable.lookup` asks of the names most plans
    write, computed once (they are the module's, no document's). Again should either list change."""
    stamp = (KNOWN_UNITS, tuple(DEFAULT_ALIASES.items()))
    found = _DEFAULT_NAMES.get(stamp)
    if found is None:
        canonical = set(KNOWN_UNITS) | set(DEFAULT_ALIASES.values())
        keys = {name: _key(name) for name in canonical | set(DEFAULT_ALIASES)}
        found = (keys, {name: _kind_level_of(name) for name in canonical})
        _DEFAULT_NAMES.clear()
        _DEFAULT_NAMES[stamp] = found
    return found


class AliasTable:
    """as-written → canonical lookups; ``aliases`` from the caller override the defaults."""

    def __init__(self, aliases: Mapping[str, str] | None = None, *, use_defaults: bool = True):
        self._map: dict[str, str] = {}
        self._resolved: dict[str, tuple] = {}  # as written → what `resolve` answers (a plan repeats its units)
        self._lists: dict[tuple, tuple] = {}  # see `unit_lists`
        self._cells: dict[str, tuple[str, ...]] = {}  # see `split_table_units`
        # the key and the kind/level of every default name, worked out once per process (looked up
        # here once per plan: the check that the lists are unchanged hashes them all)
        self._known = _default_names()
        if use_defaults:
            self._map.update(_default_map())
        for written, canonical in (aliases or {}).items():
            self._map[key(written)] = canonical
            self._map.setdefault(key(canonical), canonical)

    def knows(self, name: str) -> bool:
        return key(name) in self._map

    def lookup(self, as_written: str) -> tuple:
        """(name, as written, kind, level, known): `resolve`'s fields, computed once per spelling."""
        found = self._resolved.get(as_written)
        if found is None:
            written = "".join(as_written.split())  # (what `\s` matches: `str.split`'s whitespace)
            base = without_etc(written)  # (`A等有关部门`: A, as written with its tail)
            known = self._known
            k = known[0].get(base)
            canonical = self._map.get(key(base) if k is None else k)
            name = canonical or base
            kind_level = known[1].get(name) or _kind_level(name)
            found = self._resolved[as_written] = (name, written, *kind_level, canonical is not None)
        return found

    def unit_lists(self, pairs: tuple[tuple[str, bool], ...]) -> tuple[tuple[tuple, ...], tuple[int, ...]]:
        """(as written, is lead) in printed order → the `resolve` fields of each unit, unique by
        canonical name (the first one written stays), and the indexes of the leads among them, in
        the order they are first named as leads. Kept per list: a plan repeats its unit lists."""
        found = self._lists.get(pairs)
        if found is None:
            at: dict[str, int] = {}
            fields: list[tuple] = []
            leads: dict[str, int] = {}
            for written, is_lead in pairs:
                entry = self.lookup(written)
                k = at.get(entry[0])
                if k is None:
                    k = at[entry[0]] = len(fields)
                    fields.append(entry)
                if is_lead and entry[0] not in leads:
                    leads[entry[0]] = k
            found = self._lists[pairs] = (tuple(fields), tuple(leads.values()))
        return found

    def canonical(self, as_written: str) -> str:
        """The name `resolve` gives, without building the `UnitRef`."""
        return self.lookup(as_written)[0]

    def resolve(self, as_written: str) -> UnitRef:
        return UnitRef(*self.lookup(as_written))


def _protect(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []
    if "各" not in text:
        return text, kept  # every protected collective starts with 各

    def stash(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"

    for r in _PROTECTED_RES:
        text = r.sub(stash, text)
    return text, kept


def _restore(part: str, kept: list[str]) -> str:
    if not kept and "\x00" not in part:
        return part
    return _STASH_RE.sub(lambda m: kept[int(m.group(1))], part)


def _drop_notes(text: str) -> str:
    """The list without its rule notes, and without the second noun of an 等 tail (`A等部门、单位`)."""
    if "等" in text:
        text = _ETC_PAIR_RE.sub(r"\1", text)
    if any(w in text for w in NOTE_WORDS):  # (a note says one of these)
        return NOTE_RE.sub("", text)
    return text


# an 等 tail of two nouns (`A、B等部门、单位`, `A等相关部门和单位`): one tail, the second noun no unit of its own
_ETC_PAIR_RE = re.compile(r"(等(?:[省市区县镇乡]级?|[省市区县]直)?(?:其他|其它)?(?:相关|有关)?(?:部门|单位))"
                          r"[、和及与](?:各|相关|有关)?(?:部门|单位|机构)(?=$|[、,，;；\s）)])")


_BRACKET_CHARS_RE = re.compile(r"[（(\[〔【）)\]〕】]")


_SPLIT_OR_BRACKET_RE = re.compile(r"[（(\[〔【）)\]〕】、,，;；/]")


def _split_outside_brackets(text: str, separators: re.Pattern = _SPLIT_RE,
                            marks: re.Pattern = _SPLIT_OR_BRACKET_RE) -> list[str]:
    """``text`` split at each of ``separators`` outside brackets (``marks``: the brackets and the
    separators, found together)."""
    if not _BRACKET_CHARS_RE.search(text):
        return separators.split(text)
    parts: list[str] = []
    depth = last = 0
    for m in marks.finditer(text):  # the brackets and separators only
        ch = m.group()
        if ch in "（([〔【":
            depth += 1
        elif ch in "）)]〕】":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[last : m.start()])
            last = m.end()
    parts.append(text[last:])
    return parts


_ROLE_TAIL_RE = re.compile(
    r"(?:按(?:照)?(?:各自)?(?:职责|职能)(?:分工)?(?:负责|落实|配合|推进)?|分工负责|分工落实|分别负责|共同负责|牵头负责|分别牵头"
    r"|(?:配合|参与|协助)(?:落实|推进|实施)|负责(?:落实|实施|推进)?|配合|参与|协助|主办|协办)$"
)


# the last character of every `_ROLE_TAIL_RE` word (职责/负责 责, 职能 能, 分工 工, 落实 实, 配合 合,
# 推进 进, 参与 与, 协助 助, 分别牵头 头; 主办/协办 looked for apart: most names ending 办 are units,
# 区府办): a part that ends otherwise has no role tail
_ROLE_TAIL_LAST = frozenset("责能工实合进与助头")
# a level's prefix alone, what a list cut off at the end of a page leaves (责任单位:市): no unit
_BARE_LEVELS = frozenset({"省", "市", "区", "县", "镇", "乡", "州", "盟", "旗"})


def clean_unit(part: str, etc: bool = False) -> str:
    """One part of a unit list, cleaned: no role words, no joining word before it, no 等 tail after it
    (``etc``: the 等 tail kept, as printed, for the unit's as-written name: `without_etc` gives the name)."""
    part = part.strip().strip("。.；;，,、 *＊▲△★☆")  # (a star or a triangle flags a unit: star_marked)
    if part[-1:] in _ROLE_TAIL_LAST or part.endswith(("主办", "协办")):
        part = _ROLE_TAIL_RE.sub("", part).strip()
    if part[:1] in _STRIP_HEADS or "等" in part:  # what `_STRIP_RE` looks for
        part = _STRIP_HEAD_RE.sub("", part) if etc else _STRIP_RE.sub("", part)
    part = part.strip()
    return "" if part in _BARE_LEVELS or etc and without_etc(part) in _BARE_LEVELS else part


def without_etc(name: str) -> str:
    """The unit of a name written with an 等 tail (`市住建局等市级有关部门` → `市住建局`): the others it stands
    for are no unit of their own."""
    return _ETC_TAIL_RE.sub("", name).strip() if "等" in name else name


def comma_group(text: str) -> set[str]:
    """The units of a list before its first comma outside brackets (`A、B,C、D`: A and B), the leads
    where the plan says `逗号前为牵头单位`; none where the list has no comma."""
    head, *rest = _split_outside_brackets(text, _COMMA_RE, _COMMA_OR_BRACKET_RE)
    return set(split_units(head)) if rest else set()


_COMMA_RE = re.compile(r"[,，]")
_COMMA_OR_BRACKET_RE = re.compile(r"[（(\[〔【）)\]〕】,，]")


def split_units(text: str) -> list[str]:
    return list(_split_units(text))


@lru_cache(maxsize=16384)  # a plan repeats its unit lists: each is split once
def _split_units(text: str) -> tuple[str, ...]:
    """A written unit list (`A、B,各区、县(市)政府及管委会`) → names, printed order, collectives whole.

    A bracketed rule note (`(第一责任单位为牵头单位,下同)`) is not a unit, and what follows a
    `。` is a remark (`…按职责分工负责。具体任务均涉及…`), not more units.
    """
    text = _drop_notes(text).split("。")[0]
    if "牵头" in text and ((m := FIRST_LEADS_RE.search(text)) is not None or (m := COMMA_LEADS_RE.search(text)) is not None):
        text = text[: m.start()].rstrip(",，、;； ")  # `A、B,排在首位的为牵头单位,下同`: the rule, not units
    protected, kept = _protect(text)
    out: list[str] = []
    for whole in _split_outside_brackets(protected):
        for part in _split_and(whole, kept) if "及" in whole or "和" in whole else (whole,):
            name = clean_unit(_restore(part, kept), etc=True)
            if not name or _DEADLINE_PART_RE.match(name):
                continue  # the deadline written last in the list: (责任单位:A、B,6月底完成)
            name = "".join(name.split())
            if name in _BARE_NOUNS and out:
                out[-1] += "、" + name  # one group with the name before: 市直有关部门、单位
            else:
                out.append(name)
    if out and cut_in_bracket(out[-1]):
        _cut_last(out)
    return tuple(out)


_OPEN_AT_END_RE = re.compile(r"^(.+?)[（(〔【\[]([^（()）〔〕【】\[\]]+)$")


def _cut_last(out: list[str]) -> None:
    """The last name of a list the page cut off inside a bracket: the name before a qualifier it had begun
    (`各区人民政府〈含开发区、`: 各区人民政府), else no unit (`各镇乡(`, `区商务(局`)."""
    m = _OPEN_AT_END_RE.match(out[-1])
    if m is not None and looks_like_unit(m.group(1)) and not cut_in_bracket(m.group(1)):
        out[-1] = m.group(1)
    else:
        out.pop()


def cut_in_bracket(name: str) -> bool:
    """A list cut off by the page inside a bracket (`…,各部门,各镇乡(`): its last name is no unit.
    (Also: a line that the page cut off inside its bracket, more opened than closed.)"""
    return sum(map(name.count, "（(〔【[")) > sum(map(name.count, "）)〕】]"))


_TRAILING_BRACKET_RE = re.compile(r"[（(][^（）()]*[）)]$")


def ends_like_unit(name: str) -> bool:
    k = _TRAILING_BRACKET_RE.sub("", key(without_etc(name)))  # 省数据局(省营商局): its alias after it
    return len(k) >= 2 and (k.endswith(UNIT_SUFFIXES) or bool(_COLLECTIVE_RE.search(k)))


def _split_and(part: str, kept: list[str]) -> list[str]:
    """``part`` split at each 及/以及 outside brackets where every side, cleaned, ends like a unit."""
    pieces = _split_outside_brackets(part, _AND_RE, _AND_OR_BRACKET_RE)
    if len(pieces) < 2:
        return [part]
    cleaned = [clean_unit(_restore(p, kept)) for p in pieces]
    # (not before a bare noun or body: `市各有关部门和单位`, `高新区党工委和管委会` are one group, as printed;
    # nor between collectives only, `市级各有关部门及各县市区政府`: one group of no unit in particular)
    if all(ends_like_unit(c) for c in cleaned) \
            and not any(c in _BARE_NOUNS or c in _BARE_BODIES for c in cleaned[1:]) \
            and not all(is_collective(c) for c in cleaned):
        return pieces
    return [part]


# a part of a unit list that is its deadline, not a unit: 6月底完成, 2020年9月底前, 年底前完成, 长期坚持
_DEADLINE_PART_RE = re.compile(
    r"^(?:(?:19|20)\d{2}年)?(?:\d{1,2}月|[上下]半年|年[底内中末]|全年|[一二三四1-4]季度|长期|持续)"
    r"[^、，,；;]{0,8}$")
# a bare noun after 、 shares the words before it (市直有关部门、单位; 各相关部门、单位): never a unit alone
_BARE_NOUNS = frozenset({"单位", "部门", "机构"})
# a body named bare after 和/及 belongs to the place before it (各县(市、区)党委和人民政府, 高新区党工委和管委会)
_BARE_BODIES = frozenset({"人民政府", "政府", "管委会", "管理委员会", "党委", "党工委", "纪委", "办事处"})


def split_table_units(cell: str, table: AliasTable | None = None) -> list[str]:
    """A table cell where a space either wraps one unit or separates two.

    `人行杭州 中心支行` is one unit (the fragment does not end like a unit, or the joined
    name is known); `市审管办 市委编办` is two (each fragment ends like a unit).
    """
    if table is None:
        return _split_table_units(cell, None)
    found = table._cells.get(cell)  # a table repeats its unit cells (the answer depends on the table)
    if found is None:
        found = table._cells[cell] = tuple(_split_table_units(cell, table))
    return list(found)


def _split_table_units(cell: str, table: AliasTable | None) -> list[str]:
    protected, kept = _protect(_drop_notes(cell))
    names: list[str] = []
    parts = [part for whole in _split_outside_brackets(protected)
             for part in (_split_and(whole, kept) if "及" in whole or "和" in whole else (whole,))]  # (as `_split_units`)
    for part in parts:
        frags = [_restore(f, kept) for f in part.split()]
        buf = ""
        for i, frag in enumerate(frags):
            buf += frag
            nxt = frags[i + 1] if i + 1 < len(frags) else None
            if nxt is None:
                break
            joined_known = table is not None and table.knows(buf + nxt) and not table.knows(nxt)
            ends_like_unit = key(buf).endswith(UNIT_SUFFIXES) or (table is not None and table.knows(buf))
            if joined_known or not ends_like_unit:
                continue  # wrapped: keep joining
            names.append(buf)
            buf = ""
        if buf:
            names.append(buf)
    out: list[str] = []
    for name in [_WS_RE.sub("", n) for n in [clean_unit(n, etc=True) for n in names] if n]:
        if name in _BARE_NOUNS and out:
            out[-1] += "、" + name  # one group with the name before: 市直有关部门、单位 (as `_split_units`)
        else:
            out.append(name)
    if out and cut_in_bracket(out[-1]):
        _cut_last(out)
    # a person named after the unit in its cell (市民政局 伍泽国: 牵头单位及主要负责人), or alone in it where a
    # merged unit cell left the row one cell short and the 分管领导's name slid into the unit column: no unit
    # (and a number, a row cut off by the page: its 建设时间 `2024` in the unit column)
    return [n for k, n in enumerate(out) if not n.isdigit() and not (
        _PERSON_NAME_RE.fullmatch(n) and (k or n[0] in SURNAMES) and not looks_like_unit(n, table))]


# two or three characters, not a place named bare (黄埔区, 沁县, 龙港市: a district's, county's, city's government)
_PERSON_NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,2}[\u4e00-\u9fff](?<![区县市镇乡])")
# the commonest surnames: a two- or three-character name that starts with one and does not end like a
# unit, alone in a unit cell, is a person's
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤芮祝"
)


def star_marked(cell: str, marks: str = "*＊") -> set[str]:
    """The units of a list written with a star (`*市发展改革委、市生态环境局`, `区政府办公室*、区财政局`),
    named as `split_units` and `split_table_units` give them: the leads, where the plan says that a
    star marks its lead units (`STAR_LEADS_RE`)."""
    if not any(mark in cell for mark in marks):
        return set()
    protected, kept = _protect(_drop_notes(cell))
    out = set()
    for part in _split_outside_brackets(protected):
        for piece in part.split():
            if any(mark in piece for mark in marks):
                name = "".join(clean_unit(_restore(piece, kept)).split())
                if name:
                    out.add(name)
    return out


def unit_names(text: str, table: AliasTable | None = None) -> list[str]:
    """The names of ``text`` where it is a list of units and nothing else (each name looks like a
    unit), else none."""
    names = split_units(text)
    return names if names and all(looks_like_unit(n, table) for n in names) else []


def marked_leads(text: str) -> set[str]:
    """The units a list designates as leads: by a note (`note_leads`), or by a black triangle or star
    on the unit (`▲发改局,各部门`, `市跑改办▲、市审管办`) — what the mark means wherever the plans read
    here use it on a unit, whether or not the page still carries the legend. (An asterisk is a
    footnote as often: it marks a lead only where the plan says so, `STAR_LEADS_RE`.)"""
    found = note_leads(text)
    if "▲" in text or "★" in text:
        found |= star_marked(text, "▲★")
    return found


def resolve_all(names: Iterable[str], table: AliasTable) -> list[UnitRef]:
    return [table.resolve(n) for n in names]
