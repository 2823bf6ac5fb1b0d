"""000 萧山 2020 工作要点: 【责任单位】 brackets, first unit of each bracket leads."""

from tests.tasks.importer_helpers import by_ref, dates, names, seed


def plan():
    return seed("000")


def item(n: int):
    return next(i for i in plan().items if i.number == str(n))


def test_twenty_items_numbered_continuously_across_four_sections():
    assert [i.number for i in plan().items] == [str(n) for n in range(1, 21)]
    assert {i.section for i in plan().items} == {
        "二、工作内容 / （一）提升政务服务能级",
        "二、工作内容 / （二）打造最优营商环境",
        "二、工作内容 / （三）进一步优化公共服务",
        "二、工作内容 / （四）提升机关运行效能",
    }


def test_one_sub_task_per_annotation():
    counts = {int(i.number): len(i.children) for i in plan().items if i.children}
    assert counts == {1: 4, 2: 4, 4: 2, 5: 2, 9: 2, 11: 5, 12: 2, 13: 3, 16: 3, 17: 6, 19: 4}
    assert sum(counts.values()) == 37


def test_item_1_units_are_the_union_in_printed_order_with_one_lead():
    it = item(1)
    assert names(it.lead_units) == ["区审管办"]
    assert names(it.responsible_units) == [
        "区审管办", "区数管局", "区级有关部门", "经济技术开发区", "各镇街", "区住建局", "区市场监管局",
    ]
    # the alias inside 【】 keeps its full-width parentheses, not truncated at the first ）
    assert it.responsible_units[0].as_written == "区审管办（跑改办）"
    assert dates(it) == [("2020-12-31", "2020年12月底前"), ("2020-08-31", "8月底前"), ("2020-12-31", "12月底前")]


def test_item_1_children_carry_their_own_units_and_dates():
    c1, c2, c3, c4 = item(1).children
    assert names(c1.responsible_units) == ["区审管办", "区数管局", "区级有关部门"]
    assert c1.deadlines == []
    assert names(c2.responsible_units) == ["区审管办", "经济技术开发区", "区级有关部门", "各镇街"]
    assert dates(c2) == [("2020-12-31", "2020年12月底前")]
    assert dates(c3) == [("2020-08-31", "8月底前")]  # printed with a leading space
    assert names(c3.lead_units) == ["区审管办"]
    assert dates(c4) == [("2020-12-31", "12月底前")]


def test_lead_rule_sentence_is_not_a_unit():
    for it in plan().walk():
        assert not any("第一个" in u.name or "牵头" in u.name for u in it.responsible_units)


def test_item_9_survives_bookmark_debris_and_resolves_aliases():
    it = item(9)
    assert it.title == "深化企业开办“一日办结”改革"
    assert "bookmark" not in it.text
    c2 = it.children[1]
    assert names(c2.responsible_units) == ["区市场监管局", "区公安局", "区税务局", "人行萧山支行"]
    assert [u.as_written for u in c2.responsible_units][1:4:2] == ["区公安分局", "人民银行萧山支行"]
    assert dates(it) == [("2020-06-30", "2020年6月底前"), ("2020-11-30", "2020年11月底前"), ("2020-12-31", "12月底前")]


def test_item_17_full_width_period_six_brackets_six_leads():
    it = item(17)
    assert it.title == "不断提升民生服务质效"
    assert names(it.lead_units) == ["区教育局", "区卫健局", "区医保局", "区民政局", "区人社局", "区文旅局"]
    # the date runs into the previous clause: 提高服务质量2020年12月底前推进
    assert dates(it.children[0]) == [("2020-12-31", "2020年12月底前")]


def test_items_11_and_19_have_several_leads():
    assert names(item(11).lead_units) == ["区发改局", "区住建局", "区规资局"]
    assert names(item(19).lead_units) == ["区审管办", "区委编办", "区数管局"]
    assert dates(item(19)) == [
        ("2020-06-30", "2020年6月底前"), ("2020-07-31", "2020年7月底前"),
        ("2020-10-31", "2020年10月底前"), ("2020-12-31", "12月底前"),
    ]


def test_full_width_parenthesis_annotations_in_items_13_and_14():
    c3 = item(13).children[2]
    assert names(c3.lead_units) == ["区规资局"]
    assert names(c3.responsible_units) == ["区规资局", "人行萧山支行"]
    assert dates(c3) == [("2020-08-31", "2020年8月底前")]
    it14 = item(14)
    assert names(it14.lead_units) == ["区税务局"]
    assert dates(it14) == [("2020-12-31", "2020年12月底前")]  # 120小时 is a service target


def test_item_8_zhaoguanban_hat_is_the_same_office():
    it = item(8)
    assert names(it.responsible_units) == ["区审管办", "区财政局", "区级有关部门", "各镇街"]
    assert it.responsible_units[0].as_written == "区审管办（招管办）"


def test_item_5_both_names_of_shenguanban_are_one_unit():
    it = item(5)
    assert names(it.lead_units) == ["区审管办", "区发改局"]
    assert names(it.responsible_units) == ["区审管办", "区数管局", "区级有关部门", "区发改局", "有关镇街"]
    assert it.children[1].responsible_units[1].as_written == "区审管办"


def test_year_less_month_deadlines_use_the_plan_year_and_2020_year_end():
    assert dates(item(3)) == [("2020-06-30", "2020年6月底前"), ("2020-09-30", "9月底前")]
    assert dates(item(16)) == [("2020-12-31", "2020年底前")]


def test_service_targets_are_not_deadlines():
    assert dates(item(10)) == [("2020-12-31", "2020年12月底前")]  # 46天内办结, 10天内办结
    assert item(12).children[0].deadlines == []  # 1日办结
    assert dates(item(15)) == [("2020-06-30", "2020年6月底前")]  # 3个工作日内, 15个工作日


def test_collectives_and_enterprises_are_kept_whole_with_kinds():
    units = {u.name: u for it in plan().walk() for u in it.responsible_units}
    assert units["区级有关部门"].kind == "collective"
    assert units["各镇街"].kind == "collective"
    assert units["国网萧山供电公司"].kind == "enterprise"
    assert units["区环境集团"].kind == "enterprise"
    assert units["区数管局"].kind == "department"
    assert units["区数管局"].level == "district"
    assert plan().unknown_units == []


def test_work_guarantee_section_is_not_an_item():
    assert not any("强化组织领导" in it.text for it in plan().walk())
    assert not any(u.as_written == "区跑改办" for it in plan().walk() for u in it.responsible_units)


def test_metadata_title_joined_and_draft_marker_dropped_with_a_warning():
    meta = plan().meta
    assert meta.title == "2020年萧山区深化“最多跑一次”推进“放管服”改革工作要点"
    assert meta.year == 2020
    assert meta.title_markers == ["(再次征求意见稿)"]
    assert any("再次征求意见稿" in w for w in plan().warnings)
    assert meta.doc_number is None and meta.issued_on is None


def test_child_refs_are_unique():
    refs = [i.ref for i in plan().walk()]
    assert len(refs) == len(set(refs))
    assert by_ref(plan(), "二.一.1-2").number == "1-2"
