import datetime as dt
import mimetypes

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from deadlines.models import CalendarDay, DayKind, MonthlyReport, Notification, ReportStatus

pytestmark = pytest.mark.django_db


def test_header_badge_shows_unread_count_and_latest(client, liaison_a, liaison_b):
    Notification.objects.create(user=liaison_a, title="督办提醒：1项逾期提醒", url="/deadlines/notifications/")
    Notification.objects.create(user=liaison_a, title="已读的", read_at="2026-09-30T08:00:00+08:00")
    Notification.objects.create(user=liaison_b, title="别人的提醒")
    client.force_login(liaison_a)
    page = client.get(reverse("deadlines:notifications")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    assert "督办提醒：1项逾期提醒" in page and "别人的提醒" not in page


@pytest.mark.parametrize("unread", [0, 4, 5, 6, 12])
def test_header_badge_counts_every_unread_one_around_the_listed_five(client, liaison_a, unread):
    """The badge's count comes from the listed five when there are fewer (no COUNT), and is counted
    when the list is full: 5 and 6 and 12 unread read 5, 6, 12, not 5."""
    from deadlines.context_processors import RECENT

    for i in range(unread):
        Notification.objects.create(user=liaison_a, title=f"提醒{i}")
    Notification.objects.create(user=liaison_a, title="已读的", read_at="2026-09-30T08:00:00+08:00")
    client.force_login(liaison_a)
    response = client.get(reverse("deadlines:notifications"))
    assert response.context["notifications_unread"] == unread
    assert len(response.context["notifications_recent"]) == min(unread, RECENT) and RECENT == 5
    page = response.content.decode()
    assert (f'data-testid="unread-count">{unread}<' in page) == bool(unread)


def test_liaison_marks_a_notification_read(client, liaison_a):
    note = Notification.objects.create(user=liaison_a, title="提醒", url="/tasks/1/")
    client.force_login(liaison_a)
    response = client.post(reverse("deadlines:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/tasks/1/"
    note.refresh_from_db()
    assert note.read_at is not None
    page = client.get(reverse("deadlines:notifications")).content.decode()
    assert "unread-count" not in page


def test_another_users_notification_is_a_404(client, liaison_a, liaison_b):
    note = Notification.objects.create(user=liaison_b, title="提醒")
    client.force_login(liaison_a)
    assert client.post(reverse("deadlines:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_own(client, liaison_a, liaison_b):
    Notification.objects.create(user=liaison_a, title="a1")
    Notification.objects.create(user=liaison_a, title="a2")
    other = Notification.objects.create(user=liaison_b, title="b")
    client.force_login(liaison_a)
    client.post(reverse("deadlines:notification_read_all"))
    assert not Notification.objects.filter(user=liaison_a).unread().exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_marking_read_needs_post(client, liaison_a):
    note = Notification.objects.create(user=liaison_a, title="提醒")
    client.force_login(liaison_a)
    assert client.get(reverse("deadlines:notification_read", args=[note.pk])).status_code == 405


def test_open_redirect_is_refused(client, liaison_a):
    note = Notification.objects.create(user=liaison_a, title="提醒")
    client.force_login(liaison_a)
    response = client.post(reverse("deadlines:notification_read", args=[note.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("deadlines:notifications")


@pytest.fixture
def ready_report(media):
    report = MonthlyReport.objects.create(
        year=2026, month=9, status=ReportStatus.READY, as_of=dt.date(2026, 9, 30)
    )
    report.file.save("督查通报_2026年09月.xlsx", ContentFile(b"PK workbook"))
    return report


def test_supervisor_lists_and_downloads_reports(client, supervisor, ready_report):
    client.force_login(supervisor)
    page = client.get(reverse("supervision:reports")).content.decode()
    assert "2026年9月督查通报" in page and "下载 Excel" in page
    assert "生成 / 重新生成" not in page  # supervisors change nothing
    response = client.get(reverse("supervision:report_download", args=[ready_report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK workbook"
    assert "attachment" in response["Content-Disposition"]


def test_report_downloads_as_a_named_workbook_on_a_host_without_mime_types(client, office, ready_report, monkeypatch):
    monkeypatch.setattr(mimetypes, "guess_type", lambda *args, **kwargs: (None, None))  # no /etc/mime.types
    client.force_login(office)
    response = client.get(reverse("supervision:report_download", args=[ready_report.pk]))
    from urllib.parse import quote

    assert f"filename*=utf-8''{quote('督查通报附表_2026年09月.xlsx')}" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_liaison_cannot_see_or_download_reports(client, liaison_a, ready_report):
    client.force_login(liaison_a)
    assert client.get(reverse("supervision:reports")).status_code == 403
    assert client.get(reverse("supervision:report_download", args=[ready_report.pk])).status_code == 403


def test_a_report_not_ready_cannot_be_downloaded(client, office, media):
    report = MonthlyReport.objects.create(year=2026, month=8, status=ReportStatus.BUILDING)
    client.force_login(office)
    assert client.get(reverse("supervision:report_download", args=[report.pk])).status_code == 404


def test_office_asks_for_a_rebuild_and_it_is_queued(client, office, monkeypatch, django_capture_on_commit_callbacks):
    from tasks.supervision import jobs

    queued = []
    monkeypatch.setattr(jobs.build_monthly_report, "apply_async", lambda **kw: queued.append(kw["args"]))
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:reports"), {"month": "2026-10"})
    assert response.status_code == 302
    assert queued == [(2026, 10)]
    assert MonthlyReport.objects.filter(year=2026, month=10).exists()


def test_supervisor_cannot_ask_for_a_rebuild(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("supervision:reports"), {"month": "2026-10"}).status_code == 403


def test_bad_month_is_refused_in_chinese(client, office):
    client.force_login(office)
    page = client.post(reverse("supervision:reports"), {"month": "2026-13"}, follow=True).content.decode()
    assert "月份格式应为 年-月" in page
    assert not MonthlyReport.objects.exists()


@time_machine.travel(dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.UTC))
def test_reports_page_warns_the_office_about_a_year_without_calendar(client, office, make_milestone, unit_a):
    make_milestone(dt.date(2099, 3, 31), unit_a)
    client.force_login(office)
    page = client.get(reverse("supervision:reports")).content.decode()
    assert 'data-testid="calendar-warning"' in page and "2027年、2099年" in page
    for year in (2027, 2099):
        CalendarDay.objects.create(date=dt.date(year, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    page = client.get(reverse("supervision:reports")).content.decode()
    assert 'data-testid="calendar-warning"' not in page


def test_office_chooses_the_scope_of_a_rebuild_and_a_month_not_begun_is_refused(client, office, monkeypatch):
    from tasks.supervision import jobs

    queued = []
    monkeypatch.setattr(jobs.build_monthly_report, "apply_async", lambda **kw: queued.append((kw["args"], kw["kwargs"])))
    client.force_login(office)
    page = client.get(reverse("supervision:reports")).content.decode()
    assert 'name="scope"' in page and "当前计划" in page and "全部计划" in page
    client.post(reverse("supervision:reports"), {"month": "2020-09", "scope": "year:2020"})
    client.post(reverse("supervision:reports"), {"month": "2020-09"})
    assert queued == [((2020, 9), {"scope": "year:2020"}), ((2020, 9), {})]
    # one row per month and scope
    assert sorted(MonthlyReport.objects.values_list("scope", flat=True)) == ["current", "year:2020"]
    response = client.post(reverse("supervision:reports"), {"month": "2030-01"}, follow=True)
    assert "2030年1月尚未开始" in response.content.decode()
    assert len(queued) == 2 and not MonthlyReport.objects.filter(year=2030).exists()
    response = client.post(reverse("supervision:reports"), {"month": "2020-09", "scope": "plan:x"},
                           follow=True)
    assert "统计范围无效" in response.content.decode()


def test_notifications_written_at_one_instant_are_paged_newest_first_each_once(client, liaison_a):
    """A digest run writes many notifications with one created_at; the list's pages (30 each) still
    show every one once, the last written first."""
    at = dt.datetime(2026, 10, 9, 7, 30, tzinfo=dt.UTC)
    Notification.objects.bulk_create([Notification(user=liaison_a, title=f"提醒{i:02d}") for i in range(45)])
    Notification.objects.update(created_at=at)  # (auto_now_add stamps each row on its own)
    client.force_login(liaison_a)
    shown = []
    for number in (1, 2):
        shown += [n.title for n in client.get(reverse("deadlines:notifications"), {"page": number}).context["page"]]
    assert shown == [f"提醒{i:02d}" for i in reversed(range(45))]
