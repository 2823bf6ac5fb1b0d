"""Uploaded bytes → text, refusing what cannot be a plan with a message the user can act on."""

from __future__ import annotations

import os

import filetype

from .docx import docx_to_text
from .errors import ImportFailure
from .limits import read_docx
from .text import decode_bytes

MAX_BYTES = 10 * 1024 * 1024
TEXT_EXTENSIONS = ("", ".txt")
DOCX_EXTENSIONS = (".docx",)

# The first bytes that one of `filetype`'s matchers (1.2.0: 79 of them) accepts in NUL-free
# bytes: each checks its magic number at the start, except `M4a` (`ftypM4A` at 4), `Dcm` (`DICM`
# at 128), `Tar` (`ustar` at 257), `Pdf` (`%PDF` also after a UTF-8 BOM: 0xEF, checked below)
# and the ISO-BMFF, EOT, JPX and M4V matchers (what they need has NUL bytes). Zstd's frames start
# with 0x22-0x28, its skippable frames with 0x50-0x5F.
_MAGIC_FIRST = frozenset(
    b"\x00\x04\x1a\x1f!\"#$%&'(0789ABCFGILMNOfgw{\x7f\x89\xce\xd0\xed\xfd\xff"
    + bytes(range(0x50, 0x60))
)
# what is worked out above holds for the version it was read from (another one, or a matcher added
# with `filetype.add_type`: every matcher is asked)
_FILETYPE_READ = getattr(filetype, "__version__", None) == "1.2.0"


def _no_file_type(data: bytes) -> bool:
    """True where `filetype.guess(data)` is surely None, for non-empty NUL-free ``data`` (its
    matchers in Python cost a plain-text document a twentieth of its parse)."""
    return (_FILETYPE_READ and len(filetype.types) == 79 and data[0] not in _MAGIC_FIRST
            and data[4:11] != b"ftypM4A" and data[128:132] != b"DICM" and data[257:262] != b"ustar"
            and (data[0] != 0xEF or data[3:7] != b"%PDF"))


def read_document(data: bytes, filename: str) -> str:
    ext = os.path.splitext(filename or "")[1].lower()
    if ext not in TEXT_EXTENSIONS + DOCX_EXTENSIONS:
        hint = "旧版 .doc 请先用 Word 另存为 .docx；" if ext == ".doc" else ""
        raise ImportFailure(f"不支持的文件类型“{ext}”：只能导入 .txt 文本或 .docx Word 文件，{hint}也可以直接粘贴文本。")
    if len(data) > MAX_BYTES:
        raise ImportFailure(f"文件过大（{len(data) / 1024 / 1024:.1f} MB）：最大 10 MB。")
    if not data or data.isspace():  # (what `not data.strip()` says, without copying the bytes)
        raise ImportFailure("文件是空的：没有可导入的内容。")
    if ext in DOCX_EXTENSIONS:
        if not data.startswith(b"PK"):
            raise ImportFailure("该文件不是有效的 .docx Word 文件（旧版 .doc 请先另存为 .docx）。")
        text = read_docx(data, docx_to_text)  # zip bomb, size and parser-error checks first
        if not text.strip():
            raise ImportFailure("Word 文件中没有文字内容。")
        return text
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)  # UTF-16 with BOM: NUL bytes are expected there
    if b"\x00" not in data and _no_file_type(data):
        kind = None
    else:
        kind = filetype.guess(data)
    if b"\x00" in data or kind is not None:
        what = f"（识别为 {kind.mime}）" if kind is not None else ""
        raise ImportFailure(f"该文件不是文本文件{what}：请上传 .txt 文本或 .docx Word 文件，图片和扫描件无法导入。")
    text = decode_bytes(data)
    if not text or text.isspace():
        raise ImportFailure("文件是空的：没有可导入的内容。")
    return text
