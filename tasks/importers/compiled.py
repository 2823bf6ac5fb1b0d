"""Which of the parser's modules run compiled, and which compiled module is older than its source.

setup.py compiles the parser's modules with mypyc (`pip install .`, or `make native` in a
checkout, which puts the extensions beside their sources). Python loads an extension before the
`.py` of the same name: in a checkout, a module edited since `make native` would run as it was
built. `stale()` names those, for the test run and `manage.py check` to refuse or warn. (`make
native` touches every extension it leaves: a build that found nothing to recompile is current.)
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

HERE = Path(__file__).resolve().parent
# an install writes a module's `.py` and its extension within moments of each other; an edit
# after a build comes later than that
_SLACK_SECONDS = 2.0


def _extensions() -> dict[str, Path]:
    """The compiled modules by name (not the group's shared library, `native__mypyc`, which holds
    their code: each module's own extension is rebuilt with it)."""
    found: dict[str, Path] = {}
    for suffix in EXTENSION_SUFFIXES:  # (`.cpython-311-x86_64-linux-gnu.so`, `.abi3.so`, `.so`)
        for path in HERE.glob(f"*{suffix}"):
            name = path.name.split(".", 1)[0]
            if not name.endswith("__mypyc"):
                found.setdefault(name, path)
    return found


def compiled() -> list[str]:
    """The package's modules that are built as extensions (their names, sorted)."""
    return sorted(_extensions())


def stale() -> list[str]:
    """The compiled modules whose source was changed after they were built."""
    out = []
    for name, extension in sorted(_extensions().items()):
        source = HERE / f"{name}.py"
        if source.exists() and source.stat().st_mtime > extension.stat().st_mtime + _SLACK_SECONDS:
            out.append(name)
    return out


def describe() -> str:
    """One line for a benchmark or a log: how the parser runs here."""
    names = compiled()
    if not names:
        return "parser: Python (not compiled)"
    old = stale()
    return f"parser: compiled by mypyc ({len(names)} modules)" + (f", STALE: {', '.join(old)}" if old else "")
