"""The office enters next year's holidays by pasting the State Council notice, in Debian's Chromium."""

import pytest
from django.core.management import call_command

from deadlines.models import CalendarDay, DayKind
from tests.deadlines.test_holiday_import import NOTICE_2027

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_pastes_the_notice_previews_and_confirms(live_server, login, page, shot):
    call_command("create_demo_users", verbosity=0)
    login("office")
    page.click("#nav-import")  # the 导入 menu
    page.click("text=导入节假日安排")
    page.fill("textarea[name=text]", NOTICE_2027)
    page.click("button:has-text('预览')")
    page.wait_for_load_state("networkidle")
    assert "预览：2027年节假日安排" in page.content()
    assert page.locator("[data-testid=holiday-preview] tbody tr").count() == 23
    shot("office-holiday-import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "已保存2027年节假日安排：新增 23 天" in page.content()
    assert CalendarDay.objects.filter(date__year=2027, kind=DayKind.WORKDAY).count() == 4
