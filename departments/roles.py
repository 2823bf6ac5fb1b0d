"""The three roles, as Django groups. Permissions are by role *and* by unit."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

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


def unit_ids(user) -> list[int]:
    """The ids of the units a liaison speaks for, looked up once per request (kept on the user
    object, as its role names are): the task page asked three times."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_unit_ids", None)
    if cached is None:
        cached = list(user.units.order_by("pk").values_list("pk", flat=True))
        user._unit_ids = cached
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


def role_required(*checks, message: str = "您的角色无权访问此页面。"):
    """A view for users passing one of `checks` (the predicates above); others get 403
    with `message`, anonymous users the login page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(check(request.user) for check in checks):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Every page's gate is one of these (or role_required with a message of its own).
office_only = role_required(is_office)
liaison_only = role_required(is_liaison)
office_or_liaison = role_required(is_office, is_liaison)
readers = role_required(is_office, is_supervisor, is_liaison)
office_or_supervisor = role_required(is_office, is_supervisor)
