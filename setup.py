"""Packaging of what pyproject.toml cannot say: the site-wide `templates/` and `static/`
folders at the top of the checkout are shipped inside the `reformtracker` package, as
`reformtracker/site_templates/` and `reformtracker/site_static/`, so `pip install .` gives a
complete application (settings.py looks there when it does not run from a checkout).

The Python packages are found, not listed: a new app or subpackage (tasks/…/) is picked up.
Everything else (name, version, dependencies) is in pyproject.toml.

The plan parser (tasks/importers, but for the Word and file readers) is compiled to C by mypyc,
the compiler mypy ships: the same source, type-checked, about 1.5× faster (issue 15's 10 MB/s).
A machine without a C compiler gets the same modules as Python (the extensions are optional),
and `REFORMTRACKER_PURE_PYTHON=1` asks for that on purpose. A checkout (`make install`) builds
them in place with `make native`; `tasks.importers.compiled` tells which ones run and whether
one is older than its source.
"""

import os
from pathlib import Path

from setuptools import find_packages, setup

APPS = ["reformtracker", "tasks", "departments", "deadlines", "fixtures"]
SITE_FOLDERS = {"reformtracker.site_templates": "templates", "reformtracker.site_static": "static"}

# the parser's modules, compiled together (they call each other natively); the readers of
# files (read.py, docx.py: python-docx and zip checks) and the package's __init__ stay Python
NATIVE = [str(p) for p in sorted(Path("tasks/importers").glob("*.py"))
          if p.name not in ("__init__.py", "read.py", "docx.py", "compiled.py")]


def native_extensions() -> list:
    if os.environ.get("REFORMTRACKER_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # built without mypy (not from pyproject's build requirements): Python
        return []
    # the group's shared library (the modules' code) inside the package, tasks/importers/native__mypyc:
    # named at the top level, it was importable only where the checkout's root is on sys.path
    extensions = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *NATIVE],
                          group_name="tasks.importers.native", opt_level="3")
    for extension in extensions:
        extension.optional = True  # no C compiler: a warning, and the modules run as Python
    return extensions


setup(
    ext_modules=native_extensions(),
    packages=find_packages(include=[p for app in APPS for p in (app, f"{app}.*")]) + list(SITE_FOLDERS),
    package_dir={name: folder for name, folder in SITE_FOLDERS.items()},
    package_data={
        "": ["templates/**/*", "static/**/*"],  # app-level templates/static, should an app grow them
        "fixtures": ["seeds/*"],
        "tasks.importers": ["*.json"],  # the import JSON contract
        **{name: ["**/*"] for name in SITE_FOLDERS},
    },
    include_package_data=False,
)
