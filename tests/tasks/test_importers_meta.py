"""Plan metadata of documents other than the seeds."""

import pytest

from tasks.importers import parse_plan

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
