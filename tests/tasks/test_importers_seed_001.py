"""001 浙江 2017 实施方案: unnumbered 职责分工 paragraphs and three stages."""

from tests.tasks.importer_helpers import dates, names, seed


def plan():
    return seed("001")


def duty(n: int):
    return [i for i in plan().items if i.section == "二、职责分工"][n - 1]


def stage(n: int):
    return [i for i in plan().items if i.section == "三、实施步骤"][n - 1]


def test_thirteen_duty_paragraphs_and_three_stages():
    assert len(plan().items) == 16
    duties = [i for i in plan().items if i.section == "二、职责分工"]
    assert len(duties) == 13
    assert all(i.number == "" for i in duties)  # unnumbered as printed; ref gives the ordinal
    assert [i.ref for i in duties[:3]] == ["二.R1", "二.R2", "二.R3"]
    assert [i.number for i in plan().items[13:]] == ["一", "二", "三"]
    assert all(not i.children for i in plan().items)


def test_subject_unit_leads():
    assert names(duty(1).lead_units) == ["省政府办公厅"]
    assert names(duty(3).responsible_units) == ["省信访局"]
    assert names(duty(12).lead_units) == ["省政府督查室"]


def test_bing_qiantou_and_fuze_qiantou_add_no_unit():
    for n, unit in ((2, "省编办"), (4, "省发展改革委"), (7, "省人社厅"), (8, "省工商局"), (11, "省法制办")):
        assert names(duty(n).responsible_units) == [unit]
        assert names(duty(n).lead_units) == [unit]


def test_r4_alias_in_full_width_parentheses_and_page_break_rejoined():
    r4 = duty(4)
    assert r4.lead_units[0].as_written == "省发展改革委（省审改办）"
    assert "组织维护更新企业投资项目“最多跑一次”事项" in r4.text
    # R4 ends without 。 but R5 stays a separate paragraph
    assert not r4.text.endswith("。") and "省公安厅" not in r4.text
    assert names(duty(5).lead_units) == ["省公安厅"]


def test_huitong_partners_are_responsible_not_leads():
    r6 = duty(6)  # ；会同省地税局推进行政征收等工作
    assert names(r6.lead_units) == ["省财政厅"]
    assert names(r6.responsible_units) == ["省财政厅", "省地税局"]
    r9 = duty(9)  # 省国土资源厅会同省建设厅推进… (no 负责)
    assert names(r9.lead_units) == ["省国土资源厅"]
    assert names(r9.responsible_units) == ["省国土资源厅", "省建设厅"]


def test_stage_dates():
    s1, s2, s3 = stage(1), stage(2), stage(3)
    assert s1.title == "梳理公布阶段"
    assert dates(s1) == [("2017-03-31", "2017年2月和3月")]
    assert s1.unresolved == ["三季度前"]  # ambiguous, kept for a person
    assert "到政府办事“零上门”" in s1.text  # 办\n\n事 rejoined
    assert dates(s2) == [("2017-06-30", "2017年6月")]
    assert names(s2.lead_units) == ["省政府办公厅"]  # inline 省政府办公厅牵头开展
    assert dates(s3) == [("2017-12-31", "2017年下半年")]


def test_goal_section_and_supporting_measures_are_not_items():
    phrases = [d.phrase for it in plan().walk() for d in it.deadlines]
    assert "到2017年底" not in phrases
    assert not any("加强便民服务平台建设" in it.text for it in plan().walk())
    assert not any("指导思想" in it.section or "配套措施" in it.section for it in plan().walk())


def test_metadata_and_issue_date_not_a_deadline():
    meta = plan().meta
    assert meta.title == "加快推进“最多跑一次”改革实施方案"
    assert meta.issuer == "浙江省人民政府"
    assert meta.issued_on.isoformat() == "2017-02-21"
    assert meta.year == 2017 and meta.year_source == "dates"
    assert any("没有年份" in w for w in plan().warnings)
    assert all(d.date.isoformat() != "2017-02-21" for it in plan().walk() for d in it.deadlines)
    assert plan().unknown_units == []
