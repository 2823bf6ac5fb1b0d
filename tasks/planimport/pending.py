"""An upload waiting between its preview and its confirmation (plan import, breakdown import).

The bytes wait in DATA_DIR/<folder>/<token><suffix>; the session holds only the token and a
few fields, so only the uploader's own session reaches them — another user's token is a 404.
Uploads nobody confirmed are forgotten after two days, swept when a new one arrives.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404

KEEP_SECONDS = 2 * 24 * 3600
TOKEN_RE = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class PendingUploads:
    folder: str  # under settings.DATA_DIR
    suffix: str  # ".txt", ".xlsx"
    session_key: str

    def _dir(self) -> Path:
        path = Path(settings.DATA_DIR) / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _path(self, token: str) -> Path:
        return self._dir() / f"{token}{self.suffix}"

    def _sweep(self, folder: Path) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for f in folder.glob(f"*{self.suffix}"):
            if f.stat().st_mtime < cutoff:
                f.unlink(missing_ok=True)

    def add(self, request, data: bytes, **entry) -> str:
        """Keep `data` for this user's session with `entry`; returns the token for the preview URL."""
        folder = self._dir()
        self._sweep(folder)
        token = uuid.uuid4().hex
        (folder / f"{token}{self.suffix}").write_bytes(data)
        request.session.setdefault(self.session_key, {})[token] = entry
        request.session.modified = True
        return token

    def get(self, request, token: str) -> tuple[dict, Path]:
        entry = request.session.get(self.session_key, {}).get(token)
        if not TOKEN_RE.fullmatch(token) or entry is None:
            raise Http404("这次导入已失效，请重新上传。")
        path = self._path(token)
        if not path.is_file():
            raise Http404("这次导入已失效，请重新上传。")
        return entry, path

    def finish(self, request, token: str) -> None:
        """Forget the upload: confirmed, cancelled, or no longer readable."""
        if request.session.get(self.session_key, {}).pop(token, None) is not None:
            self._path(token).unlink(missing_ok=True)
            request.session.modified = True
