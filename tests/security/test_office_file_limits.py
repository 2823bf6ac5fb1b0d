"""Zip bombs and oversized Word/Excel files are refused with a Chinese message before parsing."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from tasks.excel.breakdown import HEADERS
from tasks.importers import ImportFailure, read_document
from tasks.models import Plan

pytestmark = pytest.mark.django_db

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _replace(base: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _docx(body: bytes) -> bytes:
    buf = io.BytesIO()
    Document().save(buf)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'
           ).encode() + body + b"</w:body></w:document>"
    return _replace(buf.getvalue(), "word/document.xml", xml)


def _paragraphs(n: int) -> bytes:
    return _docx(b"<w:p><w:r><w:t>1.</w:t></w:r></w:p>" * n)


@pytest.fixture(scope="module")
def million_paragraphs() -> bytes:
    data = _paragraphs(1_000_000)
    assert len(data) < 400_000  # small on disk, 35 MB of XML inside
    return data


@pytest.fixture(scope="module")
def huge_text_node() -> bytes:
    return _docx(b"<w:p><w:r><w:t>" + b"A" * 11_000_000 + b"</w:t></w:r></w:p>")


@pytest.fixture
def office_client(client, office, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(office)
    return client


def _upload_error(client, name: str, data: bytes) -> str:
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    return errors[0]


def test_a_million_paragraphs_are_refused_at_once_on_the_upload_page(office_client, million_paragraphs):
    started = time.monotonic()
    message = _upload_error(office_client, "计划.docx", million_paragraphs)
    assert time.monotonic() - started < 5
    assert message.startswith("Word 文件") and any(w in message for w in ("过大", "压缩", "段落过多"))
    assert not Plan.objects.exists()


def test_a_million_paragraphs_are_refused_by_the_command(tmp_path, million_paragraphs):
    path = tmp_path / "计划.docx"
    path.write_bytes(million_paragraphs)
    started = time.monotonic()
    with pytest.raises(CommandError, match="计划.docx：Word 文件"):
        call_command("import_plan", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert time.monotonic() - started < 5


def test_paragraph_limit_is_a_setting(settings):
    settings.DOCX_MAX_COMPRESSION_RATIO = 10**9  # past the zip check: the streamed count refuses it
    settings.DOCX_MAX_PARAGRAPHS = 1000
    with pytest.raises(ImportFailure, match="段落过多（超过 1000 段）"):
        read_document(_paragraphs(1001), "计划.docx")
    assert "1." in read_document(_paragraphs(1000), "计划.docx")


def test_table_cell_limit_is_a_setting(settings):
    settings.DOCX_MAX_COMPRESSION_RATIO = 10**9
    settings.DOCX_MAX_TABLE_CELLS = 100
    row = b"<w:tr>" + b"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>" * 10 + b"</w:tr>"
    with pytest.raises(ImportFailure, match="单元格过多"):
        read_document(_docx(b"<w:tbl>" + row * 11 + b"</w:tbl>"), "计划.docx")


def test_document_xml_size_limit(settings):
    settings.DOCX_MAX_COMPRESSION_RATIO = 10**9
    settings.DOCX_MAX_DOCUMENT_XML_BYTES = 1024 * 1024
    with pytest.raises(ImportFailure, match="word/document.xml.*解压后过大"):
        read_document(_paragraphs(40_000), "计划.docx")


def test_a_huge_text_node_is_a_chinese_message_not_a_500(office_client, huge_text_node):
    message = _upload_error(office_client, "计划.docx", huge_text_node)
    assert "Word 文件" in message


@pytest.mark.parametrize("text_limit", [10**9, 1000])
def test_a_huge_text_node_past_the_zip_check(settings, huge_text_node, text_limit):
    """lxml's own refusal (XMLSyntaxError: huge text node) and our smaller limit both read as Chinese."""
    settings.DOCX_MAX_COMPRESSION_RATIO = 10**9
    settings.DOCX_MAX_TEXT_NODE_CHARS = text_limit
    with pytest.raises(ImportFailure, match="Word 文件"):
        read_document(huge_text_node, "计划.docx")


def test_malformed_document_xml_is_a_chinese_message():
    bad = _docx(b"<w:p><w:r><w:t>unclosed</w:r></w:p>")
    with pytest.raises(ImportFailure, match="无法读取该 Word 文件"):
        read_document(bad, "计划.docx")


def test_an_ordinary_docx_still_reads():
    doc = Document()
    doc.add_paragraph("2021年某区工作要点")
    doc.add_paragraph("1.推进某改革。（区发改局）")
    buf = io.BytesIO()
    doc.save(buf)
    assert "推进某改革" in read_document(buf.getvalue(), "计划.docx")


# --- the breakdown workbook ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_bomb() -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    buf = io.BytesIO()
    wb.save(buf)
    row = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>'
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + row * 1_500_000 + b"</sheetData></worksheet>")
    data = _replace(buf.getvalue(), "xl/worksheets/sheet1.xml", sheet)
    assert len(data) < 400_000
    return data


def test_xlsx_bomb_is_refused_on_the_upload_page(office_client, xlsx_bomb):
    started = time.monotonic()
    upload = SimpleUploadedFile("分解表.xlsx", xlsx_bomb)
    response = office_client.post(reverse("excel:breakdown_import"),
                                  {"file": upload, "new_title": "新计划", "new_year": 2020})
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "Excel 文件" in message and ("压缩" in message or "过大" in message)
    assert time.monotonic() - started < 5


def test_xlsx_bomb_is_refused_by_the_command(tmp_path, xlsx_bomb):
    path = tmp_path / "分解表.xlsx"
    path.write_bytes(xlsx_bomb)
    with pytest.raises(CommandError, match="Excel 文件"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020",
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_xlsx_size_limit_is_a_setting(settings, tmp_path, xlsx_bomb):
    settings.XLSX_MAX_COMPRESSION_RATIO = 10**9
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    path = tmp_path / "分解表.xlsx"
    path.write_bytes(xlsx_bomb)
    with pytest.raises(CommandError, match="解压后过大"):
        call_command("import_breakdown", str(path), "--new-plan", "新计划", "--year", "2020",
                     stdout=io.StringIO(), stderr=io.StringIO())
