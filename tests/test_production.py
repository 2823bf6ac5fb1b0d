"""Production settings as the environment makes them (issue 10): static files through the manifest
storage, plain-http intranets (INSECURE_HTTP), persistent database connections.

Settings are read from the environment once, at import, so each configuration is built in a
child process; what the child reports is then checked, or applied to this process's settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-very-long-random-production-secret-key-0123456789-abcdefghijklmnop"
REPORTED = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
]


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "INSECURE_HTTP",
                                                           "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "CACHE_URL")}
    return {**env, "DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "testserver,gz.example.gov.cn",
            "DATA_DIR": str(tmp_path), **extra}


def settings_of(tmp_path, **extra) -> dict:
    """The settings a process started with this environment (DEBUG=0 unless given) ends up with."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"d = {{k: getattr(s, k, None) for k in {REPORTED!r}}}; "
        "d['CONN_MAX_AGE'] = s.DATABASES['default']['CONN_MAX_AGE']; "
        "d['CONN_HEALTH_CHECKS'] = s.DATABASES['default']['CONN_HEALTH_CHECKS']; "
        "d['CACHE'] = [s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION', '')]; "
        "print(json.dumps(d))"
    )
    env = {**_env(tmp_path, **extra), "DJANGO_SETTINGS_MODULE": "reformtracker.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- static files -----------------------------------------------------------------------------------

def test_collectstatic_with_the_manifest_storage_writes_every_file_and_the_manifest(tmp_path):
    """DEBUG=0 uses WhiteNoise's CompressedManifestStaticFilesStorage, which follows every url() and
    sourceMappingURL of every CSS/JS file and fails on one that is not shipped (the vendored
    Bootstrap used to point at .map files that are not in the repository: every page was a 500)."""
    static_root = tmp_path / "static"
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        env=_env(tmp_path, STATIC_ROOT=str(static_root)), cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ["css/app.css", "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js",
                 "admin/css/base.css"]:
        hashed = manifest[name]
        assert hashed != name and (static_root / hashed).is_file(), name
        assert (static_root / (hashed + ".gz")).is_file(), name


# --- plain-http intranets ---------------------------------------------------------------------------

def _post_login(client, username, password):
    page = client.get("/login/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    return client.post("/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token})


@pytest.mark.django_db
def test_login_over_plain_http_with_debug_off_works_with_insecure_http(tmp_path, django_user_model):
    production = settings_of(tmp_path, INSECURE_HTTP="1")
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is False and production["CSRF_COOKIE_SECURE"] is False
    assert production["SECURE_SSL_REDIRECT"] is False and production["SECURE_HSTS_SECONDS"] == 0
    django_user_model.objects.create_user("office", password="pw-2026-long")
    with override_settings(**production):
        client = Client(enforce_csrf_checks=True)  # plain http, CSRF checked as for a browser
        response = _post_login(client, "office", "pw-2026-long")
        assert response.status_code == 302, response.content[:500]
        assert not response.cookies["sessionid"]["secure"]
        assert "Strict-Transport-Security" not in response.headers
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_without_insecure_http_cookies_are_secure_and_http_is_sent_to_https(tmp_path, django_user_model):
    production = settings_of(tmp_path)
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True and production["SECURE_HSTS_SECONDS"] == 31536000
    django_user_model.objects.create_user("office", password="pw-2026-long")
    with override_settings(**production):
        insecure = Client()
        redirect = insecure.get("/login/")
        assert redirect.status_code == 301 and redirect["Location"] == "https://testserver/login/"
        client = Client(enforce_csrf_checks=True)
        page = client.get("/login/", secure=True)
        assert page.cookies["csrftoken"]["secure"]
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        response = client.post(
            "/login/",
            {"username": "office", "password": "pw-2026-long", "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
            secure=True, headers={"referer": "https://testserver/login/"},
        )
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"]


# --- database connections ---------------------------------------------------------------------------

PG = "postgres://postgres@127.0.0.1:5432/reformtracker"


def test_production_keeps_database_connections_and_checks_them(tmp_path):
    production = settings_of(tmp_path, DATABASE_URL=PG)
    assert production["CONN_MAX_AGE"] == 60 and production["CONN_HEALTH_CHECKS"] is True


def test_conn_max_age_can_be_set_and_development_opens_one_per_request(tmp_path):
    assert settings_of(tmp_path, DATABASE_URL=PG, CONN_MAX_AGE="300")["CONN_MAX_AGE"] == 300
    assert settings_of(tmp_path, DATABASE_URL=PG, CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0
    assert settings_of(tmp_path, DATABASE_URL=PG, DEBUG="1")["CONN_MAX_AGE"] == 0
    assert settings_of(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")["CONN_MAX_AGE"] == 0


def test_cache_url_gives_every_process_one_redis_cache(tmp_path):
    assert settings_of(tmp_path)["CACHE"][0] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings_of(tmp_path, CACHE_URL="redis://127.0.0.1:6379/1")["CACHE"] == [
        "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"]


# --- the installable package ------------------------------------------------------------------------

APPS = ["reformtracker", "tasks", "departments", "deadlines", "fixtures"]


def test_the_wheel_ships_every_module_template_static_file_and_seed(tmp_path):
    """`pip install .` must give the whole application (it runs without the checkout): every .py of
    the apps (a new subpackage without __init__.py would be left out: find_packages needs one), the
    site-wide templates/ and static/, the seed plans. Built from a copy, as pip builds it."""
    import shutil
    import zipfile

    source = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "var", "build", "*.egg-info", "__pycache__", ".git", "artifacts",
                                    "node_modules", ".pytest_cache", ".ruff_cache")
    shutil.copytree(ROOT, source, ignore=ignore, symlinks=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("reformtracker-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())

    expected = {str(p.relative_to(source)) for app in APPS for p in (source / app).rglob("*.py")}
    expected |= {str(p.relative_to(source)) for p in (source / "fixtures" / "seeds").iterdir()}
    expected |= {"reformtracker/site_" + str(p.relative_to(source)) for folder in ("templates", "static")
                 for p in (source / folder).rglob("*") if p.is_file()}
    assert expected - shipped == set()
    assert not {name for name in shipped if name.startswith(("tests/", "benchmarks/"))}


def test_a_web_process_sets_what_it_loaded_aside_from_the_cyclic_collector(tmp_path):
    """gunicorn loads reformtracker.wsgi in each worker: by then Django, the models and every view the
    URLconf reaches are loaded and frozen, so the collector's full passes walk only what requests make."""
    code = (
        "import gc, sys; import reformtracker.wsgi; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'tasks.workflow.views' in sys.modules)"
    )
    env = {**_env(tmp_path), "DJANGO_SETTINGS_MODULE": "reformtracker.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    frozen, tracked, views_loaded = result.stdout.split()
    assert int(frozen) > 100_000  # Django alone is more than that
    assert int(tracked) < 1_000  # nothing loaded is left for the collector
    assert views_loaded == "True"
