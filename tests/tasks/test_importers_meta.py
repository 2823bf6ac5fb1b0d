"""Plan metadata of documents other than the seeds."""

import pytest

from tasks.importers import parse_plan
from tasks.importers.years import title_year
from tests.tasks.importer_helpers import names

BODY = """
一、主要任务
1.推进企业开办便利化。(区市场监管局、区税务局)
"""


@pytest.mark.parametrize(
    "title",
    ["2021年萧山区营商环境改革实施方案（修订）", "2021年萧山区营商环境改革实施方案(试行)", "2021年萧山区营商环境工作要点（2021年版）"],
)
def test_a_title_ending_in_a_status_in_parentheses_keeps_it(title):
    parsed = parse_plan(title + "\n" + BODY)
    assert parsed.meta.title == title
    assert parsed.meta.year == 2021
    assert "未识别出文件标题，请手工填写。" not in parsed.warnings


def test_a_draft_marker_is_still_taken_off_the_title():
    parsed = parse_plan("2021年萧山区营商环境改革实施方案（征求意见稿）\n" + BODY)
    assert parsed.meta.title == "2021年萧山区营商环境改革实施方案"
    assert parsed.meta.title_markers == ["（征求意见稿）"]


@pytest.mark.parametrize(
    "head",
    [
        "京政办发〔2016〕26号《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》",
        "北京市人民政府办公厅关于印发《北京市2016年政务公开工作要点》的通知\n京政办发〔2016〕26号",
    ],
)
def test_a_covering_notice_names_the_plan_when_no_title_line_does(head):
    plan = parse_plan(
        f"{head}\n各区人民政府:\n现印发给你们,请认真贯彻落实。\n北京市人民政府办公厅\n2016年5月28日\n"
        "一、围绕深化改革推进公开\n(一)推进行政审批公开\n全面公开审批事项目录。(市审改办负责,2016年9月底前)\n"
    )
    assert plan.meta.title == "北京市2016年政务公开工作要点"
    assert plan.meta.doc_number == "京政办发〔2016〕26号"
    assert plan.meta.year == 2016


def test_a_notice_title_without_book_marks_names_the_plan_and_its_issuer():
    plan = parse_plan("某某市人民政府办公厅关于印发某某市优化营商环境若干措施的通知\n某府办〔2019〕10号\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer, plan.meta.doc_number) == (
        "某某市优化营商环境若干措施", "某某市人民政府办公厅", "某府办〔2019〕10号")
    assert "未识别出发文单位。" not in plan.warnings


def test_a_plan_title_may_quote_another_document():
    plan = parse_plan("区人民政府办公室关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知\n" + BODY)
    assert plan.meta.title == "2023年区《政府工作报告》确定的主要目标任务责任分解方案"
    assert plan.meta.issuer == "区人民政府办公室"


def test_a_page_repeating_the_notice_title_above_its_split_copy_gives_it_once():
    head = ("区人民政府办公室 关于印发2020年区政府重点工作责任分解的通知\n区人民政府办公室\n"
            "关于印发2020年区政府重点工作责任分解的\n通 知\n各部门:\n现印发给你们,请认真抓好落实。\n2020年6月28日\n")
    plan = parse_plan(head + BODY)
    assert plan.meta.title == "2020年区政府重点工作责任分解"
    assert plan.meta.issued_on.isoformat() == "2020-06-28"


def test_a_government_sites_record_gives_date_issuer_and_number():
    head = ("某区关于开展专项行动的工作方案\n2023-01-05 10:00 区人民政府办公室\n"
            "索 引 号 MB1534522/2023-05475 发文日期 2023-01-03\n发布机构 某区人民政府办公室 文    号 某政办〔2023〕1号\n")
    plan = parse_plan(head + BODY)
    assert (plan.meta.issued_on.isoformat(), plan.meta.issuer, plan.meta.doc_number) == (
        "2023-01-03", "某区人民政府办公室", "某政办〔2023〕1号")


def test_a_section_tag_menu_and_number_around_the_title_are_not_part_of_it():
    plan = parse_plan("政务微信\n政务微博\n×\n某市人民政府关于创优营商环境的实施意见(某政〔2017〕101号)\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer, plan.meta.doc_number) == (
        "某市人民政府关于创优营商环境的实施意见", "某市人民政府", "某政〔2017〕101号")
    plan = parse_plan("【重点工作】某市人民政府关于2020年市政府重点工作及责任分解的通知\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer) == ("某市人民政府关于2020年市政府重点工作及责任分解的通知", "某市人民政府")


@pytest.mark.parametrize("title", ["2020年政府工作报告主要工作责任分解", "2022年度民生实事项目进度表(截至10月31日)",
                                   "2024年《政府工作报告》重点工作目标任务分解表"])
def test_titles_of_task_breakdowns_and_tables_are_read(title):
    plan = parse_plan(f"附件\n{title}\n" + BODY)
    assert plan.meta.title == title
    assert "未识别出文件标题，请手工填写。" not in plan.warnings


def test_a_title_in_book_marks_on_a_line_of_its_own_is_the_title_unless_the_plan_prints_its_own():
    """A reposting site prints the title so (《关于…的具体实施细则》); a line under it with the plain
    title is still the title."""
    plan = parse_plan("《2020年区政府重点工作责任分解》\n" + BODY)
    assert plan.meta.title == "2020年区政府重点工作责任分解"
    plan = parse_plan("《2020年区政府重点工作责任分解》\n某区2020年政府工作报告重点工作责任分解\n" + BODY)
    assert plan.meta.title == "某区2020年政府工作报告重点工作责任分解"
    plan = parse_plan("根据《某市优化营商环境实施方案》要求\n" + BODY)
    assert plan.meta.title == ""  # a document cited in a sentence


def test_a_sites_record_and_a_title_printed_again_over_three_lines():
    head = ("文 号 某政办〔2025〕1号 信息分类: 综合政务\n发布机构 某区人民政府办公室 有 效 性 有效\n"
            "标 题 区人民政府办公室关于印发2025年区《政府工作报告》确定的主要目标任务责任分解方案的通知\n\n"
            "区人民政府办公室关于印发2025\n\n区《政府工作报告》确定的主要目标任务\n\n责任分解方案的通知\n\n")
    plan = parse_plan(head + BODY)
    assert (plan.meta.title, plan.meta.issuer, plan.meta.doc_number) == (
        "2025年区《政府工作报告》确定的主要目标任务责任分解方案", "某区人民政府办公室", "某政办〔2025〕1号")


def test_a_web_pages_covering_notice_after_its_titles_is_not_read_as_tasks():
    """A page prints the notice's title three ways, then the notice: a whole title and the addressee
    line are paragraphs of their own (not joined to the lines around them as a wrapped sentence), so
    the covering notice is found: its 一、二、 requests and the plan's title line under its signature
    are not tasks, and its date and signature are the plan's."""
    text = (
        "标     题 区人民政府办公室关于印发2025年区《政府工作报告》确定的主要目标任务责任分解方案的通知\n\n"
        "区人民政府办公室关于印发2025年区《政府工作报告》确定的主要目标任务责任分解方案的通知\n\n"
        "字号 :  | \n发布时间:2025-01-06 10:00 |  来源:某区人民政府办公室\n\n"
        "区人民政府办公室关于印发2025\n\n区《政府工作报告》确定的主要目标任务\n\n责任分解方案的通知\n\n"
        "各街道办事处、乡人民政府,区人民政府各部门,各有关单位:\n\n"
        "《2025年区〈政府工作报告〉确定的主要目标任务责任分解方案》已经区人民政府同意,现印发给你们。\n\n"
        "一、加强组织领导。各责任单位要高度重视,认真落实单位“一把手”负总责的要求。\n\n"
        "二、按时报告情况。各责任事项牵头单位(责任单位)于2025年1月20日前书面报区政府督查室(填写附件1)。\n\n"
        "某区人民政府办公室\n\n2025年1月3日\n\n"
        "2025年区《政府工作报告》确定的主要目标任务责任分解方案\n\n"
        "一、主要预期目标\n\n(一)地区生产总值增长6%左右\n\n责任单位:区发展和改革局\n\n"
        "(二)一般公共预算收入增长3%\n\n责任单位:区财政局\n"
    )
    plan = parse_plan(text)
    assert [(it.number, it.title) for it in plan.walk()] == [("一", "地区生产总值增长6%左右"), ("二", "一般公共预算收入增长3%")]
    assert plan.meta.title == "2025年区《政府工作报告》确定的主要目标任务责任分解方案"
    assert not any("重复出现" in w for w in plan.warnings)
    # the notice's date and signature (the full name over the title's 区人民政府办公室), below its 一、二、
    assert (plan.meta.issued_on.isoformat(), plan.meta.issuer) == ("2025-01-03", "某区人民政府办公室")


def test_a_title_keeps_its_years_printed_on_a_line_of_their_own():
    plan = parse_plan("某区全力打响服务品牌\n加快建设国际城区三年行动计划\n(2018—2020年)\n" + BODY)
    assert plan.meta.title == "某区全力打响服务品牌加快建设国际城区三年行动计划(2018—2020年)"
    plan = parse_plan("某区营商环境工作要点\n（此件公开发布）\n" + BODY)
    assert plan.meta.title == "某区营商环境工作要点"


@pytest.mark.parametrize(("head", "issuer"), [
    ("中共某区委办公室 某区人民政府办公室印发《某区改革攻坚三年行动计划》的通知", "中共某区委办公室、某区人民政府办公室"),
    ("“党政混合信息公开” 中共某区委办公室 某区人民政府办公室印发《某区改革攻坚三年行动计划》的通知",
     "中共某区委办公室、某区人民政府办公室"),
    ("中共杭州市萧山区委全面深化改革委员会办公室关于印发《某区改革攻坚三年行动计划》的通知",
     "中共杭州市萧山区委全面深化改革委员会办公室"),
])
def test_a_notice_of_party_and_government_offices_names_them(head, issuer):
    plan = parse_plan(f"{head}\n某区改革攻坚三年行动计划\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer) == ("某区改革攻坚三年行动计划", issuer)


def test_a_sites_record_with_each_value_under_its_label():
    head = ("某县2024年优化营商环境工作要点\n  • 索引号:\n\n    6107280000/2024-001005\n  • 发文字号:\n\n    某政发〔2024〕7号\n"
            "  • 发文日期:\n\n    2024年04月06日 16:40\n  • 发布日期:\n\n    2024年04月07日 16:34\n")
    plan = parse_plan(head + BODY)
    assert (plan.meta.doc_number, plan.meta.issued_on.isoformat()) == ("某政发〔2024〕7号", "2024-04-06")


def test_a_document_cited_in_the_preamble_gives_neither_title_nor_number_nor_year():
    """A notice with no 文号 of its own cites another's in its first paragraph: the plan's year is
    its own date's, not the cited 文号's (which would have put 6月底前 a year early)."""
    plan = parse_plan(
        "各乡镇人民政府,县直各单位:\n《以控制成本为核心优化营商环境的具体措施》已经县政府同意,现印发给你们。\n"
        "2023年6月30日\n以控制成本为核心优化营商环境的具体措施\n"
        "为认真落实《省政府办公厅关于印发以控制成本为核心优化营商环境若干措施的通知》(鄂政办发〔2022〕52号)"
        "要求,特制定如下具体措施。\n一、降低制度性交易成本\n"
        "(一)深化政务服务标准化建设。6月底前公布实施清单。(牵头单位:县行政审批局,责任单位:县直各有关单位)\n"
    )
    assert plan.meta.title == "以控制成本为核心优化营商环境的具体措施"
    assert plan.meta.doc_number is None
    assert plan.meta.year == 2023
    assert [d.date.isoformat() for d in next(plan.walk()).deadlines] == ["2023-06-30"]


def test_a_title_split_by_a_blank_line_is_the_notices_whole_title():
    plan = parse_plan(
        "厦门市人民政府办公厅关于印发聚焦企业关切进一步落实优化营商环境政策若干措施的通知\n\n厦府办〔2019〕10号\n\n"
        "各区人民政府,市直各单位:\n\n现印发给你们,请认真组织实施。\n\n厦门市人民政府办公厅\n\n"
        "厦门市聚焦企业关切进一步落实\n\n优化营商环境政策的若干措施\n\n为全面贯彻落实,现提出若干具体措施。\n\n"
        "一、营造公平竞争市场环境\n\n(一)推进PPP项目建设。\n\n责任单位:市发改委\n"
    )
    assert plan.meta.title == "聚焦企业关切进一步落实优化营商环境政策若干措施"


def test_a_sites_record_printed_as_a_pipe_table_gives_the_date_and_issuer():
    plan = parse_plan(
        "索引号 | 000330185/2022-83945 | 公开方式 | 主动公开 |\n发布单位 | 区政府 | 发文日期 | 2022-07-14 |\n"
        "序号 | 实事项目 | 工作举措及实施计划 | 责任单位 | 配合单位 |\n"
        "1 | 新建公办幼儿园7所。 | 8月底前主体完工。 | 区教育局 | 区住建局 |\n"
    )
    assert plan.meta.issued_on.isoformat() == "2022-07-14"
    assert plan.meta.issuer == "区政府"
    assert plan.meta.year == 2022
    assert [d.date.isoformat() for d in next(plan.walk()).deadlines] == ["2022-08-31"]


def test_an_issue_date_printed_twice_is_not_glued_to_the_title():
    plan = parse_plan(
        "各县(市、区)人民政府,市直各有关单位:\n现将责任分解印发给你们,请认真组织实施。\n运城市人民政府办公厅\n"
        "2017年4月13日\n2017年4月13日\n运城市突发事件应急体系建设规划责任分解\n"
        "一、“一案三制”建设\n1.完善应急预案体系。(责任单位:市应急局)\n"
    )
    assert plan.meta.title == "运城市突发事件应急体系建设规划责任分解"
    assert plan.meta.issued_on.isoformat() == "2017-04-13"


def test_a_web_pages_bullets_breadcrumbs_and_publication_note_stay_out_of_the_metadata():
    """A site's record as a bulleted list (• 文号:新密政办〔2021〕6号) gave the 文号 with its bullet and
    label and the title with its bullet; a breadcrumb (> 资源库栏目 > … > 重点工作) was glued into the
    title, another (首页-政务公开-政策文件) taken as the issuer; (此件公开发布) glued before the title."""
    plan = parse_plan("  • 文号:新密政办〔2021〕6号\n  • 新密市人民政府办公室 关于认真做好我市2021年重点工作任务落实的通知\n"
                      + BODY)
    assert (plan.meta.doc_number, plan.meta.title) == (
        "新密政办〔2021〕6号", "新密市人民政府办公室关于认真做好我市2021年重点工作任务落实的通知")
    plan = parse_plan("您现在的位置:首页\n > 资源库栏目 > 基本信息公开 > 重点工作 > 重点工作\n"
                      "2023年区政府工作报告重点工作责任分解\n" + BODY)
    assert plan.meta.title == "2023年区政府工作报告重点工作责任分解"
    plan = parse_plan("首页-政务公开-助企纾困 木兰在行动-政策文件\n木兰县优化营商环境工作方案\n" + BODY)
    assert plan.meta.issuer is None
    plan = parse_plan("河池市人民政府办公室\n2024年3月5日\n(此件公开发布)\n河池市2024年优化营商环境工作要点\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer) == ("河池市2024年优化营商环境工作要点", "河池市人民政府办公室")


def test_a_notice_title_printed_over_two_lines_with_a_blank_line_between():
    plan = parse_plan("繁昌区人民政府关于印发2021年\n\n区政府重点工作任务的通知\n\n各乡镇人民政府:\n"
                      "现将《2021年区政府重点工作任务》印发给你们。\n" + BODY)
    assert (plan.meta.title, plan.meta.issuer) == ("2021年区政府重点工作任务", "繁昌区人民政府")


def test_the_year_the_preamble_gives_the_plan_when_nothing_else_does():
    """A 罗湖 区委深改委 page pasted without its title: `…研究制定2022年工作要点` was the only year, and
    the plan was dated today's year (2026)."""
    plan = parse_plan("按照中央和省委、市委全面深化改革部署,区委全面深化改革委员会研究制定2022年工作要点,"
                      "持续推动全面深化改革工作走在前列。\n" + BODY)
    assert (plan.meta.year, plan.meta.year_source) == (2022, "preamble")
    assert any("按文首说明中的年度取 2022 年" in w for w in plan.warnings)
    # a plan of another year cited in the preamble gives no year (根据《2021年全省…工作要点》: 《》 cut it)
    assert parse_plan("根据《2021年全省深化改革工作要点》要求,结合实际。\n" + BODY).meta.year_source != "preamble"
    # the year's goals stated first (新站高新区 2022: no title, 文号 or date; 全年 was left unresolved)
    goals = parse_plan("2022年合肥新站高新区,全区经济社会发展的奋斗目标是:地区生产总值增速不低于9%。\n" + BODY)
    assert (goals.meta.year, goals.meta.year_source) == (2022, "preamble")


def test_a_progress_reports_title_under_a_sites_record_is_the_title_alone():
    """舟山: the record's lines above the title (索引号 …, 生成日期 … 公开方式 主动公开) were glued to it, and
    a title ending in 完成情况 was no title at all."""
    plan = parse_plan("索引号 001008009005001/2021-187464\n组配分类 市政府工作报告 发布机构 市政府办公室\n"
                      "生成日期 2021-07-21 公开方式 主动公开\n2021年度市政府工作报告重点工作任务半年度完成情况\n" + BODY)
    assert (plan.meta.title, plan.meta.year_source) == ("2021年度市政府工作报告重点工作任务半年度完成情况", "title")


def test_a_sites_record_in_a_pipe_table_with_colons_gives_the_issue_date():
    """招远: `成文日期: | 2022-10-08 |` (a colon and a pipe between label and value) was not read."""
    plan = parse_plan("索引号: | 113706850042672474/2022-04772 | 成文日期: | 2022-10-08 |\n招远市民生事项推进情况\n" + BODY)
    assert (plan.meta.issued_on.isoformat(), plan.meta.year) == ("2022-10-08", 2022)


@pytest.mark.parametrize(
    ("head", "title", "doc_number"),
    [
        # a site's name after the title on the page's heading line
        ("六安市人民政府关于2021年重点工作及责任分解的通知-某某网络平台\n字号:\n", "六安市人民政府关于2021年重点工作及责任分解的通知", None),
        # a title that ends in what it lists, over two lines, under its notice
        ("鲁政办字〔2023〕5号\n山东省人民政府办公厅\n2023年1月19日\n山东省建设绿色低碳高质量发展先行区\n2023年重点工作任务\n",
         "山东省建设绿色低碳高质量发展先行区2023年重点工作任务", "鲁政办字〔2023〕5号"),
        # a title split by a blank line before its 及
        ("《政府工作报告》2022年重点工作\n\n及民生实事项目任务分解方案\n\n", "《政府工作报告》2022年重点工作及民生实事项目任务分解方案", None),
        # a site's record: 文件编号 (a bullet before it), a 文 号 cell of a pipe table
        ("- 文件编号:海政办发〔2023〕2号\n- 发布单位:区政府办公室\n2023年政府工作报告重点工作责任分解\n",
         "2023年政府工作报告重点工作责任分解", "海政办发〔2023〕2号"),
        ("文件编号 鄞政办发〔2024〕2号\n2024年政府工作报告目标任务分解清单\n", "2024年政府工作报告目标任务分解清单", "鄞政办发〔2024〕2号"),
        ("索 引 号 | k12498411/2021-00019 | ||\n发布机构 | 市政府办 | 发文日期 | 2021-02-10 |\n"
         "标 题 | 市政府关于印发2021年50件民生实事分解落实方案的通知 | ||\n文 号 | 连政发〔2021〕10号 | 主 题 词 | |\n"
         "时 效 | 有效 | 文件下载 |\n市政府关于印发2021年50件民生实事分解落实方案的通知\n各县、区人民政府:\n",
         "2021年50件民生实事分解落实方案", "连政发〔2021〕10号"),
    ],
)
def test_titles_and_numbers_of_other_sites(head, title, doc_number):
    """Held-out pages: the title was empty (a site's name after it, a title ending 工作任务, a title split
    before 及), the 文号 missing or with its label (文件编号鄞政办发…)."""
    plan = parse_plan(head + BODY)
    assert (plan.meta.title, plan.meta.doc_number) == (title, doc_number)


def test_a_sites_record_with_two_labels_on_a_line_and_a_picture_by_its_file_name():
    """拱墅: `发布机构 区府办 公开范围 面向全社会` gave the issuer 区府办公开范围面向全社会; 宁波: a picture's
    file name alone on a line (640.webp.jpg) was listed among the paragraphs that look like tasks."""
    plan = parse_plan("发布机构 区府办 公开范围 面向全社会\n2021年政府工作报告主要目标任务分解\n640.webp.jpg\n" + BODY)
    assert plan.meta.issuer == "区府办"
    assert plan.skipped == [] and [it.title for it in plan.items] == ["推进企业开办便利化"]


def test_a_notices_own_chapters_then_the_plan_in_prose_as_its_attachment():
    """连云港 人大: the notice's 一、二、三、 (none naming a unit), then `附件:` and the plan's items naming their
    units — every item went to 未识别的段落, the notice's 即日起至8月5日 became a task, and the title was
    taken from the notice's numbered questions."""
    text = "\n".join([
        "关于征集2024年市民生实事项目意见建议的公告", "一、征集内容", "1. 您比较关注哪些方面的民生问题?",
        "2. 您想了解哪几项民生实事的进展情况", "二、征集意见和建议的时间", "即日起至8月5日。",
        "三、反映意见和建议的方式", "联系电话:85800393。", "附件:", "2023年连云港市民生实事项目", "一、教育惠民领域",
        "1. 新建中小学15所、改扩建8所。(牵头单位:市教育局;共同责任单位:市发改委、市财政局,各县区、功能板块)",
        "2. 完成全市义务教育学校灯光照明改造。(牵头单位:市教育局;共同责任单位:各县区、功能板块)",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.lead_units), [d.date for d in it.deadlines]) for it in plan.items] == [
        ("1", ["市教育局"], []), ("2", ["市教育局"], [])]
    assert names(plan.items[0].responsible_units) == ["市教育局", "市发改委", "市财政局", "各县区", "功能板块"]
    assert "您" not in plan.meta.title


def test_a_plan_over_several_years_takes_its_first_year_and_a_pipe_records_docnum_is_read():
    """六盘水 新型基础设施建设三年行动方案(2022—2024年), 六盘水府办发〔2022〕10号 in the site's record
    (`文 号: | 六盘水府办发〔2022〕10号 |`): the plan's year was 2024 (the span's last), its 文号 unread."""
    plan = parse_plan(
        "文 号: | 六盘水府办发〔2022〕10号 | 是否有效: | |\n"
        "六盘水市新型基础设施建设三年行动方案(2022—2024年)\n一、重点任务\n1.建成5G基站2600个，年底前完成。(市大数据局牵头)\n")
    assert (plan.meta.year, plan.meta.doc_number) == (2022, "六盘水府办发〔2022〕10号")
    assert [d.date.isoformat() for d in plan.items[0].deadlines] == ["2022-12-31"]
    assert title_year("某区数字经济三年行动计划(2021-2023年)2022年工作要点") == 2022
    assert title_year("营商环境优化提升行动方案(2023至2025年)") == 2023
    assert title_year("2024年工作要点") == 2024


def test_a_sites_category_ending_in_wenjian_is_no_issuer():
    """长兴: the page's column `县本级非规范性文件` above the record was read as a red header `X文件`."""
    head = ("县本级非规范性文件\n索引号:  330522/2023-01775 发文时间:  2023-02-24\n"
            "文件编号:  长政办发〔2023〕7号 发布机构:  长兴县政府办公室\n"
            "长兴县人民政府办公室关于印发2023年政府工作报告重点工作责任分解的通知\n")
    plan = parse_plan(head + "一、重点工作\n1.推进某项改革。\n责任单位:县发改局\n")
    assert plan.meta.issuer == "长兴县政府办公室"
    red = parse_plan("杭州市人民政府文件\n杭政〔2024〕1号\n2024年工作要点\n一、重点工作\n1.推进改革。(市发改委牵头)\n")
    assert red.meta.issuer == "杭州市人民政府"


def test_a_docnum_labelled_fawen_xuhao_with_a_space_before_hao():
    """大兴: `• 发文序号:京兴政办发〔2023〕1 号` in the site's record was not read."""
    plan = parse_plan("  • 发文序号:京兴政办发〔2023〕1 号\n2023年区政府工作报告重点工作分工方案\n一、重点工作\n"
                      "1.推进某项改革。\n主要责任单位:区发展改革委\n")
    assert plan.meta.doc_number == "京兴政办发〔2023〕1号"


def test_the_attachment_lists_last_line_and_a_records_file_type_are_no_issuer():
    """嘉鱼: `2.市《政府工作报告》涉及嘉鱼的重点事项责任分解` above the date was taken for the signature;
    郧阳: the record's `文件类型` / `政府文件` gave the issuer `政府`."""
    jiayu = parse_plan("嘉政办发〔2021〕5号\n各镇人民政府,县政府各部门:\n现将重点工作责任分解给你们,请认真落实。\n"
                       "附件:1.县《政府工作报告》确定的2021年重点工作责任分解\n2.市《政府工作报告》涉及嘉鱼的重点事项责任分解\n"
                       "2021年5月12日\n附件1\n县《政府工作报告》确定的2021年重点工作责任分解\n一、主要目标\n"
                       "(一)地区生产总值增长11%。(牵头单位:县发改局;责任单位:各镇人民政府)\n")
    assert jiayu.meta.issuer is None and jiayu.meta.issued_on.isoformat() == "2021-05-12"
    yunyang = parse_plan("文件类型\n政府文件\n发文字号\n郧政发〔2023〕5号\n"
                         "郧阳区人民政府关于分解落实2023年区政府工作目标任务的通知\n一、主要目标\n"
                         "(一)地区生产总值增长15%。(牵头单位:区发改局)\n")
    assert yunyang.meta.issuer == "郧阳区人民政府"


@pytest.mark.parametrize("heading, title", [
    ("《宿迁市优化营商环境“五心”服务承诺清单》(2024年版)", "宿迁市优化营商环境“五心”服务承诺清单(2024年版)"),
    ("市中区2025年《政府工作报告》主要工作任务推进情况(2025年第二季度)",
     "市中区2025年《政府工作报告》主要工作任务推进情况(2025年第二季度)"),
])
def test_a_title_in_book_marks_or_ending_in_推进情况_is_the_title(heading, title):
    """宿迁 2024 and 济南市中 2025: no title was found (a line that opens with 《 quotes a document; 推进情况
    ended no title)."""
    plan = parse_plan(f"{heading}\n一、改革\n1.推进政策制定。〔责任单位:市政府办公室,完成时限:全年〕\n")
    assert plan.meta.title == title


def test_a_plan_that_is_one_table_takes_its_year_from_the_dates_its_rows_write():
    """定州 2021 and 成都 2021: no title year, every 完成时限 cell `2021年9月底` — the plan was dated today's
    year (2026), and the bulletins would have put it in the wrong year."""
    plan = parse_plan("重点任务责任分工\n序号\t工作任务\t牵头单位\t完成时限\n1\t成立协调推进机制。\t市行政审批局\t2021年9月底\n"
                      "2\t建设共享平台。\t市数据局\t2021年12月底\n")
    assert (plan.meta.year, plan.meta.year_source) == (2021, "dates")


def test_a_date_years_before_the_plans_is_what_was_done_not_a_deadline():
    plan = parse_plan("2023年工作要点\n一、改革\n1.推进改革。到2015年底已完成试点,2022年12月底前制定方案,"
                      "2023年6月底前全面推开。(区发改局牵头)\n")
    item = plan.items[0]
    assert [d.date.isoformat() for d in item.deadlines] == ["2022-12-31", "2023-06-30"]  # (the year before may be one)
    assert item.unresolved == ["到2015年底"]
    given = parse_plan("工作要点\n一、改革\n1.推进改革。到2015年底已完成试点。(区发改局牵头)\n", year=2023)
    assert [d.date.isoformat() for d in given.items[0].deadlines] == ["2015-12-31"]  # a year the office gives: as written
