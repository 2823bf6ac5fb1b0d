"""Normalisation and the structure of plans."""

import pytest

from tasks.importers import parse_plan
from tasks.importers.text import clean_line, field_records, normalise, paragraphs, to_simplified
from tests.tasks.importer_helpers import names


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


# A mirror site's copy of a mainland plan in traditional characters
TRADITIONAL = """湘西自治州人民政府
州政發〔2020〕5號
湘西自治州2020年深化“放管服”改革優化營商環境工作計劃
一、進一步提升政務服務效能
1.加大簡政放權力度。承接好省下放行政許可事項。(牽頭單位:州行政審批服務局;責任單位:州司法局、各縣市人民政府,6月底完成)
2.推動政務服務導則落實。加快縣市、鄉鎮政務中心實體平臺建設。(責任單位:州政務服務中心,9月底前完成)
"""


def test_a_plan_in_traditional_characters_is_read_in_simplified_ones():
    plan = parse_plan(TRADITIONAL)
    first, second = plan.items
    assert [u.name for u in first.lead_units] == ["州行政审批服务局"]
    assert [u.name for u in first.responsible_units] == ["州行政审批服务局", "州司法局", "各县市人民政府"]
    # as written, the plan's own characters
    assert [u.as_written for u in first.responsible_units] == ["州行政審批服務局", "州司法局", "各縣市人民政府"]
    assert first.title == "加大简政放权力度"
    assert [d.date.isoformat() for d in first.deadlines] == ["2020-06-30"]
    assert [u.name for u in second.responsible_units] == ["州政务服务中心"]
    assert plan.meta.doc_number == "州政发〔2020〕5号"
    assert plan.meta.title == "湘西自治州2020年深化“放管服”改革优化营商环境工作计划"
    assert plan.warnings[0].startswith("原文为繁体字：已转换为简体字识别")


def test_a_simplified_plan_is_not_converted():
    assert to_simplified("一、深化改革\n1.推进政务服务。(牵头单位:区行政审批局;责任单位:区司法局)") is None
    # a simplified plan that quotes a traditional name or two is left as written
    text = "一、深化两岸交流\n1.办好“臺灣周”活动，著力推进合作。(责任单位:区台办)" + "推进政务服务改革。" * 40
    assert to_simplified(text) is None
    assert "臺灣" in parse_plan(text).items[0].text
    assert not any("繁体字" in w for w in parse_plan(text).warnings)


def test_every_simplified_document_here_is_left_as_it_is():
    from tests.tasks.test_parser_golden import FOLDERS

    docs = [p for folder in FOLDERS.values() for p in sorted(folder.glob("*.txt"))]
    assert len(docs) > 30
    converted = [p.name for p in docs if to_simplified(p.read_text(encoding="utf-8")) is not None]
    # (the reposts in traditional characters say so in their names: 09, 25, 39, 40)
    assert converted == [p.name for p in docs if "-traditional-" in p.name] and len(converted) >= 4


@pytest.mark.parametrize("heading", ["改革目标", "总体目标", "建设目标", "发展目标", "目标要求", "重要意义", "基本思路", "工作思路"])
def test_a_chapter_naming_a_goal_or_an_approach_is_no_task(heading):
    """Only 工作目标 and 主要目标 were skipped: the paragraph under 二、改革目标 (its dates the plan's
    goals) became a task with four deadlines."""
    plan = parse_plan(f"2019年工作方案\n一、{heading}\n到2019年6月底前完成试点，年底前全面推开。\n二、主要任务\n"
                      "1.推进政务服务。(牵头单位:市政务局)\n2.推进数据共享。(牵头单位:市大数据局)\n")
    assert [it.title for it in plan.items] == ["推进政务服务", "推进数据共享"]


def test_a_goal_chapter_whose_numbered_items_name_units_is_read():
    plan = parse_plan("2019年工作方案\n一、发展目标\n1.推进政务服务。(牵头单位:市政务局)\n")
    assert [it.title for it in plan.items] == ["推进政务服务"]


def test_question_marks_that_stand_for_lost_spaces_are_spaces_again():
    """A mirror page's GBK round trip turned each no-break space into `?`: after every cell, at every
    line's end, inside a name spaced out (`沈 ?昱`)."""
    text = "\n".join([
        "2018年《政府工作报告》工作任务分解表?",
        "序号? | 重 点 工 作 任 务? | 牵头领导? | 牵头单位? |",
        "1? | 深化与浙江大学的合作,扎实推进创新载体建设。? | 祝振伟? 陈夏林? | 未来科技城(海创园)? |",
        "2? | 加强装备制造优势主导产业培育,力争实际利用外资3亿美元。? | 沈 ?昱? | 余杭经济技术开发区? |",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.lead_units)) for it in plan.items] == [
        ("1", ["未来科技城(海创园)"]), ("2", ["余杭经济技术开发区"])]
    assert "?" not in plan.items[0].title


def test_question_marks_that_stand_for_a_lost_indent_are_spaces_again():
    """A repost's `??` before every paragraph (two full-width spaces lost): no heading or number was
    seen and the import failed (未识别出任何工作任务)."""
    text = "\n".join([
        "普陀区深化推进一流营商环境建设行动方案",
        "??一、让企业办事更省心",
        "??(一)提升线上服务友好度。具体措施:",
        "??1.加强系统集成,纳入全程网办。(责任单位:区府办、区行政服务中心)",
        "??2.推行帮办服务。(责任单位:区市场监管局)",
        "2021年3月5日",
    ])
    plan = parse_plan(text)
    flat = [it for item in plan.items for it in [item, *item.children]]
    assert [(it.title, names(it.responsible_units)) for it in flat if it.responsible_units] == [
        ("加强系统集成,纳入全程网办", ["区府办", "区行政服务中心"]), ("推行帮办服务", ["区市场监管局"])]


def test_real_question_marks_are_kept():
    lines = normalise("2020年某区工作要点\n一、如何推进?\n1.推进改革。(区发改局牵头)")
    assert "一、如何推进?" in lines


def test_a_mirror_sites_pinyin_after_characters_is_dropped():
    plan = parse_plan("2020年湘西州工作要点\n一、主要任务\n1.推进审批改革。(牽頭單位:州行政審批服務局;責任單位:湘西經(jīng)開區(qū)管委會)")
    assert names(plan.items[0].responsible_units) == ["州行政审批服务局", "湘西经开区管委会"]
    assert normalise("持续优化营商环境(第2版)(draft)") == ["持续优化营商环境(第2版)(draft)"]  # no tone: no pinyin


def test_a_chapters_heading_and_first_section_are_split_only_in_prose():
    assert normalise("一、依法全面履行政府职能(一)依法依规做好疫情防控工作。") == [
        "一、依法全面履行政府职能\n(一)依法依规做好疫情防控工作。"]
    row = "一、加大食品安全治理力度\t(一)强化源头治理\t1.加强防控。\t县农业农村局"
    assert normalise(row) == [row]  # a table row's cells


def test_a_small_full_stop_after_an_items_number():
    """A forum repost of 安徽's list numbers its items `1﹒`: each label line became an item of its own."""
    plan = parse_plan("2022年重点工作及责任分解\n一、稳增长\n1﹒全省生产总值增长7%以上。\n牵头负责领导:刘惠。\n"
                      "牵头责任单位:省发展改革委。\n协同责任单位:省政府各部门。\n2﹒一般公共预算收入增长。\n牵头责任单位:省财政厅。\n")
    assert [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("1", ["省发展改革委"], ["省发展改革委", "省政府各部门"]), ("2", ["省财政厅"], ["省财政厅"])]


def test_a_plan_written_in_articles_gives_its_articles_as_items():
    """湘阴 优化营商环境若干规定 (中共湘阴县委、湘阴县人民政府): `第二章 …` / `第二条 推进…。(牵头责任单位:…)`,
    one paragraph an article — 未识别出任何工作任务; the 总则's 第一条 says why, and is no task."""
    plan = parse_plan(
        "湘阴县进一步优化营商环境的若干规定\n\n第一章  总  则\n\n"
        "第一条  为全面提升行政效能,进一步优化营商环境,结合我县实际,特制定本规定。\n\n"
        "第二章  推进“最多跑一次”改革高效落地\n\n"
        "第二条  推进“一件事”一窗办。对企业设立等43项“一件事”启动实施办理。(牵头责任单位:县政务服务中心;责任单位:各相关单位)\n\n"
        "第三条  推进政务服务事项网上办。2019年实现90%事项网上办。(牵头责任单位:县政务服务中心;责任单位:县数据局)\n\n"
        "第三章  附  则\n\n第四条  本规定自印发之日起施行。\n", year=2019)
    assert [(it.number, it.title, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("第二条", "推进“一件事”一窗办", ["县政务服务中心"], ["县政务服务中心", "各相关单位"]),
        ("第三条", "推进政务服务事项网上办", ["县政务服务中心"], ["县政务服务中心", "县数据局"])]
    assert plan.items[0].section.startswith("第二章")


def test_a_chapter_followed_by_its_label_lines_only_is_a_task():
    """德阳 民生实事项目清单: `一、 打通什邡市金河西路断头路 …。 责任单位: 什邡市人民政府 完成时限: 2025年8月` on
    one line — the labels were items of their own, one with the unit, one with the date."""
    plan = parse_plan("德阳市6月民生实事项目清单\n"
                      "一、 开展道路交通安全隐患治理 对市域内7条重点道路进行综合整治。 责任单位: 德阳经开区管委会,各区(市、县)人民政府 完成时限: 2025年6月\n"
                      "二、 打通什邡市金河西路断头路 计划打通300余米断头路。 责任单位: 什邡市人民政府 完成时限: 2025年8月\n")
    assert [(it.number, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines]) for it in plan.items] == [
        ("一", ["德阳经开区管委会", "各区(市、县)人民政府"], ["2025-06-30"]), ("二", ["什邡市人民政府"], ["2025-08-31"])]


def test_circled_numbers_number_items_where_no_item_is_open():
    """玉环 重点工作: `①实现“小升规”60家(责任单位:市经信局);` — ① … ⑤ under a heading were unnumbered
    paragraphs; under a `1.` item they stay its text."""
    plan = parse_plan("2021年重点工作任务\n一、经济发展\n①实现“小升规”60家(责任单位:市经信局);\n"
                      "②完成低效用地再开发1000亩(责任单位:市自然资源和规划局);\n二、民生实事\n"
                      "①实施老人免费接种疫苗(责任单位:市卫生健康局);\n")
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("①", "实现“小升规”60家", ["市经信局"]), ("②", "完成低效用地再开发1000亩", ["市自然资源和规划局"]),
        ("①", "实施老人免费接种疫苗", ["市卫生健康局"])]
    inner = parse_plan("2021年重点工作任务\n一、经济发展\n1.推进项目建设。\n①新开工项目20个;\n②竣工项目10个。(责任单位:市发改局)\n")
    assert [(it.number, names(it.responsible_units)) for it in inner.items] == [("1", ["市发改局"])]


def test_circled_numbers_number_items_of_a_plan_with_no_chapter():
    """玉环 督查通报: `8项进展偏慢的市政府重点工作为:` / `①实现“小升规”60家(责任单位:市经信局);` with no 一、 above —
    every paragraph went to the text before the plan: 未识别出任何工作任务."""
    plan = parse_plan("2021年市政府重点工作三季度完成情况\n8项进展偏慢的市政府重点工作为:\n"
                      "①实现“小升规”60家(责任单位:市经信局);\n②完成低效用地再开发1000亩(责任单位:市自然资源和规划局);\n")
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [
        ("①", ["市经信局"]), ("②", ["市自然资源和规划局"])]


def test_a_bare_number_the_page_ends_on_is_no_task():
    """襄阳 2020's page ends on `2.` (cut off before its text): an item with no title, no unit and a warning."""
    plan = parse_plan("2020年襄阳市优化营商环境工作方案\n1.推行政务服务线上一网通办。到2020年底前实现全覆盖。"
                      "〔牵头单位:市行政审批局;责任单位:市政府各部门〕\n\n2.\n")
    assert [it.number for it in plan.items] == ["1"]
    assert not any("“2" in w for w in plan.warnings)


def test_a_two_column_record_of_one_task_is_read_as_its_label_lines():
    """广州 重点工作落实情况, one task a page as `label: | value |` rows: 未识别出任何工作任务. Its staged targets by
    quarter (年度阶段性工作目标) are no deadlines, nor is its progress."""
    plan = parse_plan("重点工作: | 135.统筹违法建设治理与城市更新,促进违法建设科学分类治理。 |\n"
                      "牵头单位: | 市城市管理综合执法局 |\n"
                      "年度阶段性工作目标: | 第一季度:完成工作任务20%以上。 第四季度:确保超额完成年度工作任务。 |\n"
                      "进展情况、存在问题 及下一步工作建议: |\n已完成。 全市治理违法建设2318.70万平方米。 |\n", year=2023)
    (item,) = plan.items
    assert (item.number, item.title) == ("135", "统筹违法建设治理与城市更新,促进违法建设科学分类治理")
    assert names(item.lead_units) == names(item.responsible_units) == ["市城市管理综合执法局"]
    assert item.deadlines == []
    assert "年度阶段性工作目标:第一季度" in item.text


def test_a_section_that_names_a_goal_word_is_a_task_where_it_names_its_own_units():
    """咸宁 2024: `(十)完成省定节能减排目标任务。(牵头单位:市发改委;…)` holds 目标任务, a word of the
    goals' headings skipped as prose: it is a task, its units by label in its own line (it was lost)."""
    plan = parse_plan("\n".join([
        "一、2024年经济社会发展计划目标",
        "(九)城乡常住居民人均可支配收入与经济增长同步。(牵头单位:市发改委;责任单位:市经信局、市民政局)",
        "(十)完成省定节能减排目标任务。(牵头单位:市发改委;责任单位:市生态环境局,各县市区人民政府)",
        "(十一)单位GDP能耗下降3%。(牵头单位:市发改委;责任单位:各县市区人民政府)",
        "二、保障措施",
        "(一)明确目标任务。各单位要对照目标任务,细化工作措施。",
    ]))
    assert [(it.number, names(it.lead_units)) for it in plan.walk()] == [
        ("九", ["市发改委"]), ("十", ["市发改委"]), ("十一", ["市发改委"])]


def test_a_record_printed_one_field_a_line_is_a_task_and_its_label_lines():
    """同心县 政府工作报告 任务分解, one task a page, each field's label alone on its line: no task was found."""
    plan = parse_plan("\n".join([
        "具体任务", "全面落实疫情防控“新十条”,抓紧完成方舱医院升级改造;深入开展爱国卫生运动。",
        "责任单位", "卫健局、文旅局", "配合单位：", "各乡镇",
        "完成时限", "方舱医院升级改造1月底前完成;其它事项12月底前取得明显成效并长期坚持",
    ]), year=2023)
    [item] = plan.items
    assert item.number == "1" and item.title.startswith("全面落实疫情防控")
    assert names(item.responsible_units) == ["卫健局", "文旅局", "各乡镇"] and item.lead_units == []
    assert [d.date.isoformat() for d in item.deadlines] == ["2023-01-31", "2023-12-31"]
    assert plan.warnings[0] == "原文的任务没有编号：按每段之后的单位行识别出1项任务，编号为1，请核对。"


def test_a_table_header_one_cell_a_line_is_no_record():
    """Labels one after another are a table's header, not fields: the rows stay a table's."""
    lines = ["序号", "具体任务", "责任单位", "完成时限", "1", "建成甲平台。", "区数管局", "6月底前"]
    assert field_records(lines) is None
    plan = parse_plan("2023年工作任务分解表\n" + "\n".join(lines))
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [("1", ["区数管局"])]


def test_a_unit_bracket_the_text_ends_in_is_named_in_the_warnings():
    """菏泽 2023, a page cut off inside the last item's bracket (`(牵头单位:市发`): the item had no unit, and
    nothing said why."""
    plan = parse_plan("2023年工作方案\n1.深化改革,形成一批经验。(牵头单位:市发改委)\n2.实现重大突破,形成一批可复制可推广的成功经验。(牵头单位:市发")
    assert "文末的单位括号没有闭合（“(牵头单位:市发”）：页面或文件可能在此截断，最后一项的单位可能不全，请核对。" in plan.warnings
    whole = parse_plan("2023年工作方案\n1.深化改革,形成一批经验。(牵头单位:市发改委)\n2.实现重大突破。(牵头单位:市科技局)")
    assert not any("括号没有闭合" in w for w in whole.warnings)
