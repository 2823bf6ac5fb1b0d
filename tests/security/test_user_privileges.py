"""The office's user pages and the admin never let anyone take over a superuser or staff account."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from departments import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xy7-taken-over-pw"


@pytest.fixture
def root(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="clerk", is_staff=True)


def _post(user, **changes):
    data = {"username": user.username, "first_name": "", "email": "", "is_active": "on", "role": "",
            "units": [], "password": NEW_PASSWORD}
    return data | changes


@pytest.mark.parametrize("target", ["root", "staff"])
def test_office_cannot_set_the_password_of_a_superuser_or_staff_account(client, office, root, staff, target):
    victim = root if target == "root" else staff
    client.force_login(office)
    url = reverse("departments:user_edit", args=[victim.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _post(victim)).status_code == 404
    victim.refresh_from_db()
    assert not victim.check_password(NEW_PASSWORD)
    client.logout()
    assert not client.login(username=victim.username, password=NEW_PASSWORD)
    assert client.get("/admin/auth/user/").status_code == 302  # still the admin's login page


def test_user_list_hides_superusers_and_staff(client, office, root, staff, liaison_a):
    client.force_login(office)
    response = client.get(reverse("departments:users"))
    names = {row.record.username for row in response.context["table"].paginated_rows}
    assert "liaison_a" in names and not names & {"root", "clerk"}


def test_office_still_manages_ordinary_accounts(client, office, liaison_a):
    client.force_login(office)
    response = client.post(reverse("departments:user_edit", args=[liaison_a.pk]),
                           _post(liaison_a, role=roles.LIAISON, units=[u.pk for u in liaison_a.units.all()]))
    assert response.status_code == 302
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(NEW_PASSWORD)


@pytest.fixture
def staff_office(db):
    """An office worker with admin access and, unwisely, every user permission."""
    user = UserFactory(username="office_admin", role=roles.OFFICE, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    return get_user_model().objects.get(pk=user.pk)


def test_staff_office_cannot_edit_a_superuser_in_the_admin(client, staff_office, root):
    client.force_login(staff_office)
    assert client.get("/admin/auth/user/").status_code == 200
    listed = client.get("/admin/auth/user/").content.decode()
    assert "root" not in listed
    password_url = f"/admin/auth/user/{root.pk}/password/"
    assert client.get(password_url).status_code == 404
    response = client.post(password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                          "usable_password": "true"})
    assert response.status_code == 404
    root.refresh_from_db()
    assert not root.check_password(NEW_PASSWORD)
    change = client.get(f"/admin/auth/user/{root.pk}/change/")
    assert change.status_code in (302, 404) and "root" not in change.content.decode()


def test_staff_office_cannot_grant_superuser_in_the_admin(client, staff_office, liaison_a):
    client.force_login(staff_office)
    url = f"/admin/auth/user/{liaison_a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(url, {"username": liaison_a.username, "is_active": "on", "is_superuser": "on", "is_staff": "on",
                      "date_joined_0": "2020-01-01", "date_joined_1": "00:00:00"})
    liaison_a.refresh_from_db()
    assert not liaison_a.is_superuser and not liaison_a.is_staff


def test_superuser_still_manages_superusers_in_the_admin(client, root):
    other = UserFactory(username="root2", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert "root2" in client.get("/admin/auth/user/").content.decode()
    response = client.post(f"/admin/auth/user/{other.pk}/password/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)
