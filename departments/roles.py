"""The three roles, as Django groups. Permissions are by role *and* by unit."""

from __future__ import annotations

from django.contrib.auth.models import Group

OFFICE = "改革办"
LIAISON = "联络员"
SUPERVISOR = "督查"
ALL_ROLES = (OFFICE, LIAISON, SUPERVISOR)


def ensure_groups() -> None:
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_office(user) -> bool:
    return user.is_authenticated and (user.is_superuser or OFFICE in _groups(user))


def is_supervisor(user) -> bool:
    return SUPERVISOR in _groups(user) and not is_office(user)


def is_liaison(user) -> bool:
    return LIAISON in _groups(user) and not is_office(user)


def role_of(user) -> str | None:
    if is_office(user):
        return OFFICE
    if is_supervisor(user):
        return SUPERVISOR
    if is_liaison(user):
        return LIAISON
    return None
