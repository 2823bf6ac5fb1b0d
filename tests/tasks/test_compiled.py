"""The compiled parser (setup.py, mypyc): which modules run compiled, and which are older than
their source — the test run refuses those, `manage.py check` warns."""

import importlib
import os
from importlib.machinery import EXTENSION_SUFFIXES

import pytest
from django.core import checks

from tasks.importers import compiled

SUFFIX = EXTENSION_SUFFIXES[0]  # this interpreter's own (`.cpython-311-x86_64-linux-gnu.so`)


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package folder of sources and extensions, as `make native` leaves one."""
    monkeypatch.setattr(compiled, "HERE", tmp_path)

    def make(name: str, *, source_at: float | None, extension_at: float | None) -> None:
        for path, at in ((tmp_path / f"{name}.py", source_at), (tmp_path / f"{name}{SUFFIX}", extension_at)):
            if at is not None:
                path.write_text("")
                os.utime(path, (at, at))

    return make


def test_a_folder_without_extensions_runs_as_python(package):
    package("plan", source_at=1_000, extension_at=None)
    assert compiled.compiled() == []
    assert compiled.stale() == []
    assert compiled.describe() == "parser: Python (not compiled)"


def test_an_extension_built_after_its_source_is_current(package):
    package("plan", source_at=1_000, extension_at=1_060)
    package("dates", source_at=1_000, extension_at=1_060)
    package("native__mypyc", source_at=None, extension_at=1_060)  # the group's library: not a module of ours
    assert compiled.compiled() == ["dates", "plan"]  # by module name, not file name
    assert compiled.stale() == []
    assert compiled.describe() == "parser: compiled by mypyc (2 modules)"


def test_a_source_edited_after_the_build_is_stale(package):
    package("plan", source_at=1_100, extension_at=1_060)
    package("dates", source_at=1_000, extension_at=1_060)
    assert compiled.stale() == ["plan"]
    assert compiled.describe().endswith("STALE: plan")


def test_an_install_writing_the_source_just_after_the_extension_is_not_stale(package):
    package("plan", source_at=1_060.5, extension_at=1_060)  # pip writes them within moments
    assert compiled.stale() == []


def test_manage_py_check_warns_of_a_stale_module(package):
    package("plan", source_at=1_100, extension_at=1_060)
    warnings = [m for m in checks.run_checks() if m.id == "tasks.W001"]
    assert [w.msg for w in warnings] == ["tasks/importers/plan.py changed after it was compiled: the old build runs"]


def test_what_is_compiled_here_is_what_runs():
    """In a checkout after `make native` (CI's), each compiled module is loaded from its extension."""
    names = compiled.compiled()
    for name in names:
        module = importlib.import_module(f"tasks.importers.{name}")
        assert module.__file__.endswith(tuple(EXTENSION_SUFFIXES)), module.__file__
    assert compiled.stale() == []


def test_the_compiled_parser_imports_from_any_directory(tmp_path):
    """A worker or a command started elsewhere than the checkout's root (sys.path without it) loads
    the compiled modules and the group's library inside the package alike."""
    import subprocess
    import sys

    code = ("from tasks.importers import compiled, parse_plan\n"
            "plan = parse_plan('2024年某区工作要点\\n一、改革\\n1.推进改革。6月底前完成。（区发改局牵头）')\n"
            "print(compiled.describe(), [u.name for u in plan.items[0].lead_units])")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("['区发改局']")
    assert ("compiled by mypyc" in result.stdout) == bool(compiled.compiled())
