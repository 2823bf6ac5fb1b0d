"""The favicon: a static SVG and ICO, linked from every page; /favicon.ico answers too."""

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings


def test_favicon_files_are_served_by_the_app():
    ico = finders.find("favicon.ico")
    svg = finders.find("favicon.svg")
    assert ico and svg
    with open(ico, "rb") as f:
        assert f.read(4) == b"\x00\x00\x01\x00"  # an icon file
    with open(svg, encoding="utf-8") as f:
        assert f.read().startswith("<svg")


@pytest.mark.django_db
def test_slash_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_every_page_links_the_favicon(client, office):
    page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page and 'href="/static/favicon.svg"' in page
    client.force_login(office)
    assert 'rel="icon"' in client.get("/tasks/").content.decode()
