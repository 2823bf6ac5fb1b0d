"""Tables: 004's appendix (序号/类别/指标名称/目标任务/牵头单位/时间进度) and generic task tables
with 牵头单位 / 责任单位 / 完成时限 columns.

A table arrives as tab-separated lines (text files, and `docx.py` renders Word tables so).
The header row may repeat after every page break. Merged cells leave blanks that carry
类别/指标名称 down; merged cells also shift cells sideways, so a row that does not fit the
header is re-aligned from the right: [目标任务, units…, date], the date cell only if it
looks like a date (004's T6 has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .labels import DATE_LABELS, LEAD_LABELS, OTHER_LABELS, PERSON_LABELS
from .text import Para, squeeze_cjk_spaces
from .units import unit_names

_WS_RE = re.compile(r"\s+")
_INT_RE = re.compile(r"\d{1,4}[*＊]?")  # (`1*`: a marked row, layout._INT_RE)

# column role ← header words (exact match first, then containment, in this order)
_ROLES = {
    "number": ("序号", "编号", "序"),
    "person": PERSON_LABELS + ("分管领导", "县领导", "区领导", "市领导", "责任人", "领导"),
    "progress": ("进展情况", "当前进度", "完成情况", "进度情况", "工作进展", "推进情况", "进展", "实施进度", "进度完成情况",
                 "落实情况", "推进落实情况", "工作推进情况", "完成状况", "完成状态", "是否完成", "完成进度", "进展比例",
                 "办理情况", "形象进度"),
    "remark": ("备注", "说明"),
    # who scores the task, an assessment list's 评分部门: units, but none doing it
    "scorer": ("评分部门", "评分单位", "考核部门", "考核单位", "评价部门", "打分部门"),
    "category": ("类别", "分类", "领域", "板块", "类型", "考核项目"),
    "indicator": ("指标名称", "指标", "项目名称", "改革事项", "事项"),
    "target": (
        "目标任务", "工作任务", "任务内容", "主要任务", "工作内容", "具体任务", "具体措施", "工作措施", "重点工作",
        "改革任务", "具体举措", "细化措施", "主要举措", "工作举措", "内容与要求", "项目内容", "目标与任务", "任务名称",
        "工作目标", "工作要求", "主要内容", "建设内容", "实事项目", "民生实事", "实事名称", "重点任务", "任务", "内容",
        "举措", "措施", "实事", "预期目标", "年度目标", "具体要求", "主要工作", "具体工作", "工作事项",
        "目标名称", "工作标准", "细化分工", "具体分工", "目标要求",
    ),
    "lead": LEAD_LABELS,
    # (table headers only: as line labels, 负… and 落… would be looked for at every 负责 and 落实 of the text)
    "responsible": OTHER_LABELS + ("责任单位", "负责单位", "负责部门", "落实部门", "落实科室", "承办单位"),
    # (a project's years, 建设起止年限 `2023.01-2023.12`: the range's end)
    "deadline": DATE_LABELS + ("时间进度", "时限", "完成年限", "截止时间", "起止年限", "建设年限", "实施年限", "建设期限",
                               "起止时间"),
}
_OFTEN_EMPTY = ("", "remark", "progress", "person", "scorer")
# a number column's header that holds a content word (任务项: the row's number, 1 / 2 / …): as the whole cell only
NUMBER_ONLY_HEADERS = ("任务项", "项次", "任务序号", "任务编号")
_EXACT_ROLE: dict[str, str] = dict.fromkeys(NUMBER_ONLY_HEADERS, "number")
# bare content words, as a whole cell only (南白象街道: 序号 | 名称 | 明细 | 负责科室; 单位名称 is no content)
_EXACT_ROLE.update(dict.fromkeys(("名称", "明细"), "target"))
for _role, _words in _ROLES.items():
    for _w in _words:
        _EXACT_ROLE.setdefault(_w, _role)
_ROLE_WORD_RES = [(_role, re.compile("|".join(map(re.escape, _words)))) for _role, _words in _ROLES.items()]
_ANY_HEADER_WORD_RE = re.compile("|".join(sorted({re.escape(w) for ws in _ROLES.values() for w in ws}, key=len,
                                                 reverse=True)))


def cell_role(cell: str) -> str | None:
    """The column role a header cell names, or None."""
    c = "".join(cell.split())  # (`\s` is what `str.split` splits at: every whitespace removed)
    if len(c) > 12 and c[-1:] in "）)" and (m := _HEADER_NOTE_RE.search(c)) is not None and "、" not in c[: m.start()]:
        c = c[: m.start()]  # a header's note: `重点工作任务(杭州市2项牵头工作、19项配合工作)` (not a group's row,
        # `一、潘东旭市长负责事项(共9项)`)
    if not c or len(c) > 12:
        return None  # (most cells asked about are data: long, or with no header word at all)
    return _short_cell_role(c)


_HEADER_NOTE_RE = re.compile(r"[（(][^（）()]{1,30}[）)]$")


# a column of figures, named by what it counts or sums (任务数, 区本级任务数, 项目个数, 投资金额), or of where a
# task comes from (任务来源, 政策依据): no role, though its name holds a header word (任务)
_FIGURE_HEADER_RE = re.compile(r"(?:数|数量|个数|金额|总额|额度|来源|依据|出处)$")
# a unit column that names its head too: 牵头单位及主要负责人
_UNIT_AND_PERSON_RE = re.compile(r"(?:牵头|责任|配合|主办|协办)(?:单位|部门)(?:及|和|与|、)")


@lru_cache(maxsize=16384)
def _short_cell_role(c: str) -> str | None:
    role: str | None = _EXACT_ROLE.get(c)  # the first role that has the cell as a word
    if role is not None:
        return role
    if not _ANY_HEADER_WORD_RE.search(c) or _FIGURE_HEADER_RE.search(c):
        return None
    if _UNIT_AND_PERSON_RE.match(c):
        # a unit column that names its contact too (牵头单位及主要负责人): the unit's, not a person's
        role = next((r for r, words_re in _ROLE_WORD_RES if r in ("lead", "responsible") and words_re.match(c)), None)
    if role is None:  # the first role with a word in the cell
        role = next((r for r, words_re in _ROLE_WORD_RES if words_re.search(c)), None)
    return role


# columns of one outline at its levels (一级要点 | 二级要点, 一级指标 | 二级指标 | 三级指标): the deepest
# level is the task, the others (and a task-like column left of them, 工作要求) are its headings
_LEVEL_HEADER_RE = re.compile(r"^([一二三四])级(?:要点|指标|任务|事项|目标|措施|工作)$")


def _level_roles(cells: list[str], roles: list[str | None]) -> None:
    levels = [(m.group(1), k) for k, c in enumerate(cells) if (m := _LEVEL_HEADER_RE.match("".join(c.split())))]
    if len(levels) == 1 and "target" not in roles:  # (the levels above it read as a 分类 column)
        roles[levels[0][1]] = "target"
    if len(levels) < 2:
        return
    deepest = max(levels, key=lambda lv: "一二三四".index(lv[0]))[1]
    for k in range(deepest):
        if k in {lv[1] for lv in levels} or roles[k] in ("target", "indicator"):
            roles[k] = "category"
    roles[deepest] = "target"


def header_roles(cells: list[str], two_contents: bool = False) -> list[str | None] | None:
    """The columns' roles of a header row, or None when the cells are no header. ``two_contents``: a
    row whose cells are known to be a table's (pipes, tabs) may name two content columns and a unit
    column only (重点任务 | 工作内容 | 负责科室); cells one a paragraph so named are most often a list's
    own lines (中山: 工作任务 / 具体要求 / 落实科室(部门), read as text items)."""
    roles: list[str | None] = [cell_role(c) for c in cells]
    if "级" in "".join(cells):
        _level_roles(cells, roles)
    if len(roles) - roles.count(None) < 3:
        return None  # (three roles or more are needed below: most rows asked are data rows)
    if "target" not in roles and "indicator" in roles:  # 项目名称 alone: the task itself
        roles[len(roles) - 1 - roles[::-1].index("indicator")] = "target"
    found = {r for r in roles if r}
    # a progress report's table (序号 / 工作内容 / 半年度完成情况): the units are in the task's own text
    if {"number", "target", "progress"} <= found and not ({"lead", "responsible"} & found) and len(found) == 3:
        return roles
    if "target" in found and ({"lead", "responsible", "deadline"} & found) and (
            len(found) >= 3 or two_contents and roles.count("target") > 1):
        if roles.count("target") > 1:  # 主要任务 + 细化措施, 工作内容 + 目标任务: the first names the task
            roles[roles.index("target")] = "task"
        return roles
    return None


@dataclass
class TableRow:
    number: str
    line: int
    category: str = ""
    indicator: str = ""
    task: str = ""  # the first of two content columns (主要任务 beside 细化措施)
    target: str = ""
    lead: str = ""
    responsible: str = ""
    deadline: str = ""
    remark: str = ""  # the 备注 cell (a table with no 完成时限 column may write the time there)
    cells: list[str] = field(default_factory=list)
    units_carried: bool = False  # its unit cells are the row's above (a merged cell): `_carry_merged_units`
    name: str = ""  # the row's own 项目名称 cell, in a `Table.named` table: what the task is called


@dataclass
class Table:
    title: str
    roles: list[str | None]
    rows: list[TableRow] = field(default_factory=list)
    header_repeats: int = 0
    named: bool = False  # its indicator column names each row's own project (项目名称, 事项名称): `TableRow.name`


def strip_trailing(cells: list[str]) -> list[str]:
    """``cells`` without the empty ones at their end."""
    cells = list(cells)
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


# a time cell, a date or not (长期推进, 持续开展, 2021年2月公布预算信息): what ends a row shifted by a merged cell
_TIME_CELL_RE = re.compile(r"^(?:长期|持续|常态|每[年季月周])|\d{1,4}\s*[年月]|年[底内中末]|[一二三四]季度|[上下]半年")


def _timed(cell: str, looks_like_date) -> bool:
    return bool(looks_like_date(cell)) or _TIME_CELL_RE.search(cell) is not None


def _align(cells: list[str], roles: list[str | None], looks_like_date, roles_t: list[str] | None = None) -> dict[str, str]:
    """Map a data row onto roles; re-align from the right when merged cells shifted it. ``roles_t``:
    the roles with "" for None and the trailing ones dropped (computed here if not given)."""
    if roles_t is None:
        roles_t = strip_trailing([r or "" for r in roles])
    if len(roles_t) < len(cells) <= len(roles):
        cells = cells[: len(roles_t)]  # the last columns have no role (成效, 监督电话): their cells are nobody's
    missing = len(roles_t) - len(cells)
    if 0 < missing and "number" in roles_t and roles_t.index("number") == missing and cells[0].strip().isdigit():
        # its number where the 序号 column is once the merged 大类 cells before it are put back
        cells = [""] * missing + list(cells)
    elif len(cells) < len(roles_t) and all(r in _OFTEN_EMPTY for r in roles_t[len(cells) :]):
        # empty 备注/进展 cells at the end of the row — or its unit cell merged from the row above
        cells = _merged_units_put_back(cells, roles_t) or list(cells) + [""] * (len(roles_t) - len(cells))
    elif len(cells) < len(roles_t) and (_sentence_in_unit_column(cells, roles_t)
                                        or _numbered_without_task(cells, roles_t, looks_like_date)):
        cells = list(cells) + [""] * (len(roles_t) - len(cells))  # a row cut short: its cells are the first ones
    direct_ok = len(cells) == len(roles_t) and (
        "deadline" not in roles_t or not cells[roles_t.index("deadline")].strip()
        or looks_like_date(cells[roles_t.index("deadline")])
        # its 时间 cell no date (常态工作, 省出台文件后2个月完成) but its unit cell units: in order, not
        # read from the right (the unit cell became the task, the 时间 the units)
        or _units_in_place(cells, roles_t)
    )
    if direct_ok:
        direct: dict[str, str] = {}
        for r, c in zip(roles_t, cells, strict=False):
            if r and c.strip() and direct.get(r):
                direct[r] += "，" + c  # two unit columns of one kind (参与单位 and 责任单位)
            elif r:
                direct[r] = c
        return direct
    out: dict[str, str] = {}
    ti = roles_t.index("target")
    tail = [r or "" for r in roles_t[ti + 1 :]]
    timed = _timed(cells[-1], looks_like_date)
    if "deadline" in tail and tail[-1] in ("remark", "progress") and timed:
        tail.pop()  # the row ends with its time (长期推进, 2021年8月前), its 备注 left empty
    if "deadline" in tail and not timed:
        tail.remove("deadline")
    rest = list(cells[1:]) if roles_t[0] == "number" else list(cells)
    for role in reversed(tail):
        if rest:
            value = rest.pop()
            if role:
                out[role] = value
    if rest:
        out["target"] = rest.pop()
    if "deadline" in roles_t and "deadline" not in out and len(cells) > len(roles_t) \
            and looks_like_date(cells[di := roles_t.index("deadline")]) and di < len(cells) - len(tail):
        # more cells than the header names (a second header row divides the columns after it: 宁海 2022年工作计划
        # over 投资 / 形象进度): the cells up to the divided ones stand where the header has them, the time too
        out["deadline"] = cells[di]
    pre_roles = [r for r in roles_t[1:ti] if r in ("category", "indicator", "task")]
    pre_vals = [c for c in rest if c.strip()]
    # fewer values than columns: they belong to the right-most columns (指标名称 before 类别)
    for role, val in zip(pre_roles[len(pre_roles) - len(pre_vals):], pre_vals, strict=False):
        out[role] = val
    return out


def _merged_units_put_back(cells: list[str], roles_t: list[str]) -> list[str] | None:
    """A row short of cells whose cell in the unit column names no unit while the columns after it,
    ones often left empty, have none (泰顺 民生实事: `2 | 为全县重点人群… | 4月:… | 已完成。 完成筛查人数3495人… | |`
    under a 牵头单位 cell merged over rows 1–3): the unit cell is the merged one, printed on a row above,
    and the cells after it moved left into its place. The row with its unit cells blank (carried down
    later by `_carry_merged_units`), else None."""
    missing = len(roles_t) - len(cells)
    columns = [i for i, r in enumerate(roles_t) if r in ("lead", "responsible")]
    if len(columns) < missing or not columns or columns[missing - 1] != columns[0] + missing - 1:
        return None
    at = columns[0]
    moved = cells[at : at + missing]
    if len(moved) < missing or not all(c.strip() and not unit_names(c) and ("。" in c or len(c) > 30) for c in moved):
        return None
    return list(cells[:at]) + [""] * missing + list(cells[at:])


def _units_in_place(cells: list[str], roles_t: list[str]) -> bool:
    """Whether every unit column's cell is a list of units and the 时间 cell is none."""
    columns = [i for i, r in enumerate(roles_t) if r in ("lead", "responsible")]
    return bool(columns) and all(unit_names(cells[i]) for i in columns) \
        and not unit_names(cells[roles_t.index("deadline")])


def _numbered_without_task(cells: list[str], roles_t: list[str], looks_like_date) -> bool:
    """Whether the row has its own 序号 but, read from the right, nothing in its 任务 column (its
    task text in a unit column): a row cut short at its end (`16 | 深化杭嘉、甬嘉…,推动设立湾`, a page
    cut off mid-row). A row merged on its left has lost its 类别 or 指标 cell, not its number; one that
    ends with its time is whole, shifted by a merged 工作任务 cell (广东卫健委 `2 | 扎实做好疫苗接种… |
    疾控处 | 长期推进 |`)."""
    if roles_t[0] != "number" or not cells[0].strip().isdigit() or "target" not in roles_t:
        return False
    return len(cells) - 1 < len(roles_t) - roles_t.index("target") and not _timed(cells[-1], looks_like_date)


def _sentence_in_unit_column(cells: list[str], roles_t: list[str]) -> bool:
    """Whether the row, read from the right (cells merged on its left), would put a sentence (…。)
    in a unit column: then it is a row cut short at its end (a page cut off mid-row), not merged."""
    offset = len(roles_t) - len(cells)
    last = len(cells) - 1
    # (or, the last, a long cell or one cut after a comma that names no unit: a progress note cut off before
    # its 。, `深入推进…,1-5月,…`; a 建设内容 cut off, `改造小江初中现有教学楼和学生宿舍等,`)
    return any(roles_t[i + offset] in ("lead", "responsible")
               and ("。" in c or i == last and (len(c) > 30 or cut_mid_cell(c)) and not unit_names(c))
               for i, c in enumerate(cells))


def cut_mid_cell(cell: str) -> bool:
    """Whether a row's last cell ends on a comma or a list mark: the page cut off in it (`…学生宿舍等,`)."""
    return cell.rstrip()[-1:] in ",，、;；"


def _names_rows(header: list[str], roles: list[str | None]) -> bool:
    """Whether the header's indicator column names each row's project beside a content column (项目名称 /
    建设内容, 事项名称 / 事项内容), not a group of rows (004's 指标名称, merged over several)."""
    return "target" in roles and any(r == "indicator" and "名称" in c and "指标" not in c
                                     for c, r in zip(header, roles, strict=False))


def parse_tables(paras: list[Para], looks_like_date) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    warnings: list[str] = []
    current: Table | None = None
    current_roles_t: list[str] = []
    last_title = ""
    category = indicator = ""
    for p in paras:
        if not p.is_table_row:
            current_title = p.text.strip()
            if current_title and not current_title.startswith("附件"):
                last_title = current_title
            elif current_title:
                last_title = re.sub(r"^附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：]?", "", current_title)
            continue
        cells = [c.strip() for c in p.text.split("\t")]
        # a header names three roles or more: three cells short enough for a header word (12
        # characters once their spaces are out) — most data rows have fewer, and are not asked
        short = 0
        for c in cells:
            if len(c) <= 12 or len(c.split()) > 1 or c[-1:] in "）)" and len(c) <= 40:  # (a note: `任务(12项)`)
                short += 1
        roles = header_roles(cells, two_contents=True) if short >= 3 else None
        if roles:
            if current and strip_trailing([r or "" for r in roles]) == current_roles_t:
                current.header_repeats += 1  # header repeated after a page break
            else:
                current = Table(squeeze_cjk_spaces(last_title), roles, named=_names_rows(cells, roles))
                current_roles_t = strip_trailing([r or "" for r in roles])  # (what `_align` maps by)
                tables.append(current)
                category = indicator = ""
            continue
        if current is None:
            continue
        cells = strip_trailing(cells)
        if not cells:
            continue
        has_number_col = current.roles[0] == "number"
        same_number = bool(current.rows) and has_number_col and cells[0] == current.rows[-1].number
        if has_number_col and (not _INT_RE.fullmatch(cells[0]) or same_number):
            if same_number:
                cells = [""] + cells[1:]  # a merged 序号 cell repeated (Word): the same row goes on
            if current.rows:  # a continuation line of a wrapped row: append cell-wise
                prev = current.rows[-1]
                width = max(len(prev.cells), len(cells))
                a = prev.cells + [""] * (width - len(prev.cells))
                b = cells + [""] * (width - len(cells))
                prev.cells = [(x + " " + y).strip() if y else x for x, y in zip(a, b, strict=True)]
                mapped = _align(prev.cells, current.roles, looks_like_date, current_roles_t)
                prev.target = squeeze_cjk_spaces(mapped.get("target", ""))
                prev.task = squeeze_cjk_spaces(mapped.get("task", ""))
                prev.lead = mapped.get("lead", "").strip()
                prev.responsible = mapped.get("responsible", "").strip()
                prev.deadline = _WS_RE.sub("", mapped.get("deadline", ""))
            continue
        mapped = _align(cells, current.roles, looks_like_date, current_roles_t)
        cat = squeeze_cjk_spaces(mapped.get("category", ""))
        ind = squeeze_cjk_spaces(mapped.get("indicator", ""))
        if cat:
            category = cat
            indicator = ""  # a new 类别 starts; its 指标名称 cell is on this row or stays blank
        if ind:
            indicator = ind
        row = TableRow(
            number=cells[0] if has_number_col else str(len(current.rows) + 1),
            line=p.line,
            category=category,
            indicator=indicator,
            task=squeeze_cjk_spaces(mapped.get("task", "")),
            target=squeeze_cjk_spaces(mapped.get("target", "")),
            lead=mapped.get("lead", "").strip(),
            responsible=mapped.get("responsible", "").strip(),
            deadline=_WS_RE.sub("", mapped.get("deadline", "")),
            remark=mapped.get("remark", "").strip(),
            name=ind if current.named else "",
            cells=cells,
        )
        current.rows.append(row)
    for table in tables:
        _merged_task_column_as_category(table)
        _carry_merged_units(table)
    return tables, warnings


def _merged_task_column_as_category(table: Table) -> None:
    """Of two content columns, a first one left blank on some rows is a group's name merged over its
    rows (谯城: 工作任务 `推进政策公开` over three 具体内容 rows), not each row's task: it is their 类别,
    carried down, and each row's task is its second column."""
    if not any(r.task for r in table.rows) or all(r.task or not r.target for r in table.rows):
        return
    group = ""
    for r in table.rows:
        group = r.task or group
        if not r.category:
            r.category = group
        r.task = ""


def _carry_merged_units(table: Table) -> None:
    """A row with no unit cell at all under a row with some: a unit cell merged over several rows,
    printed once on the first of them (略阳: `文化宣传股文化馆` for rows 2–4) — those units, marked
    ``units_carried`` (the import says so, for a person to check). Not the table's last row: most
    often a row cut off by the end of a pasted page (`3` / `加快建设大湾区国家技术创新中心。` / `王 东`)."""
    if "lead" not in table.roles and "responsible" not in table.roles:
        return
    for k in range(1, len(table.rows) - 1):
        row, above = table.rows[k], table.rows[k - 1]
        if row.lead or row.responsible or not (above.lead or above.responsible):
            continue
        row.lead, row.responsible, row.units_carried = above.lead, above.responsible, True
