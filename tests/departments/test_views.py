"""Units and users pages: list, edit with aliases, merge, users and their units."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from departments import roles
from departments.models import Unit, UnitAlias
from tasks.models import Assignment
from tests.factories import AssignmentFactory, UnitAliasFactory, UnitFactory
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


def unit_data(unit, **changes):
    data = {"name": unit.name, "short_name": "", "kind": unit.kind, "level": unit.level, "is_active": "on",
            "aliases_text": ""}
    return data | changes


def test_unit_list_shows_aliases_liaisons_and_task_counts(client, office, unit_a, liaison_a):
    UnitAliasFactory(unit=unit_a, name="市场监管局")
    AssignmentFactory(unit=unit_a)
    client.force_login(office)
    page = client.get(reverse("departments:list")).content.decode()
    assert "区市场监管局" in page and "市场监管局" in page and "张敏" in page


def test_unit_list_search_finds_a_unit_by_alias(client, supervisor, unit_a, unit_b):
    UnitAliasFactory(unit=unit_b, name="税务分局")
    client.force_login(supervisor)
    response = client.get(reverse("departments:list"), {"q": "税务分局"})
    assert [r.record.name for r in response.context["table"].paginated_rows] == ["区税务局"]


def test_office_sets_aliases_one_per_line(client, office, unit_a):
    UnitAliasFactory(unit=unit_a, name="旧别名")
    client.force_login(office)
    response = client.post(reverse("departments:edit", args=[unit_a.pk]),
                           unit_data(unit_a, aliases_text="市场监管局\n 区市监局 \n\n市场监管局"))
    assert response.status_code == 302
    assert sorted(unit_a.aliases.values_list("name", flat=True)) == ["区市监局", "市场监管局"]


def test_an_alias_taken_by_another_unit_is_refused_next_to_the_field(client, office, unit_a, unit_b):
    UnitAliasFactory(unit=unit_b, name="税务")
    client.force_login(office)
    response = client.post(reverse("departments:edit", args=[unit_a.pk]),
                           unit_data(unit_a, aliases_text="税务\n区税务局"))
    errors = response.context["form"].errors["aliases_text"]
    assert any("税务" in e and "区税务局" in e for e in errors) and len(errors) == 2
    assert not unit_a.aliases.exists()


def test_office_creates_a_unit(client, office):
    client.force_login(office)
    response = client.post(reverse("departments:create"),
                           {"name": "区数管局", "kind": "department", "level": "district", "is_active": "on",
                            "aliases_text": "区数据资源管理局"})
    assert response.status_code == 302
    assert Unit.objects.resolve("区数据资源管理局").name == "区数管局"


def test_merging_through_the_page_needs_confirmation_and_moves_assignments(client, office):
    old, new = UnitFactory(name="区公安分局"), UnitFactory(name="区公安局")
    a = AssignmentFactory(unit=old)
    client.force_login(office)
    response = client.post(reverse("unitmerge:merge", args=[old.pk]), {"target": new.pk})
    assert "confirm" in response.context["form"].errors and Unit.objects.filter(pk=old.pk).exists()
    response = client.post(reverse("unitmerge:merge", args=[old.pk]), {"target": new.pk, "confirm": "on"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=a.pk).unit == new
    assert UnitAlias.objects.get(name="区公安分局").unit == new


def test_office_creates_a_liaison_with_units(client, office, unit_a, unit_b):
    client.force_login(office)
    response = client.post(reverse("departments:user_create"), {
        "username": "newliaison", "first_name": "赵六", "email": "", "is_active": "on",
        "role": roles.LIAISON, "units": [unit_a.pk, unit_b.pk], "password": "Xy7-long-enough-pw"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newliaison")
    assert roles.is_liaison(user) and set(Unit.objects.of_user(user)) == {unit_a, unit_b}
    assert user.check_password("Xy7-long-enough-pw")


def test_a_liaison_needs_a_unit(client, office):
    client.force_login(office)
    response = client.post(reverse("departments:user_create"), {
        "username": "x", "role": roles.LIAISON, "password": "Xy7-long-enough-pw", "is_active": "on"})
    assert "units" in response.context["form"].errors


def test_changing_a_users_role_and_units_keeps_the_password(client, office, liaison_a, unit_b):
    client.force_login(office)
    response = client.post(reverse("departments:user_edit", args=[liaison_a.pk]), {
        "username": "liaison_a", "first_name": "张敏", "email": "", "is_active": "on",
        "role": roles.LIAISON, "units": [unit_b.pk], "password": ""})
    assert response.status_code == 302
    liaison_a.refresh_from_db()
    assert list(Unit.objects.of_user(liaison_a)) == [unit_b]
    assert liaison_a.check_password("pw-123456")


def test_user_list_shows_roles_and_units(client, office, liaison_a):
    client.force_login(office)
    page = client.get(reverse("departments:users")).content.decode()
    assert "liaison_a" in page and "联络员" in page and "区市场监管局" in page


@pytest.mark.parametrize("sort", ["is_active", "-is_active", "first_name", "last_login", "-last_login"])
def test_user_list_pages_show_every_account_once_whatever_the_sort(client, office, sort):
    """Seventy liaisons, all 启用, all named alike, none logged in: sorted by any of those columns the
    two pages of 50 still show every account once (ties broken by the id)."""
    User = get_user_model()
    User.objects.bulk_create([User(username=f"ll{i:03d}", first_name="联络员") for i in range(70)])
    client.force_login(office)
    office.last_login = None  # (force_login stamped it) every account ties on 最近登录
    office.save(update_fields=["last_login"])
    shown = []
    for number in (1, 2):
        table = client.get(reverse("departments:users"), {"sort": sort, "page": number}).context["table"]
        shown += [row.record.username for row in table.page.object_list]
    expected = sorted(User.objects.filter(is_superuser=False, is_staff=False).values_list("username", flat=True))
    assert sorted(shown) == expected and len(shown) == len(set(shown)) == 71
    liaisons = [name for name in shown if name.startswith("ll")]
    assert liaisons == sorted(liaisons)  # the tied accounts in id order (they were created in name order)
