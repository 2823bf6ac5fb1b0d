"""003 萧山 就近办: 牵头单位/责任单位/完成时间 label blocks, stages with ranges."""

from tests.tasks.importer_helpers import dates, names, seed


def plan():
    return seed("003")


def work(number: str):
    return next(i for i in plan().items if i.section == "五、工作内容" and i.number == number)


def test_four_stages_and_eight_items_in_printed_order():
    assert [i.number for i in plan().items] == ["1", "2", "3", "4", "一", "二", "三", "四", "五", "七", "六", "八"]
    assert all(i.section == "四、实施步骤" for i in plan().items[:4])
    assert all(not i.children for i in plan().items)


def test_stage_ranges_take_the_end_date():
    got = [dates(i)[0][0] for i in plan().items[:4]]
    assert got == ["2018-11-10", "2018-12-30", "2019-03-30", "2019-06-30"]
    assert plan().items[0].deadlines[0].phrase == "2018年10月10日-2018年11月10日"
    assert "**" not in plan().items[0].text


def test_item_1_half_width_colons_and_page_break():
    it = work("一")
    assert names(it.lead_units) == ["区办事服务中心"]
    assert names(it.responsible_units) == ["区办事服务中心", "相关区级部门", "各镇人民政府", "各街道办事处"]
    assert dates(it) == [("2018-12-15", "2018年12月15日前")]
    assert "是否下沉村（社区）等基础内容。" in it.text
    assert it.title == "规范业务流程，实现区镇村三级联动"


def test_item_2_two_leads_and_old_bureau_name():
    it = work("二")
    assert names(it.lead_units) == ["区民政局", "区卫健局"]
    assert it.lead_units[1].as_written == "区卫计局"
    assert dates(it) == [("2018-12-31", "2018年12月底前")]


def test_item_3_two_completion_lines_in_printed_order():
    it = work("三")
    assert names(it.lead_units) == ["区信息中心"]
    assert names(it.responsible_units) == ["区信息中心", "相关部门", "各镇人民政府", "各街道办事处"]
    assert dates(it) == [("2019-02-28", "2019年2月底前"), ("2018-12-31", "2018年12月底前")]


def test_item_6_no_lead_doubled_label_full_width_colons():
    it = work("六")
    assert it.lead_units == []
    assert names(it.responsible_units) == ["设置基层站所的区级部门"]
    assert it.responsible_units[0].kind == "collective"
    assert dates(it) == [("2019-06-30", "2019年6月底前")]
    assert any("未标注牵头单位" in w for w in plan().warnings)


def test_item_7_repeated_deadline_counts_once():
    it = work("七")
    assert names(it.lead_units) == ["区金融办"]
    assert names(it.responsible_units) == ["区金融办", "各相关部门", "相关银行"]
    assert [d.date.isoformat() for d in it.deadlines] == ["2019-06-30"]


def test_item_8_comma_separated_units_and_paobanban_alias():
    it = work("八")
    assert names(it.lead_units) == ["区审管办"]
    assert it.lead_units[0].as_written == "区跑改办"
    assert names(it.responsible_units) == ["区审管办", "各相关区级部门", "各镇人民政府", "各街道办事处"]
    assert dates(it) == [("2018-06-30", "2018年6月底前")]  # read as printed


def test_principles_and_requirements_are_not_items():
    assert not any("坚持需求导向" in it.text or "加强领导" in it.text for it in plan().walk())
    assert not any("区纪委" in u.as_written for it in plan().walk() for u in it.responsible_units)


def test_feedback_date_and_goal_year_are_not_deadlines():
    all_dates = {d.date.isoformat() for it in plan().walk() for d in it.deadlines}
    assert "2018-11-12" not in all_dates
    assert "2019-12-31" not in all_dates  # 2019年年底实现 is in 工作目标


def test_metadata_and_warnings():
    meta = plan().meta
    assert meta.title == "萧山区“就近办”改革实施方案"
    assert meta.title_markers == ["(征求意见稿)"]
    assert meta.issuer == "杭州市萧山区全面深化“最多跑一次”改革领导小组办公室"
    assert meta.issued_on.isoformat() == "2017-11-07"
    assert meta.year == 2018
    w = "\n".join(plan().warnings)
    assert "“五、”重复" in w
    assert "（七）、（六）" in w
    assert "发文日期2017-11-07早于计划年份2018年" in w
