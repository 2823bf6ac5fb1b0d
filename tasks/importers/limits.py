"""Limits on uploaded Office files, checked before they are parsed.

A .docx or .xlsx is a zip of XML. A 300 KB .docx can hold a million empty paragraphs (python-docx
then holds a worker for half a minute and ~900 MB), or one text node larger than lxml accepts (an
XMLSyntaxError). So before python-docx or openpyxl see a file:

1. the zip's directory (no inflating): total uncompressed size, the size of the main part, the
   compression ratio of each large member (`reformtracker.xlsx.check_zip`);
2. for Word, word/document.xml is streamed once with lxml's iterparse (elements cleared as it
   goes, so memory stays flat): paragraphs, table cells and the longest text node are counted.

Any failure — a limit or a parser error — is an `ImportFailure` with a Chinese message, never a
500. The limits are settings (README, configuration), read here with defaults so the parser still
runs without Django configured.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from reformtracker.xlsx import ZipLimitError, ZipLimits, check_zip

from .errors import ImportFailure

BROKEN = "无法打开该 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）。"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

DEFAULTS = {
    "DOCX_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
    "DOCX_MAX_DOCUMENT_XML_BYTES": 30 * 1024 * 1024,
    "DOCX_MAX_COMPRESSION_RATIO": 100,
    "DOCX_MAX_PARAGRAPHS": 50_000,
    "DOCX_MAX_TABLE_CELLS": 50_000,
    "DOCX_MAX_TEXT_NODE_CHARS": 1_000_000,
    "XLSX_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
    "XLSX_MAX_COMPRESSION_RATIO": 100,
}


def limit(name: str) -> int:
    try:
        from django.conf import settings

        return int(getattr(settings, name, DEFAULTS[name]))
    except ImportError:  # pragma: no cover — the parser used without Django
        return DEFAULTS[name]


def docx_limits() -> ZipLimits:
    return ZipLimits(
        max_total=limit("DOCX_MAX_UNCOMPRESSED_BYTES"),
        max_member=limit("DOCX_MAX_DOCUMENT_XML_BYTES"),
        max_ratio=limit("DOCX_MAX_COMPRESSION_RATIO"),
    )


def xlsx_limits() -> ZipLimits:
    total = limit("XLSX_MAX_UNCOMPRESSED_BYTES")
    return ZipLimits(max_total=total, max_member=total, max_ratio=limit("XLSX_MAX_COMPRESSION_RATIO"))


def check_docx(data: bytes) -> None:
    """Raise ImportFailure unless `data` is a .docx within every limit."""
    try:
        check_zip(data, docx_limits(), kind="Word 文件")
    except ZipLimitError as exc:
        if exc.__cause__ is not None:  # not a zip at all: docx.py's wording
            raise ImportFailure(BROKEN) from exc
        raise ImportFailure(str(exc)) from exc
    _check_document_xml(data)


def _check_document_xml(data: bytes) -> None:
    from lxml import etree

    max_paragraphs, max_cells = limit("DOCX_MAX_PARAGRAPHS"), limit("DOCX_MAX_TABLE_CELLS")
    max_text = limit("DOCX_MAX_TEXT_NODE_CHARS")
    paragraphs = cells = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as fh:
            for _, el in etree.iterparse(fh, events=("end",), resolve_entities=False, no_network=True):
                tag = el.tag
                if tag == f"{W}p":
                    paragraphs += 1
                    if paragraphs > max_paragraphs:
                        raise ImportFailure(
                            f"Word 文件的段落过多（超过 {max_paragraphs} 段），不像一份工作计划，已拒绝。"
                            "如确为长文档，请拆分后分别导入。"
                        )
                elif tag == f"{W}tc":
                    cells += 1
                    if cells > max_cells:
                        raise ImportFailure(f"Word 文件中的表格单元格过多（超过 {max_cells} 个），已拒绝。请拆分后导入。")
                if el.text is not None and len(el.text) > max_text:
                    raise ImportFailure(
                        f"Word 文件中有一段连续文字过长（{len(el.text)} 字，上限 {max_text} 字），已拒绝。"
                    )
                parent = el.getparent()
                if parent is not None and parent.tag == f"{W}body":  # keep memory flat: drop what was counted
                    el.clear(keep_tail=True)
                    while el.getprevious() is not None:
                        del parent[0]
    except ImportFailure:
        raise
    except KeyError as exc:
        raise ImportFailure("该 Word 文件缺少正文部分（word/document.xml），已损坏或不是 .docx 格式。") from exc
    except (etree.LxmlError, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise ImportFailure(f"无法读取该 Word 文件：文件内容已损坏或格式异常（{_reason(exc)}）。") from exc


def _reason(exc: Exception) -> str:
    return type(exc).__name__


def read_docx(data: bytes, reader: Callable[[bytes], str]) -> str:
    """`reader(data)` (the .docx → text converter) once `data` passed the limits; whatever the
    parser still raises becomes an ImportFailure rather than a server error."""
    from lxml import etree

    check_docx(data)
    try:
        return reader(data)
    except ImportFailure:
        raise
    except (etree.LxmlError, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError,
            EOFError, RuntimeError) as exc:
        raise ImportFailure(f"无法读取该 Word 文件：文件内容已损坏或格式异常（{_reason(exc)}）。") from exc


def check_xlsx(data: bytes) -> None:
    """Raise ZipLimitError (Chinese message) unless the .xlsx zip is within the limits."""
    check_zip(data, xlsx_limits(), kind="Excel 文件")
