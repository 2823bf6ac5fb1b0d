import pytest
from django.db import IntegrityError

from departments import roles
from departments.models import Unit, UnitAlias
from tests.factories import UnitAliasFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unit_names_are_unique():
    UnitFactory(name="区审管办")
    with pytest.raises(IntegrityError):
        Unit.objects.create(name="区审管办")


def test_an_alias_belongs_to_one_unit_only():
    UnitAliasFactory(name="区跑改办", unit=UnitFactory(name="区审管办"))
    with pytest.raises(IntegrityError):
        UnitAlias.objects.create(name="区跑改办", unit=UnitFactory(name="区数管局"))


def test_resolve_finds_a_unit_by_name_or_alias():
    unit = UnitFactory(name="区审管办")
    UnitAliasFactory(unit=unit, name="区审管办（跑改办）")
    assert Unit.objects.resolve("区审管办") == unit
    assert Unit.objects.resolve(" 区审管办（跑改办） ") == unit
    assert Unit.objects.resolve("区跑改办") is None


def test_collective_expands_to_its_members():
    towns = UnitFactory(name="各镇街", kind="collective")
    a, b = UnitFactory(name="城厢街道"), UnitFactory(name="北干街道")
    towns.members.add(a, b)
    assert towns.is_collective
    assert set(towns.members.all()) == {a, b}
    assert list(a.collectives.all()) == [towns]


def test_roles_are_told_apart_and_superuser_counts_as_office():
    office = UserFactory(role=roles.OFFICE)
    liaison = UserFactory(role=roles.LIAISON)
    supervisor = UserFactory(role=roles.SUPERVISOR)
    admin = UserFactory(is_superuser=True)
    assert roles.role_of(office) == roles.OFFICE
    assert roles.role_of(liaison) == roles.LIAISON and not roles.is_office(liaison)
    assert roles.role_of(supervisor) == roles.SUPERVISOR and not roles.is_liaison(supervisor)
    assert roles.is_office(admin)
    assert roles.role_of(UserFactory()) is None


def test_of_user_lists_the_units_a_liaison_speaks_for(liaison_a, unit_a, unit_b):
    assert list(Unit.objects.of_user(liaison_a)) == [unit_a]
