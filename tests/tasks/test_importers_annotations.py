"""Generic annotation forms offices receive from other bodies — one rule each."""

import pytest

from tasks.importers import ImportFailure, YearNeeded, parse_plan
from tasks.importers.annotations import (
    FIRST_LEADS_RE,
    LabelledBracketRule,
    LeadPhraseBracketRule,
    RuleContext,
    SubjectRule,
    TrailingListRule,
    find_annotations,
)
from tasks.importers.units import AliasTable
from tests.tasks.importer_helpers import names

CTX = RuleContext(AliasTable())


def units(text, rule=None):
    anns = rule.find(text, CTX) if rule else find_annotations(text, CTX)
    return [[(u, lead) for u, lead in a.units] for a in anns]


def one_item_plan(body: str, **kw):
    return parse_plan(f"2021年某区工作要点\n一、主要任务\n1.{body}", **kw)


def test_lead_and_responsible_labels_in_full_width_parentheses():
    got = units("推进某项改革。（牵头单位：区发改局；责任单位：区财政局、区住建局）", LabelledBracketRule())
    assert got == [[("区发改局", True), ("区财政局", False), ("区住建局", False)]]


def test_tortoise_brackets_half_width_colon_and_comma():
    got = units("推进某项改革。〔牵头单位:市建委,责任单位:市审管办〕", LabelledBracketRule())
    assert got == [[("市建委", True), ("市审管办", False)]]


def test_responsible_only_bracket_has_no_lead_without_the_first_unit_rule():
    assert units("某事。【责任单位：区财政局、区数管局】", LabelledBracketRule()) == [
        [("区财政局", False), ("区数管局", False)]
    ]
    ctx = RuleContext(AliasTable(), first_unit_leads=True)
    anns = LabelledBracketRule().find("某事。【责任单位：区财政局、区数管局】", ctx)
    assert anns[0].units[0] == ("区财政局", True)


def test_first_unit_rule_phrase():
    assert FIRST_LEADS_RE.search("【责任单位：A、B；列第一个单位的均为牵头单位】")
    assert FIRST_LEADS_RE.search("排在第一位的为牵头单位")


def test_a_leads_b_and_c_by_duty():
    got = units("推进某项改革。（区发改局牵头，区财政局、区住建局按职责分工负责）", LeadPhraseBracketRule())
    assert got == [[("区发改局", True), ("区财政局", False), ("区住建局", False)]]


def test_two_leads_and_a_collective_that_cooperates():
    got = units("推进某项改革（区发改局、区财政局牵头，各有关部门配合）", LeadPhraseBracketRule())
    assert got == [[("区发改局", True), ("区财政局", True), ("各有关部门", False)]]


def test_trailing_list_first_unit_leads():
    got = units("推进某项改革。（区发改局、区财政局）", TrailingListRule())
    assert got == [[("区发改局", True), ("区财政局", False)]]


def test_in_text_parentheses_are_not_unit_lists():
    for text in (
        "加强各级行政服务中心(便民服务中心)标准化建设。",
        "向区、县(市)延伸。",
        "占比不低于50%(负面清单项目除外)。",
        "公布事项清单(含“跑零次”事项清单)。",
        "取消总质量4.5吨（含）及以下普通货运车辆。",
    ):
        assert find_annotations(text, CTX) == [], text


def test_subject_paragraph_with_partner():
    got = units("省财政厅负责非税收入工作；会同省地税局推进行政征收等工作。", SubjectRule())
    assert got == [[("省财政厅", True), ("省地税局", False)]]


def test_several_annotations_make_sub_tasks_and_the_parent_gets_the_union():
    plan = one_item_plan("推进某改革。做甲事。（区发改局、区财政局）6月底前做乙事。（区住建局牵头，区财政局配合）")
    it = plan.items[0]
    assert len(it.children) == 2
    assert names(it.lead_units) == ["区发改局", "区住建局"]
    assert names(it.responsible_units) == ["区发改局", "区财政局", "区住建局"]
    assert it.children[0].deadlines == []
    assert [d.date.isoformat() for d in it.children[1].deadlines] == ["2021-06-30"]
    assert it.children[1].title == "6月底前做乙事"


def test_plan_with_labelled_annotation_end_to_end():
    plan = one_item_plan("推进某改革，9月底前完成。（牵头单位：区发改局；责任单位：区财政局、各镇街）")
    it = plan.items[0]
    assert it.title == "推进某改革，9月底前完成"
    assert names(it.lead_units) == ["区发改局"]
    assert names(it.responsible_units) == ["区发改局", "区财政局", "各镇街"]
    assert it.responsible_units[2].kind == "collective"
    assert it.deadlines[0].what == "完成"


def test_unknown_units_are_listed_for_review_and_caller_aliases_apply():
    text = "推进某改革。（牵头单位：区大数据局；责任单位：区财政局）"
    assert one_item_plan(text).unknown_units == ["区大数据局"]
    plan = one_item_plan(text, aliases={"区大数据局": "区数管局"})
    assert names(plan.items[0].lead_units) == ["区数管局"]
    assert plan.unknown_units == []


def test_year_override_and_missing_year_warning():
    plan = parse_plan("某区工作要点\n一、主要任务\n1.推进某改革，6月底前完成。", year=2022)
    assert plan.meta.year == 2022 and plan.meta.year_source == "override"
    assert plan.items[0].deadlines[0].date.isoformat() == "2022-06-30"
    # no year anywhere and a date that needs one: the year is asked for, never taken from today
    with pytest.raises(YearNeeded, match="--year") as exc:
        parse_plan("某区工作要点\n一、主要任务\n1.推进某改革，6月底前完成。")
    assert "6月底前" in str(exc.value) and isinstance(exc.value, ImportFailure)
    # no year and no date that needs one: today's year, with a warning
    plan = parse_plan("某区工作要点\n一、主要任务\n1.推进某改革。")
    assert plan.meta.year_source == "today"
    assert any("--year" in w for w in plan.warnings)


def test_year_from_the_documents_own_words():
    item = "\n一、主要任务\n1.推进某改革，6月底前完成。"
    assert parse_plan("某区工作要点\n某办〔2016〕13号" + item).meta.year == 2016
    cited = "根据《某市关于印发某方案的通知》(某政发〔2016〕13号),制定本方案。"
    assert parse_plan("某区工作要点\n" + cited + item).meta.year_source == "notice"
    assert parse_plan("某区工作要点\n发布日期:2018-07-09 浏览次数:" + item).meta.year == 2018
    assert parse_plan("某区工作要点\n对2020年已达标的街道提档升级。" + item).meta.year == 2021
    mentioned = parse_plan("某区工作要点\n一、主要任务\n1.2021年是开局之年，推进某改革，6月底前完成。")
    assert (mentioned.meta.year, mentioned.meta.year_source) == (2021, "mentioned")
    # a plan that is one table: the year its rows write (a progress column, 余杭), not a refusal
    table = parse_plan("序号 | 重点工作 | 牵头单位 | 完成情况 |\n"
                       "1 | 全年引培名师100名。 | 区教育局 | 2023年引培名师120名。 |\n"
                       "2 | 入选省级攻关项目25项。 | 区科技局 | 入选2023年度攻关项目25项。 |\n")
    assert (table.meta.year, table.meta.year_source) == (2023, "mentioned")
    assert [d.date.isoformat() for d in table.items[0].deadlines] == ["2023-12-31"]


def test_no_items_is_an_import_failure():
    with pytest.raises(ImportFailure, match="未识别出任何工作任务"):
        parse_plan("这是一封普通的信。\n没有任何编号。")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公布权力清单。(市编办牵头,市法制办、各区政府配合,6月底前完成)",
         [("市编办", True), ("市法制办", False), ("各区政府", False)]),
        ("全面公开预决算。(市财政局牵头,各区政府、市政府各部门负责,持续推进)",
         [("市财政局", True), ("各区政府", False), ("市政府各部门", False)]),
    ],
)
def test_a_time_clause_inside_a_lead_bracket_does_not_hide_the_partners(text, expected):
    assert units(text, LeadPhraseBracketRule()) == [expected]


def test_a_trailing_bracket_of_one_unit_and_its_deadline_names_the_unit():
    assert units("全面公开行政审批事项目录。(市审改办负责,2016年9月底前)", TrailingListRule()) == [
        [("市审改办", True)]
    ]
    assert units("公布2016年版权力清单。(2016年9月底前)", TrailingListRule()) == []


# --- the debris a printed task text leaves out (labels.strip_annotations) ---------------------------

@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("探索合作。【责任单位：区审管办（跑改办）、区数管局】2020年9月底前打造典范。【责任单位：区发改局】",
         "探索合作。2020年9月底前打造典范。"),
        ("推进证明减免(牵头单位:市跑改办,责任单位:市X局)并完成", "推进证明减免并完成"),
        ("推进就近办\n牵头单位:区审管办\n责任单位:各镇街\n完成时间:2018年12月15日前", "推进就近办"),
        ("建成后试运营。 牵头领导:林静国 责任单位:市X局", "建成后试运营。"),
        ("2个环节7份材料46天内办结(含法定公告期45天)", "2个环节7份材料46天内办结(含法定公告期45天)"),
    ],
)
def test_strip_annotations_leaves_the_task_text_a_reader_wants(text, clean):
    from tasks.importers.labels import strip_annotations

    assert strip_annotations(text) == clean


def test_a_unit_line_after_a_run_of_measures_is_the_whole_runs():
    plan = parse_plan(
        "2017年应急体系建设任务分解\n一、“一案三制”建设\n1.完善应急预案体系\n"
        "(1)加强应急预案管理,规范应急预案编制。\n(2)推进应急预案“精编化”。\n(3)加强应急预案演练。\n"
        "(责任单位:市直各有关单位、各县(市、区)人民政府)\n"
        "2.健全应急管理体制\n(1)完善应急管理机构。(责任单位:市应急局)\n(2)加强基层应急能力建设。\n"
    )
    units = {item.title: [u.as_written for u in item.responsible_units] for item in plan.walk()}
    shared = ["市直各有关单位", "各县(市、区)人民政府"]
    assert units["加强应急预案管理,规范应急预案编制"] == shared
    assert units["推进应急预案“精编化”"] == shared
    assert units["加强应急预案演练"] == shared
    # a unit annotation at the end of its own sentence stays its own item's
    assert units["完善应急管理机构"] == ["市应急局"]
    assert units["加强基层应急能力建设"] == []


def test_a_unit_bracket_never_closed_runs_to_the_end_of_the_text():
    plan = parse_plan(
        "河池市2024年优化营商环境工作要点\n一、提升市场准入便利度\n"
        "1.深化商事制度改革。年底前实现企业开办全程网办。〔牵头单位:市市场监管局、市发展改革委;"
        "配合单位:市公安局、市税务局"
    )
    (item,) = plan.walk()
    assert [u.as_written for u in item.lead_units] == ["市市场监管局", "市发展改革委"]
    assert [u.as_written for u in item.responsible_units] == ["市市场监管局", "市发展改革委", "市公安局", "市税务局"]
    assert [d.date.isoformat() for d in item.deadlines] == ["2024-12-31"]


def test_a_note_naming_the_lead_after_a_sentence_gives_the_lead_not_a_unit_named_so():
    """`（区发改局为牵头单位）` was read as one unit named 区发改局为牵头单位; `（*为牵头单位）`, which
    says what a star means, as a unit named 为牵头单位."""
    ctx = RuleContext(AliasTable())
    assert [a.units for a in find_annotations("推进政务服务。（区发改局、区财政局为牵头单位）", ctx)] == [
        (("区发改局", True), ("区财政局", True))]
    assert find_annotations("推进政务服务。\n（*为牵头单位）", ctx) == []


def test_a_heading_naming_its_units_gives_them_to_its_items_that_name_none():
    plan = parse_plan(
        "木兰县优化营商环境工作方案\n二、任务分工\n"
        "(一)构建法治环境保障体系(总牵头单位:县委依法治县委员会办公室)\n"
        "1.各级领导干部要切实增强法治、规则、契约意识。\n"
        "2.深化行政复议体制改革。(牵头单位:县司法局)\n"
        "(二)优化政务服务\n3.推进一网通办。\n"
    )
    first, second, third = plan.items
    assert names(first.lead_units) == names(first.responsible_units) == ["县委依法治县委员会办公室"]
    assert names(second.responsible_units) == ["县司法局"]  # its own
    assert third.responsible_units == []  # its heading names none
    assert any("未标注责任单位" in w and "3" in w for w in plan.warnings)


def test_a_list_that_shares_the_work_by_duty_names_no_lead():
    assert units("推进某项改革。(省发展改革委、省财政厅等按职责分工负责)", TrailingListRule()) == [
        [("省发展改革委", False), ("省财政厅等", False)]]  # (as written: the unit's name has no 等)
    ctx = RuleContext(AliasTable(), first_unit_leads=True)  # unless the plan says the first one leads
    (ann,) = TrailingListRule().find("推进某项改革。(省发展改革委、省财政厅等按职责分工负责)", ctx)
    assert ann.units[0] == ("省发展改革委", True)


@pytest.mark.parametrize("opener,closer", [("(", ")"), ("〔", "〕"), ("（", "）")])
def test_a_unit_with_its_other_name_in_brackets_keeps_the_list(opener, closer):
    got = units(f"加快推进重大项目建设。{opener}省委军民融合办、省水利厅、省数据局(省营商局){closer}")
    assert got == [[("省委军民融合办", True), ("省水利厅", False), ("省数据局(省营商局)", False)]]
    got = units("加快推进项目建设。(省数据局(省营商局)、省水利厅牵头,省财政厅配合)")
    assert got == [[("省数据局(省营商局)", True), ("省水利厅", True), ("省财政厅", False)]]


def test_chapters_that_close_with_their_units_are_the_tasks():
    """A 政府工作报告 分工方案 numbers its tasks 一、二、 with nothing under them."""
    plan = parse_plan("\n".join([
        "2025年省《政府工作报告》重点工作分工方案",
        "一、对经济社会发展预期目标完成情况进行监测和督导。(省发展改革委、省财政厅等按职责分工负责)",
        "二、深入实施15项重大工程。〔省委军民融合办、省水利厅、省数据局(省营商局)〕",
        "三、加快建设现代化产业体系。(省工业和信息化厅负责)",
        "四、坚持稳中求进工作总基调。",  # no units: a heading, not a task
        "(一)深化国资国企改革。(省国资委牵头,省财政厅配合)",
    ]))
    got = [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items]
    assert got == [
        ("一", [], ["省发展改革委", "省财政厅"]),
        ("二", ["省委军民融合办"], ["省委军民融合办", "省水利厅", "省数据局(省营商局)"]),
        ("三", ["省工业和信息化厅"], ["省工业和信息化厅"]),
        ("一", ["省国资委"], ["省国资委", "省财政厅"]),
    ]
    assert "“一、对经济社会发展预期目标完成情况进行监测和”未标注牵头单位。" in plan.warnings


def test_leaders_named_by_their_posts_first_in_a_bracket_are_no_units():
    got = units("确保万元GDP能耗下降2.5%。(分管副省长、协管副秘书长负责,省发展改革委牵头,省工业和信息化厅、省统计局等按职责分工负责)")
    assert got == [[("省发展改革委", True), ("省工业和信息化厅", False), ("省统计局等", False)]]


def test_a_bracket_in_angle_brackets_is_one_collective():
    plan = one_item_plan("地区生产总值增长7.5%。(牵头单位:市发改委;责任单位:各区人民政府〈含开发区、风景区〉、市统计局)")
    assert names(plan.items[0].responsible_units) == ["市发改委", "各区人民政府（含开发区、风景区）", "市统计局"]


@pytest.mark.parametrize(
    ("body", "leads", "units_"),
    [
        ("地区生产总值增长6%以上。\n部门分工:省发展改革委牵头,各地、各部门配合。", ["省发展改革委"],
         ["省发展改革委", "各地", "各部门"]),
        ("兰州城市轨道交通项目。由某副市长负责,市建设局牵头,市发改委配合,按照要求抓紧推进。", ["市建设局"],
         ["市建设局", "市发改委"]),
    ],
)
def test_a_lead_phrase_written_in_the_sentence_names_the_partners_too(body, leads, units_):
    (item,) = one_item_plan(body).items
    assert names(item.lead_units) == leads and names(item.responsible_units) == units_


def test_a_unit_label_whose_value_is_a_lead_phrase():
    plan = one_item_plan("严控一般性支出。\n责任单位:省政府办公厅、省财政厅牵头,省商务厅、省文化广电和旅游厅"
                         "(除标注为“牵头”单位外,列第一位的为牵头或汇总单位,下同)")
    (item,) = plan.items
    assert names(item.lead_units) == ["省政府办公厅", "省财政厅"]
    assert names(item.responsible_units) == ["省政府办公厅", "省财政厅", "省商务厅", "省文化广电和旅游厅"]


def test_a_part_grouped_under_its_lead_unit_gives_the_unit_to_its_items():
    plan = parse_plan("\n".join([
        "2025年县政府工作报告重点工作任务分解",
        "一、县示范区管委会牵头工作(2项)",
        "1.投资3000万元建设工厂化循环水养殖基地。", "2.建设农产品冷链物流中心。",
        "二、某某县长牵头重点工作",  # a leader, not a unit
        "1.全面完成年度目标任务。",
    ]))
    assert [(it.number, names(it.lead_units)) for it in plan.items] == [
        ("1", ["县示范区管委会"]), ("2", ["县示范区管委会"]), ("1", [])]


def test_a_goals_chapter_whose_sections_name_their_units_is_read():
    """嘉鱼: `一、2021年经济社会发展主要目标` with `(一)地区生产总值增长11%。[牵头单位:…]` was skipped as
    goals prose (only its 1. items were looked at): nothing was read."""
    plan = parse_plan("2021年政府工作报告目标任务分解\n一、2021年经济社会发展主要目标\n"
                      "(一)地区生产总值增长11%。[牵头单位:县发改局(粮食局);责任单位:各镇人民政府,嘉鱼经济开发区]\n"
                      "(二)地方公共预算收入增长32%。(牵头单位:县财政局;责任单位:县税务局)\n")
    assert [(it.number, names(it.lead_units)) for it in plan.items] == [("一", ["县发改局(粮食局)"]), ("二", ["县财政局"])]


def test_host_and_co_host_units_and_a_lead_phrase_cut_off_by_the_page():
    """玄武: `(A、B主办,C、D协办)` gave 区税务局主办 and 徐管委协办 as units and one lead; the last bracket,
    cut off by the page in a unit's name, gave no unit at all. 成都: `数据提供单位:` stayed on its unit."""
    plan = parse_plan("2023年重点工作任务分解\n一、目标\n1.一般公共预算收入增长。(区财政局、区税务局主办,各街道办事处、徐管委协办)\n"
                      "2.地区生产总值增长。(牵头领导:谢瑞武,牵头单位:市发改委,数据提供单位:市统计局)\n"
                      "3.当年计划完成投资167亿元。(区发改委主办,区教育局、区建设局、城建集")
    first, second, third = plan.items
    assert (names(first.lead_units), names(first.responsible_units)) == (
        ["区财政局", "区税务局"], ["区财政局", "区税务局", "各街道办事处", "徐管委"])
    assert (names(second.lead_units), names(second.responsible_units)) == (["市发改委"], ["市发改委", "市统计局"])
    assert (names(third.lead_units), names(third.responsible_units)) == (["区发改委"], ["区发改委", "区教育局", "区建设局"])


def test_a_name_cut_off_in_its_ending_where_the_page_ends_is_no_unit():
    plan = parse_plan("2021年民生实事项目\n一、交通\n1.建设公路。\n主办单位:县交通运输局,协办单位:连江交通建设发展有")
    assert names(plan.items[0].responsible_units) == ["县交通运输局"]


def test_a_name_in_a_bracket_the_page_leaves_open_is_no_unit_where_it_looks_like_none():
    """嘉鱼 2021: `[牵头单位:县发改局(粮食局)、县农业农` (the page ends) gave the lead 县农业农."""
    cut = parse_plan("2021年重点工作责任分解\n一、目标\n(一)收入增长。[牵头单位:县发改局(粮食局)、县农业农")
    assert (names(cut.items[0].lead_units), names(cut.items[0].responsible_units)) == (
        ["县发改局(粮食局)"], ["县发改局(粮食局)"])
    whole = parse_plan("2021年重点工作责任分解\n一、目标\n(一)收入增长。[牵头单位:县发改局、临平新城]")
    assert names(whole.items[0].responsible_units) == ["县发改局", "临平新城"]  # a closed bracket: as printed


def test_units_that_share_the_work_without_a_lead():
    """济南–临沂: `(A牵头,B、C分工负责)` lost B and C and cut 两 off A (read as `市市委宣传部牵头` in the
    sentence); `(A、B分工负责)` gave no unit (党校 ended like no unit) — and names no lead."""
    plan = parse_plan("2023年合作任务分工\n一、文化\n1.助力红色文化传播。(两市市委宣传部牵头,两市市委组织部、文化和旅游局分工负责)\n"
                      "2.开展现场教学。(两市市委组织部、市委党校分工负责)\n")
    first, second = plan.items
    assert (names(first.lead_units), names(first.responsible_units)) == (
        ["两市市委宣传部"], ["两市市委宣传部", "两市市委组织部", "文化和旅游局"])
    assert (names(second.lead_units), names(second.responsible_units)) == ([], ["两市市委组织部", "市委党校"])


def test_a_lead_rule_after_a_comma_in_the_unit_bracket_is_no_unit():
    """韶关 降本政策 (traditional): `(責任單位:市稅務局、市財政局,排在首位的爲牽頭單位,下同)` gave four units,
    two of them the rule's words; the rule itself was read (the first unit leads, here and below)."""
    plan = parse_plan("2019年政策措施\n一、政策措施\n1.落实车船税政策。(责任单位:市税务局、市财政局,排在首位的为牵头单位,下同)\n"
                      "2.降低用电成本。(责任单位:市发展改革局、供电局)\n")
    assert [(names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        (["市税务局"], ["市税务局", "市财政局"]), (["市发展改革局"], ["市发展改革局", "供电局"])]


def test_a_remark_after_a_full_stop_in_a_lead_phrase_bracket_is_no_unit_and_keeps_the_others():
    """佳木斯 水污染防治: `[市水务局牵头,市工信委、城乡建设局配合,各县(市)区政府负责落实。以下均需各县(市)区政府
    落实,…不再列出)]` gave the lead alone (the remark made the whole bracket no unit list)."""
    plan = parse_plan("2018年度水污染防治重点工作实施方案\n一、工作任务\n1.控制用水总量。强化用水监督管理。"
                      "[市水务局牵头,市工信委、城乡建设局配合,各县(市)区政府负责落实。以下均需各县(市)区政府落实,"
                      "区政府无相关工作职能的,由市政府直属责任部门负责相关工作,不再列出)]\n")
    [item] = plan.items
    assert (names(item.lead_units), names(item.responsible_units)) == (
        ["市水务局"], ["市水务局", "市工信委", "城乡建设局", "各县(市)区政府"])


def test_a_lead_named_inside_a_labelled_bracket():
    """安全生产 工作要点: `(责任单位:区安委办牵头,区工委组织部、区发改局…协同)` — no lead, and `区安委办牵头`
    a unit with its verb."""
    plan = parse_plan("2024年安全生产工作要点\n一、重点任务\n(一)加强督导检查。每年开展督导。"
                      "(责任单位:区安委办牵头,区工委组织部、区发改局协同)\n")
    [item] = plan.items
    assert (names(item.lead_units), names(item.responsible_units)) == (
        ["区安委办"], ["区安委办", "区工委组织部", "区发改局"])


def test_a_time_label_after_the_units_in_one_bracket_and_a_group_joined_by_he():
    """宿迁: `〔责任单位:市财政局、市各有关部门和单位,各县(区)人民政府,完成时限:全年〕` — `完成时限:全年` was a
    unit, and `市各有关部门和单位` was rewritten `市各有关部门、单位`."""
    plan = parse_plan("2024年优化营商环境工作要点\n一、重点任务\n1.落实减税降费政策。"
                      "〔责任单位:市财政局、市各有关部门和单位,各县(区)人民政府,完成时限:全年〕\n")
    [item] = plan.items
    assert [u.as_written for u in item.responsible_units] == ["市财政局", "市各有关部门和单位", "各县(区)人民政府"]
    assert [d.date.isoformat() for d in item.deadlines] == ["2024-12-31"]


def test_a_note_nested_in_the_unit_bracket_and_a_shared_role_before_a_semicolon():
    """镇江 2022: `(A、B等按职责分工负责;C,D〔以下均需各地落实〕)` gave no unit at all (the nested note), and
    `(A、B按职责分工负责;C,D)` made A the lead (the shared role is only read at the bracket's end)."""
    noted = parse_plan("2022年若干措施\n(一)稳定就业。延续实施政策。"
                       "(市人社局、市财政局等按职责分工负责;市政府办公室,市发改委〔以下均需各地落实,不再单独列出〕)\n")
    assert (names(noted.items[0].lead_units), names(noted.items[0].responsible_units)) == (
        [], ["市人社局", "市财政局", "市政府办公室", "市发改委"])
    shared = parse_plan("2022年若干措施\n(一)稳定就业。延续实施政策。(市人社局、市财政局按职责分工负责;市政府办公室)\n")
    assert names(shared.items[0].lead_units) == []


def test_a_lead_phrase_bracket_whose_others_include_cities_named_bare():
    """银川都市圈 2019: `(自治区交通运输厅牵头,自治区发展改革委、自然资源厅、银川市、石嘴山市、…配合)` was no unit
    bracket (银川市 looked like no unit), and a fallback read `区交通运输厅` as the only unit."""
    plan = parse_plan("2019年工作计划\n一、基础\n(一)道路畅通工程。保障道路安全畅通。"
                      "(自治区交通运输厅牵头,自治区发展改革委、银川市、石嘴山市、吴忠市人民政府配合)\n")
    assert (names(plan.items[0].lead_units), names(plan.items[0].responsible_units)) == (
        ["自治区交通运输厅"], ["自治区交通运输厅", "自治区发展改革委", "银川市", "石嘴山市", "吴忠市人民政府"])


def test_a_rule_that_the_units_before_the_comma_lead():
    """六安: `逗号前为牵头单位,下同` — the units before a list's first comma lead, in every later list (brackets,
    label lines, bare lists); a list with no comma names none. No lead was read at all."""
    plan = parse_plan("2023年工作要点\n一、改革\n1.推进数字政府建设。(责任单位:市数据局、市发改委,市财政局;逗号前为牵头单位,下同)\n"
                      "2.优化营商环境。(责任单位:市发改委,市市场监管局、市商务局)\n3.推进改革。\n责任单位:市财政局、市审计局,市教育局\n"
                      "4.深化改革。(市委编办,市司法局)\n5.完善制度。(责任单位:市司法局、市财政局)\n")
    assert [(i.number, names(i.lead_units)) for i in plan.items] == [
        ("1", ["市数据局", "市发改委"]), ("2", ["市发改委"]), ("3", ["市财政局", "市审计局"]), ("4", ["市委编办"]), ("5", [])]
    assert names(plan.items[0].responsible_units) == ["市数据局", "市发改委", "市财政局"]  # the rule is no unit
