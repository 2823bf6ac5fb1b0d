"""The State Council notice parser (deadlines.holiday_notice): pure, no database.

The fixtures under holiday_notices/ are the notices for 2024, 2025 and 2026 as published
(国办发明电), pasted whole: title, salutation, preamble, items, closing and date."""

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants as cc_data

from deadlines.holiday_notice import HOLIDAY, NO_ARRANGEMENT, WORKDAY, NoticeError, notice_year, parse_notice
from deadlines.models import DayKind

NOTICES = Path(__file__).parent / "holiday_notices"


def notice_text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def package(table: dict, year: int) -> list[dt.date]:
    return sorted(d for d in table if d.year == year)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_real_notice_gives_the_packages_days_exactly(year):
    """Like with like: the package lists, as holidays, every day of each announced range, weekend
    days inside the range included (2026-02-15, a Sunday, is 春节), and for "X放假，与周末连休" only X
    (2024-01-01, not the weekend before it). The parser reads the notice the same way: every day
    from A to B of "A至B放假调休", only the named day otherwise; so the two lists are equal, and the
    补班 days (weekend days that become working days) are equal too."""
    notice = parse_notice(notice_text(year))
    assert notice.year == year
    assert notice.warnings == []
    assert notice.holidays == package(cc_data.holidays, year)
    assert notice.workdays == package(cc_data.workdays, year)


def test_festival_names_and_kinds_of_2026():
    days = {d.date: d for d in parse_notice(notice_text(2026)).days}
    assert (days[dt.date(2026, 2, 15)].kind, days[dt.date(2026, 2, 15)].festival) == (HOLIDAY, "春节")
    assert days[dt.date(2026, 2, 23)].festival == "春节"  # …至23日（农历正月初七、周一）
    assert [d for d in days if days[d].festival == "春节" and days[d].kind == HOLIDAY] == [
        dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)
    ]
    assert (days[dt.date(2026, 1, 4)].kind, days[dt.date(2026, 1, 4)].name) == (WORKDAY, "元旦调休")
    assert days[dt.date(2026, 2, 28)].kind == WORKDAY


def test_kinds_are_the_models_values():
    assert (HOLIDAY, WORKDAY) == (DayKind.HOLIDAY.value, DayKind.WORKDAY.value)


def test_the_preamble_and_the_encouragement_are_not_read():
    """2025's preamble says 国庆节自10月1日起放假调休7天 and 2024's 春节 item encourages rest on
    除夕（2月9日）: neither is an arrangement."""
    assert dt.date(2024, 2, 9) not in parse_notice(notice_text(2024)).holidays
    assert parse_notice(notice_text(2025)).holidays.count(dt.date(2025, 10, 1)) == 1


def test_ranges_across_months_and_years_and_a_one_line_paste():
    text = (
        "国务院办公厅关于2027年部分节假日安排的通知 经国务院批准，现将2027年元旦……通知如下。"
        "一、元旦：2026年12月31日（周四）至2027年1月2日（周六）放假调休，共3天。2026年12月27日（周日）上班。"
        "二、国庆节、中秋节：9月29日至10月6日放假调休，共8天。9月26日（周日）、10月9日（周六）上班。"
        "三、端午节：6月9日放假，与周末连休。四、清明节：4月3日放假，4月5日（星期一）补休。 国务院办公厅 2026年11月3日"
    )
    notice = parse_notice(text)
    assert notice.year == 2027 and notice.warnings == []
    assert notice.holidays[:3] == [dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2027, 1, 2)]
    assert dt.date(2027, 4, 5) in notice.holidays and dt.date(2027, 6, 9) in notice.holidays
    assert [d for d in notice.holidays if d.month in (9, 10) and d.year == 2027] == [
        dt.date(2027, 9, 29) + dt.timedelta(days=i) for i in range(8)
    ]
    assert notice.workdays == [dt.date(2026, 12, 27), dt.date(2027, 9, 26), dt.date(2027, 10, 9)]


def test_full_width_and_traditional_text():
    text = "國務院辦公廳關於２０２７年部分節假日安排的通知\n一、元旦：１月１日（周五）至３日（周日）放假，共3天。"
    assert parse_notice(text).holidays == [dt.date(2027, 1, d) for d in (1, 2, 3)]


def test_a_total_that_does_not_match_is_a_warning():
    notice = parse_notice("关于2027年部分节假日安排的通知\n一、春节：2月5日至11日放假调休，共8天。")
    assert notice.warnings == ["春节：按所列日期共放假7天，通知写“共8天”，请核对"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", NO_ARRANGEMENT),
        ("请于12月1日前报送材料。", NO_ARRANGEMENT),
        ("一、元旦：1月1日放假。", "未找到通知标题中的年份"),
        ("关于2027年部分节假日安排的通知 一、春节：2月30日放假。", "2027年2月30日不是有效日期"),
        ("关于2027年部分节假日安排的通知 一、春节：2月11日至5日放假。", "结束日期早于开始日期"),
        ("关于2027年部分节假日安排的通知 一、春节：2月6日放假。二、调休：2月6日上班。", "既列为放假又列为上班"),
    ],
)
def test_bad_input_is_refused_in_chinese(text, message):
    with pytest.raises(NoticeError, match=message):
        parse_notice(text)


def test_the_year_comes_from_the_title_broken_over_lines():
    assert notice_year("国务院办公厅关于2025年\n部分节假日安排的通知") == 2025


def test_a_weekday_that_does_not_match_its_date_is_a_warning():
    """A typo in a pasted date shows: the notice writes each date's weekday beside it."""
    notice = parse_notice("关于2026年部分节假日安排的通知\n一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月5日（周日）上班。")
    assert notice.warnings == ["元旦：1月5日是周一，通知写“周日”，请核对日期"]
    assert parse_notice(notice_text(2024)).warnings == []  # （星期日） is read too
