"""The types the whole product shares.

`User` is the user model (settings.AUTH_USER_MODEL is Django's own), `AnyUser` a request's
user (perhaps anonymous). A view behind `login_required` types its request as
`AuthenticatedHttpRequest`; an API view asks `request_user(request)` for the signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

__all__ = ["AnyUser", "AuthenticatedHttpRequest", "User", "request_user"]

# `request.user`: signed in, or not.
AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a page behind `login_required`: its user is signed in."""

    user: User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a request; NotAuthenticated (401) for an anonymous one."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
