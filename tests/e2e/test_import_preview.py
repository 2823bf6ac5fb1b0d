"""The import preview in the browser: marking lead units, and mapping an unknown unit with the picker
(typing pinyin initials). Each journey keeps screenshots in SCREENSHOT_DIR."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from departments.models import Unit, UnitAlias
from tasks.models import AssignmentRole, Plan, Task

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# no "列第一个单位的均为牵头单位" line: without the office's marks no task has a lead unit
LEADLESS = "\n".join([
    "2019年某区改革工作要点",
    "一、主要任务",
    "1.推进甲改革，6月底前完成。",
    "责任单位:区发改局、区财政局",
    "2.推进乙改革，9月底前完成。",
    "责任单位:区审管办、区数管局",
    "3.推进丙改革，10月底前完成。",
    "责任单位:区教育局、区财政局",
])

WITH_UNKNOWN_UNIT = "\n".join([
    "2020年某区改革工作要点",
    "一、主要任务",
    "1.推进丁改革，8月底前完成。【责任单位：区新设服务局、区财政局；列第一个单位的均为牵头单位】",
])


def paste(page, live_server, text: str) -> None:
    page.goto(f"{live_server.url}{reverse('imports:upload')}")
    page.fill("textarea[name=text]", text)
    page.click("text=识别并预览")
    page.wait_for_load_state("networkidle")


def confirm(page) -> None:
    page.locator("button[type=submit]", has_text="确认导入").click()
    page.wait_for_load_state("networkidle")


def leads(task: Task) -> list[str]:
    return list(task.assignments.filter(role=AssignmentRole.LEAD).order_by("order").values_list("unit__name", flat=True))


def item_card(page, number: str):
    return page.locator(".import-item", has=page.locator(".badge", has_text=number)).first


def test_office_marks_the_lead_of_one_item_and_lets_the_first_unit_lead_the_rest(live_server, login, page, shot):
    call_command("create_demo_users", verbosity=0)
    login("office")
    paste(page, live_server, LEADLESS)
    assert page.locator(".import-item").count() == 3
    assert page.locator(".import-item .unit-badge", has_text="牵头").count() == 0  # nobody leads yet

    # item 2: 区数管局 leads, not the first unit; the rest: the first unit of each item leads
    item_card(page, "2").locator("input[type=checkbox][value='区数管局']").check()
    page.check("#id_first_leads")
    shot("import-preview-lead-marks")
    confirm(page)
    assert "导入完成" in page.content()
    shot("import-done-new-tasks")

    plan = Plan.objects.get()
    one, two, three = (plan.tasks.get(import_key=f"一.{n}") for n in (1, 2, 3))
    assert leads(one) == ["区发改局"] and leads(two) == ["区数管局"] and leads(three) == ["区教育局"]
    # the done page lists them with their lead units and links to the plan's list
    table = page.locator("#new-tasks").inner_text()
    assert "区数管局" in table and "推进乙改革" in table
    page.click("text=在任务列表中查看本计划的任务")
    page.wait_for_load_state("networkidle")
    assert f"plan={plan.pk}" in page.url and page.locator(".task-table tbody tr").count() == 3

    page.goto(f"{live_server.url}{two.get_absolute_url()}")
    assert "区数管局（牵头）" in page.inner_text("main")
    shot("import-task-page-lead-unit")


def test_office_maps_an_unknown_unit_by_typing_its_pinyin_initials(live_server, login, page, shot):
    call_command("create_demo_users", verbosity=0)
    fgj = Unit.objects.create(name="区发改局")
    UnitAlias.objects.create(unit=fgj, name="区发展改革局")
    Unit.objects.create(name="区教育局")
    Unit.objects.create(name="区妇联")  # also has initials containing "f", not "fgj"
    login("office")
    paste(page, live_server, WITH_UNKNOWN_UNIT)

    label = page.locator("#unit-mapping label", has_text="区新设服务局")
    select_id = label.get_attribute("for")
    box = page.locator(f"#{select_id}_search")
    assert box.is_visible()
    box.fill("fgj")
    select = page.locator(f"#{select_id}")
    assert select.input_value() == str(fgj.pk)  # the one match is chosen at once
    visible = select.locator("option:not([hidden])").all_inner_texts()
    assert "区发改局" in visible and "区教育局" not in visible and "区妇联" not in visible
    assert "匹配 1 个单位" in page.inner_text("#unit-mapping")
    shot("import-unit-picker-pinyin")

    jyj = Unit.objects.get(name="区教育局")
    box.fill("jyj")
    assert select.input_value() == str(jyj.pk)
    box.fill("局")
    assert select.input_value() == str(jyj.pk)  # a unit already chosen is kept while it matches
    shown = select.locator("option:not([hidden])").all_inner_texts()
    assert {"区发改局", "区教育局"} <= set(shown) and "区妇联" not in shown
    box.fill("fzgg")  # the alias 区发展改革局, by its initials
    assert select.locator("option:not([hidden])").all_inner_texts()[-1] == "区发改局"
    assert select.input_value() == str(fgj.pk)
    box.press("Enter")  # does not submit the form
    assert not Plan.objects.exists()
    confirm(page)
    assert "导入完成" in page.content()

    assert UnitAlias.objects.get(name="区新设服务局").unit == fgj
    assert not Unit.objects.filter(name="区新设服务局").exists()
    task = Plan.objects.get().tasks.get()
    assert leads(task) == ["区发改局"]
    shot("import-done-unit-mapped")
