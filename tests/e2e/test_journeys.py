"""One journey per role, from login to the result, in Debian's Chromium.

Screenshots of the main pages are kept in SCREENSHOT_DIR (artifacts/screenshots by default)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command

from departments.models import Unit
from fixtures.seeds import seed_files
from tasks.models import Assignment, ConfirmState, Plan, ProgressReport, ReviewState, Task

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The smallest PDF a content sniffer accepts as PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def seeded():
    call_command("load_seeds", verbosity=0)
    call_command("create_demo_users", verbosity=0)


def test_office_imports_a_plan_and_records_progress(live_server, login, page, shot):
    call_command("create_demo_users", verbosity=0)
    login("office")
    page.click("#nav-import")  # the 导入 menu
    page.click("text=导入计划")
    page.set_input_files("input[type=file]", str(seed_files()[0]))
    page.click("text=识别并预览")
    page.wait_for_load_state("networkidle")
    assert "区审管办" in page.content()
    shot("office-import-preview")
    page.locator("button[type=submit]", has_text="确认").last.click()
    page.wait_for_load_state("networkidle")

    plan = Plan.objects.get(title__contains="最多跑一次")
    assert plan.year == 2020
    assert plan.tasks.filter(parent__isnull=True).count() == 20

    page.goto(f"{live_server.url}/tasks/?plan={plan.pk}")
    shot("office-task-list")
    task = plan.tasks.get(number="3", parent__isnull=True)
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    shot("office-task-detail")
    page.goto(f"{live_server.url}/tasks/{task.pk}/progress/")
    page.select_option("select[name=unit]", label="区审管办")
    page.fill("textarea[name=text]", "已完成方案起草，正在征求意见。")
    page.fill("input[name=percent]", "30")
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_load_state("networkidle")

    report = ProgressReport.objects.get(task=task)
    assert report.percent == 30 and report.text == "已完成方案起草，正在征求意见。"
    assert "已完成方案起草" in page.content()


def test_liaison_confirms_disputes_and_reports_with_a_file(live_server, login, page, shot, tmp_path, seeded):
    unit = Unit.objects.get(name="区市场监管局")
    pending = list(Assignment.objects.filter(unit=unit, state=ConfirmState.PENDING).order_by("task__order"))
    assert len(pending) >= 2, "seed 000 assigns several tasks to 区市场监管局"

    login("liaison")
    assert "我的任务" in page.content()
    shot("liaison-my-tasks")
    # 签收 the first task listed under 待签收 (overdue ones are listed higher up, under 已逾期)
    form = page.locator("#section-pending form[action*='/confirm/']").first
    first = Assignment.objects.get(pk=int(form.get_attribute("action").split("/")[-3]))
    second = next(a for a in pending if a.pk != first.pk)
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    assert first.state == ConfirmState.CONFIRMED

    page.goto(f"{live_server.url}/tasks/assignments/{second.pk}/dispute/")
    page.click("button[type=submit]:has-text('提交')")  # no reason: refused next to the field
    # waits for the answer page (counting at once raced the reload under load)
    page.wait_for_selector(".errorlist, .invalid-feedback", timeout=15_000)
    assert page.locator(".errorlist, .invalid-feedback").count() >= 1
    page.fill("textarea[name=reason]", "该事项由区商务局负责，不属于本单位职责。")
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_load_state("networkidle")
    second.refresh_from_db()
    assert second.state == ConfirmState.DISPUTED
    assert "区商务局" in second.dispute_reason

    evidence = tmp_path / "会议纪要.pdf"
    evidence.write_bytes(PDF)
    page.goto(f"{live_server.url}/tasks/{first.task_id}/progress/")
    page.fill("textarea[name=text]", "已召开专题会议，完成窗口改造。")
    page.fill("input[name=percent]", "60")
    page.set_input_files("input[type=file]", str(evidence))
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_load_state("networkidle")
    report = ProgressReport.objects.get(task_id=first.task_id, unit=unit)
    assert report.review_state == ReviewState.SUBMITTED
    assert [e.original_name for e in report.evidence.all()] == ["会议纪要.pdf"]
    assert "会议纪要.pdf" in page.content()
    shot("liaison-task-detail")

    # another unit's task is not there for this liaison, even by guessing its id
    foreign = Task.objects.exclude(assignments__unit=unit).first()
    response = page.goto(f"{live_server.url}{foreign.get_absolute_url()}")
    assert response.status == 404


def test_supervisor_opens_the_dashboard_and_downloads_a_report(live_server, login, page, shot, seeded):
    from tasks.supervision.services import deadlines_scan, report_build

    deadlines_scan(today=dt.date(2020, 10, 1))
    report_build(year=2020, month=9)

    login("supervisor")
    page.goto(f"{live_server.url}/dashboard/")
    assert "当前计划" in page.content()  # the default scope: this year's open plans (none of the seeds')
    page.select_option("#scope-select", "all")
    page.click("button:has-text('查看')")
    page.wait_for_load_state("networkidle")
    assert "全部计划" in page.content() and "督查" in page.content()
    shot("supervisor-dashboard")
    page.goto(f"{live_server.url}/deadlines/reports/")
    shot("supervisor-reports")
    with page.expect_download() as info:
        page.click("text=下载 Excel")
    data = open(info.value.path(), "rb").read()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "汇总" and workbook.sheetnames[-3:] == ["逾期事项", "临期事项", "说明"]

    # read-only: the supervisor's POST is refused
    task = Task.objects.first()
    response = page.request.post(f"{live_server.url}/tasks/{task.pk}/urge/", form={"message": "x"})
    assert response.status in (403, 405)
