"""On a phone (390 px wide) the task list is a column of cards and no page scrolls sideways.
Runs on the demo plan dated around today (load_demo), so every colour shows."""

import pytest
from django.core.management import call_command

from tasks.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "device_scale_factor": 2, "is_mobile": True,
            "has_touch": True}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_phone_task_list_is_cards_and_nothing_scrolls_sideways(live_server, login, page, shot):
    call_command("load_demo", verbosity=0)
    call_command("scan_deadlines", verbosity=0)
    plan = Plan.objects.get(source_filename__startswith="演示_")

    login("office")
    page.goto(f"{live_server.url}/tasks/?plan={plan.pk}")
    assert page.locator(".task-table thead").is_hidden()
    row = page.locator(".task-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "flex"
    assert page_width(page) <= PHONE["width"]
    shot("phone-task-list")

    # the default order: the most urgent first, the same cards
    page.goto(f"{live_server.url}/tasks/")
    assert "warn-red" in page.locator(".task-table tbody tr").first.get_attribute("class")
    assert page_width(page) <= PHONE["width"]
    shot("phone-task-list-urgent-first")

    page.goto(f"{live_server.url}/dashboard/?plan={plan.pk}")
    assert page_width(page) <= PHONE["width"]
    shot("phone-dashboard")
    page.goto(f"{live_server.url}/dashboard/")
    assert page_width(page) <= PHONE["width"]
    shot("phone-dashboard-default-scope")

    # 单位管理: a unit's name is read across, not one character a line
    page.goto(f"{live_server.url}/units/")
    name = page.locator(".unit-table td.unit-name").first
    font = name.evaluate("td => parseFloat(getComputedStyle(td).fontSize)")
    assert name.bounding_box()["width"] >= 5 * font
    assert page_width(page) <= PHONE["width"]
    shot("phone-unit-list")

    page.context.clear_cookies()
    login("liaison")
    assert page_width(page) <= PHONE["width"]
    shot("phone-liaison-my-tasks")
