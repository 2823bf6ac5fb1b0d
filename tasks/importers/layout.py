"""Task tables that arrive without tabs, rewritten as tab-separated rows (the form `tables.py` reads).

A plan pasted from a web page or an OA system prints its task table in one of these shapes:

* **pipe cells**: each cell on its own line ending in ``|`` (``序号 |`` / ``重点工作 |`` / …), or a
  whole row on one line, cells joined by `` | ``;
* **one cell per paragraph**: ``序号`` / ``内容与要求`` / ``进展情况`` / ``责任单位`` / ``1`` / ``坚持…`` …;
* **space-separated rows**: ``序号 类别 主要任务 细化措施 牵头单位 …`` then ``1 加强… 严守… 实施…。 市水利局 …``,
  where a wrapped cell keeps a stray space (``加强水资源保 护``) and an empty merged cell leaves two;
* **glued rows**: a PDF/Word preview runs header and rows together (``序号工作内容目标任务责任单位备注1将…
  (管委会)2完善…``), sometimes with the sharing site's chunk markers (``2、``) cutting a line.

A table is recognised by its header (`tables.header_roles`: a content column and a unit or date
column, and for the cell-per-line shapes a 序号 column first); its rows start at consecutive
numbers (the first may be any number: an excerpt can start at row 80). Cells are fitted to the
header by what they look like when some are missing: unit lists to unit columns, dates to the
date column, the long prose to the content column.

`tabulate(lines)` keeps the number of lines: a row is written on the line where its number
stands (rows glued on one line share it, separated by ``\\n``) and the other lines of a table
become blank.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

from .dates import looks_like_date_cell
from .labels import INLINE_LABEL_AFTER_RE, LINE_LABEL_RE, label_kind, may_have_inline_label
from .tables import _ROLES, NUMBER_ONLY_HEADERS, cell_role, cut_mid_cell, header_roles, strip_trailing
from .units import SURNAMES, UNIT_SUFFIXES, clean_unit, looks_like_unit

_UNIT_SEP_RE = re.compile(r"[、,，;；\s]+")
_ANY_BRACKET_RE = re.compile(r"[（(\[〔【［）)\]〕】］]")
_PAREN_RE = re.compile(r"[（(][^（）()]*[）)]")
_LABEL_WORD_RE = re.compile(r"[^:：\s]+")

# a row's number; a star after it marks the row (`1*`: 杭州 涉杭任务, the city's own lead among the province's)
_INT_RE = re.compile(r"^\d{1,4}[*＊]?$")


def _row_no(cell: str) -> int:
    return int(cell.strip().rstrip("*＊"))
_LEADING_NUMBER_RE = re.compile(r"\s*(\d{1,4})")
_ROW_START_RE = re.compile(r"^\s*(\d{1,4})(?: |\s*$)")
_SPACE_RUN_RE = re.compile(r" {2,}| ?\u3000+ ?")
_CHUNK_MARK_RE = re.compile(r"^\d{1,3}、")
_HEADER_WORDS = sorted({w for words in _ROLES.values() for w in words if len(w) >= 2}, key=len, reverse=True)
# (a header word may carry its level before it: 区政府分管领导, 县领导)
_GLUED_HEADER_WORD = rf"(?:[区县市]政府|[区县市])?(?:{'|'.join(map(re.escape, _HEADER_WORDS))})"
_GLUED_HEADER_RE = re.compile(rf"序号((?:{_GLUED_HEADER_WORD}){{2,}})")
_HEADER_WORD_RE = re.compile(_GLUED_HEADER_WORD)
_NOT_A_ROW_AFTER = "年月日号个项天条万亿%余多家所批次期届周小分元份位人户"
_UNIT_END_CHARS = tuple("）)") + UNIT_SUFFIXES + ("等",)
_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|附\s*件)")
_GROUP_LINE_RE = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[）)]")
_PROSE_RE = re.compile(r"[。；;！？]")
_WS_RE = re.compile(r"\s+")
_FOOTER_RE = re.compile(r"^[\s•·【\[]*(?:分享到|分享|扫一扫|打印|关闭|上一篇|下一篇|相关链接|相关文章|附件下载|责任编辑|"
                        r"主办单位|版权所有|网站地图|联系我们|字体|收藏|返回顶部|【关闭】|\[关闭\])")


def tabulate(lines: list[str]) -> list[str]:
    out = list(lines)
    read_to = 0  # the lines before it are read (a table ends there)
    # A table starts on a line with a pipe, a 序号, or a number header cell (序号/编号/序, spaces
    # allowed in it): only those lines are looked at.
    for i in [k for k, line in enumerate(lines) if "|" in line or "序" in line or "编" in line or _maybe_first_header(line)
              or "项" in line and line.strip() in NUMBER_ONLY_HEADERS]:
        if i < read_to:
            continue
        line = lines[i]
        found = None
        start = i
        if "\t" not in line and line.strip():
            s = line.strip()
            if "|" in s or _bare_pipe_next(lines, i):
                found = _pipe_table(lines, i)  # (`序号` / `|` / `重点工作任务` / `|`: each cell's pipe on a line below it)
            elif "序号" in s:
                found = _spaced_table(lines, i) or _glued_table(lines, i)
            if found is None and len(s) <= 12 and cell_role(s) in ("person", "target"):
                found = _numbered_task_table(lines, i)
            if found is None and len(s) <= 12 and cell_role(s) == "number":
                # a 分类 header cell before 序号 (分类 / 序号 / 事项 / …): the header starts there
                above = next((k for k in range(i - 1, max(read_to, i - 4) - 1, -1) if lines[k].strip()), None)
                if above is not None and len(lines[above].strip()) <= 12 and cell_role(lines[above]) == "category":
                    start = above
                found = _cell_table(lines, start)
        if not found:
            continue
        end, rows = found
        for k in range(start, end):
            out[k] = ""
        for idx, cells in rows:
            row = "\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells)
            out[idx] = f"{out[idx]}\n{row}" if out[idx] else row
        read_to = end
    return out


# ---------------------------------------------------------------- fitting cells to columns


@lru_cache(maxsize=16384)  # asked again for the same cell as rows are fitted; a table repeats its unit lists
def _is_units(cell: str) -> bool:
    parts = [clean_unit(p) for p in _UNIT_SEP_RE.split(_PAREN_RE.sub("", cell)) if p]
    return bool(parts) and not _PROSE_RE.search(cell) and all(looks_like_unit(p) for p in parts)


@lru_cache(maxsize=16384)
def _is_places(cell: str) -> bool:
    """A list of units some of which are places named bare (`黄埔区、南沙区政府`: the districts' governments):
    short parts, no sentence, each a unit or a place (区, 县, 市, 镇, 乡, 街道)."""
    parts = [clean_unit(p) for p in _UNIT_SEP_RE.split(_PAREN_RE.sub("", cell)) if p]
    return bool(parts) and not _PROSE_RE.search(cell) and all(
        len(p) <= 15 and (looks_like_unit(p) or p.endswith(_PLACE_ENDS)) for p in parts)


_PLACE_ENDS = ("区", "县", "市", "镇", "乡", "街道")


# a cell that says it is empty (金东's 协同单位 `/`): any column's
_EMPTY_CELLS = frozenset({"/", "／", "-", "—", "——", "无", "\\"})


def _fits(role: str | None, cell: str) -> bool:
    c = cell.strip()
    if c in _EMPTY_CELLS:
        return True
    if role in ("lead", "responsible"):
        return _is_units(c) or _is_places(c)
    if role == "deadline":
        return looks_like_date_cell(c)
    if role == "person":
        return 0 < len(_WS_RE.sub("", c)) <= 12 and not _PROSE_RE.search(c) and not _is_units(c)
    return True


def fit_cells(values: list[str], roles: list[str | None]) -> list[str]:
    """Cells of one row (number excluded) → exactly one value per column of ``roles``."""
    return fit_rows(values, roles)[0]


def _units_before_content(values: list[str], roles: list[str | None], ti: int) -> list[str]:
    """A row of more cells than columns whose unit column comes before the content (万盛: 序号 / 事项名称 /
    责任单位 / 事项内容, its units one a paragraph): a cell each before the unit column, every unit paragraph
    to it, the content what is left but a cell each for the columns after it."""
    n = len(roles)
    out = [""] * n
    vals = list(values)
    for k in range(ti):
        if not vals:
            break
        if roles[k] in ("lead", "responsible"):
            units = []
            while len(vals) > n - k - 1 and (_is_units(vals[0]) or _is_places(vals[0])):
                units.append(vals.pop(0))
            out[k] = "、".join(units)
        else:
            out[k] = vals.pop(0)
    after = n - ti - 1
    out[ti] = "".join(vals[: len(vals) - after] if after else vals)
    for k, v in enumerate(vals[len(vals) - after:] if after else [], start=ti + 1):
        out[k] = v
    return out


def fit_rows(values: list[str], roles: list[str | None]) -> list[list[str]]:
    """Cells of one numbered row → one value per column; a row that holds a second content with its
    own cells (a merged 序号 over two sub-rows) gives a second row, to be read as its continuation."""
    n = len(roles)
    ti = roles.index("target") if "target" in roles else n - 1
    # as many cells as columns, unless the content's is a unit list (a merged 分类 left none, a unit cell
    # over two paragraphs made up the count: 金东 row 9's content was 团区委, its lead 各乡镇(街道))
    di = roles.index("deadline") if "deadline" in roles else None
    if len(values) == n and values[0] == "" and ti + 1 < n and _is_units(values[ti]):
        values = values[1:]  # a blank merged 分类 put back, and yet units in the content: more cells were merged
    if len(values) == n and not (ti + 1 < n and _is_units(values[ti])) and not (
            n >= 2 and roles[-1] in ("remark", "progress") and roles[-2] in ("lead", "responsible")
            and _is_units(values[-1]) and _is_units(values[-2])) and not (  # (a unit cell of two paragraphs, 备注 empty)
            di is not None and not looks_like_date_cell(values[di].strip()) and di + 1 < n
            and looks_like_date_cell(values[di + 1].strip())):  # (…, 农业股 / 乡村产业发展股, 2023年底: the time a cell on)
        return [list(values)]
    if len(values) < n and values and cut_mid_cell(values[-1]) and not _is_units(values[-1]):
        return [list(values) + [""] * (n - len(values))]  # a row cut off by the page mid-cell: its first cells
    if len(values) < n:  # missing cells (an empty cell leaves no paragraph): fill the tail by what fits
        out = [""] * n
        vals = list(values)
        unit_from = next((k for k in range(ti + 1, n) if roles[k] in ("lead", "responsible")), n)
        sentences = sum(1 for v in vals if v.endswith("。"))
        for k in range(n - 1, ti, -1):
            if vals and len(vals) > 1 and _fits(roles[k], vals[-1]):
                if k > unit_from and roles[k] not in ("lead", "responsible", "scorer") and _fits("lead", vals[-1]):
                    continue  # a unit list is kept for the unit columns before (a progress cell left out)
                if sentences == 1 and vals[-1].endswith("。") and roles[k] not in ("lead", "responsible"):
                    break  # the row's one sentence is its task (`文化产业` / `培育规模以上文化服务企业1家。`)
                if di is not None and ti < di < k and roles[k] != "deadline" and looks_like_date_cell(vals[-1].strip()):
                    continue  # a time is the 完成时间 column's (`2023年底` / `…正在施工中`: 进度 left empty after it)
                out[k] = vals.pop()
                if k == unit_from:  # the first unit column, one unit a paragraph: `羌研会` / `灵岩寺博物馆`
                    while len(vals) > 1 and _is_units(vals[-1]):
                        out[k] = f"{vals.pop()}、{out[k]}"
        if vals:
            out[ti] = vals.pop()
        for k in range(ti - 1, -1, -1):  # right-aligned: a merged 类别 left blank carries down
            if vals and roles[k] is None and len(vals[-1]) > 4 and any(roles[:k]):
                continue  # a column no role names (单位: 万亩, %) left empty, the row's task before it
            if vals:
                out[k] = vals.pop()
        # one unit list for two unit columns: it is the lead's (配合单位 is the one left empty)
        unit_cols = [k for k in range(ti + 1, n) if roles[k] in ("lead", "responsible")]
        filled = [k for k in unit_cols if out[k]]
        if len(unit_cols) > 1 and len(filled) == 1 and filled[0] != unit_cols[0]:
            out[unit_cols[0]], out[filled[0]] = out[filled[0]], ""
        return [out]
    # more cells than columns: one unit per paragraph, a wrapped content, or a second sub-row
    if any(roles[k] in ("lead", "responsible") for k in range(ti)):
        return [_units_before_content(values, roles, ti)]
    rows: list[list[str]] = []
    vals = _numbered_lists_joined(values)
    while vals:
        out = [""] * n
        # 类别/指标 before the content: short cells (a project's name may end like a unit, 新建一批中小学校, its
        # content next), right-aligned to the content (a blank merged 类别 leaves none)
        pre: list[str] = []
        named = "indicator" in roles[:ti]
        while not rows and len(pre) < ti and len(vals) > 1 and len(vals[0]) <= 20 and not _PROSE_RE.search(vals[0]) \
                and (not _is_units(vals[0]) or named and _PROSE_RE.search(vals[1]) is not None):
            pre.append(vals.pop(0))
        while named and pre and len(vals) > 2 and len(vals[0]) <= 12 and not _PROSE_RE.search(vals[0]) \
                and not _is_units(vals[0]) and _PROSE_RE.search(vals[1]) is not None:
            pre[-1] += vals.pop(0)  # a project's name over two paragraphs, its content next (`城市用气` / `提升工程`)
        for k, v in zip(range(ti - len(pre), ti), pre, strict=True):
            out[k] = v
        content = [vals.pop(0)] if vals else []
        while vals and not any(_fits_strictly(roles[k], vals[0]) for k in range(ti + 1, n)) and rows == [] \
                and len(vals) > n - ti - 1:
            content.append(vals.pop(0))  # a content cell wrapped over several paragraphs
        out[ti] = "".join(content)
        for k in range(ti + 1, n):
            role = roles[k]
            if role in ("lead", "responsible"):
                units: list[str] = []
                # a unit column before another takes one paragraph (金东: 区教体局, then its 协同单位 one a
                # paragraph — all but the last were read as leads); the last one takes the rest
                scorers = roles[k + 1:].count("scorer")  # (its units, the last cells: 评分部门)
                while vals and _is_units(vals[0]) and not (units and k + 1 < n and roles[k + 1] in ("lead", "responsible")) \
                        and len(vals) > scorers:
                    units.append(vals.pop(0))
                out[k] = "、".join(units)
            elif vals and (_fits_strictly(role, vals[0]) or role != "deadline" and _LIST_START_RE.match(vals[0])
                           and "\n" in vals[0] or role in ("progress", "remark") and len(vals) <= n - k):
                out[k] = vals.pop(0)  # (a numbered list is one cell's: a progress column's 1.… 2.…)
                while role == "person" and vals and len(_WS_RE.sub("", vals[0])) <= 4 and _fits(role, vals[0]) \
                        and len(vals) > n - k - 1:
                    out[k] += "、" + vals.pop(0)  # the leaders of one row, one a paragraph (王旭锋 / 胡金芳 / 王行杰)
        rows.append(out)
        if len(rows) > 20:
            break
    return rows


_LIST_START_RE = re.compile(r"(\d{1,2})[.．、](?!\d)|(\d{1,2})[.．](?=\d)")


def _numbered_lists_joined(values: list[str]) -> list[str]:
    """``values`` with each run of paragraphs numbered 1., 2., 3. … made one value (lines joined by a
    newline): a list in one cell, printed a paragraph a number (推进情况: `1.《…》已出台` / `2.1-6月,…`)."""
    if len(values) < 2 or not any(v[:1] == "1" for v in values):
        return list(values)
    out: list[str] = []
    expected = 0
    for v in values:
        m = _LIST_START_RE.match(v)
        n = int(m.group(1) or m.group(2)) if m else 0
        if expected and n == expected:
            out[-1] += "\n" + v
            expected += 1
            continue
        out.append(v)
        expected = 2 if n == 1 else 0
    return out


def _fits_strictly(role: str | None, cell: str) -> bool:
    """Like `_fits`, but a progress/remark/person column never takes what reads like a new content."""
    if role in ("lead", "responsible", "deadline"):
        return _fits(role, cell)
    if role == "person":
        return _fits(role, cell)
    return not _PROSE_RE.search(cell) or len(cell) < 30


def _bare_pipe_next(lines: list[str], i: int) -> bool:
    """Whether the next line that is not blank, after line ``i``, is a pipe alone — or the rest of the
    cell, closed by its pipe (`序` / `号  |`)."""
    for k in range(i + 1, min(len(lines), i + 3)):
        t = lines[k].strip()
        if t:
            return t == "|" or t.endswith("|") and t.count("|") == 1 and len(t) <= 12
    return False


# a group's heading printed as a row of its own between two rows: `(一)刘忻市长牵头重点工作`, `二、…`
_GROUP_ROW_RE = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)\S")


def _rows_from_stream(cells: list[tuple[int, str]], header: list[str] | None = None) -> list[tuple[int, list[str]]]:
    """(line, cell) after the header → rows, each starting at the next consecutive number. A group
    heading right before a row's number (`(一)刘忻市长牵头重点工作` / `1`) is no cell of the row above,
    nor is a short title right before the ``header`` printed again (`吴智勇常务副市长主抓重点工作` /
    `序号` / `目标任务` …: the next group's own table)."""
    rows: list[tuple[int, list[str]]] = []
    expected = None
    for k, (line, cell) in enumerate(cells):
        c = cell.strip()
        if _INT_RE.match(c) and (expected is None or _row_no(c) == expected or _row_after_a_gap(cells, k, rows, expected)) \
                and not (rows and header and len(rows[-1][1]) < len(header) and k + 1 < len(cells)
                         and _FIGURE_RE.match(cells[k + 1][1].strip())):
            rows.append((line, [c]))
            expected = _row_no(c) + 1
            continue
        if rows and expected is not None and _group_row_at(cells, k, str(expected)):
            continue
        if rows and header and len(c) <= 40 and not _PROSE_RE.search(c) and c not in header \
                and [x[1].strip() for x in cells[k + 1 : k + 3]] == header[:2]:
            continue
        if rows:
            rows[-1][1].append(cell)
    return rows


# a figure cell (`7`, `96.64%`, `1063`): what follows a number that is a row's figure, not the next row's number
# (祁门 民生工程: `县民政局 |` / `7 |` / `7 |` / `100% |`, 目标任务 and 累计完成 of a row that is not done)
_FIGURE_RE = re.compile(r"^\d+(?:\.\d+)?%?$")
_GROUP_NUMBER_RE = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)$")


def _group_row_at(cells: list[tuple[int, str]], k: int, expected: str) -> bool:
    """Whether cell ``k`` belongs to a group's heading row printed between two rows, before the row
    numbered ``expected``: `(一)刘忻市长牵头重点工作` / `1`; `(一)` / `加强战略科技力量建设。` / `1`; and the
    chapter's own row above such a group (`强化科技创新支撑能力。` / `(一)` / `加强…` / `1`)."""
    def at(j: int) -> str:
        return cells[j][1].strip() if j < len(cells) else ""

    c = at(k)
    if _GROUP_ROW_RE.match(c):
        return at(k + 1) == expected
    if _GROUP_NUMBER_RE.match(c):
        return at(k + 2) == expected
    if k and _GROUP_NUMBER_RE.match(at(k - 1)) and at(k + 1) == expected:
        return True  # the group's title, after its bare number
    # (a chapter's row is a sentence: a row's last cell before a group, a unit list, is none)
    return len(c) <= 30 and c.endswith("。") and (_GROUP_NUMBER_RE.match(at(k + 1)) is not None and at(k + 3) == expected
                             or _GROUP_ROW_RE.match(at(k + 1)) is not None and at(k + 2) == expected)


def _grid(header: list[str], stream: list[tuple[int, str]],
          stream_rows: list[tuple[int, list[str]]] | None = None) -> list[tuple[int, list[str]]] | None:
    """``stream_rows``: `_rows_from_stream(stream)`, when the caller has it already."""
    roles = header_roles(header, two_contents=True)  # (the callers have checked the header)
    if not roles:
        return None
    rows = []
    for line, cells in _rows_from_stream(stream, header) if stream_rows is None else stream_rows:
        values = cells[1:]
        # a header repeated after a page break, or page chrome after the last row
        values = [v for v in values if len(v.strip()) > 12 or v.strip() not in header or cell_role(v) is None]
        for k, row in enumerate(fit_rows(values, roles[1:])):
            rows.append((line, [cells[0] if k == 0 else ""] + row))
    return [(-1, header)] + rows if rows else None


# ---------------------------------------------------------------- the shapes


def _numbers_in_task_cells(header: list[str], rows: list[tuple[int, list[str]]]):
    """Pipe rows with no 序号 column, each row's number printed in its task cell and the group's cell
    (merged) before it on the group's first row only — `工作任务 | 具体要求 | 责任部门 |` over
    `一、做好财政信息公开。 | 1.积极推进… | 财务科 |` and `3.及时反馈… | 各科室 | |` — as rows with a 序号
    first: 序号 / 分类 / the rest of the header. None when the rows are not so written."""
    if any(cell_role(c) == "number" for c in header) or len(rows) < 3:
        return None
    found: list[tuple[int, int, list[str]]] = []
    subrows: dict[int, list[list[str]]] = {}  # a found row's sub-rows (its index → their cells)
    for r, (line, cells) in enumerate(rows[1:], start=2):
        # (two group cells before it where the header has two levels above the task: 工作要求 | 一级要点 | 二级要点)
        at = next((k for k, c in enumerate(cells[:3]) if _NUMBERED_CELL_RE.match(c)), None)
        if at is None:
            short = strip_trailing(cells)
            if r == len(rows) and len(found) >= 2 and not (0 < len(short) < len(header) and _is_units(short[-1])):
                break  # the last row cut off by the page before its number
            if found and 0 < len(short) < len(header):
                # a sub-row under a row's cell merged over it (新昌: `1.城市人居环境提升项目 | 对人民中路… | 11月 |
                # 建设局 |`, then `对七星路… | 2021.12 | 城投集团 | |`, `2021.8 | 城投集团 | ||`): the row's too
                subrows.setdefault(len(found) - 1, []).append(short)
                continue
            return None  # (every row numbered: a row without is no such table's)
        found.append((line, at, cells))
    # the task's column: where a whole row has it (the first, where every row has it there: its 项目名称)
    task_col = max(at for _line, at, _cells in found)
    if task_col == 0 and cell_role(header[0]) not in ("indicator", "category"):
        task_col = 1  # (a group's cell merged over the row: its number first)
    if task_col >= len(header):
        return None
    head = ["序号", "分类", *header[task_col:]] if task_col else ["序号", *header]
    out = [(rows[0][0], head)]
    width = len(head)
    units_at = max((k for k, c in enumerate(head) if cell_role(c) in ("lead", "responsible")), default=None)
    for n, (line, at, cells) in enumerate(found):
        m = _NUMBERED_CELL_RE.match(cells[at])
        rest = [m.group(2), *cells[at + 1 :]]  # type: ignore[union-attr]
        row = [m.group(1), *rest] if not task_col else [m.group(1), "，".join(cells[:at]), *rest]  # type: ignore[union-attr]
        row = (row + [""] * width)[:width]
        for sub in subrows.get(n, []):
            # its cells end in the unit column where its last one is units; else its text is the task's
            end = units_at + 1 if units_at is not None and _is_units(sub[-1]) and len(sub) < units_at else None
            if end is None:
                k = 2 if task_col or cell_role(head[1]) == "indicator" else 1
                row[k] = f"{row[k]}；{sub[0]}" if row[k] else sub[0]
                continue
            for k, value in zip(range(end - len(sub), end), sub, strict=True):
                row[k] = f"{row[k]}；{value}" if row[k] else value
        out.append((line, row))
    return out


# a site's record of the page, printed as pipe rows under a table
_RECORD_CELL_RE = re.compile(r"^(?:索\s*引\s*号|发布机构|成文日期|发文日期|发布日期|主题分类|公开方式|组配分类|文\s*号)\s*[:：]")


def _closed_below(lines: list[str], j: int, span: int) -> bool:
    """Whether the cell on line ``j`` goes on to a pipe that ends one of the ``span`` lines below it, no
    blank line between: a cell of a few lines (`王 嵘` / `方 勇` / `|`), or a cell then its pipe (`工作任务` / `|`)."""
    return any(lines[x].strip().endswith("|") for x in range(j + 1, min(len(lines), j + 1 + span))
               if all(lines[y].strip() for y in range(j + 1, x + 1)))


def _cut_after_number(lines: list[str], j: int, stream: list[tuple[int, str]]) -> bool:
    """Whether the text ends, within two lines from ``j``, in the first cell after a row's number: the
    page cut off before the cell's pipe (定州: `4 |` / `提升电子政务…打造覆盖市`)."""
    return bool(stream) and _INT_RE.match(stream[-1][1]) is not None \
        and 0 < sum(1 for x in range(j, len(lines)) if lines[x].strip()) <= 2


def _header_over_lines(lines: list[str], i: int) -> tuple[int, list[str]] | None:
    """A pipe header wrapped over a few lines, each closed by its pipe (金安: `序号 | 工作 责任组 |` / `责任 领导 |` /
    `责任 单位 |` / `月度目标要求 | 工作进展(每周报送更新) |`): its last line and its cells, where together they
    name the columns and a row follows; else None."""
    header = [c.strip() for c in lines[i].strip().strip("|").split("|")]
    if cell_role(header[0]) != "number":
        return None  # (it opens with its 序号)
    for j in range(i + 1, min(len(lines), i + 5)):
        t = lines[j].strip()
        if not t.endswith("|") or _INT_RE.match(t.split("|")[0].strip()):
            return None
        header += [c.strip() for c in t.strip("|").split("|")]
        if any(len(c) > 16 or _RECORD_CELL_RE.match(c) for c in header):
            return None  # (header words only: not the site's record of the page, `索引号 | 000330185/2022-83945 |`)
        nxt = next((x.strip() for x in lines[j + 1 : j + 3] if x.strip()), "")
        if header_roles(header, two_contents=True) is not None and _INT_RE.match(nxt.split("|")[0].strip()):
            return j, header
    return None


def _pipe_table(lines: list[str], i: int):
    n = len(lines)
    if "|" in lines[i].strip().rstrip("|"):
        # a row per line, cells joined by " | "
        header = [c.strip() for c in lines[i].strip().strip("|").split("|")]
        named = header_roles(header, two_contents=True) is not None
        if not named and (joined := _header_over_lines(lines, i)) is not None:
            i, header = joined  # (the rows start below its last line)
            named = True
        if not named and not header_roles(["序号", "分类", *header[1:]]):
            return None  # (a 序号 column unnamed: `_numbers_in_task_cells`)
        rows = [(i, header)]
        header_key = [_WS_RE.sub("", c) for c in header]
        numbered_first = cell_role(header[0]) == "number"
        j = i + 1
        while j < n and ("|" in lines[j] or not lines[j].strip()):
            if lines[j].strip():
                cells = [c.strip() for c in lines[j].strip().strip("|").split("|")]
                if _RECORD_CELL_RE.match(cells[0]):
                    break  # the page's record after the table (`索引号: | 1137…/2022-04772 | 成文日期: |`)
                if lines[j].lstrip().startswith("|") and len(rows) > 1 and len(rows[-1][1]) + len(cells) <= len(header):
                    rows[-1][1].extend(cells)  # the row's next cells on a line of their own (`1 | 名称` / `| 明细` / `| 党建办`)
                elif len(cells) != len(header) or [_WS_RE.sub("", c) for c in cells] != header_key:
                    if numbered_first and len(rows) > 1 and not _INT_RE.match(cells[0]) \
                            and not _GROUP_ROW_RE.match(cells[0]):
                        cells = ["", *cells]  # the row's 序号 cell merged over this line (柯桥: `新增学位810个 | |||||`)
                    rows.append((j, cells))
            j += 1
        numbered = _numbers_in_task_cells(header, rows)
        if numbered is None and not named:
            return None
        return j, numbered or rows
    # a cell per line, each ending in "|"; a line without "|" continues the cell below it
    stream: list[tuple[int, str]] = []
    breaks: list[int] = []  # where a line of bare pipes, closing no cell, opens a row (stream indexes)
    buf, buf_line, j = "", None, i
    while j < n:
        t = lines[j].strip()
        if not t:
            j += 1
            if buf:
                continue
            # a blank line ends the table unless more cells follow (a cell, then its pipe on a line below)
            if j < n and (lines[j].strip().endswith("|") or lines[j].strip() and _closed_below(lines, j, 2)):
                continue
            if _cut_after_number(lines, j, stream):
                continue
            break
        if "|" not in t and not _closed_below(lines, j, 3) and not _cut_after_number(lines, j, stream):
            break  # (a cell of a few lines, its names stacked: 王 嵘 / 方 勇 / |)
        if buf_line is None:
            buf_line = j
        piece = t.rstrip("|").strip()
        buf = f"{buf} {piece}" if buf else piece  # a wrapped cell: its pieces joined (spaces squeezed later)
        if t.endswith("|"):
            if buf.strip():  # (a line of bare pipes opens a row or a caption: no cell)
                stream.append((buf_line, buf.strip()))
            elif not breaks or breaks[-1] != len(stream):
                breaks.append(len(stream))
            buf, buf_line = "", None
        j += 1
    if j >= n and buf.strip() and buf_line is not None:
        stream.append((buf_line, buf.strip()))  # the page cut off in the last cell, before its pipe
    # a caption cell before the header (洋县2024年十大民生实事项目清单 |): the header opens at 序号
    first = next((k for k, (_, c) in enumerate(stream[:4]) if cell_role(c) == "number"), 0)
    del stream[:first]
    if first == 0 and (unnumbered := _unnumbered_pipe_rows(stream, breaks)):
        return j, [(i, unnumbered[0][1])] + unnumbered[1:]
    header = []
    while stream and cell_role(stream[0][1]) and len(header) < 12 and not _GROUP_ROW_RE.match(stream[0][1]):
        header.append(stream.pop(0)[1])
    # header cells no column is named by (建设地点, 年度投资金额(万元)), when more header cells follow them up
    # to the first row's number
    if header and stream and not _INT_RE.match(stream[0][1]):
        k = 0
        while k < len(stream) and not _INT_RE.match(stream[k][1]) and len(header) + k < 12 \
                and len(stream[k][1]) <= 12 and not _PROSE_RE.search(stream[k][1]) \
                and not _GROUP_ROW_RE.match(stream[k][1]):
            k += 1
        more = [c for _, c in stream[:k]]
        if k < len(stream) and (_INT_RE.match(stream[k][1]) or _GROUP_ROW_RE.match(stream[k][1])) \
                and header_roles(header + more):
            header += more
            del stream[:k]
    stream_rows = None
    if header and cell_role(header[0]) != "number" and len(stream) > 1 and len(header) >= 3:
        # a number column the header does not name: 工作任务 / 具体要求 / 责任科室 / 时限要求 over rows
        # 强化…公开 / 1 / 对…清理 / 办公室 / 年底前, the first column a group's (merged) cell before the number
        if stream[0][1] == "1":
            header = ["序号", *header]
        elif stream[1][1] == "1":
            header, stream_rows = _number_first(["分类", "序号", *header[1:]], stream, _rows_from_stream(stream))
    if not header or cell_role(header[0]) != "number":
        return None  # rows one cell a line start at their numbers: the header opens with 序号
    if stream_rows is None and (numbered := _rows_by_numbered_cells(header, stream)):
        return j, [(i, header)] + numbered
    grid = _grid(header, stream, stream_rows)
    if not grid:
        return None
    return j, [(i, header)] + grid[1:]


def _unnumbered_pipe_rows(stream: list[tuple[int, str]], breaks: list[int]) -> list[tuple[int, list[str]]] | None:
    """Pipe cells one a line whose rows have no number, each row opened by a line of bare pipes (谯城
    政务公开: `|` / `工作任务` / `|` / `具体内容` / `|` / `责任部门` / `|` / `|` / `推进政策公开` / `|` / …):
    the header and the rows as the pipes split them (a merged 分类 left out of a group's later rows:
    `parse_tables` aligns them from the right). None when the header names no table or has a 序号."""
    cuts = [b for b in breaks if 0 < b < len(stream)]
    if len(cuts) < 2:
        return None
    bounds = [0, *cuts, len(stream)]
    rows = [(stream[a][0], [c for _, c in stream[a:b]]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    header = rows[0][1]
    roles = header_roles(header, two_contents=True)
    if not roles or roles[0] == "number" or any(len(cells) > len(header) for _, cells in rows[1:]):
        return None
    return rows


def _rows_by_numbered_cells(header: list[str], stream: list[tuple[int, str]]) -> list[tuple[int, list[str]]] | None:
    """Pipe cells whose 序号 column counts the groups and whose tasks carry their own numbers (`1` /
    `主要预期目标` / `1.地区生产总值增长5%以上。` / `钱 宇` / `★区发改委、统计局` / `2.一般公共预算收入…` / …,
    merged cells leaving lines of bare pipes): a row per numbered task cell (1., 2., … in order), its
    cells up to the next fitted to the columns after the task; a group's number and 项目 cell dropped.
    None when the tasks are not numbered so (more than the 序号 cells)."""
    roles = header_roles(header)
    if not roles or "target" not in roles or roles[0] != "number":
        return None
    starts: list[int] = []
    for k, (_, c) in enumerate(stream):
        m = _NUMBERED_CELL_RE.match(c)
        if m and int(m.group(1)) == len(starts) + 1:
            starts.append(k)
    if len(starts) < 3 or len(starts) <= sum(1 for _, c in stream if _INT_RE.match(c.strip())):
        return None
    ti = roles.index("target")
    rows: list[tuple[int, list[str]]] = []
    for a, k in enumerate(starts):
        end = starts[a + 1] if a + 1 < len(starts) else len(stream)
        line, c = stream[k]
        m = _NUMBERED_CELL_RE.match(c)
        after: list[str] = []
        skip = False
        for _, x in stream[k + 1 : end]:
            if _INT_RE.match(x.strip()):
                skip = True  # the next group's number, then its 项目 cell
                continue
            if skip or _GROUP_ROW_RE.match(x):
                skip = False
                continue
            after.append(x)
        cells = [""] * len(roles)
        cells[0], cells[ti] = m.group(1), m.group(2)  # type: ignore[union-attr]
        cells[ti + 1 :] = fit_cells(after, roles[ti + 1 :]) if after else [""] * (len(roles) - ti - 1)
        rows.append((line, cells))
    return rows


# a column that no role names, named by the figures or facts it holds (a project table's 总投资 / (万元),
# 2023年度 / 计划, 资金 / 来源, 建设性质): a header cell of its own, no row's
_NO_ROLE_HEADER_RE = re.compile(r"(?:投资|金额|来源|年度计划|性质|地点|规模)$")
# a header cell's first paragraph that only says whose or when (`区政府` / `分管领导`, `第二季度` / `完成情况`)
_HEADER_QUALIFIER_RE = re.compile(r"^(?:(?:省|市|县|区|镇|乡|街道)(?:人民政府|政府|委|级)?|第?[一二三四1-4]季度|[上下]?半年|年度|全年)$")


def _cell_table(lines: list[str], i: int):
    """One cell per line or paragraph, header first: 序号 / 内容 / 进展情况 / 责任单位 …"""
    n = len(lines)
    header: list[str] = []
    j = i
    # short lines no column is named by, between two header cells: one header cell wrapped over two
    # paragraphs (区本级 / 任务数), a column of its own (after the last one, such a line is a row's
    # cell: a group's 分类 printed before its first number)
    wrapped, wrapped_at = "", j
    while j < n:
        t = lines[j].strip()
        if not t:
            j += 1
            continue
        if _INT_RE.match(t):
            break
        if header and not wrapped and t[:1] in "（(" and t[-1:] in "）)" and len(t) <= 8:
            header[-1] += t  # `责任股室` / `(单位)`: the cell's note wrapped to a paragraph of its own
            j += 1
            continue
        if cell_role(t) is None:
            if not header or len(t) > 8 or len(wrapped) + len(t) > 12 or _PROSE_RE.search(t):
                break
            if not wrapped:
                wrapped_at = j
            wrapped += t
            if len(wrapped) > len(t) and cell_role(wrapped) is not None or _NO_ROLE_HEADER_RE.search(wrapped):
                header.append(wrapped)  # `责任` / `科室`: one header cell over two paragraphs
                wrapped = ""  # (or a column no role names, by what it holds: `总投资`, `资金` / `来源`)
            j += 1
            continue
        if wrapped and (_HEADER_QUALIFIER_RE.match(wrapped) or len(wrapped) <= 4 and len(t) <= 3
                        and cell_role(wrapped + t) == cell_role(t)):
            t, wrapped = wrapped + t, ""  # `区政府` / `分管领导`, `责任` / `领导`, `牵头` / `市领导`: one cell wrapped before its header word
        if wrapped:
            header.append(wrapped)
            wrapped = ""
        header.append(t)
        j += 1
    if wrapped:
        j = wrapped_at  # not a header cell: the header ended before it
    if len(header) < 3 or not (roles := header_roles(header)):
        return None
    # 分类 / 序号 / 事项 / …: a group's 分类 cell printed before the number of its first row
    category_first = roles[0] == "category" and roles[1] == "number"
    stream: list[tuple[int, str]] = []
    width = len(header)
    last_row_cells = 0
    k = j
    while k < n:
        t = lines[k].strip()
        if t:
            if _INT_RE.match(t) and (not stream or last_row_cells >= 1):
                last_row_cells = 0
            elif not stream and not category_first:
                if _groups_before_first_row(lines, k):
                    k += 1
                    continue  # a chapter's and a group's heading rows before the first row
                break  # no row after the header
            else:
                if _HEADING_RE.match(t) and not _FOOTER_RE.match(t) and _row_follows(lines, k):
                    k += 1
                    continue  # a chapter's row between two rows (二、…), the next row's number after it
                last_row_cells += 1
                if last_row_cells > 2 * width + 2 or _HEADING_RE.match(t) or _FOOTER_RE.match(t):
                    break  # past the last row: the page's footer
            stream.append((k, t))
        k += 1
    # the last row ends with its own cells; what follows is not part of the table. It is cut before
    # the rows are fitted (fitting the page's footer as cells of the last row, only to cut it, is
    # what reading the table cost most)
    end = k
    stream_rows = _rows_from_stream(stream, header)
    if stream_rows:
        cells = stream_rows[-1][1]  # (every cell from the last row's number on: one per stream line)
        if len(cells) > 2 * width:
            end = stream[len(stream) - len(cells) + width][0]
            del cells[width:]
    if category_first:
        header, stream_rows = _number_first(header, stream, stream_rows)
    grid = _grid(header, stream, stream_rows)
    if not grid:
        return None
    return end, [(i, header)] + grid[1:]


def _lines_to_next_row(lines: list[str], k: int) -> list[str] | None:
    """The lines that are not blank from line ``k`` up to the next row's number (a bare number, within
    40 lines), or None when none comes."""
    between: list[str] = []
    for j in range(k, min(len(lines), k + 40)):
        t = lines[j].strip()
        if not t:
            continue
        if _INT_RE.match(t):
            return between
        between.append(t)
    return None


def _row_follows(lines: list[str], k: int) -> bool:
    """Whether a row's number follows line ``k``, after at most two lines that are not blank or any
    number of chapters' rows (several in a row where an extract kept none of their rows)."""
    between = _lines_to_next_row(lines, k + 1)
    return between is not None and all(_HEADING_RE.match(t) for t in between[2:])


def _row_after_a_gap(cells: list[tuple[int, str]], k: int, rows: list, expected: int) -> bool:
    """Whether the number at ``k``, past the one expected, starts a row all the same: an extract of a
    larger table keeps only its own rows (3, 68, 69, 73). The row before it is whole (three cells or
    more) and a sentence follows the number (the next row's task), not a figure or a unit list."""
    n = _row_no(cells[k][1])
    if not rows or n <= expected or n > expected + 500 or len(rows[-1][1]) < 3 or k + 1 >= len(cells):
        return False
    nxt = cells[k + 1][1].strip()
    return len(nxt) >= 10 and _PROSE_RE.search(nxt) is not None and not _is_units(nxt)


def _groups_before_first_row(lines: list[str], k: int) -> bool:
    """Whether line ``k``, after a header and before any row, is one of at most four short heading
    lines (`强化科技创新支撑能力。` / `(一)` / `加强战略科技力量建设。`) that a row follows (an extract's first row
    may be any number: 3, 68, 69 …)."""
    between = _lines_to_next_row(lines, k)  # (blank lines between them: a paragraph each)
    # (a chapter's row may be long: `一、主要经济社会发展指标、发改、财政…等工作目标(牵头领导:成坤、柯相国)`)
    return between is not None and 0 < len(between) <= 4 and all(
        len(t) <= 30 or len(t) <= 120 and _GROUP_ROW_RE.match(t) is not None and not _PROSE_RE.search(t) for t in between)


def _number_first(header: list[str], stream: list[tuple[int, str]],
                  rows: list[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A table whose 分类 column comes before its 序号 (分类 / 序号 / 事项 / 责任单位 / 牵头单位), read as if
    序号 came first: each group's 分类 cell, printed before the number of its first row (after the
    last cell of the row before), goes to the row it opens; the rows of the group leave it empty."""
    width = len(header) - 1  # the cells of a row after its number
    first = rows[0][0] if rows else None
    category = next((t for line, t in stream if line < first), "") if first is not None else ""
    out: list[tuple[int, list[str]]] = []
    for k, (line, cells) in enumerate(rows):
        values = cells[1:]
        following = ""
        last = values[-1].strip() if values else ""
        if k + 1 < len(rows) and len(values) > width - 1 and len(last) <= 20 and not _PROSE_RE.search(last) \
                and not _is_units(last) and cell_role(last) is None:
            following = values.pop()  # the next group's 分类
        # (a row of the group but its first, every other cell there: its 分类 left blank)
        out.append((line, [cells[0]] + ([category] if category or len(values) == width - 1 else []) + values))
        category = following
    return [header[1], header[0], *header[2:]], out


def _maybe_first_header(line: str) -> bool:
    """Whether the line may open the header of a `_numbered_task_table` (牵头领导, 重点工作 …)."""
    s = line.strip()
    return 2 <= len(s) <= 8 and ("领导" in s or "任务" in s or "工作" in s) and cell_role(s) in ("person", "target")


_NUMBERED_CELL_RE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(\S.*)$")


def _numbered_task_table(lines: list[str], i: int):
    """One cell per paragraph with no 序号 column, each row's number printed in its task cell — a
    浙江 责任分工 table: 牵头领导 / 重点工作 / 牵头单位 / 配合单位 / 备注, then 周阳市长 / 1.始终做到忠诚于党。… /
    市府办 / 各单位 / 2.… / 市府办 / 市司法局 / 各单位. A person column's cell (merged over its group) stands
    before the first row of the group; the unit cells after a task, one per paragraph, fill the unit
    columns in order (the first the lead's when 牵头单位 comes first), the others go together to the last.
    Rows are returned with a 序号 column put first."""
    n = len(lines)
    header: list[str] = []
    j = i
    while j < n:
        t = lines[j].strip()
        if not t:
            j += 1
            continue
        if len(t) > 12 or cell_role(t) is None:
            break
        header.append(t)
        j += 1
    roles = header_roles(header) if len(header) >= 3 else None
    if not roles or "number" in roles or "target" not in roles:
        return None
    ti = roles.index("target")
    unit_cols = [k for k in range(ti + 1, len(roles)) if roles[k] in ("lead", "responsible")]
    if not unit_cols:
        return None
    rows: list[list] = []  # [line, number, cells before the task, task, cells after it]
    before: list[str] = []
    expected = None
    k = end = j
    while k < n:
        t = lines[k].strip()
        k += 1
        if not t:
            continue
        m = _NUMBERED_CELL_RE.match(t)
        if m and (expected is None or int(m.group(1)) == expected):
            rows.append([k - 1, m.group(1), before, m.group(2), []])
            before, expected = [], int(m.group(1)) + 1
        elif not rows and not before and _HEADING_RE.match(t) and not _FOOTER_RE.match(t):
            continue  # a chapter's heading row before the first row: 一、主要预期指标
        elif _HEADING_RE.match(t) or _FOOTER_RE.match(t) or (not rows and len(before) >= ti):
            break
        elif rows:
            rows[-1][4].append(t)
        else:
            before.append(t)
        end = k
    if len(rows) < 2:
        return None
    out = [(i, ["序号", *header])]
    for r, (line, number, pre, task, after) in enumerate(rows):
        # the next group's person cell, printed after this row's last cell
        if r + 1 < len(rows) and ti > 0 and after and _fits("person", after[-1]) and not _is_units(after[-1]):
            rows[r + 1][2] = [after.pop()] + rows[r + 1][2]
        while after and not _is_units(after[0]) and (_PROSE_RE.search(task[-1:]) is None or len(after[0]) > 12):
            task += after.pop(0)  # the task cell wrapped over several paragraphs
        cells = [""] * len(roles)
        # a person column between the task and the units (目标任务 / 责任领导 / 责任单位): its names, one a paragraph
        for k2 in range(ti + 1, unit_cols[0]):
            names = []
            while roles[k2] == "person" and after and _fits("person", after[0]) and len(after) > 1:
                names.append(after.pop(0))
            cells[k2] = " ".join(names)
        units = []
        while after and _is_units(after[0]):
            units.append(after.pop(0))
        cells[ti] = task
        for k2, value in zip(range(ti - 1, -1, -1), reversed(pre), strict=False):
            cells[k2] = value
        if len(unit_cols) == 1 or len(units) <= 1:
            cells[unit_cols[0]] = "、".join(units)
        else:
            cells[unit_cols[0]] = units[0]
            cells[unit_cols[-1]] = "、".join(units[1:])
        if after and len(roles) > unit_cols[-1] + 1:
            cells[unit_cols[-1] + 1] = " ".join(after)  # 备注
        out.append((line, [number, *cells]))
    return end, out


def _split_spaced(row: str) -> list[str]:
    """Cells of a space-separated row: single spaces separate, a run of spaces marks an empty cell."""
    lead_empty = row.startswith((" ", "\u3000"))  # after the number's own space: an empty first cell
    row = ("\x00 " if lead_empty else "") + _SPACE_RUN_RE.sub(" \x00 ", row.strip())
    return ["" if t == "\x00" else t for t in row.split(" ") if t != ""]


def _fit_spaced(tokens: list[str], roles: list[str | None]) -> list[str]:
    n = len(roles)
    if len(tokens) == n:
        return tokens
    unit_cols = [k for k in range(n) if roles[k] in ("lead", "responsible")]
    if unit_cols and unit_cols[-1] < len(tokens) < n and all(_is_units(tokens[k].rstrip("。")) for k in unit_cols):
        # every unit cell in its place, the last columns (评价, 进展, 备注) left empty or cut off by the page
        return tokens + [""] * (n - len(tokens))
    ti = roles.index("target")
    out = [""] * n
    toks = list(tokens)
    # the tail, from the right: unit lists (a token that does not end like a unit is a wrapped head),
    # dates, short person names
    for k in range(n - 1, ti, -1):
        if not toks:
            break
        role = roles[k]
        if role in ("lead", "responsible"):
            if not _is_units(toks[-1].rstrip("。；;")):  # (a unit cell may close with 。: `…,魏武国控集团。`)
                continue
            cell = toks.pop().rstrip("。；;")
            # a wrapped name's head (人行杭州 中心支行), or, the table's one unit column, more units of the cell,
            # one a line (区农业农村委 / 区林业局 / 区供销联社)
            more = not any(roles[x] in ("lead", "responsible") for x in range(ti + 1, k))
            while toks and toks[-1] and not _PROSE_RE.search(toks[-1]) and len(toks[-1]) <= 12 and (
                    not toks[-1].endswith(_UNIT_END_CHARS) or more and len(toks) > 1 and _is_units(toks[-1])):
                cell = toks.pop() + " " + cell
            out[k] = cell
        elif _fits(role, toks[-1]) and not _PROSE_RE.search(toks[-1]):
            out[k] = toks.pop()
        elif role in ("progress", "remark") and len(toks) >= 2 and _is_units(toks[-2]):
            out[k] = toks.pop()  # a sentence after the unit cell: the progress written in it (…同比增长3.4%。)
    # the content: from the first token that reads like prose
    p = next((x for x, t in enumerate(toks) if _PROSE_RE.search(t) or len(t) >= 20 or "，" in t or "," in t),
             len(toks) - 1 if toks else 0)
    p = max(0, min(p, len(toks)))
    pre, body = toks[:p], toks[p:]
    out[ti] = " ".join(body)
    k_pre = ti
    merged: list[str] = []
    for t in pre:
        if merged and merged[-1] and 0 < len(t) <= 2:
            merged[-1] += t  # `加强水资源保 护`: a wrapped tail
        else:
            merged.append(t)
    if len(merged) > k_pre:
        if merged and merged[0] == "" and k_pre >= 1:
            merged = [""] * (k_pre - 1) + ["".join(merged[1:])] if k_pre > 1 else ["".join(merged[1:])]
        else:
            merged = merged[: k_pre - 1] + ["".join(merged[k_pre - 1 :])]
    for x, v in enumerate(merged[-k_pre:] if k_pre else []):
        out[k_pre - len(merged[-k_pre:]) + x] = v
    return out


def _join_letter_spaced(tokens: list[str]) -> list[str]:
    """A header's words spaced letter by letter (`序号 工 作 任 务 牵头负责部门`): each run of single
    characters one word again; and a word that names no column spaced off the word it qualifies
    (`牵头  领导`, `牵头  责任单位`, `配合  责任单位`: 青阳 2023), one cell."""
    out: list[str] = []
    run = False
    for t in tokens:
        single = len(t) == 1 and "\u4e00" <= t <= "\u9fff"
        if single and run:
            out[-1] += t
        elif out and len(out[-1]) <= 3 and cell_role(out[-1]) is None and (role := cell_role(t)) is not None \
                and cell_role(out[-1] + t) is not None and role != "number":
            out[-1] += t
        else:
            out.append(t)
        run = single
    return out


def _spaced_table(lines: list[str], i: int):
    tokens = lines[i].split()
    if len(tokens) < 3 or cell_role(tokens[0]) != "number":
        return None
    tokens = _join_letter_spaced(tokens)
    if len(tokens) < 3:
        return None
    roles = header_roles(tokens)
    if not roles:
        return None
    n = len(lines)
    rows: list[tuple[int, str]] = []
    j = i + 1
    blank = 0
    while j < n:
        t = lines[j]
        if not t.strip():
            blank += 1
            if blank > 1 and rows:
                break
            j += 1
            continue
        if _HEADING_RE.match(t) or _GROUP_LINE_RE.match(t):
            # a chapter's or a section's line between the header and a row, or between two rows (一、经济社会发展
            # 主要预期目标 / (一)以创建国家高新区为抓手…): the rows' group, not the end of the table
            k = j + 1
            while k < n and (not lines[k].strip() or _GROUP_LINE_RE.match(lines[k])):
                k += 1  # (a chapter's line, then its first section's: 二、重点工作 / (一)…)
            if k < n and _ROW_START_RE.match(lines[k]):
                j = k
                blank = 0
                continue
            if _HEADING_RE.match(t):
                break
        if _join_letter_spaced(t.split()) == tokens:
            j += 1
            continue  # header repeated on the next page
        m = _ROW_START_RE.match(t)
        if m:
            rows.append((j, t))
            blank = 0
        elif rows and blank == 0:
            rows[-1] = (rows[-1][0], rows[-1][1] + " " + t.strip())
        else:
            break
        j += 1
    if not rows:
        return None
    out = [(i, tokens)]
    for line, text in rows:
        m = _ROW_START_RE.match(text)
        out.append((line, [m.group(1)] + _fit_spaced(_split_spaced(text[m.end() :]), roles[1:])))  # type: ignore[union-attr]  # (a row starts with its number)
    return j, out


def _glued_table(lines: list[str], i: int):
    m = _GLUED_HEADER_RE.search(lines[i])
    if not m:
        return None
    header = ["序号"] + _HEADER_WORD_RE.findall(m.group(1))
    roles = header_roles(header)
    if not roles:
        return None
    # the data: the rest of the line, then the lines below up to a blank line; a sharing site's
    # chunk marker (`2、`) at the start of a line that continues the previous one is dropped
    parts = [lines[i][m.end() :]]
    starts = [(0, i)]
    j = i + 1
    while j < len(lines) and lines[j].strip():
        t = lines[j].strip()
        prev = parts[-1].rstrip()
        if prev and prev[-1] not in "。！？；;" and _CHUNK_MARK_RE.match(t):
            t = _CHUNK_MARK_RE.sub("", t, count=1)
        starts.append((sum(len(p) for p in parts), j))
        parts.append(t)
        j += 1
    data = "".join(parts)
    offsets = [o for o, _ in starts]
    # the header printed again on the next page: blanked (so that offsets keep), a row may start after it
    again = [k + len(m.group(0)) for k in range(len(data)) if data.startswith(m.group(0), k)]
    if again:
        data = data.replace(m.group(0), " " * len(m.group(0)))

    def line_of(pos: int) -> int:
        return starts[bisect.bisect_right(offsets, pos) - 1][1]

    first = _LEADING_NUMBER_RE.match(data)
    if not first:
        return None
    bounds = [(first.start(1), first.end(1), first.group(1))]
    expected = int(first.group(1)) + 1
    pos = first.end()
    while True:
        nxt = _next_row_start(data, pos, expected, again)
        if nxt is None:
            break
        bounds.append(nxt)
        pos = nxt[1]
        expected += 1
    ti = roles.index("task") if "task" in roles else roles.index("target")
    unit_cols = [k for k, r in enumerate(roles) if r in ("lead", "responsible")]
    title = _CHUNK_MARK_RE.sub("", lines[i][: m.start()].strip(), count=1).strip()
    rows = ([(i, [title])] if title else []) + [(i, header)]  # the table's title, glued before it
    date_col = roles.index("deadline") if "deadline" in roles else None
    person_col = roles.index("person") if "person" in roles else None
    for k, (s, e, number) in enumerate(bounds):
        body = data[e : bounds[k + 1][0] if k + 1 < len(bounds) else len(data)].strip()
        cells = [""] * len(roles)
        cells[0] = number
        if date_col is not None and (m := _TRAILING_DATE_RE.search(body)):  # a 完成时限 cell at the end
            cells[date_col], body = m.group(0), body[: m.start()]
        leads: list[str] = []
        if person_col is not None and (found := _person_unit_runs(body)):
            # 。何海平教育局经开区… : the 分管领导's name, then the lead and its partners, after a sentence — at the
            # row's end, or in its middle where a merged cell or a second sub-row goes on after it
            cells[person_col] = "、".join(run.name for run in found)
            leads = [run.units[0] for run in found]
            units = "、".join(u for run in found for u in run.units)
            cuts = [0, *(x for run in found for x in (run.start, run.end)), len(body)]
            prose = "".join(body[cuts[x]:cuts[x + 1]] for x in range(0, len(cuts), 2))  # the text between the runs
        else:
            cut = body.rfind("。") + 1
            tail = body[cut:].strip() if cut else ""
            if (joined := glued_units(tail)) is not None:
                prose, units = body[:cut], joined  # (each piece a unit or a place: 经开区, 高新园(邹区镇))
            else:
                tail = _UNIT_GLUE_RE.sub(r"\1、", tail)
                prose, units = (body[:cut], tail) if cut and _is_units(tail or "x") else (body, "")
        cells[ti] = prose
        if len(unit_cols) == 1:
            cells[unit_cols[0]] = units.strip()
        elif unit_cols and units.strip():
            # 牵头单位 and 配合单位 run together: the first unit leads, the rest assist (the usual table)
            lead_units = leads or [units.strip().partition("、")[0]]
            cells[unit_cols[0]] = "、".join(lead_units)
            cells[unit_cols[1]] = "、".join(u for u in units.strip().split("、") if u not in lead_units)
        rows.append((line_of(s), cells))
    return j, rows


# glued cells: a date phrase closing the row; two units run together (`区发改局区财政局`)
_TRAILING_DATE_RE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?(?:底|末)?(?:前|之前)?|年底前?|年内|全年|[一二三四]季度(?:末|底)?前?|长期坚持|持续推进)$")
_UNIT_GLUE_RE = re.compile(r"(局|委|办|院|府|厅|会|中心|部门|公司|集团|支行|队)(?=(?:区|市|县|省|各)[^、，,；;（(]{1,12}"
                           r"(?:局|委|办|院|府|厅|会|中心|部门|公司|集团|支行|队))")


# where a name of a run of glued ones ends: its ending (outside brackets), unless a longer ending goes on
# (高新区|管委会 is one name, 县政府|办公室 one); a closing bracket after a name that ends no place (高新园(邹区镇))
_GLUED_ENDS = ("局", "委", "办", "院", "厅", "会", "队", "部", "处", "所", "站", "馆", "社", "室", "中心", "公司", "集团", "支行",
               "街道", "政府", "区", "县", "镇", "乡")
_GLUED_GOES_ON = ("管委会", "管理委员会", "党工委", "办公室", "办事处", "人民政府", "政府", "分局", "支队", "大队", "中队",
                  "委员会", "会", "办", "公室", "员会", "（", "(")
_LEVEL_CHARS = "区市县省各"


def _glued_pieces(text: str) -> list[str]:
    """``text`` cut where a name of units run together may end (see `_GLUED_ENDS`)."""
    pieces, start, depth = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
            if depth == 0 and k + 1 < len(text) and not _PAREN_RE.sub("", text[start:k + 1]).endswith(("区", "市", "县")):
                pieces.append(text[start:k + 1])  # 高新园(邹区镇)|各街道 (not 各区(市)|县政府)
                start = k + 1
        elif depth == 0 and k + 1 - start >= 3 and text.endswith(_GLUED_ENDS, start, k + 1) \
                and not text.startswith(_GLUED_GOES_ON, k + 1):
            pieces.append(text[start:k + 1])
            start = k + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _glued_piece_is_unit(piece: str) -> bool:
    """A unit, or a short place (经开区, 高新园(邹区镇)); never a sentence's words (a figure, a long run, a
    verb first: 推进大庙弄核心区)."""
    if len(piece) > 20 or any(c.isdigit() for c in piece) or piece.startswith(_TASK_VERBS):
        return False
    return looks_like_unit(piece) or len(bare := _PAREN_RE.sub("", piece)) <= 6 and bare.endswith(_PLACE_ENDS + ("园",))


# the verbs a task's sentence opens with: no unit's name starts so
_TASK_VERBS = ("推进", "推动", "完成", "实施", "开展", "建设", "建成", "新建", "提升", "加快", "加强", "组织", "落实", "打造",
               "改造", "启动", "深化", "完善", "做好", "持续", "全面", "积极", "开工", "实现", "确保", "力争")


def glued_units(text: str) -> str | None:
    """Units run together with nothing between them (`教育局经开区高新园(邹区镇)各街道市国有公司`) → the
    names joined by 、, where there are two or more and each piece is a unit or a place; else None."""
    if not text or "、" in text or "," in text or "，" in text:
        return None
    pieces = _glued_pieces(text)
    return "、".join(pieces) if len(pieces) > 1 and all(map(_glued_piece_is_unit, pieces)) else None


class _Run(NamedTuple):
    start: int
    end: int
    name: str
    units: list[str]


def _person_unit_runs(body: str) -> list[_Run]:
    """Each run, after a sentence's 。, of a person's name and the units glued after it."""
    found = []
    for k in [k + 1 for k, ch in enumerate(body) if ch == "。"]:
        name = _leading_person(body[k:])
        if name is None:
            continue
        units, end = [], k + len(name)
        for piece in _glued_pieces(body[end:]):
            if not _glued_piece_is_unit(piece):
                break
            units.append(piece)
            end += len(piece)
        if units:
            found.append(_Run(k, end, name, units))
    return found


def _leading_person(tail: str) -> str | None:
    """A person's name (two or three characters, a common surname) glued before the units of a row whose
    table has a 分管领导 column: 何海平教育局…, 张菁民政局… (三 characters would leave 政局)."""
    if tail[:1] not in SURNAMES:
        return None
    for n in (3, 2):
        first = _glued_pieces(tail[n:])[0] if tail[n:] else ""
        if len(first) >= 3 and looks_like_unit(first) and not (n == 3 and tail[2] in _LEVEL_CHARS):
            return tail[:n]
    return None


def _next_row_start(data: str, pos: int, expected: int, header_ends: list[int]):
    """The next row number: after a sentence and a unit list (or right where the header printed again
    ends, one of ``header_ends``), before the next row's first word."""
    num = str(expected)
    k = pos
    while True:
        k = data.find(num, k)
        if k == -1:
            return None
        e = k + len(num)
        if k in header_ends:
            return k, e, num
        before = data[k - 1] if k else ""
        after = data[e] if e < len(data) else ""
        seg = data[pos:k]
        if (before and not before.isdigit() and not (after.isdigit() or after in _NOT_A_ROW_AFTER or after in ".．、")
                and "。" in seg and (seg.rstrip().endswith(_UNIT_END_CHARS) or _TRAILING_DATE_RE.search(seg))
                and after and after > "\u2e80"):
            return k, e, num
        k = e


# A paragraph's start after a space inside one long printed line: a page whose paragraphs were joined
# by spaces (a copy site, a mobile page, a notice run together with its plan) prints the whole plan
# on a line or two — `…收入倍差进一步缩小。 责任单位:县发改局 2.落实… 二、王常务副县长牵头重点工作 1.坚持…`
_JOINED_START_RE = re.compile(
    r"[ \u3000]+(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,3}[.．、](?![\d.．、])"
    r"|附\s*件\s*\d{0,2}[:：]?)\S)")
# within such a line, the 文号, the signature's date and the publishing note stand alone:
# `…的通知 豫政〔2023〕5号 现将…`, `办公室 2022年4月18日 (此件公开发布) 政府…`
_JOINED_ALONE_RE = re.compile(r"(?<=[ \u3000])(?:[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号"
                              r"|\d{4}年\d{1,2}月\d{1,2}日|[（(]此件[^（）()\s]{0,8}[）)])(?=[ \u3000]|$)")
JOINED_MIN = 150  # a line shorter than this is one paragraph, whatever its spaces
_JOINED_SECTION_RE = re.compile(r"[ \u3000]+(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")


def split_joined(line: str) -> str:
    """A long line of paragraphs joined by spaces → the paragraphs, joined by ``\\n`` (the physical
    line is kept, as `split_inline_labels` keeps it). Only where two or more paragraphs start after
    a space: a paragraph with one numbered aside is left alone; inline sub-items (`(1)…(2)…`) are no
    paragraph starts."""
    if len(line) < JOINED_MIN or "\t" in line:
        return line
    cuts = [m.start() for m in _JOINED_START_RE.finditer(line)]
    # (but one section run on after a sentence ends: 马屿 2024, `…集聚高地。 (二)坚定不移扩框架…`)
    if len(cuts) < 2 and not (cuts and line[cuts[0] - 1 : cuts[0]] in ("。", "；", ";")
                              and _JOINED_SECTION_RE.match(line, cuts[0]) is not None):
        return line
    for m in _JOINED_ALONE_RE.finditer(line):
        cuts += [m.start(), m.end()]
    cuts.sort()
    parts, at = [], 0
    for c in cuts:
        parts.append(line[at:c].strip())
        at = c
    parts.append(line[at:].strip())
    return "\n".join(p for p in parts if p)


def split_inline_labels(line: str) -> str:
    """`1.X。 牵头领导:甲 责任单位:A、B 配合单位:C 鄞州 海曙 …` → one line per label, joined by ``\\n``.

    A unit label's value ends where a space is followed by something that is not a unit (a
    flattened figures table); that rest goes on a line of its own, as text of the item.
    """
    if "\t" in line or ":" not in line and "：" not in line:
        return line
    if len(line) > 80 and not may_have_inline_label(line):
        return line  # (the colons looked at instead of every character: cheaper on a long line)
    starts = [m.end() for m in INLINE_LABEL_AFTER_RE.finditer(line)]
    if starts:  # never inside a bracket: `(牵头单位:A;责任单位:B)` is one annotation
        depth, kept = 0, []
        brackets = _ANY_BRACKET_RE.finditer(line)
        b = next(brackets, None)
        for x in starts:
            while b is not None and b.start() < x:  # the depth at x: the brackets before it
                depth = depth + 1 if b.group() in "（([〔【［" else max(0, depth - 1)
                b = next(brackets, None)
            if not depth:
                kept.append(x)
        starts = kept
    if not starts:
        return line
    parts = [line[: starts[0]].rstrip()] + [line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line)],
                                                                              strict=True)]
    out: list[str] = [p for p in parts[:1] if p]
    for part in parts[1:]:
        m = LINE_LABEL_RE.match(part)
        if m and label_kind(_LABEL_WORD_RE.match(m.group(1)).group(0)) in ("lead", "other"):  # type: ignore[union-attr]
            tokens = m.group(2).split()
            keep = tokens[:1]
            for k, tok in enumerate(tokens[1:], start=1):
                if tokens[k - 1][-1:] in "、,，;；" or tok[:1] in "、,，;；" or _is_units(tok) \
                        or tok.strip("、,，;；") in UNIT_SUFFIXES:  # a name's end wrapped off: `资源规划 局`
                    keep.append(tok)
                else:
                    out.append(m.group(1) + " ".join(keep))
                    out.append(" ".join(tokens[k:]))
                    break
            else:
                out.append(part)
        else:
            out.append(part)
    return "\n".join(out)
