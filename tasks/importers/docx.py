"""Word (.docx) → text: paragraphs and tables in body order, each table row one tab-separated line."""

from __future__ import annotations

import io
import zipfile

from .errors import ImportFailure


def docx_to_text(data: bytes) -> str:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure("无法打开该 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）。") from exc
    body = document.element.body
    lines: list[str] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            lines.append("")
            for tr in child.iter(qn("w:tr")):
                cells = []
                # one cell per <w:tc>: a horizontally merged cell appears once, a vertically
                # merged continuation is empty, like the blank carried-down cells of a text table
                for tc in tr.iterchildren(qn("w:tc")):
                    paras = [Paragraph(p, document).text.strip() for p in tc.iter(qn("w:p"))]
                    cells.append(" ".join(p for p in paras if p).replace("\t", " "))
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)
