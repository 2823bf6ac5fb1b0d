"""Task tables pasted without tabs, label lines, lead rules, inline sub-items: the shapes of real plans.

Each test is a small made-up plan in one shape (the corpus has the real ones)."""

import pytest

from tasks.importers import ImportFailure, parse_plan
from tasks.importers.layout import fit_cells, fit_rows, glued_units, split_joined, tabulate
from tasks.importers.units import split_table_units, split_units
from tests.tasks.importer_helpers import names


def table_items(plan):
    return [(i.number, i.title, names(i.lead_units), names(i.responsible_units),
             [d.date.isoformat() for d in i.deadlines]) for i in plan.items]


def test_pipe_cells_one_per_line_with_a_person_column_and_wrapped_cells():
    text = "\n".join([
        "2025年某区重点工作及责任清单",
        "序号 |", "重点工作 |", "责任领导 |", "责任单位 |", "完成时限 |",
        "1 |", "优化营商环境工作机 制,全力服务重 大项目落地。 |", "张三 |", "区发改局、区商务局 |", "全年 |",
        "2 |", "盘活存量土地400亩。 |", "李四 |", "区自然资源局 |", "6月底前 |",
    ])
    plan = parse_plan(text)
    assert table_items(plan) == [
        ("1", "优化营商环境工作机制,全力服务重大项目落地", [], ["区发改局", "区商务局"], ["2025-12-31"]),
        ("2", "盘活存量土地400亩", [], ["区自然资源局"], ["2025-06-30"]),
    ]
    assert all(i.source == "text" for i in plan.items)  # the table is the plan's own list


def test_pipe_rows_one_per_line():
    text = "\n".join([
        "某县2024年任务分解表",
        "序号 | 目标任务 | 分管领导 | 牵头责任单位 | 责任单位",
        "80 | 新增托位400个。 | 俞 悦 | 县教育局 | 县各有关单位",
        "81 | 保障秋季开学。 | 陆 明俞 悦 | 县教育局 | 县财政局",
    ])
    plan = parse_plan(text)
    assert [i.number for i in plan.items] == ["80", "81"]  # an excerpt may start at any row
    assert names(plan.items[0].lead_units) == ["县教育局"]
    assert names(plan.items[1].responsible_units) == ["县教育局", "县财政局"]  # never the person


def test_one_cell_per_paragraph_with_a_progress_column():
    text = "\n\n".join([
        "当前位置:首页 > 政务公开", "市政府2020年重点工作一季度进展情况表", "发布日期:2020-05-14 浏览次数: 字体:[ ]",
        "序号", "内容与要求", "进展情况", "责任单位",
        "1", "确保地区生产总值增长7%左右。", "1-2月，主要指标6月底前回升。", "市发改委",
        "2", "持续推进重大项目攻坚。", "95%", "市发改委",
    ])
    plan = parse_plan(text)
    assert table_items(plan) == [
        ("1", "确保地区生产总值增长7%左右", [], ["市发改委"], []),  # the progress column dates nothing
        ("2", "持续推进重大项目攻坚", [], ["市发改委"], []),
    ]
    assert plan.meta.year == 2020


def test_one_cell_per_paragraph_lead_column_and_a_missing_cell():
    text = "\n".join([
        "2022年度民生实事项目进度表",
        "序号", "项目内容", "当前进度", "牵头单位", "备注",
        "1", "新建公办园5所。", "80%", "县教育局", "市民生实事",
        "2", "建设四好农村路55公里。", "县交通局", "县民生实事",  # 当前进度 left empty
        "3", "新增16个“文化驿站”。", "98.4%", "县文广旅体局", "县民生实事",
    ])
    plan = parse_plan(text)
    assert [(i.number, names(i.lead_units)) for i in plan.items] == [
        ("1", ["县教育局"]), ("2", ["县交通局"]), ("3", ["县文广旅体局"])]


def test_space_separated_rows_with_wrapped_and_empty_merged_cells():
    text = "\n".join([
        "某市全面推行河长制主要任务分解表",
        "发布日期:2018-07-09",
        "序号 类别 主要任务 细化措施 牵头单位 参与单位 责任单位",
        "1 加强水资源保 护 严守控制红线 实施双控行动,到2020年控制在11亿立方米以内。 市水利局 市发展改革委、住房和城乡建设局等 "
        "各县(市、区)人民政府,高新区管委会",
        "2  严守用水 效率控制 红线 落实用水效率评估体系。 市水利局 市农业局 各县(市、区)人民政府",
    ])
    plan = parse_plan(text)
    first, second = plan.items
    assert first.title == "严守控制红线" and first.category == "加强水资源保护"
    assert names(first.lead_units) == ["市水利局"]
    assert names(first.responsible_units) == [
        "市水利局", "市发展改革委", "住房和城乡建设局", "各县(市、区)人民政府", "高新区管委会"]
    assert first.unresolved == ["2020年"] and first.deadlines == []  # a target year, not a date
    assert second.title == "严守用水效率控制红线" and second.category == "加强水资源保护"  # carried down
    assert plan.meta.year == 2018


def test_rows_glued_by_a_preview_with_chunk_markers():
    text = "\n".join([
        "1、重点任务责任分工表序号工作内容目标任务责任单位备注1加强宣传发动,引导市民参与。2021年2月底前,知晓率达90%以上。"
        "市委宣传部(市文明办)、市城管委,各区(市)县政府(管委会)2完善回收利用体系。2021年2月底前,基本建成体系。市商务局,市",
        "2、住建局、市城管委",
    ])
    plan = parse_plan(text)
    assert table_items(plan) == [
        ("1", "加强宣传发动,引导市民参与", [], ["市委宣传部(市文明办)", "市城管委", "各区(市)县政府(管委会)"],
         ["2021-02-28"]),
        ("2", "完善回收利用体系", [], ["市商务局", "市住建局", "市城管委"], ["2021-02-28"]),
    ]


def test_tabulate_keeps_the_line_count_and_plain_text_alone():
    lines = ["一、主要任务", "1.推进改革。(区发改局牵头)", "序号 工作 内容"]
    assert tabulate(lines) == lines


def test_fit_cells_puts_a_lone_unit_list_in_the_unit_column():
    roles = ["target", "progress", "lead", "remark"]
    assert fit_cells(["建设四好农村路。", "县交通局", "县民生实事"], roles)[2] == "县交通局"


def test_label_lines_person_lines_and_a_lead_rule_stated_in_a_note():
    text = "\n".join([
        "2020年某市重点工作责任分解",
        "一、确保完成主要目标",
        "1.地区生产总值增长8%以上。",
        "牵头负责领导:金力。",
        "牵头责任单位:市发展改革委。",
        "协同责任单位:市经信局、中新高新区管委会等,各县、市、区政府。",
        "2.制定出台政策体系。",
        "责任单位:财政局、发改局、工商联(列第一位者为牵头或汇总单位,下同)",
        "3.减负60亿元。",
        "责任单位:发改局、经信局",
        "时限要求:持续推进",
    ])
    one, two, three = parse_plan(text).items
    assert names(one.lead_units) == ["市发展改革委"]
    assert names(one.responsible_units) == ["市发展改革委", "市经信局", "中新高新区管委会", "各县、市、区政府"]
    assert "金力" not in " ".join(names(one.responsible_units))
    assert names(two.lead_units) == ["财政局"] and names(two.responsible_units)[-1] == "工商联"
    assert names(three.lead_units) == ["发改局"]  # 下同: the rule carries to later items
    assert three.deadlines == [] and three.unresolved == ["持续推进"]


def test_a_lead_rule_applies_only_from_where_it_is_stated():
    text = "\n".join([
        "2019年某市若干措施",
        "一、主要任务",
        "(一)推进甲。", "责任单位:市建设局、市财政局",
        "(二)推进乙。", "责任单位:市发改委、市财政局(第一责任单位为牵头单位,下同)",
        "(三)推进丙。", "责任单位:市商务局、市财政局",
    ])
    a, b, c = parse_plan(text).items
    assert names(a.lead_units) == [] and names(b.lead_units) == ["市发改委"] and names(c.lead_units) == ["市商务局"]
    assert names(b.responsible_units) == ["市发改委", "市财政局"]  # the note is not a unit


@pytest.mark.parametrize("note", ["首位单位为牵头单位,下同", "排名第一的为牵头单位,下同", "排在首位的为牵头单位,下同",
                                  "列第一位的为牵头或汇总单位,下同", "列第一位的为工作牵头单位或汇总单位,下同"])
def test_the_lead_rule_in_its_other_wordings(note):
    text = "\n".join([
        "2022年某县重点工作责任分解",
        "一、县长牵头重点工作",
        "1.全县生产总值增长7.5%左右。", f"责任单位:县发改局({note})、县财政局",
        "2.落实过紧日子要求。", "责任单位:县财政局、县审计局",
    ])
    one, two = parse_plan(text).items
    assert names(one.lead_units) == ["县发改局"] and names(one.responsible_units) == ["县发改局", "县财政局"]
    assert names(two.lead_units) == ["县财政局"]


def test_bracket_shapes_and_stripped_role_words():
    text = "\n".join([
        "2022年某省实施方案",
        "一、深化改革",
        "(一)加强市场体系建设。推进建设。〔责任单位:省发展改革委、省大数据中心按职责分工负责。具体任务均涉及各市,下同。〕",
        "(二)优化准入环境。推进改革。[牵头单位:省市场监管局、省商务厅;责任单位:省税务局]",
        "(三)精简审批手续。5月底前上线运行。(区政务服务局牵头,区发改局、区级相关部门配合)",
    ])
    a, b, c = parse_plan(text).items
    assert names(a.responsible_units) == ["省发展改革委", "省大数据中心"] and a.lead_units == []
    assert names(b.lead_units) == ["省市场监管局", "省商务厅"]
    assert names(c.lead_units) == ["区政务服务局"]
    assert names(c.responsible_units) == ["区政务服务局", "区发改局", "区级相关部门"]
    assert [d.date.isoformat() for d in c.deadlines] == ["2022-05-31"]


def test_inline_sub_items_under_a_heading_are_the_items():
    text = "\n".join([
        "某市关于优化营商环境的实施意见(某政〔2017〕101号)",
        "一、持续减少审批事项",
        "1.深化商事制度改革。(1)全面落实“多证合一”改革。实行一照一码。(市工商质监局牵头负责)(2)完善企业登记全程电子化。"
        "推行网上申请。(市工商质监局牵头负责)",
    ])
    plan = parse_plan(text)
    assert [(i.number, i.title, names(i.lead_units)) for i in plan.items] == [
        ("1", "全面落实“多证合一”改革", ["市工商质监局"]),
        ("2", "完善企业登记全程电子化", ["市工商质监局"]),
    ]
    assert plan.items[0].section.endswith("1.深化商事制度改革")
    assert plan.meta.year == 2017


def test_inline_sub_items_of_an_item_with_a_body_are_its_children():
    text = "\n".join([
        "2021年某区工作要点",
        "一、主要任务",
        "1.推进商事改革。全面推进登记便利化，提高效率。(1)推行全程电子化，6月底前完成。(区市场监管局牵头)"
        "(2)推行简易注销。(区税务局牵头)",
    ])
    (item,) = parse_plan(text).items
    assert [c.number for c in item.children] == ["1-1", "1-2"]
    assert names(item.children[1].lead_units) == ["区税务局"]
    assert names(item.lead_units) == ["区市场监管局", "区税务局"]
    assert [d.date.isoformat() for d in item.deadlines] == ["2021-06-30"]


def test_inline_labels_after_each_item_and_no_chapter_heading():
    text = "\n".join([
        "2014年市政府民生实事项目共有42项任务,现将1—6月份进展情况予以公示。",
        "1.轨道交通工程投入试运营。 牵头领导:林静国 责任单位:市轨道交通指挥部 项目责任人:尹文德 "
        "实际完成情况:已于2014年5月30日通车试运营。",
        "2.新辟公交线路10条。 牵头领导:王仁洲 责任单位:市交通委 配合单位:市公安局、市城管局,各区政府 鄞州 海曙 合计 2 5",
    ])
    one, two = parse_plan(text).items
    assert names(one.responsible_units) == ["市轨道交通指挥部"] and one.lead_units == []  # 牵头领导 is a person
    assert one.deadlines == []  # a status date, not a deadline
    assert names(two.responsible_units) == ["市交通委", "市公安局", "市城管局", "各区政府"]


def test_a_labelled_bracket_is_not_split_as_inline_labels():
    plan = parse_plan("2021年某区方案\n一、任务\n1.推进甲。(牵头单位:区司法局;责任单位:区政府有关部门)")
    assert names(plan.items[0].lead_units) == ["区司法局"]
    assert names(plan.items[0].responsible_units) == ["区司法局", "区政府有关部门"]


def test_one_cell_per_paragraph_with_one_unit_per_paragraph_and_a_two_part_row():
    text = "\n\n".join([
        "2016年民生实事目标任务分解表", "序号", "民生实事", "责任单位", "完成时限",
        "1", "启动建设湿地公园。", "县水务局", "县住建局", "12月底前",
        "2", "新建2座人行天桥。", "县住建局", "9月投入使用",
        "3", "开工建设县老年养护楼。", "县民政局", "5月底前动工", "开工建设老年大学。", "12月底前",
    ])
    plan = parse_plan(text)
    assert table_items(plan) == [
        ("1", "启动建设湿地公园", [], ["县水务局", "县住建局"], ["2016-12-31"]),
        ("2", "新建2座人行天桥", [], ["县住建局"], ["2016-09-30"]),
        ("3", "开工建设县老年养护楼", [], ["县民政局"], ["2016-05-31", "2016-12-31"]),
    ]


def test_a_covering_notice_alone_has_no_tasks_and_its_lead_rule_applies_to_the_plan():
    import pytest

    from tasks.importers import ImportFailure

    notice = "\n".join([
        "关于印发2020年重点工作责任分解的通知",
        "各区人民政府,市政府各部门:",
        "现印发给你们,请认真贯彻执行。",
        "一、提高站位,强化责任。各级各部门要不折不扣落实重点工作任务。",
        "二、责任分解中,列第一位的责任单位为牵头单位或汇总单位。",
        "某市人民政府办公厅",
        "2020年5月20日",
    ])
    with pytest.raises(ImportFailure, match="未识别出任何工作任务"):
        parse_plan(notice)
    plan = parse_plan(notice + "\n2020年重点工作责任分解\n一、稳增长\n1.推进甲。\n责任单位:市发改委、市财政局")
    assert [i.title for i in plan.items] == ["推进甲"]
    assert names(plan.items[0].lead_units) == ["市发改委"]


def test_paragraphs_that_look_like_tasks_but_were_not_read_are_listed():
    text = "\n".join([
        "2021年某区工作要点",
        "①推进甲改革。(区发改局牵头)",
        "责任单位:区财政局",
        "这是一段说明。",
        "一、主要任务",
        "1.推进乙改革。(区审管办牵头)",
    ])
    plan = parse_plan(text)
    assert [i.title for i in plan.items] == ["推进乙改革"]
    assert [t for _, t in plan.skipped] == ["①推进甲改革。(区发改局牵头)", "责任单位:区财政局"]
    assert plan.to_json_dict()["skipped"][0] == {"line": 2, "text": "①推进甲改革。(区发改局牵头)"}
    assert any("未识别的段落" in w for w in plan.warnings)


def test_a_table_whose_only_content_column_is_named_like_an_indicator_and_an_empty_partner_cell():
    text = "\n".join([
        "2023年民生实事项目责任分工",
        "序号", "项目名称", "牵头单位", "配合单位", "完成时限",
        "1", "新建幼儿园3所。", "县教育局", "县住建局", "12月底前",
        "2", "改造老旧小区10个。", "县住建局", "9月底前",  # 配合单位 left empty
    ])
    assert table_items(parse_plan(text)) == [
        ("1", "新建幼儿园3所", ["县教育局"], ["县教育局", "县住建局"], ["2023-12-31"]),
        ("2", "改造老旧小区10个", ["县住建局"], ["县住建局"], ["2023-09-30"]),
    ]


def test_pipe_rows_with_an_empty_partner_cell():
    text = "\n".join([
        "某县2022年深化改革重点任务清单",
        "序号 | 改革任务 | 牵头单位 | 配合单位 | 时间节点",
        "1 | 推进甲改革，完善制度。 | 县发改局 | 县财政局、县税务局 | 2022年6月底前",
        "2 | 推进乙改革。 | 县审管办 |  | 年底前",
    ])
    assert table_items(parse_plan(text)) == [
        ("1", "推进甲改革，完善制度", ["县发改局"], ["县发改局", "县财政局", "县税务局"], ["2022-06-30"]),
        ("2", "推进乙改革", ["县审管办"], ["县审管办"], ["2022-12-31"]),
    ]


def test_parenthesised_numbers_on_their_own_lines_and_a_note_naming_the_lead():
    text = "\n".join([
        "2021年某区工作要点",
        "一、主要任务",
        "（1）推进甲改革。6月底前完成。",
        "责任单位：区发改局、区财政局（区发改局为牵头单位）",
        "（2）推进乙改革。（区审管办牵头，区数管局配合）",
        "二、深化改革",
        "1.推进丙改革。",
        "（1）完善制度。（区司法局牵头）",
        "（2）加强监管。（区市场监管局牵头）",
    ])
    plan = parse_plan(text)
    assert [(i.ref, i.title, names(i.lead_units)) for i in plan.items] == [
        ("一.1", "推进甲改革", ["区发改局"]),
        ("一.2", "推进乙改革", ["区审管办"]),
        ("二.1.(1)", "完善制度", ["区司法局"]),  # under a heading-only 1.: the sub-items are the items
        ("二.1.(2)", "加强监管", ["区市场监管局"]),
    ]
    assert names(plan.items[0].responsible_units) == ["区发改局", "区财政局"]


def test_a_lead_marked_after_its_unit_and_two_labels_on_one_line():
    text = "\n".join([
        "2021年某区工作要点",
        "一、主要任务",
        "1.推进甲改革。",
        "牵头单位：区发改局；责任单位：区财政局、区税务局",
        "2.推进乙改革。",
        "责任单位：区审管办（牵头）、区数管局",
        "3.推进丙改革。（责任单位：区司法局（牵头）、区公安局）",
        "序号\t工作任务\t责任单位\t完成时限",
        "1\t推进丁改革。\t区教育局（牵头）、区财政局\t9月底前",
    ])
    plan = parse_plan(text)
    assert [(i.number, names(i.lead_units), names(i.responsible_units)) for i in plan.items] == [
        ("1", ["区发改局"], ["区发改局", "区财政局", "区税务局"]),
        ("2", ["区审管办"], ["区审管办", "区数管局"]),
        ("3", ["区司法局"], ["区司法局", "区公安局"]),
        ("1", ["区教育局"], ["区教育局", "区财政局"]),
    ]
    assert plan.items[-1].source == "table"  # a table beside text items is kept apart


def test_a_notice_whose_own_chapters_are_the_tasks_signed_at_its_end():
    text = "\n".join([
        "某市人民政府办公室关于做好2021年营商环境优化工作的通知",
        "各区县人民政府，市政府各部门：",
        "为进一步优化营商环境，现就有关事项通知如下：",
        "一、压缩开办时间。6月底前将企业开办时间压缩至1天。（市市场监管局牵头，市税务局配合）",
        "二、优化不动产登记。年底前实现全程网办。（市自然资源局牵头）",
        "某市人民政府办公室",
        "2021年3月1日",
    ])
    plan = parse_plan(text)
    assert [(i.number, i.title, names(i.lead_units), [d.date.isoformat() for d in i.deadlines])
            for i in plan.items] == [
        ("一", "压缩开办时间", ["市市场监管局"], ["2021-06-30"]),
        ("二", "优化不动产登记", ["市自然资源局"], ["2021-12-31"]),  # the signature date is no deadline
    ]
    assert plan.meta.issued_on.isoformat() == "2021-03-01" and plan.meta.issuer == "某市人民政府办公室"


def test_a_policy_interpretation_page_is_refused_with_its_own_message():
    import pytest

    from tasks.importers import ImportFailure

    text = "《2024年重点工作任务分工方案》政策解读\n一、起草背景\n为推动落实，形成了分工方案。\n二、主要内容\n1.在深化开放方面(分解任务15项)。"
    with pytest.raises(ImportFailure, match="政策解读"):
        parse_plan(text)


def test_tasks_written_as_text_in_an_appendix_are_listed_as_skipped():
    text = "\n".join([
        "2021年某区工作要点", "一、主要任务", "1.推进甲改革。（区发改局牵头）",
        "附件：重点任务清单", "1.推进乙改革。（区财政局牵头）", "2.2021年某清单（略）",
    ])
    plan = parse_plan(text)
    assert [i.title for i in plan.items] == ["推进甲改革"]
    assert [t for _, t in plan.skipped] == ["1.推进乙改革。（区财政局牵头）"]  # an omitted attachment is not listed


def test_glued_rows_with_a_date_column_and_units_run_together():
    text = ("2022年某区重点任务分工表序号工作任务牵头单位配合单位完成时限1推进甲改革，完善制度。区发改局区财政局6月底前"
            "2推进乙改革。区审管办区数管局年底前3推进丙改革。区司法局9月30日前")
    plan = parse_plan(text)
    assert plan.meta.title == "2022年某区重点任务分工表" and plan.meta.year == 2022
    assert table_items(plan) == [
        ("1", "推进甲改革，完善制度", ["区发改局"], ["区发改局", "区财政局"], ["2022-06-30"]),
        ("2", "推进乙改革", ["区审管办"], ["区审管办", "区数管局"], ["2022-12-31"]),
        ("3", "推进丙改革", ["区司法局"], ["区司法局"], ["2022-09-30"]),
    ]


def test_one_cell_per_paragraph_with_a_header_cell_wrapped_and_a_column_of_figures():
    """A 龙湾 page: the header cell 区本级任务数 printed over two paragraphs, and a column of figures
    (5%, 9亿元) named by what it counts. The table was not found (区本级 names no column): its 40
    cells became tasks with no units; found, the figures were read as the tasks (任务数 has 任务)."""
    plan = parse_plan(
        "2023年区政府工作报告重点工作责任分解\n\n序号\n\n重点工作\n\n区本级\n\n任务数\n\n责任单位\n\n"
        "1\n\n地区生产总值增长6.5%。\n\n\n区发改局\n\n"
        "2\n\n固定资产投资增长10.0%左右。\n\n5%\n\n区发改局\n\n"
        "3\n\n精准承接中央五大政策,力争兑现惠企资金20亿元。\n\n9亿元\n\n区政府办公室、区财政局\n"
    )
    assert [(it.number, it.title) for it in plan.items] == [
        ("1", "地区生产总值增长6.5%"), ("2", "固定资产投资增长10.0%左右"), ("3", "精准承接中央五大政策,力争兑现惠企资金20亿元")]
    assert [names(it.responsible_units) for it in plan.items] == [["区发改局"], ["区发改局"], ["区政府办公室", "区财政局"]]


def test_one_cell_per_paragraph_with_the_category_column_before_the_number():
    """A 莲都 page: 分类 / 序号 / 事项 / 责任单位 / 牵头单位, each group's 分类 printed once, before the number
    of its first row. The table was not found (its header began at 序号, the 分类 cell a row's): each
    row's 责任单位 became its title and the next group's 分类 a lead unit."""
    plan = parse_plan("\n\n".join([
        "2023年莲都区政府工作报告重点工作责任分解", "分类", "序号", "事项", "责任单位", "牵头单位",
        "发展目标", "1", "地区生产总值增长6.5%以上。", "区农业农村局、区经商局", "区发改局",
        "2", "区本级固定资产投资增长25%。", "区发改局", "区发改局",
        "激发市场活力", "3", "深化政务服务“一网通办”。", "区行政服务中心、区深改服务中心", "区行政服务中心",
    ]))
    assert [(it.number, it.section, it.title) for it in plan.items] == [
        ("1", "发展目标", "地区生产总值增长6.5%以上"), ("2", "发展目标", "区本级固定资产投资增长25%"),
        ("3", "激发市场活力", "深化政务服务“一网通办”")]
    assert [names(it.lead_units) for it in plan.items] == [["区发改局"], ["区发改局"], ["区行政服务中心"]]
    assert names(plan.items[0].responsible_units) == ["区发改局", "区农业农村局", "区经商局"]


def test_one_cell_per_paragraph_with_no_number_column_and_the_number_in_the_task_cell():
    """A 玉环 责任分工抓落实方案: 牵头领导 / 重点工作 / 牵头单位 / 配合单位 / 备注, the leader's cell printed once
    before the first row of its group, one unit per paragraph. The tasks were read by their numbers,
    but none of their units (and the leaders' names stood between them as text)."""
    plan = parse_plan("\n\n".join([
        "2021年市政府重点工作责任分工抓落实方案", "牵头领导", "重点工作", "牵头单位", "配合单位", "备注",
        "周阳市长", "1.始终做到忠诚于党。学懂弄通做实习近平新时代中国特色社会主义思想。", "市府办", "各单位",
        "2.始终坚持依法行政。坚持“开门做决策、人民做决定”。", "市府办", "市司法局", "市审计局", "各单位",
        "王副市长", "3.做强数字经济。推进数字化改革。", "市经信局", "市发改局",
    ]))
    assert [(it.number, it.title) for it in plan.items] == [
        ("1", "始终做到忠诚于党"), ("2", "始终坚持依法行政"), ("3", "做强数字经济")]
    assert [names(it.lead_units) for it in plan.items] == [["市府办"], ["市府办"], ["市经信局"]]
    assert [names(it.responsible_units) for it in plan.items] == [
        ["市府办", "各单位"], ["市府办", "市司法局", "市审计局", "各单位"], ["市经信局", "市发改局"]]


def test_pipe_cells_one_per_line_with_bare_pipe_lines_a_caption_and_unnamed_columns():
    """洋县: each cell on its own line ending in `|`, a line with only `|` opening each row, a caption
    cell and a line of pipes before 序号, columns no role names (建设地点, 年度投资金额(万元)). No task
    was found (未识别出任何工作任务)."""
    cells = ["附件:", "|", "洋县2024年十大民生实事项目清单 |", "||||||", "|", "序号 |", "项目名称 |", "建设地点 |",
             "建设时间 |", "2024年建设内容 |", "年度投资金额 (万元) |", "责任单位 |",
             "|", "1 |", "洋县中小学幼儿园基础设施提升改造项目 |", "相关镇 (街道) |", "2024 |",
             "对马畅中小等学校运动场地进行改造。 |", "300 |", "教体局 |",
             "|", "2 |", "城北小学门前道路建设项目 |", "纸坊街道 |", "2024 |", "建成唐塔北路延伸段道路。 |", "300 |",
             "住建局 |"]
    plan = parse_plan("洋县人民政府关于印发洋县2024年十大民生实事项目的通知\n" + "\n".join(cells) + "\n")
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [("1", ["教体局"]), ("2", ["住建局"])]
    assert plan.items[0].indicator == "洋县中小学幼儿园基础设施提升改造项目"


def test_a_project_list_names_each_task_by_its_project_name():
    """洋县 十大民生实事 (项目名称 / 建设地点 / 建设时间 / 2024年建设内容 / … / 责任单位): each task was titled by its
    建设内容 sentence, and filed under a section of its own named by the project; a 指标名称 (004) still groups."""
    cells = ["序号 |", "项目名称 |", "建设地点 |", "建设时间 |", "2024年建设内容 |", "年度投资金额 (万元) |", "责任单位 |",
             "|", "1 |", "洋县中小学幼儿园基础设施提升改造项目 |", "相关镇 (街道) |", "2024 |",
             "对马畅中小等学校运动场地进行改造。 |", "300 |", "教体局 |",
             "|", "2 |", "城北小学门前道路建设项目 |", "纸坊街道 |", "2024 |", "建成唐塔北路延伸段道路。 |", "300 |",
             "住建局 |"]
    plan = parse_plan("洋县2024年十大民生实事项目清单\n" + "\n".join(cells) + "\n")
    first, second = plan.items
    assert (first.title, second.title) == ("洋县中小学幼儿园基础设施提升改造项目", "城北小学门前道路建设项目")
    assert first.text == "洋县中小学幼儿园基础设施提升改造项目\n对马畅中小等学校运动场地进行改造。"
    assert first.section == second.section  # (one list, not a section a project)
    assert first.indicator == "洋县中小学幼儿园基础设施提升改造项目"


def test_cells_each_followed_by_a_line_of_pipes_with_numbered_task_cells_stay_numbered_items():
    """吴江: each cell then a line `|`, the tasks numbered in their cells (1.… 2.…). Read as one table
    it became one row holding every task; its numbered items are read as before (their units are not:
    left as it was)."""
    cells = ["序号", "项目", "重点工作目标任务", "牵头领导", "责任单位", "一、2024年全区经济社会发展主要预期目标", "||||",
             "1", "主要预期目标", "1.地区生产总值增长5%以上。", "钱 宇", "★区发改委、统计局",
             "2.一般公共预算收入同口径增长6%以上。", "★区财政局、税务局", "|||",
             "3.规上工业总产值增长5%左右。", "", "★区工信局、统计局"]
    text = "区政府2024年重点工作目标任务分解落实方案\n" + "\n".join(f"{c}\n|" for c in cells) + "\n"
    plan = parse_plan(text)
    assert [it.number for it in plan.walk()][-3:] == ["1", "2", "3"]


def test_a_plan_whose_paragraphs_were_joined_by_spaces_on_one_line():
    """A copy site or a mobile page runs the notice and the whole plan together, paragraphs joined by
    a space: its items, their unit lines, its 文号 and its date each start a line again."""
    text = " ".join([
        "某县人民政府办公室 关于印发2022年重点工作责任分解的通知 某政办发〔2022〕16号",
        "各镇人民政府,县政府各部门: 现将《重点工作责任分解》印发给你们,请认真贯彻执行。",
        "某县人民政府办公室 2022年4月18日 (此件公开发布) 2022年重点工作责任分解",
        "一、县长牵头重点工作 1.全县生产总值增长7.5%左右;城乡居民收入与经济增长基本同步。",
        "责任单位:县发改局(首位单位为牵头单位,下同)、县财政局、县税务局",
        "2.落实党政机关过紧日子的要求,严控“三公”经费,9月底前完成预算调整。 责任单位:县财政局",
        "二、常务副县长牵头重点工作 1.坚持县政府常务会议集体学法,发挥法律顾问作用。 责任单位:县司法局、县政府办",
    ])
    plan = parse_plan(text)
    got = [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items]
    assert got == [
        ("1", ["县发改局"], ["县发改局", "县财政局", "县税务局"]),
        ("2", ["县财政局"], ["县财政局"]),
        ("1", ["县司法局"], ["县司法局", "县政府办"]),
    ]
    assert [d.date.isoformat() for d in plan.items[1].deadlines] == ["2022-09-30"]
    assert plan.meta.doc_number == "某政办发〔2022〕16号" and plan.meta.year == 2022
    assert plan.meta.issued_on.isoformat() == "2022-04-18"


def test_a_long_paragraph_with_one_number_after_a_space_stays_whole():
    line = "推进政务服务改革，" * 20 + " 2.5倍于去年的办件量由窗口承担，" + "持续优化流程。" * 5
    assert split_joined(line) == line
    short = "一、总体要求 1.推进改革 2.优化服务"
    assert split_joined(short) == short  # a short line is one paragraph, whatever its spaces


def test_a_leaders_chapter_with_only_a_note_under_it_has_no_task():
    text = "\n".join([
        "2023年区政府工作报告重点工作责任分解",
        "一、某某区长牵头重点工作", "", "总负责。", "",
        "二、某某常务副区长牵头重点工作", "",
        "序号", "重点工作", "责任单位",
        "1", "地区生产总值增长6.5%。", "区发改局",
        "2", "一般公共预算收入增长与经济增长基本同步。", "区财政局",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [("1", ["区发改局"]), ("2", ["区财政局"])]


def test_a_table_of_the_years_expected_targets():
    """Every 政府工作报告 breakdown opens with its 预期目标 table."""
    text = "\n".join([
        "2022年区政府工作报告经济社会发展预期目标任务分解表",
        "序号", "2022年预期目标", "责任单位",
        "1", "地区生产总值增长5.5%左右", "区发展改革委",
        "2", "固定资产投资增长6%左右", "区发展改革委",
        "3", "社会消费品零售总额增长8%左右", "区商务委",
    ])
    plan = parse_plan(text)
    assert [(it.title, names(it.responsible_units)) for it in plan.items] == [
        ("地区生产总值增长5.5%左右", ["区发展改革委"]), ("固定资产投资增长6%左右", ["区发展改革委"]),
        ("社会消费品零售总额增长8%左右", ["区商务委"])]


def test_cells_each_followed_by_a_lone_pipe_with_group_headings_between_rows():
    """A copy of a 杭州 责任分解: every cell on its line, a `|` alone on the line after it, and each
    leader's group heading a row of its own. Read as text: two items, no unit."""
    cells = ["序号", "重点工作任务", "责任单位", "(一)某某市长牵头重点工作",
             "1", "抓好中央巡视反馈意见整改落实。", "市政府各直属单位",
             "2", "扛起全面从严治党主体责任。", "市政府各直属单位",
             "(二)某某常务副市长牵头重点工作",
             "3", "加快建设城西科创大走廊。", "城西科创产业集聚区管委会,市科技局、市发改委",
             "4", "推进人才创新创业服务综合体建设。", "市发改委、市人力社保局、团市委配合落实"]
    plan = parse_plan("2021年杭州市政府工作报告重点工作责任分解\n" + "\n|\n".join(cells) + "\n|\n")
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1", "抓好中央巡视反馈意见整改落实", ["市政府各直属单位"]),
        ("2", "扛起全面从严治党主体责任", ["市政府各直属单位"]),
        ("3", "加快建设城西科创大走廊", ["城西科创产业集聚区管委会", "市科技局", "市发改委"]),
        ("4", "推进人才创新创业服务综合体建设", ["市发改委", "市人力社保局", "团市委"]),
    ]


def test_a_row_short_of_cells_keeps_its_unit_list_in_the_unit_column():
    """A 推进情况 table whose row left its 全年目标任务 and 说明 cells empty: the cells are fitted from the
    right, and a unit list there is kept for the unit column, not taken by a progress column."""
    roles = ["target", "target", "person", "lead", "responsible", "progress", "progress", None, "remark"]
    values = ["优化提升50条背街后巷交通组织。", "徐国江", "城管局", "市政局、相关街道", "已进场施工,完成30%。",
              "已进场施工,完成60%。", "是"]
    out = fit_cells(values, roles)
    assert out[3:5] == ["城管局", "市政局、相关街道"] and out[0] == "优化提升50条背街后巷交通组织。"


def test_one_cell_per_paragraph_with_a_chapters_and_a_groups_rows_before_the_first_row():
    """A 广州 责任分工: 序号 / 重点工作 / 市政府 / 分管领导 / 牵头单位 / 配合单位 / 备注, then the chapter's row
    (`强化科技创新支撑能力。`) and its group's ((一) / 加强…) before row 1; 配合单位 names districts bare."""
    plan = parse_plan("\n\n".join([
        "2021年市政府工作报告部署工作责任分工",
        "序号", "重点工作", "市政府", "分管领导", "牵头单位", "配合单位", "备注",
        "强化科技创新支撑能力。", "(一)", "加强战略科技力量建设。",
        "1", "加快建设科技创新轴。", "王 东", "市科技局", "黄埔区、南沙区政府",
        "2", "全力做好国家实验室筹建保障服务工作。", "王 东", "市科技局", "市财政局,荔湾区、黄埔区政府",
        "(二)", "提升产业链现代化水平。",
        "3", "加快建设大湾区国家技术创新中心。", "王 东", "市科技局", "市发展改革委",
    ]))
    got = [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items]
    assert got == [
        ("1", ["市科技局"], ["市科技局", "黄埔区", "南沙区政府"]),
        ("2", ["市科技局"], ["市科技局", "市财政局", "荔湾区", "黄埔区政府"]),
        ("3", ["市科技局"], ["市科技局", "市发展改革委"]),
    ]


def test_no_number_column_and_the_leaders_between_the_task_and_its_units():
    """A 台州 责任分解: 目标任务 / 责任领导 / 责任单位, a chapter's row first, the number in the task cell,
    then one paragraph per leader, then the units. The leaders hid every unit."""
    plan = parse_plan("\n\n".join([
        "《政府工作报告》2018年目标任务责任分解", "目标任务", "责任领导", "责任单位", "一、主要预期指标",
        "1. 生产总值增长7.5%以上。", "董贵波", "市发改委、市经信委,各县(市、区)政府",
        "2. 一般公共预算收入增长与经济增长基本同步。", "董贵波", "郑敏强", "市财政局(市地税局)、市人力社保局",
    ]))
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [
        ("1", ["市发改委", "市经信委", "各县(市、区)政府"]), ("2", ["市财政局(市地税局)", "市人力社保局"])]


def test_a_department_plans_pipe_cells_with_an_unnamed_number_column_after_the_groups_cell():
    """A 信访局 政务公开 list: 工作任务 / 具体要求 / 责任科室 / 时限要求, each cell followed by a lone pipe, the
    group's (merged) cell printed before each group's first number, 持续推进 in the 时限 column."""
    cells = ["工作任务", "具体要求", "责任科室", "时限要求",
             "强化行政规范性文件集中规范公开", "1", "对行政规范性文件进行全面清理。", "办公室", "年底前",
             "深化政策解读形式", "2", "积极做好政策解读工作。", "各科室", "持续推进",
             "3", "丰富解读形式,做好图解。", "政策法规科", "6月底前"]
    plan = parse_plan("\n|\n".join(cells) + "\n|\n", year=2023)
    got = [(it.number, it.title, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines], it.unresolved)
           for it in plan.items]
    assert got == [
        ("1", "对行政规范性文件进行全面清理", ["办公室"], ["2023-12-31"], []),
        ("2", "积极做好政策解读工作", ["各科室"], [], ["持续推进"]),
        ("3", "丰富解读形式,做好图解", ["政策法规科"], ["2023-06-30"], []),
    ]
    assert [it.category for it in plan.items] == ["强化行政规范性文件集中规范公开", "深化政策解读形式", "深化政策解读形式"]


def test_pipe_rows_with_the_number_in_the_task_cell_and_the_groups_cell_on_its_first_row():
    plan = parse_plan("\n".join([
        "2023年政务公开工作要点",
        "工作任务 | 具体要求 | 责任部门 |",
        "一、做好财政信息公开。 | 1.积极推进本中心预算、决算及相关报表公开。 | 财务科 |",
        "二、做好政府网站专栏信息公开。 | 2.及时更新网站频道的各类型概况信息。 | 办公室 |",
        "3.及时反馈网民对调查征集信息的意见。 | 各科室 | |",
        "4.及时更新微信公众号信息。 | 办公室牵头,各科室配合 | |",
    ]))
    got = [(it.number, it.category, it.title, names(it.lead_units), names(it.responsible_units)) for it in plan.items]
    assert got == [
        ("1", "一、做好财政信息公开。", "积极推进本中心预算、决算及相关报表公开", [], ["财务科"]),
        ("2", "二、做好政府网站专栏信息公开。", "及时更新网站频道的各类型概况信息", [], ["办公室"]),
        ("3", "二、做好政府网站专栏信息公开。", "及时反馈网民对调查征集信息的意见", [], ["各科室"]),
        ("4", "二、做好政府网站专栏信息公开。", "及时更新微信公众号信息", ["办公室"], ["办公室", "各科室"]),
    ]


def test_a_unit_label_line_with_stray_spaces_inside_names():
    plan = parse_plan("\n".join([
        "2021年市政府工作报告重点工作任务", "一、重点任务",
        "1.加强城市风貌管理,推广海绵城市。", "    责任单位: 市 住建局 、资源规划 局、 大数据局 、 发展改革委、伏羲 山管委 会",
    ]))
    assert names(plan.items[0].responsible_units) == ["市住建局", "资源规划局", "大数据局", "发展改革委", "伏羲山管委会"]


def test_a_progress_column_after_the_units_and_a_task_column_named_by_its_work():
    plan = parse_plan("\n".join([
        "2020年民生实事任务分解表",
        "序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |",
        "1 | 推动义务教育优质均衡发展,增加义务教育学位5000个。 | 毛晓青 | 县教体局 各相关乡镇政府 | 新增学位5500个,城西高中已启动前期工作。 |",
        "2 | 扎实推进城乡供水一体化建设,年内启动6个乡镇供水管网建设。 | 张学伟 | 县住建局 | 金滩水厂建设基本完成,预计年底可投产。 |",
    ]))
    assert [(it.number, it.title[:6], names(it.responsible_units)) for it in plan.items] == [
        ("1", "推动义务教育", ["县教体局", "各相关乡镇政府"]), ("2", "扎实推进城乡", ["县住建局"])]
    plan = parse_plan("\n\n".join(["2023年责任清单", "序号", "主要工作", "责任单位",
                                   "1", "生产总值增长7.5%左右", "发改局,各部门", "2", "规上工业增加值增长8%", "经信局"]))
    assert [names(it.responsible_units) for it in plan.items] == [["发改局", "各部门"], ["经信局"]]


def test_pipe_cells_whose_number_column_counts_groups_and_whose_tasks_carry_their_numbers():
    """A 吴江 分解落实方案 copied from a mirror: 序号 / 项目 / 重点工作目标任务 / 牵头领导 / 责任单位, each cell
    followed by a lone pipe, the 序号 and 项目 cells merged over a group, each task numbered in its cell."""
    cells = ["序号", "项目", "重点工作目标任务", "牵头领导", "责任单位", "一、2024年全区经济社会发展主要预期目标",
             "1", "主要预期目标", "1.地区生产总值增长5%以上。", "钱 宇", "★区发改委、统计局",
             "2.一般公共预算收入同口径增长6%以上。", "★区财政局、税务局",
             "3.规上工业总产值增长5%左右。", "★区工信局、统计局",
             "2", "项目建设", "4.全社会固定资产投资增长5%左右。", "钱 宇", "★区发改委、统计局"]
    plan = parse_plan("区政府2024年重点工作目标任务分解落实方案\n" + "\n|\n".join(cells) + "\n|\n")
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1", "地区生产总值增长5%以上", ["区发改委", "统计局"]),
        ("2", "一般公共预算收入同口径增长6%以上", ["区财政局", "税务局"]),
        ("3", "规上工业总产值增长5%左右", ["区工信局", "统计局"]),
        ("4", "全社会固定资产投资增长5%左右", ["区发改委", "统计局"]),
    ]


def test_a_chapters_heading_with_its_first_section_on_its_line_and_a_rule_stated_mid_item():
    plan = parse_plan("\n".join([
        "2020年浙江省法治政府建设工作要点",
        "一、依法全面履行政府职能(一)依法依规做好疫情防控各项工作。贯彻落实决定,做好立法工作。"
        "(责任单位:省级有关部门,各市、县〔市、区〕政府按职责分工落实)加大执法力度。"
        "(责任单位:省司法厅、省市场监管局。列第一位的为牵头单位,下同)",
        "(二)深化“最多跑一次”改革。(责任单位:省委改革办、省级有关部门)",
    ]))
    one, two = plan.items
    assert (one.number, one.title) == ("一", "依法依规做好疫情防控各项工作")
    assert [names(c.lead_units) for c in one.children] == [[], ["省司法厅"]]  # the rule holds from its statement on
    assert names(two.lead_units) == ["省委改革办"]


def test_an_extract_of_a_table_with_a_chapter_row_before_its_first_row_and_main_responsible_units():
    plan = parse_plan("\n\n".join([
        "区教育局2025年政府工作报告重点工作任务分解表",
        "序号", "重点工作任务", "主要责任单位", "协同配合单位", "一、2025年经济社会发展的主要预期目标",
        "3", "固定资产投资增长7.5%左右。", "区发改委", "区工信局、区教育局",
        "4", "社会消费品零售总额增长6%。", "区商务局", "区教育局",
    ]))
    assert [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("3", ["区发改委"], ["区发改委", "区工信局", "区教育局"]), ("4", ["区商务局"], ["区商务局", "区教育局"])]


def test_chapter_rows_inside_a_one_cell_per_paragraph_table_and_an_extracts_gaps():
    """A bureau's extract of its district's 分解表: the chapters' rows stay inside the table (several in a
    row where it kept none of their rows), and its rows are numbered as in the whole table (3, 68, 69)."""
    plan = parse_plan("\n\n".join([
        "区教育局2025年政府工作报告重点工作任务分解表",
        "序号", "重点工作任务", "主要责任单位", "协同配合单位",
        "一、2025年经济社会发展的主要预期目标",
        "3", "固定资产投资增长7.5%左右。", "区发改委", "区教育局",
        "二、坚定不移抓项目", "三、全力推进改革", "四、保障和改善民生",
        "68", "持续推进学前教育普及普惠,加快建设黎明学校。", "区教育局", "各乡镇人民政府",
        "69", "深化与海亮集团合作,积极引进优质教育资源。", "区教育局", "区投资促进中心",
    ]))
    assert [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("3", ["区发改委"], ["区发改委", "区教育局"]),
        ("68", ["区教育局"], ["区教育局", "各乡镇人民政府"]),
        ("69", ["区教育局"], ["区教育局", "区投资促进中心"]),
    ]


def test_pipe_rows_under_two_levels_of_headings_numbered_in_the_deepest():
    """中山 医保局 分工方案: `工作要求 | 一级要点 | 二级要点 | 责任科室`, the two heading cells on their
    group's first row only, the tasks numbered in the 二级要点 cell — no table was seen (二级要点 no
    header word), the headings became tasks and the unit cells were lost."""
    plan = parse_plan("\n".join([
        "2022年政务公开工作要点分工方案",
        "工作要求 | 一级要点 | 二级要点 | 责任科室 |",
        "一、优化政务公开工作基础 | (一)深化规范性文件集中公开。 | 1.规范行政法规使用。 | 法规和基金监管科牵头,办公室配合 |",
        "2.摸清本单位规范性文件底数。 | 办公室牵头,各科室按职责分工落实 | |",
        "(二)持续推进基层政务公开标准化。 | 3.推动主动公开目录的动态更新。 | 办公室牵头,各科室按职责分工落实 | |",
    ]))
    assert [(it.number, it.title, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("1", "规范行政法规使用", ["法规和基金监管科"], ["法规和基金监管科", "办公室"]),
        ("2", "摸清本单位规范性文件底数", ["办公室"], ["办公室", "各科室"]),
        ("3", "推动主动公开目录的动态更新", ["办公室"], ["办公室", "各科室"]),
    ]


def test_a_space_separated_table_whose_header_is_spaced_letter_by_letter():
    """国办 分工: `序号 工 作 任 务 牵头负责部门` — no header was seen (工, 作, 任, 务 four cells) and nothing was read."""
    plan = parse_plan("\n".join([
        "2016年政府工作报告量化指标任务分工",
        "序号 工 作 任 务 牵头负责部门",
        "1 居民消费价格涨幅3%左右 发展改革委",
        "2 城镇新增就业1000万人以上 人力资源社会保障部",
        "3 安排财政赤字2.18万亿元,赤字率提高到3% 财政部",
    ]))
    assert [(it.number, it.title, names(it.lead_units)) for it in plan.items] == [
        ("1", "居民消费价格涨幅3%左右", ["发展改革委"]),
        ("2", "城镇新增就业1000万人以上", ["人力资源社会保障部"]),
        ("3", "安排财政赤字2.18万亿元,赤字率提高到3%", ["财政部"]),
    ]


def test_space_separated_rows_under_chapter_and_section_lines_with_a_unit_a_line():
    """铜梁: the chapter's line right under the header ended the table before its first row, a section's
    line swallowed the rows after it, and a cell of several units, one a line, with the progress
    sentence after it gave no unit."""
    plan = parse_plan("\n".join([
        "2025年区政府工作报告目标任务上半年推进情况汇总表",
        "序号 目标任务 责任单位 上半年推进情况",
        "一、经济社会发展主要预期目标",
        "1 地区生产总值增长6%以上。 区发展改革委 地区生产总值同比增长2.9%。",
        "2 第一产业增加值增长5%。 区农业农村委", "区林业局", "区供销联社", "第一产业增加值同比增长3.4%。",
        "二、重点工作", "(一)以创建国家高新区为抓手,更大力度推动科技创新",
        "3 实施高能级创新平台建设行动。 区科技局 全面启动国家高新区创建工作",
    ]))
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1", "地区生产总值增长6%以上", ["区发展改革委"]),
        ("2", "第一产业增加值增长5%", ["区农业农村委", "区林业局", "区供销联社"]),
        ("3", "实施高能级创新平台建设行动", ["区科技局"]),
    ]


def test_pipe_cells_with_two_names_stacked_in_one_cell():
    """吴江 2024: the 牵头领导 cell `王 嵘` / `方 勇` on two lines before its pipe ended the table there; the
    tasks after it went to 未识别的段落 and the unit cell before it was lost."""
    cells = ["序号", "项目", "重点工作目标任务", "牵头领导", "责任单位",
             "1", "主要预期目标", "1.地区生产总值增长5%以上。", "钱 宇", "★区发改委、统计局",
             "2.主要污染物排放总量削减完成上级下达任务。", "王 嵘\n方 勇", "★生态环境局",
             "3.不发生重特大生产安全责任事故。", "方 勇", "★区应急管理局"]
    plan = parse_plan("区政府2024年重点工作目标任务分解落实方案\n" + "\n|\n".join(cells) + "\n|\n")
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [
        ("1", ["区发改委", "统计局"]), ("2", ["生态环境局"]), ("3", ["区应急管理局"])]
    assert plan.skipped == []


@pytest.mark.parametrize("text", [
    # a year's report of a 法治政府 (numbered achievements), under a site's column 工作报告
    "工作报告\n2020年静海区法治政府建设情况报告\n一、主要工作\n(一)加强组织领导\n1.加强党对法治政府建设的领导。区委常委会研究部署。\n"
    "2.健全依法决策机制。全年审查重大行政决策12件。\n",
    # an inspection bulletin: the problems found, numbered
    "关于留坝县创森迎检工作督查情况的通报\n现将突出问题通报如下:\n1.未见到县上对推进会精神的传达和安排部署情况。\n"
    "2.去年底就全面安排的创森迎检方案,至今仍未形成系统化的方案。\n",
    # a bulletin whose title is in the page's record
    "文件名称 | 2022年第八次县政府常务会议确定事项落实情况的通报 | ||\n一、总体情况\n确定事项22件,截至9月14日,已办结6件。\n",
])
def test_a_report_or_bulletin_naming_no_unit_is_refused_with_what_it_is(text):
    """工作总结, 情况报告, 督查通报: numbered achievements or problems were imported as tasks with no unit."""
    with pytest.raises(ImportFailure, match="这是一篇工作报告或通报"):
        parse_plan(text, year=2020)


def test_a_bulletin_that_assigns_units_is_still_read():
    plan = parse_plan("关于重点工作落实情况的通报\n一、整改要求\n1.加快推进项目建设。(牵头单位:区发改局)\n", year=2022)
    assert [names(it.responsible_units) for it in plan.items] == [["区发改局"]]


def test_a_table_numbered_under_任务项_with_a_status_column_last():
    """相山 2024: 任务项 (the rows' numbers) and 完成状况 (a status, the last column) were no header cells,
    so the rows were read as text, their units lost; a unit cell `A及B` is two units (each ends like one)."""
    text = ("相山区城管局2024年第四季度重点工作任务完成情况\n\n任务项\n\n重点工作内容\n\n牵头责任单位\n\n四季度任务分解\n\n"
            "四季度进展情况\n\n完成状况\n\n1\n\n开展市容秩序专项整治行动。\n\n区城管大队法制办及街道城管中队\n\n"
            "1.启动专项整治。2.开展商业大街环境治理专项行动\n\n1.召开调度会。2.开展专项治理行动。\n\n已完成\n\n"
            "2\n\n深入推进生活垃圾分类工作。\n\n区环卫所(垃圾分类管理办)\n\n开展督查考核1次。\n\n开展督查考核1次。\n\n已完成\n")
    assert table_items(parse_plan(text)) == [
        ("1", "开展市容秩序专项整治行动", ["区城管大队法制办", "街道城管中队"], ["区城管大队法制办", "街道城管中队"], []),
        ("2", "深入推进生活垃圾分类工作", ["区环卫所(垃圾分类管理办)"], ["区环卫所(垃圾分类管理办)"], []),
    ]


@pytest.mark.parametrize("cell", ["各县(市、区)党委和人民政府", "高新区党工委和管委会"])
def test_a_body_named_bare_after_和_stays_with_the_place_before_it(cell):
    assert split_units(cell) == split_table_units(cell) == [cell]


def test_glued_rows_with_a_leader_column_and_units_with_nothing_between_them():
    """钟楼 2021 on a sharing site: header and rows glued with no separator at all, the 区政府分管领导's name
    between the content and the units, the units run together (教育局经开区高新园(邹区镇)各街道), a row of two
    sub-rows each with its leader and units, a merged cell's sentences after the units, the header again.
    No row was read: the header's 区政府分管领导 ended it, and the units stayed in the text."""
    text = ("2021年重大民生实事项目目标任务责任分解表序号项目名称主要内容区政府分管领导牵头单位配合单位"
            "1增加教育资源供给新建学校12个。何海平教育局经开区高新园(邹区镇)各街道市国有公司"
            "2老城厢复兴发展完成纪念馆提升工程。何海平文体旅局晋陵公司轨道公司推进大庙弄核心区改造。芮春祥住建局五星街道南大街街道"
            "3优化养老服务为23000名老年人提供居家上门服务。张菁民政局高新园(邹区镇)各街道提升改造8家养老服务中心。"
            "序号项目名称主要内容区政府分管领导牵头单位配合单位4文体惠民行动新建2家书苑。王伟人社局区财政局")
    rows = [(i.number, names(i.lead_units), names(i.responsible_units)) for i in parse_plan(text).items]
    assert rows == [
        ("1", ["教育局"], ["教育局", "经开区", "高新园(邹区镇)", "各街道", "市国有公司"]),
        ("2", ["文体旅局", "住建局"], ["文体旅局", "住建局", "晋陵公司", "轨道公司", "五星街道", "南大街街道"]),
        ("3", ["民政局"], ["民政局", "高新园(邹区镇)", "各街道"]),
        ("4", ["人社局"], ["人社局", "区财政局"]),
    ]
    assert all("何海平" not in i.text and "芮春祥" not in i.text for i in parse_plan(text).items)  # persons, not text


@pytest.mark.parametrize("glued, units", [
    ("县政府办公室县财政局", "县政府办公室、县财政局"),
    ("高新区管委会区财政局", "高新区管委会、区财政局"),
    ("区委组织部市委宣传部", "区委组织部、市委宣传部"),
    ("区发改局", None),  # one name: nothing to split
    ("推进大庙弄核心区改造", None),  # words of a sentence
])
def test_units_run_together_are_cut_where_a_name_ends(glued, units):
    assert glued_units(glued) == units


def test_unnumbered_tasks_each_followed_by_its_unit_line_are_numbered_in_order():
    """浙江 2017 责任分解 reprinted as news: no task has a number, each is followed by its 责任单位 line, the
    first of which states the lead rule. It was refused (未识别出任何工作任务)."""
    text = ("近日，省政府办公厅印发2017年政府工作报告重点工作责任分解的通知。\n车俊省长牵头重点工作\n"
            "加快推进“最多跑一次”改革。全面推进简政放权。\n"
            "责任单位:省政府办公厅、省编办,各市政府(列第一位者为工作牵头或汇总单位,下同)\n"
            "深化行政执法体制改革。\n责任单位:省编办、省法制办\n")
    plan = parse_plan(text)
    assert [(i.number, i.title, names(i.lead_units), names(i.responsible_units)) for i in plan.items] == [
        ("1", "加快推进“最多跑一次”改革", ["省政府办公厅"], ["省政府办公厅", "省编办", "各市政府"]),
        ("2", "深化行政执法体制改革", ["省编办"], ["省编办", "省法制办"]),
    ]
    assert plan.meta.year == 2017 and "没有编号" in plan.warnings[0]


def test_a_text_with_one_unit_line_and_no_numbered_task_is_still_refused():
    with pytest.raises(ImportFailure, match="未识别出任何工作任务"):
        parse_plan("关于做好防汛工作的通知\n各单位要认真做好防汛值班工作。\n责任单位:区应急管理局\n")


def test_a_unit_column_before_the_content_with_its_units_one_a_paragraph():
    """万盛 2026: 序号 / 事项名称 / 责任单位 / 事项内容, row 1's three units one a paragraph: they were glued into
    its content, and the row had no unit."""
    text = ("万盛经开区2026年重点民生实事工作目标任务\n\n序号\n\n事项名称\n\n责任单位\n\n事项内容\n\n"
            "1\n\n实施中心城区生活服务圈建设\n\n万盛街道\n\n东林街道\n\n万东镇\n\n完成生活服务圈建设,持续提升功能设施便捷度。\n\n"
            "2\n\n实施老旧小区居住品质提升工程\n\n住房城乡建设局\n\n完成老旧小区改造;完成50台老旧电梯更新改造。\n")
    items = parse_plan(text).items
    assert [names(i.responsible_units) for i in items] == [["万盛街道", "东林街道", "万东镇"], ["住房城乡建设局"]]
    assert items[0].title == "实施中心城区生活服务圈建设"  # the 事项名称 names the task, its 事项内容 follows
    assert items[0].text == "实施中心城区生活服务圈建设\n完成生活服务圈建设,持续提升功能设施便捷度。"


def test_a_label_lines_unit_name_wrapped_onto_the_next_line_is_one_name():
    """石景山 2019, a PDF's hard wraps: `协办单位:…、园区党工` / `委、各街道党工委` gave 园区党工 and lost the rest."""
    plan = parse_plan("2019年任务分解方案\n一、党建\n1.完善街道党工委领导体制机制。\n牵头单位:区委组织部\n"
                      "协办单位:区委编办、区民政局(区委社会工委)、园区党工\n委、各街道党工委\n"
                      "2.构建四级党建工作体系。\n牵头单位:区委组织部\n协办单位:区委编办\n")
    assert names(plan.items[0].responsible_units) == [
        "区委组织部", "区委编办", "区民政局(区委社会工委)", "园区党工委", "各街道党工委"]
    assert [i.number for i in plan.items] == ["1", "2"]


def test_an_assessment_list_with_its_scoring_bureau_and_a_measure_column():
    """嵊泗 2021 乡村振兴任务清单: 考核项目 before 序号, 考核指标 merged over rows, a 单位 column of measures
    (%, 万亩) sometimes left empty, the 责任部门 one unit a paragraph, and the 评分部门 (the city's bureau
    that scores the county) last. The table was not found; read as text, the 评分部门 were responsible
    units and the targets (≥2%, 0.07) the tasks."""
    text = ("2021年嵊泗县乡村振兴任务清单\n考核项目\n序号\n考核指标\n考核内容\n单位\n年度目标\n责任部门\n评分部门\n"
            "农业高质高效\n1\n确保粮食和重要农产品有效供给\n农林牧渔业增加值增幅\n%\n≥2%\n县海洋与渔业局\n县农业农村局\n"
            "市海洋渔业局\n2\n农业劳动生产率及增幅\n万元/人\n全市统筹\n县海洋与渔业局\n县农业农村局\n市海洋渔业局\n"
            "3\n粮食播种面积\n万亩\n0.07\n县农业农村局\n市农业农村局\n4\n建设美丽牧场\n0\n县农业农村局\n市农业农村局\n")
    rows = [(i.number, i.title, names(i.responsible_units)) for i in parse_plan(text).items]
    assert rows == [
        ("1", "农林牧渔业增加值增幅", ["县海洋与渔业局", "县农业农村局"]),
        ("2", "农业劳动生产率及增幅", ["县海洋与渔业局", "县农业农村局"]),
        ("3", "粮食播种面积", ["县农业农村局"]),
        ("4", "建设美丽牧场", ["县农业农村局"]),
    ]


def test_a_chapter_with_its_task_and_lead_given_by_label_lines_is_the_task():
    """商丘 2023 民生实事: `一、…` / `主要任务:…` / `牵头单位:…` (a page's `展开全文` between two): each label line
    was a task of its own, the 主要任务 one with no unit, the 牵头单位 one with no text."""
    plan = parse_plan("2023年商丘市重点民生实事工作方案\n一、开展职业技能培训和评价取证\n主要任务:完成技能培训22.5万人次。\n"
                      "牵头单位:市人力资源社会保障局\n二、改善居民居住环境\n主要任务:全市建成安置房1.8万套。\n"
                      "牵头单位:市住房城乡建设局\n展开全文\n三、提高妇女儿童健康保障水平\n主要任务:年底前实现筛查率达到65%\n")
    assert [(i.number, i.title, names(i.lead_units), [d.date.isoformat() for d in i.deadlines]) for i in plan.items] == [
        ("一", "开展职业技能培训和评价取证", ["市人力资源社会保障局"], []),
        ("二", "改善居民居住环境", ["市住房城乡建设局"], []),
        ("三", "提高妇女儿童健康保障水平", [], ["2023-12-31"]),
    ]


def test_an_item_whose_text_starts_with_a_figure_keeps_its_number():
    """通山 2022: `1、1路、2路公交车…` lost its number (a figure after `1、` read as a list of numbers); a
    span of months (宁波民政 2021: `3、4月份工作推进情况`) still starts no item."""
    plan = parse_plan("2022年创文问题整改清单\n一、公交车\n1、1路、2路公交车未设置公益广告。\n(责任单位:交通运输局)\n"
                      "3、4月份工作推进情况\n2、3号站台破损。\n(责任单位:住建局)\n(编辑:谭茜 二审:唐成 终审:阮班新)\n")
    assert "编辑" not in plan.items[-1].text  # the page's editors: no task's text (it was an unnumbered task)
    assert [(i.number, names(i.responsible_units)) for i in plan.items] == [("1", ["交通运输局"]), ("2", ["住建局"])]


def test_a_table_of_a_cell_a_line_each_closed_by_its_pipe_with_blank_lines_between():
    """定州 2021: an HTML table pasted one cell a line, each cell's pipe after it, blank lines between and
    the 序号 header cell over two lines (序 / 号 |). The blank line ended the table at its caption; read
    one cell a line instead, the pipes were cells and row 3's two-line unit cell was lost (its units were
    carried from row 2, with a warning)."""
    def row(*cells):  # each cell, its pipe on the line below, a blank line (two spaces) after it
        return "|\n" + "".join(f"{c}\n  \n" if c.endswith("|") else f"{c}\n|\n  \n" if c else "|\n  \n" for c in cells)

    text = ("关于建立健全政务数据共享协调机制的重点任务责任分工  |\n||||\n"
            + row("序\n号  |", "工作任务", "牵头单位", "责任单位", "完成时限")
            + row("1", "成立政务数据共享协调推进机制。", "市行政审批局", "市直相关部门", "2021年9月底")
            + row("2", "指定专门处室负责政务数据共享工作。", "市直相关部门", "", "2021年9月底")
            + row("3", "建设政务数据共享应用平台。", "市政务数据共享协调机制", "市直相关部门\n各乡镇(街道)  |", "2021年12月底"))
    plan = parse_plan(text)
    assert table_items(plan) == [
        ("1", "成立政务数据共享协调推进机制", ["市行政审批局"], ["市行政审批局", "市直相关部门"], ["2021-09-30"]),
        ("2", "指定专门处室负责政务数据共享工作", ["市直相关部门"], ["市直相关部门"], ["2021-09-30"]),
        ("3", "建设政务数据共享应用平台", ["市政务数据共享协调机制"], ["市政务数据共享协调机制", "市直相关部门", "各乡镇(街道)"],
         ["2021-12-31"]),
    ]
    assert not any("沿用" in w for w in plan.warnings)


def test_paragraphs_each_closed_by_their_units_bracket_are_two_tasks():
    """宿迁 2025: two unnumbered measures under 一、, each closed by `(牵头单位:…;责任单位:…)`, were joined
    into one (a paragraph of 30 characters or more was read as cut by a page break)."""
    plan = parse_plan("2025年若干措施\n一、规范涉企行政检查\n\n实行行政检查“一网统管”。推进综合监管。(牵头单位:市司法局;责任单位:市数据局)\n\n"
                      "实行分级分类监管。对信用等级为优的企业坚持无事不扰原则。(牵头单位:市发展改革委;责任单位:市司法局)\n")
    assert [(i.title, names(i.lead_units)) for i in plan.items] == [
        ("实行行政检查“一网统管”", ["市司法局"]), ("实行分级分类监管", ["市发展改革委"])]


def test_a_space_separated_row_whose_first_unit_cell_runs_over_lines_and_closes_with_a_full_stop():
    """谯城 2025: `2 一般公共预算收入增长5%左右。 区财政局` / `区税务局` / `区政府有关部门,…,魏武国控集团。` — the
    row had no unit cell (the 协同 cell's closing 。 made it read as a sentence) and took row 1's units."""
    text = ("谯城区2025年政府工作报告重点工作任务分解表\n序号 重点工作任务 主要责任单位 协同配合单位\n"
            "1 地区生产总值增长6.5%左右。 区发改委 区政府各部门,各乡镇人民政府、街道办事处。\n"
            "2 一般公共预算收入增长5%左右。 区财政局\n区税务局\n区政府有关部门,谯城经开区管委会,魏武国控集团。\n"
            "3 社会消费品零售总额增长8.2%左右。 区商务局 区发改委、区市场监管局。\n")
    plan = parse_plan(text)
    assert table_items(plan)[1] == ("2", "一般公共预算收入增长5%左右", ["区财政局", "区税务局"],
                                    ["区财政局", "区税务局", "区政府有关部门", "谯城经开区管委会", "魏武国控集团"], [])
    assert not any("沿用" in w for w in plan.warnings)


def test_a_pipe_table_cut_off_by_the_page_in_a_rows_first_cell_keeps_the_row():
    text = ("任务分工\n|\n序号\n|\n工作任务\n|\n牵头单位\n|\n\n|\n1\n|\n\n建设共享平台。\n|\n\n市数据局\n|\n\n|\n2\n|\n\n"
            "提升电子政务外网覆盖度,打造覆盖市")
    assert [(i.number, i.title) for i in parse_plan(text).items] == [("1", "建设共享平台"), ("2", "提升电子政务外网覆盖度,打造覆盖市")]


def test_a_rows_leaders_one_a_paragraph_fill_the_leader_column_only():
    """钟楼 2022: three 区政府分管领导 one a paragraph (王旭锋 / 胡金芳 / 王行杰) before the row's units and a second
    sub-row: the second and third leaders were taken for the unit cells (empty) and the third was read as a
    sub-row's content."""
    roles = ["target", "target", "person", "lead", "responsible"]
    cells = ["四大功能区建设", "(1)老城复兴样板区要见成效。", "王旭锋", "胡金芳", "王行杰", "住建局", "新闸街道、五星街道",
             "(2)数字经济先导区要树标杆。"]
    assert fit_rows(cells, roles)[0] == [
        "四大功能区建设", "(1)老城复兴样板区要见成效。", "王旭锋、胡金芳、王行杰", "住建局", "新闸街道、五星街道"]


def test_a_pipe_table_headed_名称_明细_whose_first_row_runs_over_lines_each_opened_by_a_pipe():
    """南白象街道 2023: `序号 | 名称 | 明细 | 负责科室 | 执行落实情况 |` was no task table (名称 and 明细 named
    no column) and the page was refused; row 1 printed `1 | 名称` / `| 明细` / `| 党建办` lost its unit."""
    text = ("序号 | 名称 | 明细 | 负责科室 | 执行落实情况 |\n1 | 金竹锦园“共享社幸福里”建设\n| 该项目位于金竹锦园2幢1楼,面积592平方米。\n"
            "| 党建办\n| 已于10月份完成并对外开放。\n2 | 霞坊安置房交付 | 涉及995户、1949套安置房。 | 城建办 | 已交付。 |\n")
    assert table_items(parse_plan(text)) == [
        ("1", "金竹锦园“共享社幸福里”建设", [], ["党建办"], []), ("2", "霞坊安置房交付", [], ["城建办"], [])]


def test_a_unit_list_spaced_after_a_电视台():
    assert split_table_units("市委社会工作部 市广播电视台 市地震局") == ["市委社会工作部", "市广播电视台", "市地震局"]


def test_a_space_separated_table_whose_header_words_are_spaced_off_their_qualifier():
    """青阳 2023: `牵头  领导 牵头         责任单位 主体          责任单位 …` named no lead column (牵头 and 责任单位
    two cells), and a row with its last columns empty or cut off lost its units."""
    text = ("2023年县政府重点工作责任清单进展情况汇总表\n"
            "序号 2023年重点工作任务 牵头  领导 牵头         责任单位 主体          责任单位 配合         责任单位 工作评价 备注\n"
            "85 新增托育机构2所以上。 吴蓓蓓 县卫健委 有关乡镇 县直有关单位 已完成\n"
            "87 创建全国中医药示范县。 吴蓓蓓 县卫健委 县卫健委 县直有关单位\n")
    assert [(i.number, names(i.lead_units), names(i.responsible_units)) for i in parse_plan(text).items] == [
        ("85", ["县卫健委"], ["县卫健委", "有关乡镇", "县直有关单位"]), ("87", ["县卫健委"], ["县卫健委", "县直有关单位"])]


def test_unit_labels_for_two_levels_read_the_plans_own():
    """A city's plan naming the province's counterpart of each task: `省牵头单位:` / `市牵头单位:` / `市责任单位:`
    named no unit at all (labels with a level before them)."""
    plan = parse_plan("2023年工作要点\n一、改革\n1.推进数字政府建设。\n省牵头单位:省大数据局\n市牵头单位:市数据局\n"
                      "市责任单位:市发改委、市财政局\n2.优化营商环境。\n省牵头单位:省发展改革委\n市牵头单位:市发改委\n")
    assert [(i.number, names(i.lead_units), names(i.responsible_units)) for i in plan.items] == [
        ("1", ["市数据局"], ["市数据局", "市发改委", "市财政局"]), ("2", ["市发改委"], ["市发改委"])]


def test_a_project_row_cut_off_by_the_page_mid_cell_keeps_its_first_cells_and_is_named_for_a_check():
    """洋县 2024 ends `6 |` / `职教中心小江分校区建设项目 |` / `磨子桥镇 |` / `2024 |` / `改造小江初中现有教学楼和学生宿舍等,`:
    read from the right, the place was its title and the cut 建设内容 its unit (改造小江初中现有教学楼和学生宿舍)."""
    cells = ["序号 |", "项目名称 |", "建设地点 |", "建设时间 |", "2024年建设内容 |", "年度投资金额 (万元) |", "责任单位 |",
             "|", "5 |", "高标准农田建设项目 |", "谢村镇 |", "2024 |", "实施田块整治500亩。 |", "4930 |", "农业农村局 |",
             "|", "6 |", "职教中心小江分校区建设项目 |", "磨子桥镇 |", "2024 |", "改造小江初中现有教学楼和学生宿舍等,"]
    plan = parse_plan("洋县2024年十大民生实事项目清单\n" + "\n".join(cells) + "\n")
    last = plan.items[-1]
    assert (last.title, last.responsible_units) == ("职教中心小江分校区建设项目", [])
    assert last.text == "职教中心小江分校区建设项目\n改造小江初中现有教学楼和学生宿舍等,"
    assert any(w.startswith("表格序号6") and "没有责任单位" in w for w in plan.warnings)


def test_a_tab_row_cut_off_by_the_page_mid_cell_names_no_unit():
    """The same row in a tab-separated table: its cut 建设内容 was read, from the right, as its unit."""
    plan = parse_plan("洋县2024年十大民生实事项目清单\n序号\t项目名称\t建设地点\t建设时间\t2024年建设内容\t年度投资金额(万元)\t责任单位\n"
                      "5\t高标准农田建设项目\t谢村镇\t2024\t实施田块整治500亩。\t4930\t农业农村局\n"
                      "6\t职教中心小江分校区建设项目\t磨子桥镇\t2024\t改造小江初中现有教学楼和学生宿舍等,\n")
    assert [(it.title, names(it.responsible_units)) for it in plan.items] == [
        ("高标准农田建设项目", ["农业农村局"]), ("职教中心小江分校区建设项目", [])]


def test_one_section_run_on_after_a_sentence_ends_is_a_paragraph_of_its_own():
    """马屿 2024 prints two sections on one line, `…集聚高地。 (二)坚定不移扩框架…(责任部门:镇村规划建设办公室等) 依托…`:
    (二) was read as part of (一), which took both units; a paragraph with one numbered aside stays whole."""
    body = "全力拼抢重大项目,加快发展以视觉健康、生物医药、健康食品等为主导的大健康产业,争取完成净升规10家,税收回归1000万元。"
    plan = parse_plan("2024年马屿镇工作要点\n"
                      f"(一)坚定不移壮产业,全力筑牢经济发展支撑(责任部门:经济发展办公室等) {body}打造优质企业、优秀人才集聚高地。 "
                      f"(二)坚定不移扩框架,全力推动城镇能级跃升(责任部门:镇村规划建设办公室等) 依托省级小城市培育,系统推进新一轮城镇开发建设。\n")
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [
        ("一", ["经济发展办公室"]), ("二", ["镇村规划建设办公室"])]


def test_a_pipe_line_under_a_row_with_its_number_cell_merged_goes_on_with_the_rows_task():
    """柯桥 2023: `1 | 新改扩建公办中小学校1所 | 教体局 | … |` then `新增学位810个 | |||||` (the rest of the task cell,
    its 序号 merged over both lines) — the line was dropped, the task's second target lost."""
    plan = parse_plan("2023年度省政府民生实事涉我区工作任务一季度进展情况\n"
                      "序号 | 工作任务 | 责任单位 | 一季度目标 |\n"
                      "1 | 新改扩建公办中小学校1所 | 教体局 | 室内安装 |\n"
                      "新增学位810个 | |||||\n"
                      "2 | 完成一对一结对帮扶学校2所 | 教体局 | 互派人员到位 |\n", year=2023)
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [("1", ["教体局"]), ("2", ["教体局"])]
    assert "新增学位810个" in plan.items[0].text
