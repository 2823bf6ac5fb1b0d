"""Word (.docx) → text: paragraphs and tables in body order, each table row one tab-separated line.

* Paragraphs keep the numbers Word prints for them: automatic list numbering (``w:numPr`` on the
  paragraph or its style) is rebuilt from the numbering definitions (``一、`` ``（一）`` ``1.`` …).
* Text boxes, footnotes, comments, deleted revisions and field codes are not part of the text.
* Table cells: a cell's paragraphs are joined by ``、`` when each is a unit name (one unit per
  line) and by a space otherwise; a vertically merged cell repeats the value above it; a cell
  spanning several columns is followed by empty cells, so every row has the header's width.
"""

from __future__ import annotations

import io
import re
import zipfile

from .errors import ImportFailure

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP_INSIDE = {f"{_W}txbxContent", f"{_W}del", f"{_W}moveFrom", f"{_W}footnoteReference", f"{_W}instrText"}
_CN = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n - 10] if n > 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                 (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "ideographLegalTraditional", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _cn_number(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """The printed number of a numbered paragraph, counted the way Word counts it."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (abstractId, ilvl) → (fmt, lvlText, start)
        self.num_abstract: dict[str, str] = {}
        self.start_override: dict[tuple[str, int], int] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_based: dict[str, str] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            for absn in root.iterchildren(f"{_W}abstractNum"):
                aid = absn.get(f"{_W}abstractNumId")
                for lvl in absn.iterchildren(f"{_W}lvl"):
                    ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                    fmt = _val(lvl, "numFmt") or "decimal"
                    text = _val(lvl, "lvlText") or ""
                    start = int(_val(lvl, "start") or 1)
                    self.levels[(aid, ilvl)] = (fmt, text, start)
            for num in root.iterchildren(f"{_W}num"):
                nid = num.get(f"{_W}numId")
                self.num_abstract[nid] = _val(num, "abstractNumId") or ""
                for ov in num.iterchildren(f"{_W}lvlOverride"):
                    if (so := _val(ov, "startOverride")) is not None:
                        self.start_override[(nid, int(ov.get(f"{_W}ilvl", "0")))] = int(so)
        try:
            styles = document.styles.element
        except AttributeError:
            styles = None
        if styles is not None:
            for st in styles.iterchildren(f"{_W}style"):
                sid = st.get(f"{_W}styleId")
                if (based := _val(st, "basedOn")) is not None:
                    self.style_based[sid] = based
                ppr = st.find(f"{_W}pPr")
                numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
                if numpr is not None:
                    ilvl = _val(numpr, "ilvl")
                    self.style_numpr[sid] = (_val(numpr, "numId"), int(ilvl) if ilvl is not None else None)

    def _numpr(self, p) -> tuple[str | None, int]:
        ppr = p.find(f"{_W}pPr")
        num_id, ilvl = None, None
        style = None
        if ppr is not None:
            numpr = ppr.find(f"{_W}numPr")
            if numpr is not None:
                num_id = _val(numpr, "numId")
                lv = _val(numpr, "ilvl")
                ilvl = int(lv) if lv is not None else None
            style = _val(ppr, "pStyle")
        seen = 0
        while (num_id is None or ilvl is None) and style and seen < 10:
            s_num, s_lvl = self.style_numpr.get(style, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style = self.style_based.get(style)
            seen += 1
        return num_id, ilvl or 0

    def label(self, p) -> str:
        num_id, ilvl = self._numpr(p)
        if not num_id or num_id == "0" or num_id not in self.num_abstract:
            return ""
        aid = self.num_abstract[num_id]
        if (aid, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        for lv in range(9):
            if counters[lv] == 0 and lv <= ilvl:
                start = self.start_override.get((num_id, lv), self.levels.get((aid, lv), ("", "", 1))[2])
                counters[lv] = start - 1 if lv == ilvl else start
        counters[ilvl] += 1
        for lv in range(ilvl + 1, 9):
            counters[lv] = 0  # a higher level restarts the lower ones
        fmt, text, _ = self.levels[(aid, ilvl)]
        if fmt == "bullet":
            return ""

        def repl(m: re.Match) -> str:
            lv = int(m.group(1)) - 1
            lfmt = self.levels.get((aid, lv), ("decimal", "", 1))[0]
            return format_number(max(counters[lv], 1), lfmt)

        return re.sub(r"%([1-9])", repl, text)


def _val(el, tag: str) -> str | None:
    child = el.find(f"{_W}{tag}")
    return child.get(f"{_W}val") if child is not None else None


def paragraph_text(p) -> str:
    """The visible text of a ``w:p``: no text boxes, deleted revisions or field codes."""
    out: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in _SKIP_INSIDE:
            continue
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t" if el.getparent() is not None and el.getparent().tag == f"{_W}r" else "")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        else:
            stack.extend(reversed(list(el)))
    return "".join(out)


def _cell_text(tc, looks_like_unit, numbering: Numbering) -> str:
    paras = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            # a 序号 cell numbered by Word itself has no text of its own: its label is the number
            label = numbering.label(child).strip().rstrip(".．、")
            text = (label + paragraph_text(child)) if label else paragraph_text(child)
            paras += [x.strip() for x in text.replace("\t", " ").split("\n")]
        elif child.tag == f"{_W}tbl":  # a table inside a cell: its cells' text in order
            paras += [_cell_text(c, looks_like_unit, numbering) for c in child.iter(f"{_W}tc")]
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                paras += [paragraph_text(x).strip() for x in content.iterchildren(f"{_W}p")]
    paras = [x for x in paras if x]
    if len(paras) > 1 and all(looks_like_unit(x) for x in paras):
        return "、".join(paras)  # one unit per line
    return " ".join(paras)


def _table_lines(tbl, looks_like_unit, numbering: Numbering) -> list[str]:
    lines: list[str] = []
    above: dict[int, str] = {}  # grid column → text of the cell a vertical merge repeats
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        col = 0
        for tc in tr.iterchildren(f"{_W}tc"):
            tcpr = tc.find(f"{_W}tcPr")
            span = int(_val(tcpr, "gridSpan") or 1) if tcpr is not None else 1
            vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(f"{_W}val") != "restart":
                text = above.get(col, "")
            else:
                text = _cell_text(tc, looks_like_unit, numbering)
                above[col] = text
            cells.append(text)
            cells += [""] * (span - 1)
            col += span
        lines.append("\t".join(cells))
    return lines


def docx_to_text(data: bytes) -> str:
    from docx import Document

    from .units import looks_like_unit

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure("无法打开该 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）。") from exc
    numbering = Numbering(document)
    lines: list[str] = []

    def walk(container) -> None:
        for child in container.iterchildren():
            if child.tag == f"{_W}p":
                lines.append(numbering.label(child) + paragraph_text(child))
            elif child.tag == f"{_W}tbl":
                lines.append("")
                lines.extend(_table_lines(child, looks_like_unit, numbering))
                lines.append("")
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return "\n".join(lines)
