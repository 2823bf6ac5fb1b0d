"""The plan parser turns text into dataclasses without touching the database.

import-linter (pyproject.toml) keeps it from importing the project's models and apps; it cannot
name a subpackage of an external package, so this checks that no `django.db` module is loaded."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import importlib, pkgutil, sys
import tasks.importers as parser
for module in pkgutil.iter_modules(parser.__path__):
    importlib.import_module(f"tasks.importers.{module.name}")
print(sorted(name for name in sys.modules if name == "django.db" or name.startswith(("django.db.", "django.apps"))))
"""


def test_every_parser_module_imports_without_the_orm():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reformtracker.settings"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
