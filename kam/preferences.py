"""The person's preferences page and the language switch of the navigation (kam/language.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kam.forms import form_errors_apply
from kam.language import SESSION_KEY, user_language, user_language_set
from kam.roles import user_roles
from kam.types import AuthenticatedHttpRequest


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the interface"),
        required=False,
        # Each language is named in its own words, so that anyone finds theirs.
        choices=[("", gettext_lazy("The language of my browser")), *settings.LANGUAGES],
        help_text=gettext_lazy(
            "Pages and e-mails use it on every device you sign in on. The API answers in the "
            "language its caller asks for (Accept-Language)."
        ),
    )


def _remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """The language from now on: on the session of a signed-in person, and in the language
    cookie (the sign-in page after signing out keeps it too)."""
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = language
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",  # settings.LANGUAGE_COOKIE_SAMESITE
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    if language:
        translation.activate(language)


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            try:
                user_language_set(user=request.user, language=language)
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                response = redirect("preferences")
                _remember(request, response, language)
                messages.success(request, _("Your preferences were saved."))
                return response
    else:
        form = LanguageForm(initial={"language": user_language(user=request.user)})
    context: dict[str, Any] = {"form": form, "roles": sorted(user_roles(request.user))}
    return render(request, "preferences.html", context, status=400 if form.errors else 200)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The navigation's switch: the chosen language for this visitor, and for good when they
    are signed in; then back to the page they were on."""
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponse(
            _("Choose one of the languages offered."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    _remember(request, response, language)
    return response
