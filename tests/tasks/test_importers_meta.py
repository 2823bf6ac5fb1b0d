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
