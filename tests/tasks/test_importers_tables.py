"""Generic task tables with 牵头单位 / 责任单位 / 完成时限 columns (tab-separated text)."""

from tasks.importers import parse_plan
from tests.tasks.importer_helpers import names

TABLE = "\n".join([
    "2021年某区工作要点",
    "附件：任务表",
    "序号\t工作任务\t牵头单位\t责任单位\t完成时限",
    "1\t建设甲平台，\t区数管局\t区财政局\t长期坚持",
    "\t完成乙。\t\t\t",
    "序号\t工作任务\t牵头单位\t责任单位\t完成时限\t",
    "2\t丙。\t区发改局 区财政局\t各镇街\t2021年12月15日前",
])


def test_generic_table_columns_and_wrapped_row():
    plan = parse_plan(TABLE)
    assert [i.number for i in plan.items] == ["1", "2"]  # the repeated header is not a row
    first, second = plan.items
    # the table is the plan's only list of tasks: its rows are the plan's items (source "table"
    # keeps rows apart from text items only when there are text items, as in 004)
    assert first.source == "text" and first.ref == "T1"
    assert first.text == "建设甲平台，完成乙。"  # continuation line merged into its row
    assert names(first.lead_units) == ["区数管局"]
    assert names(first.responsible_units) == ["区数管局", "区财政局"]
    assert first.deadlines == [] and first.unresolved == ["长期坚持"]
    assert names(second.lead_units) == ["区发改局", "区财政局"]  # every unit of the 牵头单位 column leads
    assert names(second.responsible_units) == ["区发改局", "区财政局", "各镇街"]
    assert [(d.date.isoformat(), d.phrase, d.what) for d in second.deadlines] == [("2021-12-15", "2021年12月15日前", "丙")]
    assert plan.meta.year == 2021


JIAXING = (
    "2022年政府工作报告重点工作责任分解\n序号 | 主 要 工 作 任 务 | 责任单位 |\n"
    "1 | 地区生产总值突破1万亿元。 | 市发展改革委 |\n"
    "2 | 人才资源总量超过150万人。 | *市委组织部(市委人才办)、 市人力社保局 |\n"
    "3 | 单位GDP能耗、碳排放强度持续下降。 | 市生态环境局、市发展改革委＊ |\n"
    "4 | 深化杭嘉、甬嘉、苏嘉、嘉湖一体化发展,推动设立湾\n"
)


def test_a_numbered_row_cut_short_without_a_sentence_keeps_its_text_in_the_task_column():
    """The last row of a page cut off mid-row, its text with commas but no 。: read from the right
    it gave no title and five new units (深化杭嘉, 甬嘉 … 推动设立湾)."""
    cut = list(parse_plan(JIAXING).walk())[-1]
    assert cut.number == "4"
    assert cut.title == "深化杭嘉、甬嘉、苏嘉、嘉湖一体化发展,推动设立湾"
    assert cut.responsible_units == []


def test_a_star_before_or_after_a_unit_is_not_part_of_its_name():
    items = list(parse_plan(JIAXING).walk())
    assert [u.as_written for u in items[1].responsible_units] == ["市委组织部(市委人才办)", "市人力社保局"]
    assert [u.as_written for u in items[2].responsible_units] == ["市生态环境局", "市发展改革委"]
    assert all(it.lead_units == [] for it in items)  # nothing says what the star means


def test_a_star_marks_the_lead_units_where_the_plan_says_so():
    items = list(parse_plan(JIAXING + "注：带*的为牵头单位。\n").walk())
    assert [u.as_written for u in items[1].lead_units] == ["市委组织部(市委人才办)"]
    assert [u.as_written for u in items[2].lead_units] == ["市发展改革委"]
    assert [u.as_written for u in items[2].responsible_units] == ["市生态环境局", "市发展改革委"]
    text = parse_plan("2023年工作要点\n一、深化改革\n1.推进政务服务。\n责任单位：区财政局、*区发改局\n"
                      "（*为牵头单位）\n")
    assert [u.as_written for u in text.items[0].lead_units] == ["区发改局"]


def test_a_pipe_row_cut_short_keeps_its_cells_in_their_columns():
    """A page cut off mid-row: the row's cells are its first columns, not its last (which put the
    task's text in the unit column and proposed its clauses as new units)."""
    plan = parse_plan(
        "临安区2022年民生实事项目责任分工\n序号 | 实事项目 | 工作举措及实施计划 | 责任单位 | 配合单位 |\n"
        "1 | 新建成公办幼儿园7所。 | 8月底前主体完工。 | 区教育局 | 区住建局 |\n"
        "2 | 实施农村公路大中修100公里,新增公交线路3条。 | 1.农村公路大中修:7月底前开工;11月底前建成。 |\n"
    )
    first, cut = list(plan.walk())
    assert [u.as_written for u in first.responsible_units] == ["区教育局", "区住建局"]
    assert cut.title == "实施农村公路大中修100公里,新增公交线路3条"
    assert cut.responsible_units == []
    assert [d.date.isoformat() for d in cut.deadlines] == ["2022-07-31", "2022-11-30"]


def test_a_pipe_table_with_its_category_merged_and_a_unit_column_that_names_its_head():
    """A 肇庆 民生实事 progress table: 大类 printed on the first row only, 牵头单位及 主要负责人 (a unit
    column, not a person's: it names its head after the unit). It failed (no unit column); read
    so, the later rows put their leader in the title and their progress text in the unit column."""
    plan = parse_plan(
        "大类 | 序号 | 工作任务 | 分管 市领导 | 牵头单位及 主要负责人 | 落实进展情况 |\n"
        "一、继续提高底线民生保障水平 | 1 | 将城镇低保补差水平提高到每人每月609元。 | 陈宣群 | 市民政局 伍泽国 | 已完成。 |\n"
        "2 | 特困供养人员基本生活标准不低于当地最低生活保障标准的1.6倍。 | 陈宣群 | 市民政局 伍泽国 | 已完成。 从2020年1月1日起,已提高标准,端州区提高到20100元/人年。 |\n",
        year=2020,
    )
    assert [(it.number, it.title) for it in plan.items] == [
        ("1", "将城镇低保补差水平提高到每人每月609元"), ("2", "特困供养人员基本生活标准不低于当地最低生活保障标准的1.6倍")]
    assert [names(it.lead_units) for it in plan.items] == [["市民政局"], ["市民政局"]]
    assert [names(it.responsible_units) for it in plan.items] == [["市民政局"], ["市民政局"]]


def test_a_progress_tables_tasks_name_their_units_in_their_own_text():
    """A 舟山 half-year report: 序号 / 工作内容 / 半年度完成情况, the lead in the task's cell. No table
    was found and the import failed (未识别出任何工作任务)."""
    plan = parse_plan("\n\n".join([
        "2021年度市政府工作报告重点工作任务半年度完成情况", "序号", "工作内容", "半年度完成情况",
        "1", "慎终如始抓好疫情防控,确保冷链物防闭环管控。(牵头单位:市疫情防控办)", "①组织开展基层医疗机构网格化排查。",
        "2", "深化政府数字化转型,建成投用“舟山大脑”。[牵头单位:市府办(市大数据局)]", "①6月底前完成平台建设。",
    ]))
    assert [(it.number, names(it.lead_units)) for it in plan.items] == [
        ("1", ["市疫情防控办"]), ("2", ["市府办(市大数据局)"])]
    assert all(it.deadlines == [] for it in plan.items)  # the progress column dates nothing


def test_numbers_followed_by_a_chinese_full_stop():
    """成都: `1。推动轨道交通加速成网…。(牵头单位:市住建局)` gave nameless parents titled 1 and 7."""
    plan = parse_plan("成都市2021年民生实事工作目标\n一、交通\n1。推动轨道交通加速成网。(牵头单位:市住建局)\n"
                      "2。打通中心城区“断头路”20条。(牵头单位:市住建局、市交通运输局)\n")
    assert [(it.number, it.title, names(it.lead_units)) for it in plan.items] == [
        ("1", "推动轨道交通加速成网", ["市住建局"]), ("2", "打通中心城区“断头路”20条", ["市住建局", "市交通运输局"])]


def test_a_unit_cell_that_is_a_lead_phrase_and_a_leaders_name_slid_into_the_unit_column():
    text = "\n".join([
        "2025年县食品安全重点工作任务清单",
        "序号 | 重点任务 | 责任单位 | 完成时限",
        "1 | 深入开展农药残留专项整治。 | 县市场监管局牵头,各有关部门按照职责分工负责 | 2025年11月底前",
        "2 | 组建教共体70对以上。 | 王小强 | 2025年11月底前",
        "3 | 创建乡村小而优示范学校5所以上。 | 团市委、仲裁办 | 2025年11月底前",
    ])
    one, two, three = parse_plan(text).items
    assert names(one.lead_units) == ["县市场监管局"] and names(one.responsible_units) == ["县市场监管局", "各有关部门"]
    assert two.responsible_units == []  # a person, not a unit
    assert names(three.responsible_units) == ["团市委", "仲裁办"]
    from tasks.importers.units import split_table_units
    assert split_table_units("2024") == []  # a row cut short: its year in the unit column


def test_a_row_whose_time_cell_is_no_date_keeps_its_cells_in_order():
    """遂宁: `常态工作` in the 时间进度 column read the row from the right — the unit cell became the task
    and 常态工作 its unit; 负责部门 was no header word."""
    plan = parse_plan("\n".join([
        "2016年城市管理工作任务分解", "|", "序号", "|", "工作任务", "|", "负责部门", "|", "时间进度", "|",
        "|", "1", "|", "完善城市管理体制", "|", "市委编办、市住建局、市城管局", "|", "省出台文件后 2 个月完成", "|",
        "|", "2", "|", "推进数字化城市管理平台建设", "|", "市城管局,各县(区)政府", "|", "常态工作", "|",
        "|", "3", "|", "开展环境卫生设施规划编制工作", "|", "市住建局、市发改委", "|", "2016 年底前", "|",
    ]))
    assert [(it.title, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines]) for it in plan.items] == [
        ("完善城市管理体制", ["市委编办", "市住建局", "市城管局"], []),
        ("推进数字化城市管理平台建设", ["市城管局", "各县(区)政府"], []),
        ("开展环境卫生设施规划编制工作", ["市住建局", "市发改委"], ["2016-12-31"]),
    ]


def test_a_lead_rule_stated_in_a_rows_unit_cell_applies_to_that_row():
    """嘉善: the rule glued to row 1's last unit (`…(有多个部门的,列第一位的为牵头单位,下同)`) gave the later
    rows their lead but not row 1 (the note was read as naming a lead, 列第一位的)."""
    plan = parse_plan("\n".join([
        "2023年重点指标任务分解", "序号 | 指标 | 2023年目标 | 责任单位 |",
        "1 | 滚动推进重大项目 | 15 | 县发改局、县经信局、县农业农村局(有多个部门的,列第一位的为牵头单位,下同) |",
        "2 | 规上工业增加值增长 | 8% | 县经信局、县统计局 |",
    ]))
    assert [(names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        (["县发改局"], ["县发改局", "县经信局", "县农业农村局"]),
        (["县经信局"], ["县经信局", "县统计局"]),
    ]


def test_a_table_printed_one_cell_per_line_with_merged_unit_cells_and_no_number_column():
    """中山 医保局 2021: `工作任务 / 具体要求 / 落实科室(部门)`, the tasks numbered in their cells, a unit
    cell after the last task it covers (merged over several rows), joined to the next group's cell —
    no unit was read. A signature after the last task is no unit cell (no such header above it)."""
    rows = [
        "工作任务", "具体要求", "落实科室(部门)",
        "做好各类规划主动公开", "1.主动公开各类规划原文和政策解读。", "各科室、医疗保障事业管理中心按职责分工落实",
        "2.加强数据互联互通工作。", "办公室",
        "做好市场规则标准和监管执法信息公开", "3.主动公开市场准入负面清单。", "4.及时公开定点医药机构管理相关政策。",
        "法规和基金监管科、医药服务管理科按职责分工落实做好财政信息公开", "5.积极推进预算、决算公开。",
    ]
    plan = parse_plan("2021年政务公开工作要点分工方案\n" + "\n".join(rows))
    assert [names(it.responsible_units) for it in plan.items] == [
        ["各科室", "医疗保障事业管理中心"], ["办公室"], ["法规和基金监管科", "医药服务管理科"],
        ["法规和基金监管科", "医药服务管理科"], []]
    signed = parse_plan("2021年政务公开工作要点\n一、主要任务\n1.主动公开各类规划。\n2.推进数据共享。\n中山市医疗保障局办公室\n")
    assert [it.responsible_units for it in signed.items] == [[], []]


def test_a_lead_cell_then_a_cooperating_cell_over_several_paragraphs_one_unit_each():
    """金东 民生实事: 牵头单位 then 协同单位 with one unit a paragraph — every unit but the last was read as a lead;
    a row whose merged 事项分类 left no cell and whose units made up the count was read one column off
    (its content 团区委, its lead 各乡镇(街道))."""
    cells = ["序号", "事项分类", "事项名称", "项目内容", "牵头单位", "协同单位",
             "1", "打造区域教育高地", "新建一批中小学校", "实施新建中小学校5家。", "区教体局", "东孝街道", "孝顺镇", "区发改局",
             "2", "暑期托管服务", "开设100个暑期公益托管班。", "团区委", "各乡镇(街道)", "区总工会", "区妇联",
             "3", "家门口青少年宫", "新建1个家门口的青少年宫。", "团区委", "各乡镇(街道)", "区教体局"]
    plan = parse_plan("2024年金东区政府民生实事任务分解方案\n" + "\n\n".join(cells))
    assert [(names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        (["区教体局"], ["区教体局", "东孝街道", "孝顺镇", "区发改局"]),
        (["团区委"], ["团区委", "各乡镇(街道)", "区总工会", "区妇联"]),
        (["团区委"], ["团区委", "各乡镇(街道)", "区教体局"]),
    ]
    assert plan.items[2].title == "家门口青少年宫"  # its 事项名称, the content after it
    assert plan.items[2].text == "家门口青少年宫\n新建1个家门口的青少年宫。"


def test_a_project_row_with_its_group_merged_reads_its_name_and_an_empty_cell_marked_by_a_slash():
    """金东 2024: rows whose merged 事项分类 left no cell — `中小学校清廉阳光厨房建设` / content / `区教体局` / `/`
    lost the name (the content read as the 分类, the lead as the name); `医疗卫生机构迁(扩)建` / content / three
    units was read as a 分类; a name that ends like a unit (`新建一批中小学校`) was glued to the content."""
    cells = ["序号", "事项分类", "事项名称", "项目内容", "牵头单位", "协同单位",
             "1", "打造区域教育高地", "新(改、扩)建一批中小学校", "实施新(改、扩)建中小学校5家。", "区教体局", "东孝街道", "孝顺镇",
             "2", "中小学校清廉阳光厨房建设", "对28所中小学校食堂安装数字化验收平台。", "区教体局", "/",
             "3", "“医”心为民工程", "新(改)建村卫生室", "新(改)建村卫生室80家。", "区卫健局", "各乡镇(街道)",
             "4", "医疗卫生机构迁(扩)建", "实施卫生院迁(扩)建1家。", "区卫健局", "源东乡", "区发改局", "区资规分局"]
    plan = parse_plan("2024年金东区政府民生实事任务分解方案\n" + "\n\n".join(cells))
    assert [(it.category, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("打造区域教育高地", "新(改、扩)建一批中小学校", ["区教体局", "东孝街道", "孝顺镇"]),
        ("打造区域教育高地", "中小学校清廉阳光厨房建设", ["区教体局"]),
        ("“医”心为民工程", "新(改)建村卫生室", ["区卫健局", "各乡镇(街道)"]),
        ("“医”心为民工程", "医疗卫生机构迁(扩)建", ["区卫健局", "源东乡", "区发改局", "区资规分局"]),
    ]


def test_a_progress_table_one_cell_a_paragraph_with_units_after_a_label_in_the_task_cell():
    """湖州 重点工作半年度完成情况: `序号 / 目标任务 / 推进情况`, one cell a paragraph; each task cell ends
    `责任单位:…、各区县政府<南太湖新区、长合区管委会>` (ASCII angle brackets), its 推进情况 a list 1. 2. 3.
    a paragraph each, and the next leader's group printed with its own header — no unit was read, and
    the progress list and the next group's title were glued to the task."""
    cells = ["洪湖鹏市长主抓重点工作", "序号", "目标任务", "推进情况",
             "1", "实施为民办实事长效机制。继续压减一般性支出15%以上。责任单位:市政府办公室、市财政局、各区县政府<南太湖新区、长合区管委会>",
             "1.《关于健全为民办实事长效机制的实施意见》已出台实施。", "2.1-6月,全市民生支出完成239.8亿元。", "3.出台《关于落实过紧日子要求的通知》。",
             "吴智勇常务副市长主抓重点工作", "序号", "目标任务", "推进情况",
             "2", "地区生产总值增长6%左右。责任单位:市发展改革委、市统计局", "今年以来,全市经济运行回升向好。"]
    plan = parse_plan("2023年市政府工作报告重点工作半年度完成情况汇总表\n" + "\n\n".join(cells))
    assert [(it.number, it.title) for it in plan.items] == [("1", "实施为民办实事长效机制"), ("2", "地区生产总值增长6%左右")]
    assert [[u.as_written for u in it.responsible_units] for it in plan.items] == [
        ["市政府办公室", "市财政局", "各区县政府<南太湖新区、长合区管委会>"], ["市发展改革委", "市统计局"]]
    assert "推进情况" not in plan.items[0].text and "1-6月" not in plan.items[0].text


def test_ascii_angle_brackets_are_brackets_but_not_in_a_comparison_or_a_title():
    plan = parse_plan("2023年工作要点\n一、重点任务\n1.推进某项改革。(责任单位:各区县政府<南太湖新区、长合区管委会>、市财政局)\n"
                      "2.PM2.5浓度<35微克/立方米，优良天数比例>85%。(责任单位:市生态环境局)\n"
                      "3.落实《2025年县<政府工作报告>任务分解》。(责任单位:县政府办)\n")
    assert [[u.as_written for u in it.responsible_units] for it in plan.items] == [
        ["各区县政府<南太湖新区、长合区管委会>", "市财政局"], ["市生态环境局"], ["县政府办"]]
    assert "<35微克/立方米，优良天数比例>" in plan.items[1].text
    assert "《2025年县<政府工作报告>任务分解》" in plan.items[2].text


def test_a_header_cell_with_a_note_and_a_leaders_column_wrapped_over_two_paragraphs():
    """杭州 涉杭任务: `重点工作任务(杭州市2项配合工作)` was no header cell (too long with its note); 钟楼:
    `区政府` / `分管领导` was read as two columns, every cell after it one column off (the lead lost)."""
    hangzhou = parse_plan("2021年重点工作责任分解\n" + "\n\n".join([
        "序号", "重点工作任务(杭州市2项配合工作)", "责任单位", "(一)王宏副市长牵头重点工作",
        "1", "加强粮食和重要农产品保障。", "市农业农村局、市商务局(市粮食和物资储备局)",
        "(二)胡伟副市长牵头重点工作", "2", "深入实施消费新政。", "市商务局、市发改委"]))
    assert [(it.number, it.title, names(it.responsible_units)) for it in hangzhou.items] == [
        ("1", "加强粮食和重要农产品保障", ["市农业农村局", "市商务局(市粮食和物资储备局)"]),
        ("2", "深入实施消费新政", ["市商务局", "市发改委"])]
    zhonglou = parse_plan("2022年《政府工作报告》主要目标任务责任分解表\n" + "\n".join([
        "序号", "目标名称", "工 作 标 准", "区政府", "分管领导", "牵头单位", "配合单位",
        "1", "四大功能区建设", "老城复兴样板区要见成效,年内完成37个老旧小区改造任务。", "王旭锋", "住建局", "新闸街道、发改局"]))
    [item] = zhonglou.items
    assert (names(item.lead_units), names(item.responsible_units)) == (["住建局"], ["住建局", "新闸街道", "发改局"])
    assert [d.date.isoformat() for d in item.deadlines] == ["2022-12-31"]


def test_a_long_chapter_row_between_the_header_and_the_first_row():
    """郧阳: `一、主要经济社会发展指标、发改、财政…等工作目标(牵头领导:成坤、柯相国、王俊)` after the header
    was taken for the end of the table: 未识别出任何工作任务."""
    cells = ["序号", "目  标  任  务", "牵头单位", "责任单位", "责任人",
             "一、主要经济社会发展指标、发改、财政、行政审批、生态环境、营商环境、交通、金融、安全生产等工作目标(牵头领导:成坤、柯相国、王俊)",
             "1", "★地区生产总值增长15%。", "区发改局", "区统计局", "张三"]
    plan = parse_plan("2023年区政府工作目标任务落实责任分解表\n" + "\n\n".join(cells))
    assert [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("1", ["区发改局"], ["区发改局", "区统计局"])]


def test_a_one_cell_a_paragraph_table_with_merged_cells_printed_once():
    """略阳 文广局: `责任股室` / `(单位)` was read as two columns; a row `文化产业` / `培育…1家。` took its
    指标 for its task (the sentence went to 备注); `羌研会` / `灵岩寺博物馆`, one unit a paragraph, gave the
    first as the task; a unit cell merged over the rows below it left them with none."""
    cells = ["序号", "指标", "工作任务", "完成时限", "责任领导", "责任股室", "(单位)", "备注",
             "1", "公共文化服务", "免费开放服务人次较上年增长15%。", "12月底前", "夏俊贵", "文化宣传股", "文化馆",
             "2", "开展好“三下乡”活动。",
             "3", "文化产业", "培育规模以上文化服务企业1家。",
             "4", "非遗保护", "完成非遗展厅布展任务。", "羌研会", "灵岩寺博物馆",
             "5", "文化市场管理", "开展专项整治行动4次以上。", "执法大队",
             "6", "完成包扶村脱贫攻坚年度任务。"]
    plan = parse_plan("2019年工作任务分解表\n" + "\n".join(cells))
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1", "免费开放服务人次较上年增长15%", ["文化宣传股", "文化馆"]),
        ("2", "开展好“三下乡”活动", ["文化宣传股", "文化馆"]),  # the merged cell of the row above
        ("3", "培育规模以上文化服务企业1家", ["文化宣传股", "文化馆"]),
        ("4", "完成非遗展厅布展任务", ["羌研会", "灵岩寺博物馆"]),
        ("5", "开展专项整治行动4次以上", ["执法大队"]),
        ("6", "完成包扶村脱贫攻坚年度任务", []),  # the last row: cut off as often as merged
    ]
    assert plan.items[2].indicator == "文化产业"
    assert "表格序号2、3没有单位单元格，按合并单元格沿用了上一行的单位，请核对。" in plan.warnings


def test_a_pipe_table_one_cell_a_line_with_no_row_numbers():
    """谯城 镇政务公开: `|` / `工作任务` / `|` / `具体内容` / `|` / `责任部门` / `|` / `|` / …, each row opened by
    a line of bare pipes, a group's 工作任务 merged (printed on its first row only): no row was read."""
    cells = [["工作任务", "具体内容", "责任部门"],
             ["推进政策公开", "常态化公开就业、住房、教育等领域信息。", "财政所、便民综合服务中心"],
             ["积极探索特定群体的线下公开渠道。", "便民综合服务中心"],
             ["强化权力配置信息公开", "动态更新本镇各部门权责事项清单。", "党政办公室"],
             ["健全本镇行政执法信息全流程公示机制。", "党政办公室"]]
    lines = [x for row in cells for x in ["|", *(y for c in row for y in (c, "|"))]]  # `|` / cell / `|` / cell / `|` …
    plan = parse_plan("2024年镇政务公开工作要点\n" + "\n".join(lines))
    assert [(it.title, names(it.responsible_units)) for it in plan.items] == [
        ("常态化公开就业、住房、教育等领域信息", ["财政所", "便民综合服务中心"]),
        ("积极探索特定群体的线下公开渠道", ["便民综合服务中心"]),
        ("动态更新本镇各部门权责事项清单", ["党政办公室"]),
        ("健全本镇行政执法信息全流程公示机制", ["党政办公室"])]
    assert [it.category for it in plan.items] == ["推进政策公开", "推进政策公开", "强化权力配置信息公开", "强化权力配置信息公开"]


def test_a_pipe_table_row_a_line_with_two_content_columns_and_no_number():
    """A county bureau's 政务公开: `重点任务 | 工作内容 | 负责科室 |` named two roles only (two content
    columns): the rows were one text item with no unit."""
    plan = parse_plan("2024年政务公开工作要点\n二、重点工作任务分解\n重点任务 | 工作内容 | 负责科室 |\n"
                      "政策解读 | 对我局起草的政策文件进行全面解读。 | 各责任科室 |\n"
                      "财政资金 | 及时发布财政预决算信息。 | 综合科 |\n")
    assert [(it.title, names(it.responsible_units)) for it in plan.items] == [
        ("政策解读", ["各责任科室"]), ("财政资金", ["综合科"])]


def test_header_words_split_over_two_paragraphs_in_a_one_cell_a_paragraph_table():
    """泗洲头镇: `责任` / `领导` / `责任` / `科室` / `攻坚目标` / `任务` / … / `第二季度` / `完成情况`: the person
    was read as the unit and the unit as the task."""
    cells = ["序号", "重点工作", "责任", "领导", "责任", "科室", "攻坚目标", "任务", "工作任务安排", "第二季度", "完成情况",
             "1", "白仙山水库工程政策处理", "欧乾震", "白仙山水库工程政策处理工作领导小组", "完成项目政策处理工作。",
             "推进坟墓迁移工作。", "坟墓迁移进度达60%。",
             "2", "现代化美丽城镇", "吴宇凡", "乡村振兴办", "成功创建首批浙江省美丽城镇。", "按照时间节点开展项目建设。",
             "完成投资3000万元。"]
    plan = parse_plan("泗洲头镇2024年度重点工作计划二季度执行情况\n\n" + "\n\n".join(cells))
    assert [(it.title, names(it.responsible_units)) for it in plan.items] == [
        ("白仙山水库工程政策处理", ["白仙山水库工程政策处理工作领导小组"]), ("现代化美丽城镇", ["乡村振兴办"])]


def test_a_marked_row_number_after_a_leaders_group_heading():
    """杭州 涉杭任务: `(一)戴建平常务副市长牵头重点工作` / `1*` / `大力推进…` — the starred number (the
    city's own lead) was no row number: the group's heading became a text item, the rows were lost."""
    cells = ["序号", "重点工作任务(杭州市2项牵头工作、19项配合工作)", "责任单位", "(一)戴建平常务副市长牵头重点工作",
             "1*", "大力推进杭州城西科创大走廊建设。", "杭州城西科创产业集聚区管委会,市科技局、市发改委",
             "2", "深入实施消费新政。", "市商务局、市发改委"]
    plan = parse_plan("2021年市政府工作报告重点工作责任分解\n\n" + "\n\n".join(cells))
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1*", "大力推进杭州城西科创大走廊建设", ["杭州城西科创产业集聚区管委会", "市科技局", "市发改委"]),
        ("2", "深入实施消费新政", ["市商务局", "市发改委"])]


def test_a_pipe_row_shifted_by_a_merged_task_cell_ends_with_its_time():
    """广东卫健委 政务公开台账: `2 | 扎实做好疫苗接种… | 疾控处 | 长期推进 |` under `序号 | 工作任务 | 细化分工 |
    责任处室 | 完成时限 | 备注 |` (工作任务 merged over rows 1–4) was read as a row cut short: its unit
    `长期推进`, its time lost."""
    plan = parse_plan("广东省卫生健康委2021年政务公开工作重点任务台账\n"
                      "序号 | 工作任务 | 细化分工 | 责任处室 | 完成时限 | 备注 |\n"
                      "1 | 做好常态化疫情防控信息发布 | 重点围绕散发疫情发布权威信息 | 应急处、疾控处等按职责分工落实 | 长期推进 |\n"
                      "2 | 扎实做好疫苗接种信息公开工作 | 疾控处 | 长期推进 |\n"
                      "3 | 提高疫情信息发布规范化水平 | 宣传处 | 2021年8月前 |\n"
                      "4 | 常规政务公开事项 | 积极推进部门预算、决算公开 | 财务处 | 2021年2月公布预算信息,2021年8月公布上年度决算信息 |\n")
    assert [(it.title, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines], it.unresolved)
            for it in plan.items] == [
        ("重点围绕散发疫情发布权威信息", ["应急处", "疾控处"], [], ["长期推进"]),
        ("扎实做好疫苗接种信息公开工作", ["疾控处"], [], ["长期推进"]),
        ("提高疫情信息发布规范化水平", ["宣传处"], ["2021-08-31"], []),
        ("积极推进部门预算、决算公开", ["财务处"], ["2021-02-28", "2021-08-31"], [])]
    assert [it.category for it in plan.items] == ["做好常态化疫情防控信息发布"] * 3 + ["常规政务公开事项"]


def test_a_time_in_the_remark_cell_of_a_table_with_no_time_column():
    """宣城 任务提示单: `工作任务 | 具体要求 | 责任单位 | 完成情况 | 备注 |`, the 备注 `11月底前完成`: no deadline."""
    plan = parse_plan("2022年11—12月政务公开重点工作任务清单\n工作任务 |\n具 体 要 求 |\n责任单位 |\n完成情况 |\n备注 |\n||\n"
                      "一、年底前专项工作任务 |\n|\n|||||\n1.行政规范性文件集中公开 |\n1.开展行政规范性文件清理,形成现行有效的规范性文件目录。2.发布文件标准电子文本。 |\n"
                      "市政府各部门、各县市区政府 |\n推进中 |\n11月底前完成 |\n||\n")
    [item] = plan.items
    assert ([d.date.isoformat() for d in item.deadlines], names(item.responsible_units)) == (
        ["2022-11-30"], ["市政府各部门", "各县市区政府"])


def test_a_progress_table_one_cell_a_paragraph_keeps_its_time_in_its_time_column():
    """怀远 农业农村局 重点工作完成情况: `序号 / 目标任务 / 牵头责任单位 / 计划完成时间 / 目前完成情况 / 是否达到序时进度`,
    its last column left empty: `2023年底` went to 目前完成情况 (no deadline, each row warned); a unit cell of
    two paragraphs put the second in 计划完成时间."""
    cells = ["序号", "目标任务", "牵头责任单位", "计划完成时间", "目前完成情况", "是否达到序时进度",
             "52", "建成高标准农田8.3万亩。", "农田建设管理股、农业股", "2023年底", "高标准农田正在施工中,整体进度70%,正在抢抓工期。",
             "54", "加强农产品品牌建设。", "农业股", "乡村产业发展股", "2023年底", "完成“三品一标”认证10个,建成长三角绿色农产品生产加工供应基地3个。",
             "55", "持续开展农资打假专项治理行动。", "农业执法大队", "2023年底", "查处违法行为31起,立案31起,结案18起。"]
    plan = parse_plan("农业农村局2023年11月承担政府重点工作完成情况\n\n" + "\n\n".join(cells))
    assert [(it.number, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines]) for it in plan.items] == [
        ("52", ["农田建设管理股", "农业股"], ["2023-12-31"]),
        ("54", ["农业股", "乡村产业发展股"], ["2023-12-31"]),
        ("55", ["农业执法大队"], ["2023-12-31"])]


def test_a_pipe_row_cut_off_in_its_progress_cell_gives_no_units():
    """平湖 半年完成情况: `6 | 深入实施数字行动,…增长8%。 | 深入推进…,1-5月,全市133家…产值133.63亿元,` (the page ends
    in the 完成情况 cell) — read from the right, its progress note became three units and its task the progress."""
    plan = parse_plan("2023年政府工作报告重点工作半年完成情况\n序号 | 任务 | 完成情况 | 牵头单位 |\n"
                      "5 | 大力推进强链壮群,实现规上工业增加值增长7.5%。 | 出台实施方案,打造产业示范集群。 | 经信局 |\n"
                      "6 | 深入实施数字行动,数字经济核心制造业增加值增长8%。 | 深入推进数字经济创新提质“一号发展工程”,1-5月,全市133家规上数字制造业产值133.63亿元,\n")
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("5", "大力推进强链壮群,实现规上工业增加值增长7.5%", ["经信局"]),
        ("6", "深入实施数字行动,数字经济核心制造业增加值增长8%", [])]


def test_a_pipe_table_with_numbers_in_its_name_cells_unnamed_last_columns_and_the_record_below():
    """招远 民生实事: `类别 | 民生事项名称 | 2022年度任务目标 | 责任单位 | 分管市领导 | 1-9月份工作完成情况 |
    1-9月份工作取得成效 | 监督电话 |`, `四、教育文化 | 14.改扩建… |` then rows with the 类别 merged, and the
    page's record `索引号: | … |` under it: the record's rows were items, every row numbered 1, 2, 3, read
    one column off (the leader its title, its progress its units)."""
    plan = parse_plan(
        "类别 | 民生事项名称 | 2022年度任务目标 | 责任单位 | 分管市领导 | 1-9月份工作完成情况 | 1-9月份工作取得成效 | 监督电话 |\n"
        "四、教育文化 | 14.改扩建泉山学校 | 完成泉山学校一期2座教学楼建设。 | 教育体育局 | 刘福利 | 泉山学校:完成主体建筑结构施工,开始装饰装修。 | 正在加速推进。 | 监督电话0535-8246306 |\n"
        "15.推进学校塑胶运动场地建设 | 完成13处农村学校塑胶运动场地建设。 | 教育体育局 | 刘福利 | 罗峰学校:9月份开始施工,完成基础施工30%。 | 正在全力推进。 | 监督电话0535-8246306 | |\n"
        "16.推进义务教育课后服务 | 对全市34所义务教育学校实行课后服务全覆盖。 | 教育体育局 | 刘福利 | 9月23日进行调度,督促学校开设多彩课程。 | 参与率100%。 | 监督电话0535-8246336 |\n"
        "索引号: | 113706850042672474/2022-04772 | 成文日期: | 2022-10-08 |\n发布机构: | 招远市教育和体育局 |\n", year=2022)
    assert [(it.number, names(it.responsible_units), it.category) for it in plan.items] == [
        ("14", ["教育体育局"], "四、教育文化"), ("15", ["教育体育局"], "四、教育文化"), ("16", ["教育体育局"], "四、教育文化")]
    assert plan.items[0].indicator == plan.items[0].title == "改扩建泉山学校"  # (the 民生事项名称 names the task)


def test_a_task_source_column_and_a_group_row_with_a_count_under_the_header():
    """六安 重点工作及责任清单: `序号 / 重点工作 / 牵头责任单位 / 协同责任单位 / 任务来源`, then `一、潘东旭市长负责事项(共9项)`:
    任务来源 was a second content column, and the group's row (its count in brackets) a header cell —
    the task was split into leads, the source document became the section."""
    cells = ["序号", "重点工作", "牵头责任单位", "协同责任单位", "任务来源", "一、潘东旭市长负责事项(共9项)",
             "1", "全面延伸“双招双引”,继续坚持“顶格倾听、顶格协调、顶格推进”。", "市政府办", "市政府各部门、各直属机构",
             "皖政〔2022〕9号文件",
             "2", "加快建设长三角绿色农产品生产加工供应基地。", "市农业农村局", "市商务局", "市政府工作报告"]
    plan = parse_plan("2022年重点工作及责任清单\n\n" + "\n\n".join(cells))
    assert [(it.number, names(it.lead_units), names(it.responsible_units)) for it in plan.items] == [
        ("1", ["市政府办"], ["市政府办", "市政府各部门", "各直属机构"]),
        ("2", ["市农业农村局"], ["市农业农村局", "市商务局"])]
    assert plan.items[0].title == "全面延伸“双招双引”,继续坚持“顶格倾听、顶格协调、顶格推进”"


def test_a_pipe_row_under_a_unit_cell_merged_from_above_has_its_progress_moved_into_the_unit_column():
    """泰顺 民生实事: the 牵头单位 cell merged over rows 1–3 prints on row 1 only; rows 2 and 3 end with an
    empty cell, their 落实情况 moved left into the unit column (`已完成。 完成筛查人数3495人,…`), which
    was read as their units."""
    text = "\n".join([
        "2024年4月省政府民生实事项目进展情况汇总表",
        "序号 | 项目内容 | 月度工作计划 | 牵头单位 | 落实情况 |",
        "1 | 为全县60岁以上老年人免费接种流感疫苗24723人。 | 4月:制定接种工作方案。 | 县卫生健康局 | 已完成。 已制定工作方案。 |",
        "2 | 为全县重点人群免费开展结直肠癌筛查7400人。 | 4月:完成筛查人数1480人(20%)。 | 已完成。 完成筛查人数3495人,完成率47.23%。 | |",
        "3 | 培训应急救护人员235人。 | 4月:完成培训65人。 | 县红十字会 | 已完成。 培训188人,完成进度80%。 |",
        "4 | 持有居住证的随迁子女就读公办学校比例达90%。 | 3-4月:联系公安户籍部门。 | 县教育局 | 已完成。 |",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.lead_units)) for it in plan.items] == [
        ("1", ["县卫生健康局"]), ("2", ["县卫生健康局"]), ("3", ["县红十字会"]), ("4", ["县教育局"])]
    assert "表格序号2没有单位单元格，按合并单元格沿用了上一行的单位，请核对。" in plan.warnings


def test_a_header_cell_wrapped_after_a_qualifier_and_a_progress_column_named_by_its_picture():
    """余姚 民生实事: `牵头` / `市领导` is one header cell (a leader's, 牵头市领导), and `形象进度(%)` a column
    of its own: read as two and none, every row's cells moved one column over (its progress as its unit)."""
    cells = ["序号", "目标任务", "牵头", "市领导", "责任单位", "进展情况", "形象进度(%)",
             "1", "新建公用和专用电动汽车充电桩350个,其中农村185个", "吕  乐", "市发改局", "新建公共充电桩99个。", "28%",
             "2", "建设电动自行车“充电驿站”1440个", "吕  乐", "市消防大队", "已完成方案制定,进行选址。", "30%",
             "3", "建成“宁静小区”5个", "毛丕显", "生态环境局余姚分局", "1家已基本完成建设。", "65%"]
    plan = parse_plan("2025年宁波市政府民生实事项目进展情况\n\n" + "\n\n".join(cells))
    assert [(it.number, it.title, names(it.responsible_units)) for it in plan.items] == [
        ("1", "新建公用和专用电动汽车充电桩350个,其中农村185个", ["市发改局"]),
        ("2", "建设电动自行车“充电驿站”1440个", ["市消防大队"]),
        ("3", "建成“宁静小区”5个", ["生态环境局余姚分局"]),
    ]


def test_a_project_table_one_cell_a_paragraph_with_figure_columns_and_wrapped_names():
    """江山 民生实事项目实施计划表: header cells over two paragraphs with no role (`总投资` / `(万元)`, `资金` /
    `来源`) ended the header, and no task was found; a project's name over two paragraphs (`城市用气` /
    `提升工程`); its years (`2023.01-2023.12`, 建设起止年限) are its time."""
    cells = ["序号", "项目名称", "项目建设规模及内容", "建设起\n止年限", "总投资\n(万元)", "当年投资", "(万元)",
             "2023年度", "计划", "资金", "来源", "责任", "单位",
             "1", "城市用气", "提升工程", "对28个小区进行“液改气”改造,安装燃气安全装置13000套。", "2023.01-2023.12",
             "1200", "1200", "完工投用", "国企投资", "城投集团",
             "2", "山塘水库综合整治工程", "完成6座小型水库加固改造,消除安全隐患。", "2023.01-2024.06",
             "4600", "4600", "基本完工", "政府投资", "水利局"]
    plan = parse_plan("江山市人民政府关于公布2023年市政府民生实事项目实施计划的通知\n\n" + "\n\n".join(cells))
    assert [(it.number, it.title, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines])
            for it in plan.items] == [
        ("1", "城市用气提升工程", ["城投集团"], ["2023-12-31"]),
        ("2", "山塘水库综合整治工程", ["水利局"], ["2024-06-30"]),
    ]


def test_a_pipe_row_longer_than_its_header_keeps_its_time_where_the_header_has_it():
    """宁海 民生实事: a second header row divides the columns after 建设起止年限 (2022年工作计划 over 投资 /
    形象进度): the rows have more cells than the first header row, and their years were lost."""
    text = "\n".join([
        "2022年宁海县民生实事项目进展表",
        "序号 | 项目名称 | 建设规模及内容 | 总投资 | 建设起止年限 | 至2021年底累计完成投资 | 2022年工作计划 | 项目建设阶段(1-12月份) | 责任单位 |",
        "投资 | 工程主要形象进度 | 完成 投资 | % | 主要形象进度 | ||||",
        "1 | 中小学校护眼灯光工程 | 对全县70所中小学校1658间教室照明进行护眼灯光提升 | 1800 | 2022 | 1800 | 建成 | 1800 | 100 | 完成 | 县教育局 |",
        "2 | 银河小学教学楼提升工程 | 拆翻建一幢四层教学楼,共18个教室 | 3685 | 2022-2023 | 1800 | 工程基础完工 | 1000 | 55.6 | 完成基础施工 | 县教育局 |",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.responsible_units), [d.date.isoformat() for d in it.deadlines]) for it in plan.items] == [
        ("1", ["县教育局"], ["2022-12-31"]), ("2", ["县教育局"], ["2023-12-31"])]


def test_pipe_sub_rows_under_a_numbered_project_cell_merged_over_them_are_the_projects():
    """新昌 民生实事: no 序号 column, each project numbered in its 项目名称 cell, merged over sub-rows that
    print only their own cells (`对七星路… | 2021.12 | 城投集团 | |`, `2021.8 | 城投集团 | ||`): each sub-row
    was an item of its own, titled by its time."""
    text = "\n".join([
        "2021年新昌县政府十方面民生实事进展情况登记表",
        "项目名称 | 工作任务 | 计划完成时间 | 牵头单位 |",
        "1.城市人居环境提升项目 | 对人民中路等3条城区道路进行综合提升改造; | 11月 | 建设局 |",
        "2021.8 | 城投集团 | ||",
        "对七星路等重点区域进行绿化亮化提档升级; | 2021.12 | 城投集团 | |",
        "2.生态公墓建设项目 | 新建生态公益性墓地15处。 | 10月底 | 民政局 |",
        "计划10月底完成新增墓地建设 | 公共服务集团 | ||",
        "3.农村道路改造提升项目 | 提升改造低等级公路40公里。 | 10月 | 交通运输局 |",
        "在50所学校食堂开展校园智能阳光厨房建设。 | 10月底前 | 市场监管局 | |",
    ])
    plan = parse_plan(text)
    assert [(it.number, it.title, names(it.lead_units), [d.date.isoformat() for d in it.deadlines])
            for it in plan.items] == [
        ("1", "城市人居环境提升项目", ["建设局", "城投集团"], ["2021-11-30", "2021-08-31", "2021-12-31"]),
        ("2", "生态公墓建设项目", ["民政局", "公共服务集团"], ["2021-10-31"]),
        ("3", "农村道路改造提升项目", ["交通运输局", "市场监管局"], ["2021-10-31"]),
    ]
    assert "对七星路等重点区域进行绿化亮化提档升级" in plan.items[0].text


def test_a_pipe_header_wrapped_over_lines_each_closed_by_its_pipe():
    """金安 区发改委 月度落实情况: the header's cells over four lines (`序号 | 工作 责任组 |` / `责任 领导 |` / `责任 单位 |`
    / `月度目标要求 | 工作进展(每周报送更新) |`) named no three columns on any one line: no table was read, and the
    row's month tasks (`2.修改完善…`) were items with no unit."""
    text = "\n".join([
        "区发改委2024年11月重点工作落实情况",
        "序号 | 工作 责任组 |", "责任 领导 |", "责任 单位 |", "月度目标要求 | 工作进展(每周报送更新) |",
        "3 | 项目推进 | 洪飞 | 区发改委 | 1.加快固定资产投资调度;推进3个项目开工。 | 3个计划开工项目已全部开工。 |",
        "2.修改完善2025年政府投资计划。 | 正在针对审查要求更新修订中。 | ||||",
        "4 | 价格监测 | 王平 | 区价格监测中心 | 1.做好重要民生商品价格监测。 | 已完成。 |",
    ])
    plan = parse_plan(text)
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [("3", ["区发改委"]), ("4", ["区价格监测中心"])]


def test_a_rows_figure_equal_to_the_next_rows_number_starts_no_row():
    """祁门 民生工程, one cell a line with its pipe: a row's 目标任务 and 累计完成 (`7 |` / `7 |` / `100% |`) came
    where row 7 was expected, and `7` was read as row 7 (titled `100%`, the real row 7 lost)."""
    cells = ["序号", "项目名称", "目标任务", "牵头单位", "目标数", "累计完成", "累计进度",
             "5", "农村敬老院运营服务能力提升", "提升敬老院服务能力。", "县民政局", "3", "3", "100%",
             "6", "加强城乡公益性公墓建设管理", "新建公益性公墓7处。", "县民政局", "7", "7", "100%",
             "7", "企业职工退休一件事一次办理", "推行退休一件事一次办理。", "县人社局", "454", "400", "88%"]
    plan = parse_plan("2024年民生工程进度表\n" + "\n".join(f"{c} |" for c in cells))
    assert [(it.number, names(it.responsible_units)) for it in plan.items] == [
        ("5", ["县民政局"]), ("6", ["县民政局"]), ("7", ["县人社局"])]
