"""Word versions of plain-text plans, built with python-docx, for the importer tests.

`text_to_docx(text)`: every line a paragraph, except runs of tab-separated lines (004's
appendix), which become one real Word table (a cell per tab-separated value).
`numbered_docx(paragraphs)` (and `add_chinese_numbering` / `number_paragraph` for a document
built by hand): paragraphs numbered by Word itself (``w:numPr``) from a Chinese
multi-level list definition: level 0 ``一、``, level 1 ``（一）``, level 2 ``1.``.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def text_to_docx(text: str) -> bytes:
    doc = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for r, values in enumerate(rows):
            for c in range(width):
                table.cell(r, c).text = values[c] if c < len(values) else ""
        rows.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        doc.add_paragraph(line)
    flush()
    return _save(doc)


_ABSTRACT = (
    '<w:abstractNum {ns} w:abstractNumId="90">'
    '<w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    "</w:abstractNum>"
)


def add_chinese_numbering(doc) -> None:
    """Define list 90: level 0 ``一、``, level 1 ``（一）``, level 2 ``1.``."""
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(_ABSTRACT.format(ns=nsdecls("w"))))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))


def number_paragraph(p, level: int) -> None:
    """Let Word number this paragraph (list 90, at ``level``)."""
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))


def numbered_docx(paragraphs: list[tuple[int | None, str]], *, footnote_box: str = "") -> bytes:
    """(level or None, text): a level numbers the paragraph automatically; ``footnote_box`` adds a
    text box with that text inside the first paragraph (it must not be read)."""
    doc = Document()
    add_chinese_numbering(doc)
    for k, (level, text) in enumerate(paragraphs):
        p = doc.add_paragraph(text)
        if level is not None:
            number_paragraph(p, level)
        if k == 0 and footnote_box:
            run = p.add_run()
            run._r.append(parse_xml(
                f'<w:pict {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{footnote_box}'
                "</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"))
    return _save(doc)
