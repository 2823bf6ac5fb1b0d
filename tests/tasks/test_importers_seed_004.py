"""004 杭州 2019 工作要点: trailing unit lists after 。 and the 63-row appendix table."""


from tests.tasks.importer_helpers import dates, names, seed


def plan():
    return seed("004")


def text_item(n: int):
    return next(i for i in plan().items if i.source == "text" and i.number == str(n))


def row(n: int):
    return next(i for i in plan().items if i.source == "table" and i.number == str(n))


def test_27_text_items_then_63_table_rows():
    items = plan().items
    assert [i.number for i in items if i.source == "text"] == [str(n) for n in range(1, 28)]
    assert [i.number for i in items if i.source == "table"] == [str(n) for n in range(1, 64)]
    assert items[27].source == "table"  # text items first, table rows after: document order


def test_sub_tasks_one_per_unit_list():
    counts = {int(i.number): len(i.children) for i in plan().items if i.source == "text" and i.children}
    assert counts == {1: 2, 2: 4, 5: 2, 6: 3, 8: 2, 10: 4, 11: 3, 12: 2, 13: 2, 16: 2, 17: 2, 26: 2}


def test_goal_paragraphs_are_not_items():
    assert not any("推进公民个人办事“四个办”" in i.text for i in plan().walk())


def test_item_1_unit_list_split_by_page_break():
    it = text_item(1)
    assert names(it.lead_units) == ["市跑改办", "市审管办"]
    assert names(it.responsible_units) == ["市跑改办", "市审管办", "市委编办", "市直各有关部门"]
    assert dates(it) == [("2019-12-31", "全年"), ("2019-10-31", "10月底前")]


def test_item_5_nested_collective_stays_whole():
    it = text_item(5)
    assert names(it.children[0].lead_units) == ["各区、县(市)政府及管委会"]
    assert dates(it) == [("2019-12-31", "年底前"), ("2019-12-31", "到2019年底")]


def test_item_6_third_list_makes_the_court_a_lead():
    it = text_item(6)
    assert names(it.lead_units) == ["市市场监管局", "市税务局", "市法院"]
    assert names(it.children[2].responsible_units) == ["市法院", "仲裁办", "市市场监管局"]
    assert dates(it) == [("2019-06-30", "6月底前")]  # 6个月以内 is a service target


def test_item_7_in_text_parentheses_and_ambiguous_quarterly():
    it = text_item(7)
    assert names(it.lead_units) == ["市建委"]
    assert names(it.responsible_units) == ["市建委", "市发改委", "市审管办", "市规划和自然资源局"]
    assert dates(it) == [("2019-12-31", "年底前"), ("2019-06-30", "6月底前")]  # 最多 90 天 is not
    assert it.unresolved == ["按季度"]


def test_item_8_square_brackets_with_mixed_separators():
    c1 = text_item(8).children[0]
    assert names(c1.lead_units) == ["市建委"]
    assert names(c1.responsible_units) == ["市建委", "市审管办", "各区、县(市)政府及管委会"]
    assert dates(c1) == [("2019-12-31", "12月底前")]


def test_item_10_four_single_unit_lists_four_leads():
    assert names(text_item(10).lead_units) == ["市审管办", "市建委", "国网杭州供电公司", "市经信局"]
    assert text_item(10).deadlines == []  # 40个工作日, 15个工作日


def test_item_17_truncated_health_commission_name():
    it = text_item(17)
    assert names(it.lead_units) == ["市卫生健康委", "市体育局"]
    assert it.lead_units[0].as_written == "市卫生健康委员"
    assert dates(it) == [("2019-10-31", "10月底前")]


def test_bare_year_is_unresolved_not_dropped():
    assert text_item(18).unresolved == ["2019年"]
    assert dates(text_item(18)) == [("2019-12-31", "年底前")]
    assert text_item(20).unresolved == ["2019年"]
    assert text_item(20).deadlines == []


def test_item_25_year_end_without_qian():
    assert dates(text_item(25)) == [("2019-12-31", "年底"), ("2019-08-31", "8月底前")]
    assert names(text_item(25).responsible_units) == ["市信访局", "市数据资源局"]


def test_service_targets_in_004_are_not_deadlines():
    assert dates(text_item(13)) == [("2019-12-31", "年底前")]  # 40小时、5小时
    assert text_item(26).deadlines == []  # 5%—10%
    assert dates(text_item(3)) == [("2019-12-31", "到年底前")]


def test_all_units_known_and_document_number_is_not_a_unit():
    assert plan().unknown_units == []
    assert plan().meta.doc_number == "杭改办〔2019〕1号"
    for it in plan().walk():
        for u in it.responsible_units:
            assert u.name not in ("市", "便民服务中心", "街道", "社区", "县、市", "区", "估", "含")


def test_table_row_1_two_units_separated_by_a_space():
    t1 = row(1)
    assert (t1.category, t1.indicator) == ("夯实基础", "事项基础")
    assert names(t1.lead_units) == ["市审管办", "市委编办"]
    assert dates(t1) == [("2019-12-31", "12月底")]


def test_table_carries_merged_cells_down():
    assert [row(n).indicator for n in (3, 4, 5)] == ["材料基础"] * 3
    assert row(8).indicator == "网点基础"
    assert [row(n).indicator for n in range(15, 20)] == ["办理建筑许可"] * 5
    assert row(58).category == "工作保障" and row(58).indicator == "考核创新"


def test_table_shifted_rows():
    t6 = row(6)
    assert (t6.category, t6.indicator) == ("夯实基础", "平台基础")
    assert names(t6.lead_units) == ["市审管办", "市委编办"]
    assert t6.deadlines == [] and t6.unresolved == []
    assert any("序号6" in w for w in plan().warnings)
    t20 = row(20)
    assert t20.indicator == "不动产交易登记"
    assert names(t20.lead_units) == ["市规划和自然资源局"]
    assert dates(t20) == [("2019-06-30", "6月底")]
    assert (row(21).indicator, names(row(21).lead_units)) == ("获得用水", ["市建委"])
    t23 = row(23)
    assert (t23.category, t23.indicator) == ("营商环境", "获得用电")
    assert names(t23.lead_units) == ["国网杭州供电公司"]
    assert dates(t23) == [("2019-06-30", "6月底")]
    for n, ind, unit, due in ((43, "民政便民", "市民政局", "2019-12-31"), (44, "教育服务", "市教育局", "2019-10-31"),
                              (45, "交通服务", "市交通运输局", "2019-10-31")):
        assert (row(n).category, row(n).indicator, names(row(n).lead_units)) == ("便民服务", ind, [unit])
        assert row(n).deadlines[0].date.isoformat() == due


def test_table_unit_cells_wrapped_or_separated_by_spaces():
    assert names(row(13).lead_units) == ["市法院", "仲裁办", "市市场监管局"]
    assert names(row(17).lead_units) == ["市发改委", "市规划和自然资源局", "市建委"]
    assert names(row(29).lead_units) == ["人行杭州中心支行", "各区、县(市)政府及管委会"]
    assert names(row(51).lead_units) == ["市市场监管局", "市直各有关执法单位", "各区、县(市)政府及管委会"]
    assert names(row(54).lead_units) == ["各改革领域工作专班"]
    assert names(row(58).lead_units) == ["市委督查室", "市政府督查室"]
    assert names(row(60).lead_units) == ["国家统计局杭州调查队"]
    assert names(row(2).responsible_units) == ["市数据资源局"]


def test_table_time_columns():
    assert dates(row(12)) == [("2019-12-31", "全年")]
    t62 = row(62)
    assert [d.date.isoformat() for d in t62.deadlines] == ["2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31"]
    assert all(d.recurring and d.phrase == "每季度" for d in t62.deadlines)
    assert dates(row(37)) == [("2019-03-31", "3月底")]


def test_table_titles_that_trip_parsers():
    assert row(50).indicator == "12345平台监管效率"
    assert row(51).indicator == "“双随机、一公开”"
    assert row(37).indicator == "部门间“最多跑一次”"
    assert row(9).target.startswith("办理时限压减至1个工作日以内")
    assert row(9).title == row(9).target.split("。")[0]


def test_text_and_table_read_separately():
    assert dates(text_item(9)) == [("2019-12-31", "年底前")]
    assert dates(row(20)) == [("2019-06-30", "6月底")]
    assert names(row(50).lead_units) == ["市信访局"]


def test_metadata():
    meta = plan().meta
    assert meta.title == "2019年杭州市深化推进“最多跑一次”改革打造一流营商环境工作要点"
    assert meta.issuer == "中共杭州市委全面深化改革委员会办公室"
    assert meta.issued_on.isoformat() == "2019-04-22"
    assert meta.year == 2019

