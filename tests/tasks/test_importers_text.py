"""Normalisation and the structure of plans."""

from tasks.importers import parse_plan
from tasks.importers.text import clean_line, normalise, paragraphs


def test_bookmark_debris_and_markdown_removed():
    assert clean_line("[bookmark: _GoBack]9.深化改革") == "9.深化改革"
    assert clean_line("1、**实施准备阶段**。") == "1、实施准备阶段。"


def test_spaces_next_to_cjk_removed_but_table_cells_keep_theirs():
    assert clean_line("着力推进改 革创新， 8月底前") == "着力推进改革创新，8月底前"
    assert clean_line("2019 年杭州市“最多跑一次” 改革") == "2019年杭州市“最多跑一次”改革"
    assert clean_line("1\t市审管办 市委编办\t12 月底") == "1\t市审管办 市委编办\t12月底"


def test_page_break_inside_a_unit_list_is_rejoined():
    lines = normalise("1. 深入推进简政放权,夯实事项基础。对照省里部署。(市跑改办、市审管办、市委\n\n编办)10月底前完成。")
    (p,) = paragraphs(lines)
    assert "市委编办" in p.text


def test_labels_and_headings_are_never_joined():
    lines = normalise("(一) 规范业务流程，实现三级联动。各部门梳理规范本部门下沉事项的办理方式\n\n牵头单位:区办事服务中心\n\n责任单位:相关区级部门")
    assert [p.text[:4] for p in paragraphs(lines)] == ["(一)规", "牵头单位", "责任单位"]


def test_generic_headings_and_skipped_sections():
    text = "\n".join([
        "2021年某县工作要点",
        "一、指导思想",
        "1.坚持以人民为中心。",
        "二、重点任务",
        "(一)抓基础",
        "1．推进甲事。（县发改局）",
        "2、推进乙事。（县财政局）",
        "（二）抓提质",
        "1. 推进丙事。（县住建局）",
        "三、保障措施",
        "(一)加强组织领导。由县跑改办牵头。",
        "附件:1.2021年任务表(略)",
        "2.2021年宣传表(略)",
    ])
    plan = parse_plan(text)
    assert [(i.section, i.number) for i in plan.items] == [
        ("二、重点任务 / (一)抓基础", "1"), ("二、重点任务 / (一)抓基础", "2"), ("二、重点任务 / （二）抓提质", "1"),
    ]
    assert [i.lead_units[0].name for i in plan.items] == ["县发改局", "县财政局", "县住建局"]
    assert plan.items[0].lead_units[0].level == "county"
