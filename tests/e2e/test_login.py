import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_wrong_password_is_refused_in_chinese(live_server, page):
    call_command("create_demo_users")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    # (waits for the answer: read at once, the page can still be between two documents and empty)
    expect(page.locator("body")).to_contain_text("请输入一个正确的")


def test_every_asset_of_the_login_page_is_served_by_the_app(live_server, page):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/login/")
    assert any(url.endswith("bootstrap.min.css") for url in requested)
    assert all(url.startswith(live_server.url) for url in requested), requested
