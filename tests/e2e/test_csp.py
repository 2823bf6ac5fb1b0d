"""Every role's main pages run under the Content-Security-Policy without a single violation."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from fixtures.seeds import seed_files
from tasks.models import Assignment, ConfirmState, Task

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded():
    call_command("load_seeds", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    from tasks.supervision.services import deadlines_scan

    deadlines_scan(today=dt.date(2020, 10, 1))


@pytest.fixture
def violations(page):
    """Console messages about the policy, and script errors (a blocked script shows as one)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(f"{m.type}: {m.text}") if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    return seen


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _visit(page, live_server, paths, violations):
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert violations == [], f"{path}: {violations}"
    # Bootstrap's script runs under the policy: the notifications dropdown still opens
    page.goto(f"{live_server.url}{reverse('tasks:list')}")
    page.click("#notifications-toggle")
    page.wait_for_selector(".notifications-menu.show")
    assert violations == []


def test_office_pages_have_no_csp_violation(live_server, page, seeded, violations):
    task = Task.objects.filter(parent__isnull=True).first()
    _login(page, live_server, "office")
    _visit(page, live_server, [
        reverse("tasks:list"), task.get_absolute_url(), reverse("tasks:edit", args=[task.pk]),
        reverse("tasks:reviews"), reverse("tasks:disputes"), reverse("tasks:extensions"),
        reverse("imports:upload"), reverse("excel:breakdown_import"), reverse("departments:list"),
        reverse("departments:users"), reverse("supervision:reports"), reverse("deadlines:notifications"),
        reverse("dashboard:index"), "/admin/", "/admin/tasks/task/", f"/admin/tasks/task/{task.pk}/change/",
        "/admin/axes/accessattempt/", "/admin/django_celery_beat/periodictask/",
    ], violations)
    # the import preview (its styles were an inline <style> block)
    page.goto(f"{live_server.url}{reverse('imports:upload')}")
    page.set_input_files("input[type=file]", str(seed_files()[1]))
    page.click("text=识别并预览")
    page.wait_for_load_state("networkidle")
    assert page.locator(".confirm-bar").evaluate("e => getComputedStyle(e).position") == "sticky"
    assert violations == []


def test_liaison_pages_have_no_csp_violation_and_confirm_asks(live_server, page, seeded, violations):
    _login(page, live_server, "liaison")
    mine = Assignment.objects.filter(unit__liaisons__username="liaison")
    task = mine.first().task
    _visit(page, live_server, [
        reverse("tasks:mine"), reverse("tasks:list"), task.get_absolute_url(),
        reverse("tasks:progress", args=[task.pk]), reverse("deadlines:notifications"),
    ], violations)
    # 全部签收 asks first (data-confirm in static/js/app.js, not an inline onclick)
    page.goto(f"{live_server.url}{reverse('tasks:mine')}")
    pending = mine.filter(state=ConfirmState.PENDING).count()
    assert pending
    page.once("dialog", lambda d: d.dismiss())
    page.click("text=全部签收")
    page.wait_for_load_state("networkidle")
    assert mine.filter(state=ConfirmState.PENDING).count() == pending
    page.once("dialog", lambda d: d.accept())
    page.click("text=全部签收")
    page.wait_for_load_state("networkidle")
    assert mine.filter(state=ConfirmState.PENDING).count() == 0
    assert violations == []


def test_supervisor_pages_have_no_csp_violation(live_server, page, seeded, violations):
    _login(page, live_server, "supervisor")
    _visit(page, live_server, [
        reverse("dashboard:index"), reverse("tasks:list"), reverse("supervision:reports"), reverse("excel:monthly"),
    ], violations)
    # the dashboard's bars have their widths from app.css classes, not style=""
    page.goto(f"{live_server.url}{reverse('dashboard:index')}?scope=all")  # the seed plans are years old
    widths = page.locator(".progress-stacked .progress").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and sum(widths) > 0
    assert violations == []
