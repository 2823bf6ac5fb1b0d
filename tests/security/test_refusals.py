"""Expected refusals: one log line without a traceback; a Chinese 400 page; evidence names."""

import logging
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.evidence_files import download_name
from tasks.models import AssignmentRole, Evidence
from tests.factories import PDF_BYTES, AssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.security"))]


def test_a_403_is_logged_in_one_line_without_a_traceback(client, liaison_a, caplog):
    client.force_login(liaison_a)
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("imports:upload")).status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    line = record.getMessage()
    assert "Forbidden" in line and "/tasks/import/" in line and "只有改革办工作人员可以导入计划" in line
    assert "\n" not in line and "Traceback" not in caplog.text


def test_a_404_is_logged_in_one_line_without_a_traceback(client, liaison_a, caplog):
    other = TaskFactory()
    client.force_login(liaison_a)
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("tasks:detail", args=[other.pk])).status_code == 404
    [record] = _request_records(caplog)
    assert record.exc_info is None and "Not Found" in record.getMessage()
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback(caplog):
    from reformtracker.errors import OneLineRefusals

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/x",), sys.exc_info())
    record.status_code = 500
    assert OneLineRefusals().filter(record) and record.exc_info is not None


def test_an_oversize_paste_gets_a_chinese_page_and_one_log_line(client, office, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(office)
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("imports:upload"), {"text": "一" * (2 * 1024 * 1024)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "提交的内容过大" in page and "超过 1 MB" in page and "Bad Request" not in page
    assert "王科长" in page or "退出" in page  # the site's own layout, rendered with the request
    [record] = _request_records(caplog)
    assert record.exc_info is None and record.levelno == logging.WARNING
    assert "Traceback" not in caplog.text


def test_a_30_mb_paste_into_the_import_form(client, office):
    client.force_login(office)
    response = client.post(reverse("imports:upload"), {"text": "x" * (30 * 1024 * 1024)})
    assert response.status_code == 400 and "提交的内容过大" in response.content.decode()


@pytest.mark.parametrize(("name", "expected"), [
    ("x.exe", "x.pdf"), ("x.html", "x.pdf"), ("报告", "报告.pdf"), ("报告.PDF", "报告.PDF"), (".pdf", "佐证材料.pdf"), (".exe", "佐证材料.pdf"),
])
def test_download_name_follows_the_detected_type(name, expected):
    assert download_name(name, "application/pdf") == expected


def test_download_name_for_images_and_unknown_types():
    assert download_name("照片.jpeg", "image/jpeg") == "照片.jpeg"
    assert download_name("照片.svg", "image/png") == "照片.png"
    assert download_name("a.exe", "application/x-msdownload") == "a.bin"


@pytest.mark.parametrize("uploaded_as", ["x.exe", "x.html"])
def test_a_pdf_uploaded_under_another_name_downloads_as_pdf(client, liaison_a, unit_a, uploaded_as):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:progress", args=[task.pk]), {
        "unit": unit_a.pk, "period": "2020-09", "percent": 40, "text": "已完成",
        "files": [SimpleUploadedFile(uploaded_as, PDF_BYTES, content_type="text/html")]})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    download = client.get(reverse("tasks:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    disposition = unquote(download["Content-Disposition"])
    assert 'filename="x.pdf"' in disposition or "filename*=utf-8''x.pdf" in disposition
    assert ".exe" not in disposition and ".html" not in disposition
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_bad_host_gets_the_chinese_400_page_and_one_log_line(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("login"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
    assert "Traceback" not in caplog.text
    assert all(r.exc_info is None for r in _request_records(caplog))
