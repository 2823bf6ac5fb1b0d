from . import roles as role_rules


def roles(request):
    """is_office / is_supervisor / is_liaison for every template, and the header's user label."""
    user = request.user
    role = role_rules.role_of(user)
    return {
        "is_office": role_rules.is_office(user),
        "is_supervisor": role_rules.is_supervisor(user),
        "is_liaison": role_rules.is_liaison(user),
        "role_name": role,
        "user_label": user_label(user, role),
    }


def user_label(user, role: str | None) -> str:
    """张敏（联络员）; the role only once when the name already says it (区市场监管局 联络员 张敏)."""
    if not user.is_authenticated:
        return ""
    name = user.get_full_name() or user.username
    return f"{name}（{role}）" if role and role not in name else name
