"""Read the State Council's holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

Pure: text in, dataclasses out, no database. The office pastes the notice as published;
`parse_notice` finds the year in the title and, item by item (一、元旦：… 二、春节：…), every
day off (放假/放假调休, single days or ranges, also across months and years) and every adjusted
working day (…上班, 补班). `deadlines.holiday_import` turns the result into CalendarDay rows.

What counts as a holiday is exactly what the notice lists: a range "2月15日至23日放假调休"
is every day of it, weekends inside included; "1月1日放假，与周末连休" is 1 January alone (the
weekend beside it is a weekend anyway). That is also how the chinesecalendar package records
its years, so the two agree day for day (tests/deadlines/test_holidays.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

HOLIDAY = "holiday"  # = deadlines.models.DayKind.HOLIDAY
WORKDAY = "workday"  # = deadlines.models.DayKind.WORKDAY
ONE_DAY = dt.timedelta(days=1)

NO_ARRANGEMENT = "未识别出节假日安排，请粘贴国务院办公厅通知全文"


class NoticeError(ValueError):
    """The text is not a notice this parser can read; the message is for the office (Chinese)."""


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    kind: str  # HOLIDAY or WORKDAY
    festival: str  # as the notice names the item: 元旦, 春节, 国庆节、中秋节 …

    @property
    def is_workday(self) -> bool:
        return self.kind == WORKDAY

    @property
    def name(self) -> str:
        """The CalendarDay name: the festival, adjusted working days marked like fill_calendar's."""
        return f"{self.festival}调休" if self.is_workday else self.festival


@dataclass
class HolidayNotice:
    year: int
    days: list[NoticeDay] = field(default_factory=list)  # by date
    warnings: list[str] = field(default_factory=list)  # readable, Chinese; the days are still usable

    @property
    def holidays(self) -> list[dt.date]:
        return [d.date for d in self.days if not d.is_workday]

    @property
    def workdays(self) -> list[dt.date]:
        return [d.date for d in self.days if d.is_workday]


# The text is NFKC-normalised first: full-width digits, colons, commas and brackets become ASCII.
TITLE_YEAR = re.compile(r"[关關][于於]\s*(\d{4})\s*年\s*部分\s*[节節]假日\s*安排")
BODY_YEAR = re.compile(r"现将\s*(\d{4})\s*年\s*元旦|現將\s*(\d{4})\s*年\s*元旦")
ITEM = re.compile(r"(?:^|(?<=[\s。.]))([一二三四五六七八九十]{1,3})\s*[、.]\s*([^:\n。,]{1,30}?)\s*:")
# a date, and the weekday the notice wrote after it (kept from its bracket as 〈0〉…〈6〉, Monday = 0)
DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*〈(\d)〉)?")
BRACKETS = re.compile(r"\([^()]*\)|〔[^〔〕]*〕|【[^【】]*】")
WEEKDAY = re.compile(r"(?:周|星期|禮拜|礼拜)([一二三四五六日天])")
WEEKDAYS = "一二三四五六日"
CLAUSE_END = re.compile(r"[。;,\n]")
TOTAL = re.compile(r"共\s*(\d+)\s*天")
OFF = re.compile(r"放假|补休|補休")
ON = re.compile(r"上班|补班|補班")


def notice_year(text: str) -> int:
    """The year of the notice, from its title (…关于2027年部分节假日安排的通知) or, failing that,
    from its first sentence (现将2027年元旦、春节……)."""
    text = unicodedata.normalize("NFKC", text)
    match = TITLE_YEAR.search(text) or BODY_YEAR.search(text)
    if not match:
        raise NoticeError("未找到通知标题中的年份，请连同标题（如“国务院办公厅关于2027年部分节假日安排的通知”）一起粘贴")
    return int(next(g for g in match.groups() if g))


def parse_notice(text: str) -> HolidayNotice:
    """Every holiday and adjusted working day of the notice, by date.

    Raises NoticeError (with a Chinese message) when the text has no arrangement in it, no year,
    an impossible date, a range that ends before it starts, or a day that is both off and on."""
    text = unicodedata.normalize("NFKC", text or "")
    items = _items(text)
    if not items:
        raise NoticeError(NO_ARRANGEMENT)
    year = notice_year(text)
    notice = HolidayNotice(year=year)
    seen: dict[dt.date, NoticeDay] = {}
    for festival, body in items:
        for day in _item_days(year, festival, body, notice.warnings):
            before = seen.get(day.date)
            if before is not None and before.kind != day.kind:
                raise NoticeError(f"{_fmt(day.date)}既列为放假又列为上班（{before.festival}、{day.festival}），请核对通知原文")
            seen.setdefault(day.date, day)
    if not seen:
        raise NoticeError(NO_ARRANGEMENT)
    notice.days = sorted(seen.values(), key=lambda d: d.date)
    outside = sorted({d.date.year for d in notice.days} - {year - 1, year, year + 1})
    if outside:
        raise NoticeError(f"通知为{year}年节假日安排，但其中有{'、'.join(map(str, outside))}年的日期，请核对")
    if not any(d.date.year == year for d in notice.days):
        raise NoticeError(f"通知为{year}年节假日安排，但未找到{year}年的日期，请核对")
    return notice


def _items(text: str) -> list[tuple[str, str]]:
    """(festival, body) of each numbered item; a body ends at the next item or the end of its line."""
    heads = list(ITEM.finditer(text))
    items = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end():end]
        body = body.split("\n\n")[0] if i + 1 == len(heads) else body
        festival = re.sub(r"\s+", "", head.group(2))
        if DATE.search(body) and (OFF.search(body) or ON.search(body)):
            items.append((festival, body))
    return items


def _item_days(year: int, festival: str, body: str, warnings: list[str]) -> list[NoticeDay]:
    days: list[NoticeDay] = []
    # （周四）（农历腊月二十八、周日）（星期日） keep only their weekday; 除夕（2月9日） goes entirely
    body = BRACKETS.sub(_weekday_mark, body)
    for sentence in re.split(r"[。;\n]", body):
        off_days: list[dt.date] = []
        context = (year, None)  # a date without month (…至3日) takes the month before it
        for clause in CLAUSE_END.split(sentence):
            found = []
            for match in DATE.finditer(clause):
                day, context = _date(match, context, year, festival)
                found.append((day, match))
                if match.group(4) and int(match.group(4)) != day.weekday():
                    warnings.append(
                        f"{festival}：{_fmt(day)}是周{WEEKDAYS[day.weekday()]}，"
                        f"通知写“周{WEEKDAYS[int(match.group(4))]}”，请核对日期"
                    )
            if not found:
                continue
            if ON.search(clause):
                days += [NoticeDay(d, WORKDAY, festival) for d, _ in found]
            elif OFF.search(clause):
                off_days += _holidays(clause, found, festival)
        days += [NoticeDay(d, HOLIDAY, festival) for d in off_days]
        total = TOTAL.search(sentence)
        if total and off_days and int(total.group(1)) != len(off_days):
            warnings.append(f"{festival}：按所列日期共放假{len(off_days)}天，通知写“共{total.group(1)}天”，请核对")
    return days


def _weekday_mark(bracket: re.Match) -> str:
    weekday = WEEKDAY.search(bracket.group(0))
    return f"〈{WEEKDAYS.replace('天', '日').index(weekday.group(1).replace('天', '日'))}〉" if weekday else ""


def _holidays(clause: str, found: list, festival: str) -> list[dt.date]:
    """The days off of one clause: "A至B放假…" is every day from A to B; else each date named."""
    out: list[dt.date] = []
    i = 0
    while i < len(found):
        day, match = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        between = clause[match.end(): nxt[1].start()] if nxt else ""
        if nxt and re.fullmatch(r"\s*(至|到|-|—|~|～)\s*", between):
            end = nxt[0]
            if end < day:
                raise NoticeError(f"{festival}：{_fmt(day)}至{_fmt(end)}的结束日期早于开始日期，请核对")
            if (end - day).days > 31:
                raise NoticeError(f"{festival}：{_fmt(day)}至{_fmt(end)}超过一个月，请核对")
            while day <= end:
                out.append(day)
                day += ONE_DAY
            i += 2
        else:
            out.append(day)
            i += 1
    return out


def _date(
    match: re.Match, context: tuple[int, int | None], notice_year: int, festival: str
) -> tuple[dt.date, tuple[int, int]]:
    """A date of the notice: without a year it is the notice's year; with only a day (…至3日)
    it is in the month (and year) of the date before it."""
    if match.group(1):
        year = int(match.group(1))
    else:
        year = notice_year if match.group(2) else context[0]
    month = int(match.group(2)) if match.group(2) else context[1]
    if month is None:
        raise NoticeError(f"{festival}：“{match.group(0)}”缺少月份，请核对")
    try:
        day = dt.date(year, month, int(match.group(3)))
    except ValueError:
        raise NoticeError(f"{festival}：{year}年{month}月{match.group(3)}日不是有效日期，请核对") from None
    return day, (year, month)


def _fmt(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"
