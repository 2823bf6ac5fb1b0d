"""Login throttling (django-axes): five wrong passwords lock out that user from that address."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from fixtures.demo import DEMO_PASSWORD, create_demo_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username, times=5, ip="10.0.0.1"):
    for _ in range(times):
        response = _login(client, username, "wrong-password", ip)
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_then_the_right_one_is_refused_in_chinese(client, liaison_a):
    for _ in range(4):
        assert _login(client, "liaison_a", "wrong-password").status_code == 200
    locked = _login(client, "liaison_a", "wrong-password")
    assert locked.status_code == 429
    response = _login(client, "liaison_a", "pw-123456")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂停" in page and "连续 5 次密码错误" in page and "访问尝试" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_and_address(client, liaison_a, liaison_b):
    _fail(client, "liaison_a")
    assert _login(client, "liaison_a", "pw-123456", ip="10.0.0.2").status_code == 302  # another address
    client.logout()
    assert _login(client, "liaison_b", "pw-123456").status_code == 302  # another user


def test_after_a_reset_the_right_password_works(client, liaison_a):
    from axes.utils import reset

    _fail(client, "liaison_a")
    assert _login(client, "liaison_a", "pw-123456").status_code == 429
    reset(username="liaison_a")
    assert _login(client, "liaison_a", "pw-123456").status_code == 302


def test_the_failure_limit_is_a_setting(client, liaison_a, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(client, "liaison_a", times=2)
    assert _login(client, "liaison_a", "pw-123456").status_code == 429


def test_the_office_unlocks_in_the_admin(client):
    create_demo_users()
    _fail(client, "liaison")
    assert _login(client, "liaison", DEMO_PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="liaison")
    admin = client.__class__()
    assert _login(admin, "office", DEMO_PASSWORD, ip="10.0.0.9").status_code == 302
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "liaison" in listing.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _login(client, "liaison", DEMO_PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/admin/login/", {"username": "root", "password": "pw-123456"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and "登录已暂停" in response.content.decode()


def test_behind_the_proxy_the_proxys_address_entry_counts(client, liaison_a, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for _ in range(5):
        client.post(LOGIN, {"username": "liaison_a", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", HTTP_X_FORWARDED_PROTO="https", secure=True)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_client_login_without_a_request_still_works(client, liaison_a):
    assert client.login(username="liaison_a", password="pw-123456")
    assert get_user_model().objects.filter(username="liaison_a").exists()
