"""The page header names the user and their role once."""

import re

import pytest
from django.urls import reverse

from departments import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def header(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("tasks:list")).content.decode()
    return re.search(r'<span class="navbar-text[^"]*"[^>]*>([^<]*)</span>', page).group(1)


def test_the_role_is_added_to_a_plain_name(client, liaison_a):
    assert header(client, liaison_a) == "张敏（联络员）"


@pytest.mark.parametrize(
    ("name", "role"),
    [("区市场监管局 联络员 张敏", roles.LIAISON), ("改革办 王科长", roles.OFFICE), ("督查室 李主任", roles.SUPERVISOR)],
)
def test_a_name_that_already_says_the_role_is_not_followed_by_it_again(client, unit_a, name, role):
    """The demo accounts' names say their role (联络员 张敏): the header showed 联络员 张敏（联络员）."""
    user = UserFactory(username="demo", role=role, units=[unit_a] if role == roles.LIAISON else [], first_name=name)
    label = header(client, user)
    assert label == name and label.count(role.removesuffix("办")) == 1
