"""The 通报 page in Debian's Chromium: the office builds a month and watches the row turn 已生成
without reloading by hand, edits the Word 通报 and downloads it; its first page, rendered to PDF by
LibreOffice, is kept as a screenshot."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document

from deadlines.models import MonthlyReport, ReportStatus
from tasks.supervision import jobs
from tasks.supervision.services import report_build
from tests.tasks.test_bulletin import world  # noqa: F401 - the fixture: ten tasks around 2020-09-30

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _pdf(docx: Path, out: Path) -> Path:
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    return out / f"{docx.stem}.pdf"


def test_office_builds_a_month_and_the_row_turns_ready_by_itself(live_server, login, page, shot, monkeypatch,
                                                                 world, screenshot_dir, tmp_path):  # noqa: F811
    call_command("create_demo_users", verbosity=0)
    queued = []
    monkeypatch.setattr(jobs, "publish", lambda job, *args: queued.append(args) or True)  # no broker here
    login("office")
    page.click("#nav-reports")
    page.fill("input[name=month]", "2020-09")
    page.click("button:has-text('生成 / 重新生成数据')")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr[data-report-id]", has_text="2020年9月督查通报")
    assert row.locator("[data-role=status]").inner_text() == "排队中"
    assert "本页会在生成后自动更新" in page.content() and "稍后刷新" not in page.content()
    assert queued == [(2020, 9)]
    shot("office-reports-queued")

    report_build(year=2020, month=9)  # what the worker does with the job
    # the page's own script notices and shows the finished row: nobody reloads it here
    page.locator("tr[data-report-id][data-status=ready]", has_text="2020年9月督查通报").wait_for(timeout=20000)
    row = page.locator("tr[data-report-id]", has_text="2020年9月督查通报")
    assert row.locator("[data-role=status]").inner_text() == "已生成"
    assert row.locator("text=下载 Word").count() == 1
    shot("office-reports-ready")

    row.locator("text=修改正文").click()
    assert page.locator("[data-testid=stale]").count() == 0  # drafted from this very build
    page.fill("textarea[name=requirements]", "一是锚定时限狠抓落实。\n二是查找原因精准施策。")
    page.click("button:has-text('保存并生成 Word')")
    page.wait_for_load_state("networkidle")
    assert "已保存并重新生成 Word 通报" in page.content()
    shot("office-bulletin-edit")
    with page.expect_download() as info:
        page.click("text=下载 Word（草稿）")
    data = Path(info.value.path()).read_bytes()
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "一是锚定时限狠抓落实。" in paragraphs and "关于2020年9月改革任务推进情况的通报" in paragraphs
    assert MonthlyReport.objects.get(year=2020, month=9).status == ReportStatus.READY

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: no PDF of the Word 通报")
    docx = tmp_path / "bulletin.docx"
    docx.write_bytes(data)
    pdf = _pdf(docx, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    shutil.copy(pdf, screenshot_dir / "bulletin-word.pdf")
    # Chromium's own PDF viewer renders the first page, without its toolbar
    page.set_viewport_size({"width": 794, "height": 1123})
    page.goto(f"{pdf.as_uri()}#toolbar=0&navpanes=0&view=Fit&page=1")
    page.wait_for_timeout(1500)  # the viewer paints after load; a pause for the picture only, nothing asserted
    page.screenshot(path=str(screenshot_dir / "bulletin-word-first-page.png"))
