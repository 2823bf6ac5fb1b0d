"""Issue 12, "done when": one task walked through import → milestone edit → extension approved →
progress reported and accepted → 办结 → reopen shows, after each step and without a scan, the same
flag on the task list, the task page, 我的任务, the dashboard and a fresh 督查通报 workbook.
The scan runs only where a day passes (the one thing that may wait for it)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from deadlines.models import ExtensionRequest, Milestone, work_calendar
from tasks.models import Task, TaskFlag, TaskPace, WarningLevel
from tasks.planimport.services import plan_import, plan_parse
from tasks.supervision.report import build_supervision_workbook
from tasks.supervision.services import deadlines_scan

pytestmark = pytest.mark.django_db

PLAN = """萧山区测试局文件
萧测〔2026〕9号
2026年萧山区测试改革工作要点

一、工作内容
（一）提升服务能级
1.推进证明减免。9月20日前实现数据核验。【责任单位：区市场监管局】
"""
FLAG_TEXT = {TaskFlag.OVERDUE: "逾期", TaskFlag.DUE_SOON: "临期", TaskFlag.NONE: "—"}


def at(time_machine, day: dt.date) -> None:
    """10:00 in Shanghai on `day`, clock stopped."""
    time_machine.move_to(dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC), tick=False)


def list_row(client, task) -> str:
    html = client.get(reverse("tasks:list"), {"plan": task.plan_id}).content.decode()
    match = re.search(rf'<tr[^>]*data-task="{task.pk}"[^>]*>.*?</tr>', html, re.S)
    assert match, "the task is on the list"
    return match.group(0)


def seen_on_the_list(client, task) -> tuple[str, str, str]:
    row = list_row(client, task)
    level = re.search(r'class="[^"]*warn-(\w+)', row.split(">", 1)[0])
    flag = next((f for f, text in FLAG_TEXT.items() if f and f'">{text}</span>' in row), TaskFlag.NONE)
    pace = next((p for p in TaskPace if p and f">{p.label}</span>" in row), TaskPace.NONE)
    return flag, level.group(1) if level else "", pace


def seen_on_the_task_page(client, task) -> tuple[str, str, str]:
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    header = html[html.index("<h1") - 400 : html.index("</h1>") + 1200]
    level = re.search(r"warn-(red|yellow|blue) p-2", header)
    flag = next((f for f, text in FLAG_TEXT.items() if f and f'">{text}</span>' in header), TaskFlag.NONE)
    pace = next((p for p in TaskPace if p and f">{p.label}</span>" in header), TaskPace.NONE)
    return flag, level.group(1) if level else "", pace


def seen_in_my_tasks(client, task) -> str:
    context = client.get(reverse("tasks:mine")).context
    overdue = {row.record.pk for row in context["overdue"].rows}
    due_soon = {row.record.pk for row in context["due_soon"].rows}
    assert not (task.pk in overdue and task.pk in due_soon)
    return TaskFlag.OVERDUE if task.pk in overdue else TaskFlag.DUE_SOON if task.pk in due_soon else TaskFlag.NONE


def seen_on_the_dashboard(client, task) -> str:
    board = client.get(reverse("dashboard:index")).context["board"]
    row = next(p for p in board.plans if p.plan_id == task.plan_id)
    assert (board.total.overdue, board.total.due_soon) == (row.overdue, row.due_soon)
    assert row.overdue + row.due_soon <= 1
    return TaskFlag.OVERDUE if row.overdue else TaskFlag.DUE_SOON if row.due_soon else TaskFlag.NONE


def seen_in_the_bulletin(task) -> str:
    """The 督查通报 of this month, built now (as of today: the month has not ended): its 逾期事项 and
    临期事项 sheets, one row per task, the row's worded status."""
    today = timezone.localdate()
    buf = io.BytesIO()
    build_supervision_workbook(year=today.year, month=today.month).save(buf)
    buf.seek(0)
    wb = load_workbook(buf)

    def status(sheet: str) -> str | None:
        rows = [r for r in wb[sheet].iter_rows(min_row=4, values_only=True)
                if isinstance(r[1], str) and r[1].startswith(f"{task.number}. ")]
        assert len(rows) <= 1  # a task prints once
        return rows[0][2] if rows else None

    overdue = status("逾期事项")
    if overdue:
        assert overdue == "红·逾期"
        return TaskFlag.OVERDUE
    soon = status("临期事项")  # due by the end of next month; 蓝·临期 within the plan's working days
    return TaskFlag.DUE_SOON if soon == "蓝·临期" else TaskFlag.NONE


def check(client, task, office, supervisor, liaison, *, flag, level, pace) -> None:
    """Every page and the workbook say the same; the stored flags are the rule's values of today."""
    task.refresh_from_db()
    today = timezone.localdate()
    assert (task.flag_on(today), task.progress_missing_on(today), task.pace_on(today)) == (
        task.flag, task.progress_missing, task.pace
    )
    assert (task.flag, task.warning_level, task.pace) == (flag, level, pace)
    client.force_login(office)
    assert seen_on_the_list(client, task) == (flag, level, pace)
    assert seen_on_the_task_page(client, task) == (flag, level, pace)
    client.force_login(liaison)
    assert seen_on_the_list(client, task) == (flag, level, pace)
    assert seen_in_my_tasks(client, task) == flag
    client.force_login(supervisor)
    assert seen_on_the_dashboard(client, task) == flag
    bulletin = seen_in_the_bulletin(task)
    # the bulletin lists what falls due next month as 临期: a task due soon is there, and only
    # an overdue task is on the overdue sheet
    assert (bulletin == TaskFlag.OVERDUE) == (flag == TaskFlag.OVERDUE)
    if flag == TaskFlag.DUE_SOON:
        assert bulletin == TaskFlag.DUE_SOON


def test_one_task_shows_the_same_flag_everywhere_after_every_write(
    client, office, supervisor, liaison_a, unit_a, time_machine
):
    people = (office, supervisor, liaison_a)
    red, yellow, none = WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.NONE

    # 1. imported on 9-30 with a date that has passed: 逾期 at once, not after the next scan
    at(time_machine, dt.date(2026, 9, 30))
    plan_import(parsed=plan_parse(text=PLAN), source_text=PLAN, filename="plan.txt", user=office)
    task = Task.objects.get(plan__doc_number="萧测〔2026〕9号")
    milestone = Milestone.objects.get(task=task)
    assert milestone.due_on == dt.date(2026, 9, 20)
    check(client, task, *people, flag=TaskFlag.OVERDUE, level=red, pace=TaskPace.NONE)
    assert task.next_due == dt.date(2026, 9, 20)

    # 2. the office moves the date to the last day that is still 临期 (over National Day)
    soon = work_calendar().due_soon_until(dt.date(2026, 9, 30), task.plan.due_soon_workdays)
    client.force_login(office)
    response = client.post(reverse("tasks:milestones", args=[task.pk]), {
        "version": task.version,
        "milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "1",
        "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": milestone.pk, "milestones-0-task": task.pk,
        "milestones-0-due_on": soon.isoformat(), "milestones-0-phrase": milestone.phrase,
        "milestones-0-what": "", "milestones-0-recurrence": "", "milestones-0-order": "0",
    })
    assert response.status_code == 302
    check(client, task, *people, flag=TaskFlag.DUE_SOON, level=WarningLevel.BLUE, pace=TaskPace.ON_PACE)

    # 3. the unit asks for more time and the office approves: no longer 临期
    later = soon + dt.timedelta(days=40)
    client.force_login(liaison_a)
    client.post(reverse("tasks:extension", args=[task.pk]),
                {"milestone": milestone.pk, "proposed_date": later.isoformat(), "reason": "需与省厅协调"})
    client.force_login(office)
    client.post(reverse("tasks:extension_decide", args=[ExtensionRequest.objects.get().pk]), {"decision": "approve"})
    check(client, task, *people, flag=TaskFlag.NONE, level=none, pace=TaskPace.ON_PACE)

    # days pass (the scan's only job): September's report, due 10-05, is missing — 黄; a sixth of
    # the time is gone at 0 % — 慢序时
    at(time_machine, dt.date(2026, 10, 9))
    deadlines_scan(today=dt.date(2026, 10, 9))
    check(client, task, *people, flag=TaskFlag.NONE, level=yellow, pace=TaskPace.BEHIND)

    # 4. the unit reports on September, the office accepts it: no 黄, and 30 % is ahead of the time gone
    client.force_login(liaison_a)
    client.post(reverse("tasks:progress", args=[task.pk]),
                {"unit": unit_a.pk, "period": "2026-09", "percent": 30, "text": "已完成数据核验方案"})
    check(client, task, *people, flag=TaskFlag.NONE, level=none, pace=TaskPace.BEHIND)
    client.force_login(office)
    client.post(reverse("tasks:report_review", args=[task.reports.get().pk]), {"decision": "accept"})
    check(client, task, *people, flag=TaskFlag.NONE, level=none, pace=TaskPace.AHEAD)

    # days pass again: the extended date is gone
    at(time_machine, later + dt.timedelta(days=3))
    deadlines_scan(today=timezone.localdate())
    check(client, task, *people, flag=TaskFlag.OVERDUE, level=red, pace=TaskPace.BEHIND)
    assert task.next_due == later

    # 5. 办结: nothing to flag, at once
    client.force_login(office)
    client.post(reverse("tasks:close", args=[task.pk]),
                {"completed_on": timezone.localdate().isoformat(), "version": task.version,
                 "despite_unconfirmed": "on"})  # the unit never 签收'd: the office closes it on purpose
    check(client, task, *people, flag=TaskFlag.NONE, level=none, pace=TaskPace.NONE)

    # 6. reopened: overdue again at once
    task.refresh_from_db()
    client.force_login(office)
    client.post(reverse("tasks:reopen", args=[task.pk]), {"reason": "材料不实", "version": task.version})
    check(client, task, *people, flag=TaskFlag.OVERDUE, level=red, pace=TaskPace.BEHIND)
