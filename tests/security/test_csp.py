"""Content-Security-Policy: sent on every page, and nothing in the templates needs it relaxed."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tasks.templatetags.bars import whole_percents
from tests.factories import AssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.strip() for d in header.split(";") if d.strip()}


def _check(policy: dict[str, str]) -> None:
    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["img-src"] == "img-src 'self' data:"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in " ".join(policy.values())


@pytest.fixture
def world(unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    return task


@pytest.mark.parametrize(("who", "pages"), [
    ("office", ["tasks:list", "imports:upload", "departments:list", "departments:users", "tasks:reviews",
                "supervision:reports", "excel:breakdown_import"]),
    ("liaison_a", ["tasks:mine", "deadlines:notifications"]),
    ("supervisor", ["dashboard:index", "supervision:reports"]),
])
def test_main_pages_send_the_policy(client, request, world, who, pages):
    client.force_login(request.getfixturevalue(who))
    for name in pages:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _check(_policy(response))
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {name}"
        assert not re.search(r"\sstyle=\"", html) and "<style" not in html, f"inline style on {name}"
        assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler on {name}"


def test_login_and_error_pages_send_the_policy(client, liaison_a):
    _check(_policy(client.get(reverse("login"))))
    client.force_login(liaison_a)
    _check(_policy(client.get(reverse("imports:upload"))))  # 403
    _check(_policy(client.get("/tasks/999999/")))  # 404


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=\"|\son[a-z]+=\"", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


@pytest.mark.parametrize(("parts", "expected"), [
    ({"done": "33.33", "late": "33.33", "open": "33.34"}, {"done": 33, "late": 33, "open": 34}),
    ({"done": "0.40", "late": "0.40", "open": "99.20"}, {"done": 0, "late": 1, "open": 99}),
    ({"done": "0", "open": "0"}, {"done": 0, "open": 0}),
])
def test_bar_widths_are_whole_percents_adding_up_to_100(parts, expected):
    widths = whole_percents(parts)
    assert sum(widths.values()) == sum(expected.values())
    assert widths["open"] == expected["open"]
