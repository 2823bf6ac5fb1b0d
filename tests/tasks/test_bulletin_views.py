"""The 通报 page: builds, the Word 通报's text edited by the office, downloads, status, permissions."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from deadlines.models import Bulletin, BulletinState, MonthlyReport, ReportStatus
from tasks.supervision import jobs
from tasks.supervision.services import report_build
from tests.tasks.test_bulletin import _build, media, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _docx_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _form(bulletin: Bulletin, **changes) -> dict:
    data = {f: getattr(bulletin, f) for f in ("issue_number", "title", "addressee", "overview", "problems",
                                              "requirements", "signature")}
    data["issued_on"] = bulletin.issued_on.isoformat()
    return {**data, **changes}


@pytest.fixture
def built(world, media):  # noqa: F811
    return _build()


def test_office_edits_the_text_and_the_downloaded_word_carries_it(client, office, built):
    client.force_login(office)
    url = reverse("supervision:bulletin", args=[built.report_id])
    page = client.get(url).content.decode()
    assert 'data-testid="bulletin-form"' in page and "按最新数据重新起草" in page
    assert 'data-testid="stale"' not in page  # drafted from this very build
    response = client.post(url, _form(built, issue_number=7, addressee="各镇街、各部门：",
                                      requirements="一是锚定时限狠抓落实。\n二是查找原因精准施策。"))
    assert response.status_code == 302
    text = _docx_text(client.get(reverse("supervision:bulletin_download", args=[built.report_id])))
    assert "第7期" in text and "各镇街、各部门：" in text
    assert "一是锚定时限狠抓落实。\n二是查找原因精准施策。" in text  # one paragraph a line


def test_edited_text_survives_a_rebuild_of_the_figures(client, office, built):
    client.force_login(office)
    url = reverse("supervision:bulletin", args=[built.report_id])
    client.post(url, _form(built, overview="改革办改写的总体情况。"))
    report_build(year=2020, month=9)
    bulletin = Bulletin.objects.get(pk=built.pk)
    assert bulletin.overview == "改革办改写的总体情况。"
    page = client.get(url).content.decode()
    assert 'data-testid="stale"' in page  # the office is told the figures moved on
    text = _docx_text(client.get(reverse("supervision:bulletin_download", args=[built.report_id])))
    assert "改革办改写的总体情况。" in text


def test_redraft_on_request_writes_the_figures_again(client, office, built):
    client.force_login(office)
    client.post(reverse("supervision:bulletin", args=[built.report_id]), _form(built, overview="旧文字"))
    client.post(reverse("supervision:bulletin_redraft", args=[built.report_id]))
    assert Bulletin.objects.get(pk=built.pk).overview.startswith("截至2020年9月30日")


def test_an_invalid_edit_is_refused_in_chinese(client, office, built):
    client.force_login(office)
    page = client.post(reverse("supervision:bulletin", args=[built.report_id]),
                       _form(built, issue_number="", overview="")).content.decode()
    assert "请填写期号" in page and "请填写总体情况" in page
    assert Bulletin.objects.get(pk=built.pk).overview == built.overview


def test_finalize_needs_the_requirements_and_then_locks_the_text(client, office, built):
    client.force_login(office)
    final = reverse("supervision:bulletin_finalize", args=[built.report_id])
    page = client.post(final, {"final": "1"}, follow=True).content.decode()
    assert "请先填写“下步工作要求”再定稿" in page
    client.post(reverse("supervision:bulletin", args=[built.report_id]), _form(built, requirements="一是抓落实。"))
    client.post(final, {"final": "1"})
    assert Bulletin.objects.get(pk=built.pk).state == BulletinState.FINAL
    response = client.post(reverse("supervision:bulletin", args=[built.report_id]), _form(built, overview="改"))
    assert response.status_code == 403
    name = client.get(reverse("supervision:bulletin_download", args=[built.report_id]))["Content-Disposition"]
    assert "%E8%8D%89%E7%A8%BF" not in name  # no （草稿） in the final file's name


def test_supervisor_reads_and_downloads_but_cannot_edit(client, supervisor, built):
    client.force_login(supervisor)
    url = reverse("supervision:bulletin", args=[built.report_id])
    page = client.get(url).content.decode()
    assert 'data-testid="bulletin-text"' in page and 'data-testid="bulletin-form"' not in page
    assert "按最新数据重新起草" not in page
    assert client.post(url, _form(built, overview="改")).status_code == 403
    assert client.post(reverse("supervision:bulletin_redraft", args=[built.report_id])).status_code == 403
    assert client.post(reverse("supervision:bulletin_finalize", args=[built.report_id])).status_code == 403
    assert Bulletin.objects.get(pk=built.pk).overview == built.overview
    response = client.get(reverse("supervision:report_bundle", args=[built.report_id]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["督查通报_2020年09月_第1期（草稿）.docx", "附件：督查通报附表_2020年09月.xlsx"]


def test_liaison_gets_403_everywhere(client, liaison_a, built):
    client.force_login(liaison_a)
    pk = built.report_id
    for name in ("supervision:bulletin", "supervision:bulletin_download", "supervision:report_bundle",
                 "supervision:report_download"):
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    assert client.get(reverse("supervision:report_status")).status_code == 403
    assert client.post(reverse("supervision:bulletin", args=[pk]), _form(built)).status_code == 403


def test_status_endpoint_reports_each_rows_state(client, supervisor, built):
    MonthlyReport.objects.create(year=2020, month=10, status=ReportStatus.BUILDING)
    client.force_login(supervisor)
    data = client.get(reverse("supervision:report_status")).json()
    rows = {r["label"]: r for r in data["reports"]}
    assert rows["2020年9月督查通报"]["status"] == "ready" and rows["2020年9月督查通报"]["busy"] is False
    assert rows["2020年10月督查通报"] == {**rows["2020年10月督查通报"], "status": "building",
                                         "status_label": "生成中", "busy": True}


@time_machine.travel(TODAY)
def test_a_future_month_is_refused_in_chinese_and_this_month_is_accepted(client, office, monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "publish", lambda job, *args: queued.append(args) or True)
    client.force_login(office)
    page = client.post(reverse("supervision:reports"), {"month": "2027-01"}, follow=True).content.decode()
    assert "不能生成未来月份的督查通报：2027年1月尚未开始" in page
    assert not MonthlyReport.objects.exists() and queued == []
    page = client.post(reverse("supervision:reports"), {"month": "2026-12"}, follow=True).content.decode()
    assert queued == [(2026, 12)]
    assert "本页会在生成后自动更新" in page and "稍后刷新" not in page
    assert 'data-status="pending"' in page and "js/report_status.js" in page


@time_machine.travel(TODAY)
def test_the_page_has_a_month_picker_that_stops_at_this_month(client, office):
    client.force_login(office)
    page = client.get(reverse("supervision:reports")).content.decode()
    assert 'type="month"' in page and 'max="2026-12"' in page and 'value="2026-11"' in page
    assert 'name="year"' not in page


def test_the_old_instant_page_redirects_to_the_one_page(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("excel:monthly"))
    assert response.status_code == 301 and response["Location"] == reverse("supervision:reports")
    response = client.get(reverse("excel:monthly"), {"month": "2020-09"})
    assert response["Location"] == reverse("supervision:report_instant") + "?month=2020-09"
    page = client.get(reverse("supervision:reports")).content.decode()
    assert "即时通报" not in page and page.count(f'href="{reverse("supervision:reports")}"') == 1  # one 通报 link in the menu
