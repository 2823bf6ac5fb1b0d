"""导入节假日安排: paste the notice, preview, confirm (deadlines.holiday_views / holiday_import)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from deadlines import holidays
from deadlines.holiday_import import Action, CalendarChanged, apply_notice, plan_notice
from deadlines.holiday_notice import parse_notice
from deadlines.models import CalendarDay, DayKind, DaySource, work_calendar

from .test_holidays import notice_text

pytestmark = pytest.mark.django_db

URL = reverse("deadlines:holiday_import")

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。1月31日（周日）、2月20日（周六）上班。

三、国庆节、中秋节：9月29日至10月6日放假调休，共8天。9月26日（周日）、10月9日（周六）上班。

国务院办公厅
"""


def preview(client, text):
    response = client.post(URL, {"text": text, "preview": "1"})
    assert response.status_code == 200
    return response


def confirm(client, response, **extra):
    """Post the confirm form exactly as the preview rendered it."""
    page = response.content.decode()
    form = page[page.index('name="confirm"') - 3000 :]
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', form).group(1)
    text = response.context["form"].cleaned_data["text"]
    return client.post(URL, {"text": text, "fingerprint": fingerprint, "confirm": "1", **extra}, follow=True)


def test_preview_lists_every_date_then_confirm_writes_them_and_again_changes_nothing(client, office):
    client.force_login(office)
    response = preview(client, NOTICE_2027)
    page = response.content.decode()
    assert "预览：2027年节假日安排" in page and 'data-testid="holiday-preview"' in page
    assert "放假 19 天，调休上班 4 天" in page
    assert "2027-02-20" in page and "上班（补班）" in page and "国庆节、中秋节" in page
    assert not CalendarDay.objects.exists()  # the preview writes nothing

    done = confirm(client, response)
    assert "已保存2027年节假日安排：新增 23 天" in done.content.decode()
    assert "2027年 23 天（通知导入 23）" in done.content.decode()
    rows = {r.date: r for r in CalendarDay.objects.all()}
    assert len(rows) == 23 and {r.source for r in rows.values()} == {DaySource.NOTICE}
    assert (rows[dt.date(2027, 2, 20)].kind, rows[dt.date(2027, 2, 20)].name) == (DayKind.WORKDAY, "春节调休")
    assert rows[dt.date(2027, 10, 6)].kind == DayKind.HOLIDAY and rows[dt.date(2027, 9, 30)].name == "国庆节、中秋节"

    before = list(CalendarDay.objects.order_by("date").values_list("pk", "date", "kind", "name", "source"))
    again = preview(client, NOTICE_2027)
    assert again.context["plan"].counts == {"new": 0, "update": 0, "same": 23, "conflict": 0, "remove": 0}
    assert "新增 0 天，更新 0 天，删除 0 天，不变 23 天" in confirm(client, again).content.decode()
    assert list(CalendarDay.objects.order_by("date").values_list("pk", "date", "kind", "name", "source")) == before


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
def test_after_the_import_2027_is_no_longer_counted_monday_to_friday(client, office):
    assert holidays.calendar_gaps(today=dt.date(2026, 12, 2)) == [2027]
    apply_notice(parse_notice(NOTICE_2027))
    cal = work_calendar()
    assert holidays.calendar_gaps(today=dt.date(2026, 12, 2), cal=cal) == []
    assert not cal.is_workday(dt.date(2027, 2, 8)) and cal.is_workday(dt.date(2027, 2, 20))
    assert cal.is_workday(dt.date(2027, 3, 1)) and not cal.fallback_years


def test_the_office_rows_are_conflicts_kept_unless_the_office_overwrites(client, office):
    CalendarDay.objects.create(date=dt.date(2027, 1, 31), kind=DayKind.HOLIDAY, name="本地安排")  # typed by hand
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="新年")  # agrees: kept as is
    client.force_login(office)
    response = preview(client, NOTICE_2027)
    plan = response.context["plan"]
    assert [d.date for d in plan.conflicts] == [dt.date(2027, 1, 31)]
    page = response.content.decode()
    assert "冲突 1 天" in page and "冲突：改革办已录入" in page and 'name="overwrite"' in page

    done = confirm(client, response).content.decode()
    assert "1 天与改革办录入的记录冲突，已保留原记录" in done
    kept = CalendarDay.objects.get(date=dt.date(2027, 1, 31))
    assert (kept.kind, kept.name, kept.source) == (DayKind.HOLIDAY, "本地安排", DaySource.OFFICE)
    assert CalendarDay.objects.get(date=dt.date(2027, 1, 1)).name == "新年"
    assert CalendarDay.objects.count() == 23

    confirm(client, preview(client, NOTICE_2027), overwrite="on")
    replaced = CalendarDay.objects.get(date=dt.date(2027, 1, 31))
    assert (replaced.kind, replaced.source) == (DayKind.WORKDAY, DaySource.NOTICE)


def test_a_corrected_notice_updates_the_earlier_paste_and_the_package_rows(client, office):
    holidays.calendar_fill(years=[2026])  # the package's 2026, as fill_calendar copies it
    apply_notice(parse_notice(NOTICE_2027))
    corrected = NOTICE_2027.replace("2月20日（周六）", "2月21日（周日）")
    plan = plan_notice(parse_notice(corrected))
    assert {(d.date, d.action) for d in plan.days if d.action != Action.SAME} == {
        (dt.date(2027, 2, 20), Action.REMOVE),
        (dt.date(2027, 2, 21), Action.NEW),
    }
    apply_notice(parse_notice(corrected), expect=plan.fingerprint)
    assert not CalendarDay.objects.filter(date=dt.date(2027, 2, 20)).exists()
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 21)).kind == DayKind.WORKDAY
    # the package's 2026 rows are the notice's to update, not conflicts
    plan_2026 = plan_notice(parse_notice(notice_text(2026)))
    assert plan_2026.counts["conflict"] == 0 and plan_2026.counts["new"] == 0


def test_a_confirm_after_the_calendar_changed_is_refused_whole(client, office):
    client.force_login(office)
    response = preview(client, NOTICE_2027)
    CalendarDay.objects.create(date=dt.date(2027, 10, 9), kind=DayKind.HOLIDAY, name="他人刚录入")
    page = confirm(client, response).content.decode()
    assert "预览之后节假日安排已有变动" in page and "冲突 1 天" in page
    assert CalendarDay.objects.count() == 1  # nothing written
    with pytest.raises(CalendarChanged):
        apply_notice(parse_notice(NOTICE_2027), expect=response.context["plan"].fingerprint)
    assert CalendarDay.objects.count() == 1


def test_apply_is_all_or_nothing(monkeypatch):
    apply_notice(parse_notice(NOTICE_2027))
    corrected = NOTICE_2027.replace("2月20日（周六）", "2月21日（周日）")

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CalendarDay.objects, "bulk_update", fail)  # after the new day is inserted
    with pytest.raises(RuntimeError):
        apply_notice(parse_notice(corrected))
    assert CalendarDay.objects.filter(date=dt.date(2027, 2, 20)).exists()
    assert not CalendarDay.objects.filter(date=dt.date(2027, 2, 21)).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请粘贴国务院办公厅通知全文"),
        ("各单位：请于12月1日前报送材料。", "未识别出节假日安排，请粘贴国务院办公厅通知全文"),
        ("一、元旦：1月1日放假。", "未找到通知标题中的年份"),
    ],
)
def test_bad_input_is_explained_in_chinese(client, office, text, message):
    client.force_login(office)
    page = preview(client, text).content.decode()
    assert message in page and "预览：" not in page
    assert not CalendarDay.objects.exists()


def test_only_the_office_may_import(client, supervisor, liaison_a):
    for user in (supervisor, liaison_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"text": NOTICE_2027, "confirm": "1"}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
    assert not CalendarDay.objects.exists()


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
def test_the_calendar_warning_and_the_office_menu_link_to_the_page(client, office, supervisor):
    client.force_login(office)
    page = client.get(reverse("supervision:reports")).content.decode()
    warning = page[page.index('data-testid="calendar-warning"') :]
    warning = warning[: warning.index("</div>")]
    assert f'href="{URL}"' in warning
    assert page.count(f'href="{URL}"') == 2  # and in the 导入 menu
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert 'data-testid="calendar-warning"' in dashboard and dashboard.count(f'href="{URL}"') == 2
    client.force_login(supervisor)
    assert f'href="{URL}"' not in client.get(reverse("supervision:reports")).content.decode()


def test_the_migration_marks_earlier_package_copies_as_the_packages():
    from importlib import import_module

    from django.apps import apps

    CalendarDay.objects.create(date=dt.date(2026, 10, 10), kind=DayKind.WORKDAY, name="国庆节调休")  # the package's
    CalendarDay.objects.create(date=dt.date(2026, 10, 8), kind=DayKind.HOLIDAY, name="本地调整")  # the office's
    import_module("deadlines.migrations.0005_calendar_day_source").mark_package_rows(apps, None)
    sources = dict(CalendarDay.objects.values_list("date", "source"))
    assert sources == {dt.date(2026, 10, 10): DaySource.PACKAGE, dt.date(2026, 10, 8): DaySource.OFFICE}
