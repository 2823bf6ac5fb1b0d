"""Unit splitting, the alias table and kind/level guesses."""

import pytest

from tasks.importers import parse_plan
from tasks.importers.units import (
    AliasTable,
    guess_kind,
    guess_level,
    looks_like_unit,
    split_table_units,
    split_units,
    without_etc,
)
from tests.tasks.importer_helpers import names

TABLE = AliasTable()


def test_split_keeps_nested_collective_whole():
    assert split_units("市建委、市审管办,各区、县(市)政府及管委会") == [
        "市建委", "市审管办", "各区、县(市)政府及管委会",
    ]


def test_split_keeps_alias_parentheses():
    assert split_units("区审管办（跑改办）、区数管局、区级有关部门") == ["区审管办（跑改办）", "区数管局", "区级有关部门"]


def test_split_accepts_full_width_commas_and_trailing_full_stop():
    assert split_units("各相关区级部门，各镇人民政府，各街道办事处") == ["各相关区级部门", "各镇人民政府", "各街道办事处"]
    assert split_units("设置基层站所的区级部门。") == ["设置基层站所的区级部门"]


def test_table_cells_space_wraps_one_unit():
    assert split_table_units("人行杭州 中心支行", TABLE) == ["人行杭州中心支行"]
    assert split_table_units("市规划和 自然资源局", TABLE) == ["市规划和自然资源局"]
    assert split_table_units("国网杭州 供电公司", TABLE) == ["国网杭州供电公司"]
    assert split_table_units("市直各有关 执法单位", TABLE) == ["市直各有关执法单位"]
    assert split_table_units("各改革领域 工作专班", TABLE) == ["各改革领域工作专班"]
    assert split_table_units("国家统计局 杭州调查队", TABLE) == ["国家统计局杭州调查队"]
    assert split_table_units("各区、县(市) 政府及管委会", TABLE) == ["各区、县(市)政府及管委会"]


def test_table_cells_space_separates_units():
    assert split_table_units("市审管办 市委编办", TABLE) == ["市审管办", "市委编办"]
    assert split_table_units("市法院 仲裁办 市市场监管局", TABLE) == ["市法院", "仲裁办", "市市场监管局"]
    assert split_table_units("市委督查室 市政府督查室", TABLE) == ["市委督查室", "市政府督查室"]
    assert split_table_units("市发改委、 市规划和 自然资源局 市建委", TABLE) == [
        "市发改委", "市规划和自然资源局", "市建委",
    ]


def test_unknown_wrapped_unit_joined_by_suffix_heuristic():
    assert split_table_units("某某市新 能源集团 某区财政局", AliasTable(use_defaults=False)) == ["某某市新能源集团", "某区财政局"]


def test_default_aliases():
    for written, canonical in {
        "区审管办（跑改办）": "区审管办",
        "区审管办(跑改办)": "区审管办",
        "区审管办（招管办）": "区审管办",
        "区跑改办": "区审管办",
        "区“跑改办”": "区审管办",
        "区公安分局": "区公安局",
        "人民银行萧山支行": "人行萧山支行",
        "市卫生健康委员": "市卫生健康委",
        "省发展改革委（省审改办）": "省发展改革委",
        "区卫计局": "区卫健局",
    }.items():
        ref = TABLE.resolve(written)
        assert (ref.name, ref.as_written, ref.known) == (canonical, written, True)


def test_caller_aliases_override_defaults_and_unknowns_are_flagged():
    table = AliasTable({"区跑改办": "区委改革办"})
    assert table.resolve("区跑改办").name == "区委改革办"
    ref = table.resolve("区大数据局")
    assert (ref.name, ref.known) == ("区大数据局", False)


def test_kind_and_level_guesses():
    assert guess_kind("各镇街") == "collective"
    assert guess_kind("区级有关部门") == "collective"
    assert guess_kind("各区、县(市)政府及管委会") == "collective"
    assert guess_kind("国网萧山供电公司") == "enterprise"
    assert guess_kind("市华数集团") == "enterprise"
    assert guess_kind("人行萧山支行") == "department"
    assert guess_kind("益农镇") == "town"
    assert guess_kind("区市场监管局") == "department"
    assert [guess_level(n) for n in ("省编办", "市建委", "区数管局", "县审管办", "益农镇人民政府", "钱江海关")] == [
        "province", "city", "district", "county", "town", None,
    ]


@pytest.mark.parametrize(
    "written, units",
    [
        # the deadline written last inside the unit bracket is a date, not a unit
        ("州司法局、州委编办,各县市人民政府,6月底完成", ["州司法局", "州委编办", "各县市人民政府"]),
        ("州税务局,2020年9月底前", ["州税务局"]),
        ("区发改局、区财政局，年底前完成", ["区发改局", "区财政局"]),
        ("区发改局，长期坚持", ["区发改局"]),
        # a bare noun after 、 shares the words before it: one group, never 单位 alone
        ("市直有关部门、单位,各区市政府、开发区管委", ["市直有关部门、单位", "各区市政府", "开发区管委"]),
        ("各相关部门、单位", ["各相关部门、单位"]),
    ],
)
def test_a_unit_list_leaves_out_its_deadline_and_keeps_a_shared_prefix(written, units):
    assert split_units(written) == units


@pytest.mark.parametrize(
    "written, units",
    [
        # an 等 tail of two nouns is one tail: 单位 is no unit (北仑 2024's 配合单位 cells)
        ("区公共项目建设管理中心、区国有资产管理中心等部门、单位", ["区公共项目建设管理中心", "区国有资产管理中心"]),
        ("区城市建设投资集团有限公司等部门、单位,大碶街道", ["区城市建设投资集团有限公司", "大碶街道"]),
        ("区财政局等相关部门和单位", ["区财政局"]),
        ("省发展改革委、省能源局等省有关部门", ["省发展改革委", "省能源局"]),  # 等省有关部门 as 等省级有关部门 (广东 2023)
        ("市应急管理局、市消防救援支队等市各相关行政执法机关", ["市应急管理局", "市消防救援支队"]),  # (宿迁 2025)
        ("市直有关部门、单位,各区市政府", ["市直有关部门、单位", "各区市政府"]),  # a bare noun: one group
    ],
)
def test_an_etc_tail_of_two_nouns_is_one_tail_in_a_list_and_in_a_table_cell(written, units):
    assert [without_etc(u) for u in split_units(written)] == units
    assert [without_etc(u) for u in split_table_units(written)] == units


def test_a_table_cell_ending_in_an_etc_tail_of_two_nouns_names_no_unit_单位():
    text = ("2024年区政府工作主要任务分解\n\n序号\n\n目标任务\n\n牵头单位\n\n配合单位\n\n1\n\n完成基础设施投资50亿元。\n\n"
            "区发改局\n\n区公共项目建设管理中心、区国有资产管理中心等部门、单位\n\n2\n\n新建学校3所。\n\n区教育局\n\n"
            "区城市建设投资集团有限公司等部门、单位,大碶街道\n")
    items = parse_plan(text).items
    assert [names(i.responsible_units) for i in items] == [
        ["区发改局", "区公共项目建设管理中心", "区国有资产管理中心"], ["区教育局", "区城市建设投资集团有限公司", "大碶街道"]]


def test_units_that_each_lead_their_part_are_all_leads():
    """`分别牵头`, a 浙江 责任分解's wording: 市农业农村局分别牵头 was proposed as a new unit."""
    for annotation in ("\n责任单位:市人力社保局、市农业农村局分别牵头\n", "(市人力社保局、市农业农村局分别牵头,市财政局配合)\n"):
        item = parse_plan("2023年工作要点\n一、改革\n1.推进就业。" + annotation).items[0]
        assert names(item.lead_units) == ["市人力社保局", "市农业农村局"]
        assert names(item.responsible_units)[:2] == ["市人力社保局", "市农业农村局"]


def test_a_person_named_first_in_the_bracket_leaves_its_units_read():
    """`(牵头区领导:刘胜、夏东;牵头单位:区发展改革局;…)` was no unit bracket at all (it opens with no unit label)."""
    item = parse_plan("2022年工作要点\n一、改革\n1.形成一批重大制度创新。"
                      "(牵头区领导:刘胜、夏东;牵头单位:区发展改革局;责任单位:区司法局)\n").items[0]
    assert names(item.lead_units) == ["区发展改革局"]
    assert names(item.responsible_units) == ["区发展改革局", "区司法局"]


def test_a_level_prefix_alone_is_no_unit():
    """A list cut off at the end of a page (`责任单位:市`): 市 was proposed as a new unit and a lead."""
    assert split_units("市发改委、市") == ["市发改委"]
    item = parse_plan("2023年工作要点\n一、改革\n1.推进某事。\n责任单位:市\n").items[0]
    assert item.responsible_units == []


def test_a_bracket_naming_a_person_first_and_cut_off_by_the_page_is_read_to_the_end():
    item = parse_plan("2022年工作要点\n一、改革\n1.形成一批重大制度创新。"
                      "(牵头区领导:刘胜、夏东;牵头单位:区发展改革局;").items[0]
    assert names(item.lead_units) == names(item.responsible_units) == ["区发展改革局"]


def test_labels_joined_by_a_comma_on_one_line_and_a_flag_glued_to_a_unit():
    """慈溪: `牵头领导:市长、副市长,责任单位:…` read no unit (a person label first), `牵头单位:市发改局,配合单位:…`
    gave a lead named 配合单位:市经信局; 乐清: `市跑改办▲` kept its flag."""
    plan = parse_plan("2021年目标任务责任分解\n一、目标\n(一)地区生产总值增长7%\n"
                      "牵头领导:市长、副市长,责任单位:市发改局、市统计局、各镇(街道)。\n(二)一般公共预算收入增长6.5%\n"
                      "牵头单位:市发改局,配合单位:市经信局\n(三)推进改革。(牵头单位:市跑改办▲、市审管办;责任单位:市级涉批单位)\n")
    first, second, third = plan.items
    assert (names(first.lead_units), names(first.responsible_units)) == ([], ["市发改局", "市统计局", "各镇(街道)"])
    assert (names(second.lead_units), names(second.responsible_units)) == (["市发改局"], ["市发改局", "市经信局"])
    assert names(third.lead_units) == ["市跑改办", "市审管办"]


@pytest.mark.parametrize(
    ("written", "units"),
    [
        # collectives only: one group as printed (咸阳 2022), as 各县(市、区)党委和人民政府 is
        ("市级各有关部门及各县市区政府按职责分工负责", ["市级各有关部门及各县市区政府"]),
        ("市各有关部门和各区县人民政府", ["市各有关部门和各区县人民政府"]),
        ("市发改委及各县市区政府", ["市发改委", "各县市区政府"]),  # a unit in particular: two
        ("州司法局、州委编办及州直相关单位", ["州司法局", "州委编办", "州直相关单位"]),
        ("省数据局(省营商局)以及省财政厅", ["省数据局(省营商局)", "省财政厅"]),
        ("各区、县(市)政府及管委会", ["各区、县(市)政府及管委会"]),  # a collective stays whole
        ("区发改局及时上报", ["区发改局及时上报"]),  # 及时: what follows is no unit
        ("省财政厅、河南银保监局等相关部门", ["省财政厅", "河南银保监局"]),
        ("省财政厅等有关单位", ["省财政厅"]),
        ("区发改局、区科技局等区级有关部门", ["区发改局", "区科技局"]),
        ("经济投资局和航空口岸局、区发改局", ["经济投资局", "航空口岸局", "区发改局"]),
        ("区住房和城乡建设局、区人力资源和社会保障局", ["区住房和城乡建设局", "区人力资源和社会保障局"]),
        ("市统计局,各乡、镇人民政府,人民大垸、荒湖管理区", ["市统计局", "各乡、镇人民政府", "人民大垸", "荒湖管理区"]),
        ("▲招商投资促进中心,各部门,各镇乡(", ["招商投资促进中心", "各部门"]),  # cut off by the page
        ("市发改委、各区人民政府（含开发区、", ["市发改委", "各区人民政府"]),  # cut in its qualifier (武汉 2022)
        ("市发改委、区商务(含", ["市发改委"]),  # (what is before it no unit's name)
    ],
)
def test_units_joined_by_ji_and_a_closing_deng(written, units):
    assert [without_etc(u) for u in split_units(written)] == units


@pytest.mark.parametrize(
    "written, name",
    [
        ("市自然资源规划局等市级有关部门", "市自然资源规划局"),  # (宁波 2025)
        ("市财政局等市级相关单位", "市财政局"),  # (西安 2024)
        ("市住建局等政府各有关", "市住建局"),  # the group's words cut off by the page (荆州 2022)
        ("市卫生健康委等", "市卫生健康委"),
        ("区发改局等10个部门", "区发改局"),  # their count
        ("市高等教育局", "市高等教育局"),  # 等 inside a name
    ],
)
def test_a_unit_written_with_an_etc_tail_is_named_without_it_and_kept_as_written(written, name):
    """The importer named the unit but dropped what was printed (`市自然资源规划局`, as written too), so a
    levelled tail (`等市级有关部门`) was neither the unit's name nor its text as printed."""
    (ref,) = parse_plan(f"2025年工作要点\n1.推进数据共享。\n责任单位:{written}\n").items[0].responsible_units
    assert (ref.name, ref.as_written) == (name, written)


def test_units_joined_by_he_that_each_lead_are_both_leads():
    """海曙: `经济投资局和航空口岸局分别牵头` was one unit (a new one) and no lead."""
    item = parse_plan("2023年重点工作\n一、改革\n1.推进口岸建设。\n责任单位:经济投资局和航空口岸局分别牵头、区发改局\n").items[0]
    assert names(item.lead_units) == ["经济投资局", "航空口岸局"]
    assert names(item.responsible_units) == ["经济投资局", "航空口岸局", "区发改局"]


def test_a_triangle_or_black_star_on_a_unit_marks_the_lead():
    """诸暨 责任清单: `▲发改局,各部门` with no legend on the page; a list without the mark has no lead."""
    table = "\n".join([
        "2023年《政府工作报告》主要目标任务分解清单", "序号", "主要工作", "责任单位",
        "1", "生产总值增长7.5%左右", "▲发改局,各部门,各镇乡(街道)",
        "2", "一般公共预算收入增长7.5%", "税务局,★财政局",
        "3", "城乡居民收入增长", "统计局,人力社保局",
    ])
    plan = parse_plan(table)
    assert [(names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        (["发改局"], ["发改局", "各部门", "各镇乡(街道)"]),
        (["财政局"], ["税务局", "财政局"]),
        ([], ["统计局", "人力社保局"]),
    ]
    text = parse_plan("2023年工作要点\n一、改革\n1.推进改革。(责任单位:区财政局、▲区发改局)\n2.推进开放。\n责任单位:▲区商务局、区发改局\n")
    assert [names(it.lead_units) for it in text.items] == [["区发改局"], ["区商务局"]]


def test_a_co_responsible_label_with_a_prefix_is_read():
    """连云港: `共同责任单位:` was no label, and its units were lost without a word."""
    item = parse_plan("2021年民生实事\n一、教育\n1.新建学校。(牵头单位:市教育局;共同责任单位:市发改委、市财政局,各县区)\n").items[0]
    assert names(item.lead_units) == ["市教育局"]
    assert names(item.responsible_units) == ["市教育局", "市发改委", "市财政局", "各县区"]


def test_a_unit_cut_off_where_the_page_ends_is_no_unit():
    """渝中: the page ends `牵头单位:区商` — 区商 was a new unit and a lead; a whole name at the end stays."""
    head = "2023年重点工作\n一、目标\n1.地区生产总值增长5%左右。\n牵头单位:区发改委\n2.社会消费品零售总额增长6%左右。\n牵头单位:"
    cut = parse_plan(head + "区商\n").items[-1]
    assert (cut.lead_units, cut.responsible_units) == ([], [])
    whole = parse_plan(head + "区商务委\n").items[-1]
    assert names(whole.lead_units) == ["区商务委"]


def test_places_named_bare_before_their_shared_ending_are_named_whole():
    """武汉: `江岸、江汉、汉阳、武昌区人民政府` proposed new units named 江岸, 江汉 and 汉阳."""
    item = parse_plan("2023年责任分解方案\n一、目标\n1.推进文旅发展。"
                      "(牵头单位:市文旅局;责任单位:市房管局,江岸、江汉、武昌区人民政府,武汉文旅集团)\n").items[0]
    assert [(u.name, u.as_written) for u in item.responsible_units] == [
        ("市文旅局", "市文旅局"), ("市房管局", "市房管局"), ("江岸区人民政府", "江岸"), ("江汉区人民政府", "江汉"),
        ("武昌区人民政府", "武昌区人民政府"), ("武汉文旅集团", "武汉文旅集团")]
    # a short unit's name of its own before a district stays as it is
    other = parse_plan("2023年工作要点\n一、目标\n1.推进改革。(责任单位:团委、西湖区)\n").items[0]
    assert [u.name for u in other.responsible_units] == ["团委", "西湖区"]


def test_a_role_tail_of_two_verbs_is_no_part_of_the_last_unit():
    """荆州 政务公开: `…各县市区人民政府、功能区管委会负责落实` kept `负责落实` on its last unit."""
    assert split_units("市政府各有关部门,各县市区人民政府、功能区管委会负责落实") == [
        "市政府各有关部门", "各县市区人民政府", "功能区管委会"]
    assert split_units("各县(市)区政府负责落实") == ["各县(市)区政府"]
    assert split_units("区财政局负责推进") == ["区财政局"]


def test_a_page_cut_off_in_a_units_qualifier_keeps_the_unit_before_it():
    """武汉 2022 ends `…(牵头单位:市发改委;责任单位:各区人民政府〈含开发区、`: 各区人民政府 was dropped with its cut qualifier."""
    item = parse_plan("2022年武汉市政府工作报告任务分工\n(一)地区生产总值增长7.5%。(牵头单位:市发改委;责任单位:各区人民政府〈含开发区、\n").items[0]
    assert names(item.lead_units) == ["市发改委"]
    assert names(item.responsible_units) == ["市发改委", "各区人民政府"]


def test_a_task_that_opens_with_its_units_and_a_colon_is_theirs():
    """A 任务分工 by unit (反诈宣传 2022): `(二)县公安局:要抓住…` gave no unit (文中没有标注责任单位) and kept the units
    in the title; a colon after words that name no unit (`工作目标:`) is no such list."""
    plan = parse_plan("2022年全县防范电信网络诈骗宣传活动方案\n三、任务分工\n"
                      "(一)各乡(镇)、居民事务中心:要将宣传工作部署到各村(社区),确保宣传教育全覆盖。\n"
                      "(二)县公安局:要抓住重大典型案件,精心策划宣传报道活动。\n"
                      "(三)工作目标:实现全县电信诈骗发案数明显下降。\n")
    got = [(it.title, names(it.responsible_units), names(it.lead_units)) for it in plan.items]
    assert got[:2] == [("要将宣传工作部署到各村(社区),确保宣传教育全覆盖", ["各乡(镇)", "居民事务中心"], []),
                       ("要抓住重大典型案件,精心策划宣传报道活动", ["县公安局"], [])]
    assert plan.items[1].text.startswith("县公安局:要抓住")  # (the text as printed)
    assert all(not it.responsible_units for it in plan.items[2:])


@pytest.mark.parametrize("name", ["未来科技城", "良渚新城", "经开区", "湘湖度假区", "大江东产业集聚区", "青山湖科技城"])
def test_a_development_platform_is_a_unit(name):
    """余杭 2022: `区发改局、未来科技城` in the last unit column was no unit list (未来科技城 named no unit),
    and the row's units were lost; 新昌's `经开区` the same."""
    assert looks_like_unit(name)
