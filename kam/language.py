"""Which language a request is answered in (issue 21), and a person's own choice of it.

- Pages: a signed-in person's preference (kam.models.UserPreference), kept on their session
  from sign-in on, so that it costs no query a request; without one, Django's LocaleMiddleware
  choice: the language cookie (a visitor's choice on the switch), else the browser's
  Accept-Language, else English (LANGUAGE_CODE).
- The API (/api/): the caller's Accept-Language alone, else English. A script is answered in
  the language it asks for, whoever's token it holds, and a page's script asks for the page's
  language (static/js sends the `lang` of the page). A person's preference does not apply
  there: the same call answers the same words for everyone who asks alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation.trans_real import parse_accept_lang_header

from kam.models import UserPreference
from kam.types import User

# The session key of a signed-in person's language ("" for their browser's).
SESSION_KEY = "kam_language"

# Translators: the suffix Django's forms put after every field label ("Username:"); Chinese
# writes it full-width. Django looks it up as gettext(":"); this puts it in our catalogue.
LABEL_SUFFIX = gettext_noop(":")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def user_language(*, user: User) -> str:
    """The person's chosen language code, or "" when they follow their browser's."""
    preference = UserPreference.objects.filter(user=user).only("language").first()
    return preference.language if preference else ""


@transaction.atomic
def user_language_set(*, user: User, language: str) -> UserPreference:
    """Keep the person's language ("" to follow the browser's). Raises ValidationError for a
    language the interface does not speak; nothing is written then."""
    if language and language not in language_codes():
        raise ValidationError(
            _("KAM is not available in “%(language)s”; choose one of: %(choices)s.")
            % {"language": language, "choices": ", ".join(language_codes())},
            code="unknown_language",
        )
    preference, _created = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference


def in_language_of(user: User) -> translation.override:
    """`with in_language_of(user):` what is written for that person away from their request
    (an e-mail a task sends, a notification another person's action creates) in their
    language: their preference, else English (LANGUAGE_CODE)."""
    return translation.override(user_language(user=user) or settings.LANGUAGE_CODE)


def accept_language(request: HttpRequest) -> str:
    """The first language of the request's Accept-Language that the interface speaks (a
    regional variant finds its language: zh-CN → zh-hans), else LANGUAGE_CODE."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


@receiver(user_logged_in, dispatch_uid="kam.language.remember_on_sign_in")
def remember_on_sign_in(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Sign-in (the page, the admin's, a test's force_login) puts the person's language on the
    new session: the one hook every way of signing in passes through."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = user_language(user=user)


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: the API's language from Accept-Language, a signed-in
    person's pages in their language (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = accept_language(request)
        else:
            session = getattr(request, "session", None)
            language = session.get(SESSION_KEY, "") if session is not None else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def language_choices(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the interface's languages, each named in its own words (settings'
    LANGUAGES, untranslated), for the navigation's switch."""
    return {"interface_languages": settings.LANGUAGES}
