"""Users and their roles (the accounts app owns people as well as customer accounts)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kam.roles import Role
from kam.types import User


@transaction.atomic
def user_create(
    *,
    username: str,
    roles: Sequence[str],
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a user in the given role groups. Raises ValidationError for an unknown role,
    an existing username or an empty password; nothing is written then."""
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationError(
            _("Unknown role %(unknown)s: use %(roles)s.")
            % {"unknown": ", ".join(unknown), "roles": ", ".join(Role.values)},
            code="role",
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            _("A user called %(username)s already exists.") % {"username": username},
            code="exists",
        )
    if not password:
        raise ValidationError(_("The password must not be empty."), code="password")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def user_api_token(*, username: str) -> str:
    """The user's API token, created on first use."""
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as error:
        raise ValidationError(
            _("No user is called %(username)s.") % {"username": username}
        ) from error
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)
