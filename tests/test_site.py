"""The skeleton: login in Chinese, the admin in Chinese, deploy checks clean."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户名" in page and "登录" in page


def test_admin_index_and_changelists_are_chinese(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.cn", "pw-123456")
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "改革任务督办" in page and "工作任务" in page and "单位" in page
    for url in [
        "/admin/tasks/task/",
        "/admin/tasks/plan/",
        "/admin/tasks/assignment/",
        "/admin/tasks/progressreport/",
        "/admin/departments/unit/",
        "/admin/deadlines/milestone/",
        "/admin/deadlines/calendarday/",
        "/admin/deadlines/extensionrequest/",
        "/admin/deadlines/monthlyreport/",
        "/admin/tasks/task/add/",
    ]:
        response = client.get(url + "?q=区")
        assert response.status_code == 200, url


def test_healthz_answers(client):
    assert client.get("/healthz").content == b"ok"


def test_deploy_check_is_clean_with_debug_off(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-very-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "gz.example.gov.cn",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_users_cover_the_three_roles_and_can_run_twice(client):
    from django.core.management import call_command

    from departments.models import Unit
    from fixtures.demo import DEMO_PASSWORD

    call_command("create_demo_users")
    call_command("create_demo_users")
    assert Unit.objects.get(name="区市场监管局").liaisons.filter(username="liaison").exists()
    assert client.login(username="office", password=DEMO_PASSWORD)
    assert client.login(username="supervisor", password=DEMO_PASSWORD)
    assert client.login(username="liaison", password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
