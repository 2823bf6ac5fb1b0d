"""Deadline phrases (DOMAIN.md "Dates")."""

import datetime

import pytest

from tasks.importers import parse_plan
from tasks.importers.dates import find_dates, parse_date_cell, parse_issue_date


def resolved(text, year=2020):
    return [(h.phrase, [d.isoformat() for d in h.dates]) for h in find_dates(text, year)]


@pytest.mark.parametrize(
    ("text", "phrase", "date"),
    [
        ("8月底前完成", "8月底前", "2020-08-31"),
        ("2020年12月底前建成", "2020年12月底前", "2020-12-31"),
        ("年底前基本实现", "年底前", "2020-12-31"),
        ("到年底前实现", "到年底前", "2020-12-31"),
        ("年底实现", "年底", "2020-12-31"),
        ("全年分批公布", "全年", "2020-12-31"),
        ("2020年底前", "2020年底前", "2020-12-31"),
        ("到2019年底", "到2019年底", "2019-12-31"),
        ("上半年完成", "上半年", "2020-06-30"),
        ("下半年完成", "下半年", "2020-12-31"),
        ("2017年下半年", "2017年下半年", "2017-12-31"),
        ("第三季度完成", "第三季度", "2020-09-30"),
        ("二季度末", "二季度末", "2020-06-30"),
        ("2017年2月和3月", "2017年2月和3月", "2017-03-31"),
        ("2017年6月", "2017年6月", "2017-06-30"),
        ("2018年12月15日前", "2018年12月15日前", "2018-12-15"),
        ("2018年10月10日-2018年11月10日", "2018年10月10日-2018年11月10日", "2018-11-10"),
        ("2019年4月-2019年6月", "2019年4月-2019年6月", "2019-06-30"),
        ("2月底前", "2月底前", "2020-02-29"),  # leap year
    ],
)
def test_resolves(text, phrase, date):
    assert resolved(text) == [(phrase, [date])]


@pytest.mark.parametrize("text", ["制定全年产业发展规划,全面摸排辖区楼宇运营情况", "完成全年目标任务", "做好全年工作安排",
                                  "全年的工作重点"])
def test_the_years_plan_or_work_is_no_deadline(text):
    """望月湖街道 2024: `制定全年产业发展规划` gave the task 12-31 (全年 says what the plan covers, not when it is due)."""
    assert resolved(text) == []


def test_spaces_inside_phrases_are_removed_by_normalisation():
    from tasks.importers.text import clean_line

    assert resolved(clean_line("根据省里部署,6 月底前完成")) == [("6月底前", ["2020-06-30"])]
    assert parse_date_cell("12 月底", 2019).dates[0].isoformat() == "2019-12-31"


def test_each_quarter_expands_to_four_recurring_dates():
    (hit,) = find_dates("每季度召开现场会", 2019)
    assert [d.isoformat() for d in hit.dates] == ["2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31"]
    assert hit.recurring


@pytest.mark.parametrize("text", ["三季度前再公布", "长期坚持", "2019年所有教育审批事项", "按季度全面公开"])
def test_unresolvable_phrases_are_reported(text):
    hits = find_dates(text, 2019)
    assert len(hits) == 1 and hits[0].dates == []


@pytest.mark.parametrize(
    "text",
    [
        "3个工作日内办结", "46天内办结", "1日办结", "最多90天", "最多 90 天", "50日审批制", "60分钟内领取",
        "24小时不打烊", "120小时以内", "6个月以内", "压缩至40小时", "当日办结", "覆盖率达5%—10%",
        "10千伏高压", "平台3.0版", "2个环节1份材料10个工作日以内",
    ],
)
def test_service_targets_are_not_deadlines(text):
    assert find_dates(text, 2020) == []


def test_issue_date_line():
    assert parse_issue_date("2019年4月22日").isoformat() == "2019-04-22"
    assert parse_issue_date("请于2019年4月22日前反馈") is None


@pytest.mark.parametrize(
    "text",
    ["自2024年1月1日起施行", "从2023年7月起全面推行", "2023年7月开始试点", "2022年6月以来累计办理", "10月1日以后新申报的项目",
     "3月15日之后受理"],
)
def test_the_start_of_a_period_is_no_deadline(text):
    assert find_dates(text, 2023) == []


def test_a_period_from_a_start_to_an_end_gives_the_end():
    assert resolved("自2024年1月1日起至2024年6月30日开展专项整治", 2024) == [("2024年6月30日", ["2024-06-30"])]
    assert resolved("3月底前起草实施细则", 2024) == [("3月底前", ["2024-03-31"])]  # 起草 drafts: no start


def test_a_date_cell_that_starts_a_period_is_left_to_a_person():
    hit = parse_date_cell("2023年3月起", 2023)
    assert hit.dates == [] and hit.phrase == "2023年3月起"


@pytest.mark.parametrize(
    "text",
    ["本方案自印发之日起施行，有效期至2025年12月31日。", "有效期为2023年1月1日至2025年12月31日",
     "本办法有效期自2024年3月1日起至2026年2月28日止", "实施阶段性降低失业保险费率政策,实施期限至2021年12月31日",
     "原阶段性下调工伤保险费率政策实施至2021年4月30日", "减免政策延长至2021年12月31日",
     "2021年5月1日至2022年4月30日实施阶段性下调工伤保险费率50%的政策",
     "延续实施阶段性降低失业保险费率政策至2023年4月30日"],  # (镇江 2022: read as a deadline)
)
def test_a_plans_or_policys_term_is_no_deadline(text):
    assert find_dates(text, 2023) == []


def test_a_deadline_after_a_term_in_another_clause_is_read():
    assert resolved("有效期3年，6月底前完成首批评估", 2023) == [("6月底前", ["2023-06-30"])]
    assert resolved("完成期限至2023年9月30日", 2023) == [("2023年9月30日", ["2023-09-30"])]
    assert resolved("2023年3月至6月实施专项整治", 2023) == [("2023年3月至6月", ["2023-06-30"])]  # a task's period


def test_明年_is_the_year_after_the_plans_issue_and_nothing_without_an_issue_date():
    """下陆 2023, issued 2022-12-27: `确保仓储物流区明年7月份建成…明年年底满园运营` gave no deadline."""
    body = ("\n一、发展\n1.建设产业园。确保仓储物流区明年7月份建成、商业引导区明年11月份建成,"
            "并实现一期核心区明年年底满园运营。[责任单位:老街办]\n")
    issued = parse_plan("2023年区政府工作报告重点任务分解\n区人民政府办公室\n2022年12月27日" + body)
    assert issued.meta.issued_on == datetime.date(2022, 12, 27)
    item = issued.items[0]
    assert [d.date.isoformat() for d in item.deadlines] == ["2023-07-31", "2023-11-30", "2023-12-31"]
    assert "仓储物流区" in item.deadlines[0].what and "商业引导区" in item.deadlines[1].what  # each its own clause
    undated = parse_plan("2023年区政府工作报告重点任务分解" + body)  # 明年 of when? no date is guessed
    assert undated.items[0].deadlines == []


@pytest.mark.parametrize(("text", "expected"), [
    ("泵站改造3月开工,7月完工", ["2023-07-31"]),  # the month the work is done in; the start is none
    ("10月建成投用", ["2023-10-31"]),
    ("于9月份完成", ["2023-09-30"]),
    ("1-7月完成投资5亿元", []),  # a span so far: what was done
    ("截至7月完成投资5亿元", []),
    ("3月开工建设", []),
])
def test_a_bare_month_the_work_is_done_in_is_its_deadline(text, expected):
    assert [d.isoformat() for h in find_dates(text, 2023) for d in h.dates] == expected


def test_a_years_digits_at_the_end_of_a_longer_number_are_no_year():
    """宁海/江北 project tables: `13400` (总投资) glued to `年内完成` was read as 3400年内 → 3400-12-31."""
    assert find_dates("13400年内完成", 2023) == []
    assert [d.isoformat() for h in find_dates("2023年内完成", 2022) for d in h.dates] == ["2023-12-31"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("2023.01-2023.12", "2023-12-31"), ("2022-2023", "2023-12-31"), ("2022", "2022-12-31"), ("2023.6", "2023-06-30")])
def test_a_projects_years_in_a_time_column_end_with_the_range(cell, expected):
    hit = parse_date_cell(cell, 2023)
    assert [d.isoformat() for d in hit.dates] == [expected]


def test_a_figure_in_a_time_column_is_no_year():
    assert parse_date_cell("1200", 2023).dates == [] and parse_date_cell("13400", 2023).dates == []
