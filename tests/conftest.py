"""The cast: an office worker, a supervisor, and liaisons of two units
(like healthchecks' Alice, Bob and Charlie)."""

import os

import pytest

from departments import roles

from .factories import UnitFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse ORM calls from fixtures.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_sessionstart(session):
    """A compiled parser module older than its source would be tested as it was built."""
    from tasks.importers import compiled

    if old := compiled.stale():
        pytest.exit(f"tasks/importers: {', '.join(old)} changed after `make native`; run it again "
                    "(or delete the .so files to test the source)", returncode=4)


@pytest.fixture
def unit_a(db):
    return UnitFactory(name="区市场监管局")


@pytest.fixture
def unit_b(db):
    return UnitFactory(name="区税务局")


@pytest.fixture
def office(db):
    return UserFactory(username="office", role=roles.OFFICE, first_name="王科长")


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", role=roles.SUPERVISOR, first_name="李主任")


@pytest.fixture
def liaison_a(db, unit_a):
    return UserFactory(username="liaison_a", role=roles.LIAISON, units=[unit_a], first_name="张敏")


@pytest.fixture
def liaison_b(db, unit_b):
    return UserFactory(username="liaison_b", role=roles.LIAISON, units=[unit_b], first_name="陈晨")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded build; the network is closed."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir():
    from pathlib import Path

    path = Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at production strength costs ~0.3 s a login; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up like the office's: Chinese, in Shanghai time."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
