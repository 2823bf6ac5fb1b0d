"""The error pages are Chinese with DEBUG off, and never show Django's technical pages."""

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from tests.factories import AssignmentFactory, TaskFactory


def boom(request):
    raise RuntimeError("something broke")


urlpatterns = [path("boom/", boom)]  # ROOT_URLCONF for the 500 test


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_liaison_opening_another_units_task_gets_the_chinese_404(client, liaison_a, unit_b):
    other = TaskFactory(title="别的单位的任务")
    AssignmentFactory(task=other, unit=unit_b)
    client.force_login(liaison_a)
    response = client.get(reverse("tasks:detail", args=[other.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in page and "页面不存在" in page and "返回首页" in page
    assert "别的单位的任务" not in page
    # no technical page: neither the URL patterns nor the view that raised
    assert "URLconf" not in page and "tasks/&lt;int:pk&gt;" not in page and "Raised by" not in page
    assert "张敏" in page  # the base layout, with the header of the signed-in user


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_address_is_the_chinese_404_for_anyone(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page
    assert "URLconf" not in page and "admin/" not in page


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_refused_role_gets_the_chinese_403(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("tasks:mine"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode() and "返回首页" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_the_500_page_is_chinese_and_needs_no_database():
    """No django_db mark: any query while rendering the page would fail the test."""
    response = Client(raise_request_exception=False).get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-hans">' in page and "系统出错" in page and 'href="/"' in page
    assert "something broke" not in page and "Traceback" not in page
