"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import pytest

from fixtures.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def login(live_server, page):
    """Log in through the real login form and return the page."""

    def _login(username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def shot(screenshot_dir, page):
    """Keep a full-page screenshot of what a person sees, as a CI artifact."""

    def _shot(name: str):
        page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)

    return _shot
