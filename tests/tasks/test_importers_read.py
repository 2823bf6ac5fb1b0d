"""Reading uploads: encodings, Word files in body order, and the refusals."""

import io
import re

import pytest
from docx import Document

from tasks.importers import ImportFailure, parse_plan, read_document
from tests.tasks.importer_helpers import names, seed_path

PLAN = "2021年某区工作要点\n一、主要任务\n1.推进某改革，6月底前完成。（牵头单位：区发改局；责任单位：区财政局）\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_encodings(encoding):
    assert read_document(PLAN.encode(encoding), "plan.txt").strip() == PLAN.strip()


def test_pasted_text_has_no_extension():
    assert read_document(PLAN.encode(), "") == PLAN


def test_seed_in_gbk_parses_like_utf8():
    text = seed_path("000").read_text(encoding="utf-8")
    again = read_document(text.encode("gb18030"), "000.TXT")
    assert parse_plan(again).to_json_dict() == parse_plan(text).to_json_dict()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "plan.txt", "文件是空的"),
        (b"  \n\n ", "plan.txt", "文件是空的"),
        (b"abc\x00def", "plan.txt", "不是文本文件"),
        (PNG, "scan.txt", "image/png"),
        (PNG, "", "不是文本文件"),
        (b"%PDF-1.4 ...", "plan.pdf", "不支持的文件类型"),
        (b"\xd0\xcf\x11\xe0", "plan.doc", "另存为 .docx"),
        (b"not a zip", "plan.docx", "不是有效的 .docx"),
        (b"PK\x03\x04broken", "plan.docx", "无法打开该 Word 文件"),
    ],
)
def test_refusals_have_chinese_messages(data, filename, message):
    with pytest.raises(ImportFailure, match=message):
        read_document(data, filename)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"%PDF-1.4 ...", "application/pdf"),
        (b"\xef\xbb\xbf%PDF-1.4 ...", "application/pdf"),  # after a UTF-8 BOM
        (b"GIF89a" + b"\x01" * 20, "image/gif"),
        (b"{\\rtf1\\ansi " + "计划".encode(), "application/rtf"),
        ("计".encode() + b"\x01ftypM4A " + b"x" * 20, "audio/mp4"),  # magic number at 4
        ("计".encode() * 42 + b"\x01\x01DICM" + b"x" * 20, "application/dicom"),  # at 128
        ("计".encode() * 85 + b"\x01\x01ustar" + b"x" * 20, "application/x-tar"),  # at 257
    ],
)
def test_text_files_with_a_magic_number_are_refused(data, mime):
    with pytest.raises(ImportFailure, match=re.escape(mime)):
        read_document(data, "plan.txt")


def test_the_quick_no_file_type_check_never_overrules_filetype():
    """`_no_file_type` says None only where `filetype.guess` does: every first byte, with each
    matcher's magic number (NUL bytes replaced: the check is for NUL-free bytes) at the offsets
    they are read at."""
    import filetype

    from tasks.importers.read import _no_file_type

    magics = [b"PK\x03\x04", b"%PDF", b"%!", b"ftypM4A", b"DICM", b"ustar", b"RIFF....WEBPVP", b"RIFF....AVI ",
              b"MZ", b"\x89PNG", b"GIF", b"{\\rtf", b"!<arch>\ndebian-binary", b"SQLi", b"LZIP", b"\x7fELF\x01",
              b"ID3", b"\xff\xfb", b"\xff\xf1", b"OggS", b"fLaC", b"FORM....AIFF", b"#!AMR\n", b"wOFFOTTO", b"8BPS",
              b"II\xbc", b"BM", b"AC10", b"gimp xcf v", b"\x1aE\xdf\xa3", b"\xce\xb2\xcf\x81", b"\xed\xab\xee\xdb",
              b"7z\xbc\xaf'\x1c", b"BZh", b"\x1f\x8b\x08", b"\x1f\x9d", b"Cr24", b"MSCF", b"ISc(", b"NES\x1a", b"CWS",
              b"FWS", b"\xfd7zXZ", b"\x04\"M\x18", b"(\xb5/\xfd", b"ftyp3gp", b"FLV\x01", b"MThd", b"M4A ",
              b"0&\xb2u\x8ef\xcf\x11\xa6\xd9", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"Rar!\x1a\x07\x01"]
    seen_quick = 0
    for first in range(1, 256):
        for magic in magics:
            for at in (0, 1, 3, 4, 128, 257):
                data = bytearray("计划".encode() * 100)
                data[at : at + len(magic)] = magic
                data[0] = first
                data = bytes(data).replace(b"\x00", b"\x01")
                if _no_file_type(data):
                    seen_quick += 1
                    assert filetype.guess(data) is None, data[:20]
    assert seen_quick > 5000  # the quick answer is given (filetype 1.2.0)


def test_file_over_10_mb_is_refused():
    with pytest.raises(ImportFailure, match="文件过大"):
        read_document(b"a" * (10 * 1024 * 1024 + 1), "big.txt")


def _docx(build) -> bytes:
    doc = Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_body_order():
    def build(doc):
        doc.add_paragraph("2021年某区工作要点")
        doc.add_paragraph("一、主要任务")
        doc.add_paragraph("1.推进某改革。（区发改局、区财政局）")
        doc.add_paragraph("附件：任务分解表")
        table = doc.add_table(rows=3, cols=5)
        for r, values in enumerate([
            ("序号", "工作任务", "牵头单位", "责任单位", "完成时限"),
            ("1", "建成某平台。", "区数管局", "区财政局、各镇街", "9月底前"),
            ("2", "开展某评估。", "区发改局", "", "每季度"),
        ]):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
        doc.add_paragraph("结尾段落")

    text = read_document(_docx(build), "plan.docx")
    lines = [line for line in text.split("\n") if line]
    assert lines[:4] == ["2021年某区工作要点", "一、主要任务", "1.推进某改革。（区发改局、区财政局）", "附件：任务分解表"]
    assert lines[4] == "序号\t工作任务\t牵头单位\t责任单位\t完成时限"
    assert lines[-1] == "结尾段落"

    plan = parse_plan(text)
    assert [(i.source, i.number) for i in plan.items] == [("text", "1"), ("table", "1"), ("table", "2")]
    row1, row2 = plan.items[1], plan.items[2]
    assert names(row1.lead_units) == ["区数管局"]
    assert names(row1.responsible_units) == ["区数管局", "区财政局", "各镇街"]
    assert [d.date.isoformat() for d in row1.deadlines] == ["2021-09-30"]
    assert row1.section == "任务分解表"
    assert len(row2.deadlines) == 4 and all(d.recurring for d in row2.deadlines)


def test_docx_merged_cells_carry_down():
    def build(doc):
        doc.add_paragraph("2021年某市工作指标")
        table = doc.add_table(rows=3, cols=5)
        for r, values in enumerate([
            ("序号", "类别", "目标任务", "牵头单位", "时间进度"),
            ("1", "营商环境", "甲。", "市发改委", "6月底"),
            ("2", "", "乙。", "市建委", "12月底"),
        ]):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
        table.cell(1, 1).merge(table.cell(2, 1))

    plan = parse_plan(read_document(_docx(build), "t.docx"))
    assert [(i.category, i.title) for i in plan.items] == [("营商环境", "甲"), ("营商环境", "乙")]


def test_empty_docx_is_refused():
    with pytest.raises(ImportFailure, match="没有文字内容"):
        read_document(_docx(lambda doc: None), "empty.docx")


def test_docx_automatic_numbering_is_rebuilt_and_text_boxes_are_not_read():
    from tests.tasks.docx_helpers import numbered_docx

    data = numbered_docx([
        (None, "2021年某区工作要点"),
        (0, "总体要求"),
        (0, "主要任务"),
        (1, "深化改革"),
        (2, "推进甲改革，6月底前完成。（区发改局牵头，区财政局配合）"),
        (2, "推进乙改革。（区财政局牵头）"),
        (1, "优化服务"),
        (2, "推进丙改革。（区审管办牵头）"),
    ], footnote_box="文本框里的说明（区某局牵头）")
    lines = [x for x in read_document(data, "plan.docx").split("\n") if x]
    assert lines[1:] == ["一、总体要求", "二、主要任务", "（一）深化改革", "1.推进甲改革，6月底前完成。（区发改局牵头，区财政局配合）",
                         "2.推进乙改革。（区财政局牵头）", "（二）优化服务", "1.推进丙改革。（区审管办牵头）"]
    assert lines[0] == "2021年某区工作要点"  # the text box is not part of the text
    plan = parse_plan("\n".join(lines))
    assert [(i.section, i.number) for i in plan.items][-1] == ("二、主要任务 / （二）优化服务", "1")


def test_docx_cells_with_one_unit_per_line_and_vertical_merges_and_spans():
    def build(doc):
        doc.add_paragraph("2021年某市任务分解表")
        table = doc.add_table(rows=4, cols=5)
        for r, values in enumerate([
            ("序号", "重点工作", "牵头单位", "责任单位", "完成时限"),
            ("1", "甲。", "市发改委", "", "6月底前"),
            ("2", "乙。", "", "市建委", ""),
            ("3", "丙。", "市商务局", "市财政局", "年底前"),
        ]):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
        cell = table.cell(1, 3)
        cell.text = "市财政局"
        cell.add_paragraph("市税务局")  # one unit per line in one cell
        table.cell(1, 2).merge(table.cell(2, 2))  # 牵头单位 merged over rows 1-2
        table.cell(1, 4).merge(table.cell(2, 4))  # and the deadline too

    plan = parse_plan(read_document(_docx(build), "t.docx"))
    one, two, three = plan.items
    assert names(one.responsible_units) == ["市发改委", "市财政局", "市税务局"]
    assert names(two.lead_units) == ["市发改委"]  # the merged cell applies to both rows
    assert [d.date.isoformat() for d in two.deadlines] == ["2021-06-30"]
    assert names(three.lead_units) == ["市商务局"]


def test_docx_table_whose_numbers_word_prints_itself():
    from tests.tasks.docx_helpers import add_chinese_numbering, number_paragraph

    def build(doc):
        add_chinese_numbering(doc)
        doc.add_paragraph("2022年某县重点任务分解表")
        table = doc.add_table(rows=4, cols=4)
        for r, values in enumerate([
            ("序号", "重点工作", "牵头单位", "完成时限"),
            ("", "推进甲改革。", "县发改局", "6月底前"),
            ("", "推进乙改革。", "县财政局", "9月底前"),
            ("", "推进丙改革。", "县审管办", "年底前"),
        ]):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
            if r:
                number_paragraph(table.cell(r, 0).paragraphs[0], 2)  # the 序号 cell: "1." "2." "3."

    plan = parse_plan(read_document(_docx(build), "t.docx"))
    assert [(i.number, i.title, names(i.lead_units), [d.date.isoformat() for d in i.deadlines])
            for i in plan.items] == [
        ("1", "推进甲改革", ["县发改局"], ["2022-06-30"]),
        ("2", "推进乙改革", ["县财政局"], ["2022-09-30"]),
        ("3", "推进丙改革", ["县审管办"], ["2022-12-31"]),
    ]
