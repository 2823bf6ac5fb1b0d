"""002 象山 2018 实施意见: no units at all, sub-items restart per section."""

from collections import Counter

from tests.tasks.importer_helpers import dates, seed


def plan():
    return seed("002")


def test_25_items_in_sections_of_2_2_4_3_3_4_2_5():
    items = plan().items
    assert len(items) == 25
    per_section = Counter(i.section for i in items)
    assert list(per_section.values()) == [2, 2, 4, 3, 3, 4, 2, 5]
    assert items[0].section == "二、主要任务 / (一)推进“最多跑一次”事项标准化"
    assert [i.number for i in items[:4]] == ["1", "2", "1", "2"]  # numbers restart
    assert len({i.ref for i in items}) == 25  # …but refs are unique


def test_no_units_anywhere_not_even_unit_like_mentions():
    for it in plan().walk():
        assert it.lead_units == [] and it.responsible_units == []
    assert any("需手工分配单位" in w for w in plan().warnings)


def test_only_one_deadline_in_the_document():
    found = [(it.ref, dates(it)) for it in plan().walk() if it.deadlines]
    assert found == [("二.三.3", [("2018-12-31", "12月底前")])]
    assert all(not it.unresolved for it in plan().walk())  # 50日审批制, 最多100天, 60分钟…


def test_titles_and_texts():
    it = plan().items[2]
    assert it.title == "深化“一窗受理、集成服务”改革"
    assert "受理人员由审管办统一管理" in it.text


def test_attachment_lines_and_guarantees_are_not_items():
    assert not any("(略)" in it.text for it in plan().walk())
    assert not any("联席会议" in it.text for it in plan().walk())


def test_metadata():
    meta = plan().meta
    assert meta.title == "2018年象山县深化“最多跑一次”改革全面推进“服务争效”的实施意见"
    assert meta.issuer == "象山县人民政府办公室"
    assert meta.issued_on.isoformat() == "2018-05-10"
    assert meta.year == 2018 and meta.year_source == "title"
