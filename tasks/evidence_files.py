"""The name an evidence file is downloaded under: its real type's extension, whatever it was called.

A PDF uploaded as `x.exe` or `x.html` is accepted (the type is judged by its bytes, see
`services.workflow.evidence_content_type`), but handing it back as `x.html` would let a browser
or a desktop open it as something else. The stem is kept; the extension follows the type.
"""

from __future__ import annotations

import os

EXTENSIONS = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


def download_name(original_name: str, content_type: str) -> str:
    stem, ext = os.path.splitext(os.path.basename(original_name or ""))
    if stem.startswith(".") and not ext:  # ".pdf": a name that is all extension
        stem, ext = "佐证材料", stem
    allowed = EXTENSIONS.get(content_type)
    if allowed is None:  # not a type we accept: never offer a name that a desktop would run
        return (stem or "佐证材料") + ".bin"
    if ext.lower() in allowed:
        return stem + ext
    return (stem or "佐证材料") + allowed[0]
