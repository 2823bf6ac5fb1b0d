"""批量催办 in the browser: the office ticks tasks in the list, urges their lead units with a reply
date; the liaison finds the urging first in 我的任务."""

import pytest
from django.core.management import call_command

from tasks.models import Plan, Urging

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_urges_the_lead_units_of_selected_tasks(live_server, login, page, shot):
    call_command("load_seeds", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    plan = Plan.objects.get(title__startswith="2020年萧山区")
    by_market = plan.tasks.get(import_key="二.二.7")  # 区市场监管局 leads
    by_tax = plan.tasks.get(import_key="二.二.14")  # 区税务局 alone

    login("office")
    page.goto(f"{live_server.url}/tasks/?plan={plan.pk}&per_page=100")
    page.check(f"input[name=tasks][value='{by_market.pk}']")
    page.check(f"input[name=tasks][value='{by_tax.pk}']")
    shot("office-task-list-selected")
    page.click("#batch-urge-button")
    page.wait_for_load_state("networkidle")
    assert "已选 2 项任务" in page.content()
    page.check("input[name=scope][value=lead]")
    page.fill("textarea[name=message]", "请于期限内书面报告推进情况。")
    reply_by = page.input_value("input[name=reply_by]")
    assert reply_by  # three working days ahead, filled in
    shot("office-batch-urge")
    page.click("button[type=submit]:has-text('发出催办')")
    page.wait_for_load_state("networkidle")
    assert "已对 2 项任务发出催办 2 条" in page.content()
    assert f"plan={plan.pk}" in page.url  # back to the filtered list

    urged = {(u.task_id, u.unit.name, u.reply_by.isoformat()) for u in Urging.objects.select_related("unit")}
    assert urged == {(by_market.pk, "区市场监管局", reply_by), (by_tax.pk, "区税务局", reply_by)}

    page.context.clear_cookies()
    login("liaison")
    section = page.locator("#section-urgings")
    assert section.count() == 1 and "请于期限内书面报告推进情况" in section.inner_text()
    assert f"请于 {reply_by} 前回复" in section.inner_text()
    shot("liaison-my-tasks-urged")
