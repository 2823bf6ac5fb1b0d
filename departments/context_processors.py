from . import roles as role_rules


def roles(request):
    """is_office / is_supervisor / is_liaison for every template."""
    user = request.user
    return {
        "is_office": role_rules.is_office(user),
        "is_supervisor": role_rules.is_supervisor(user),
        "is_liaison": role_rules.is_liaison(user),
        "role_name": role_rules.role_of(user),
    }
