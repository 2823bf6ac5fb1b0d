"""Packaging of what pyproject.toml cannot say: the site-wide `templates/` and `static/`
folders at the top of the checkout are shipped inside the `reformtracker` package, as
`reformtracker/site_templates/` and `reformtracker/site_static/`, so `pip install .` gives a
complete application (settings.py looks there when it does not run from a checkout).

The Python packages are found, not listed: a new app or subpackage (tasks/…/) is picked up.
Everything else (name, version, dependencies) is in pyproject.toml.
"""

from setuptools import find_packages, setup

APPS = ["reformtracker", "tasks", "departments", "deadlines", "fixtures"]
SITE_FOLDERS = {"reformtracker.site_templates": "templates", "reformtracker.site_static": "static"}

setup(
    packages=find_packages(include=[p for app in APPS for p in (app, f"{app}.*")]) + list(SITE_FOLDERS),
    package_dir={name: folder for name, folder in SITE_FOLDERS.items()},
    package_data={
        "": ["templates/**/*", "static/**/*"],  # app-level templates/static, should an app grow them
        "fixtures": ["seeds/*"],
        **{name: ["**/*"] for name in SITE_FOLDERS},
    },
    include_package_data=False,
)
