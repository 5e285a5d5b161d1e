from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kam.roles import Role, user_has_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role flags for the navigation bar (one cached groups query per request)."""
    user = request.user
    return {
        "is_account_manager": user_has_role(user, Role.ACCOUNT_MANAGER),
        "is_executive": user_has_role(user, Role.EXECUTIVE),
        "is_ops": user_has_role(user, Role.OPS),
    }
