"""Pages, the /api/v1/ endpoints of every app, the OpenAPI schema and docs."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from kam import api_views, preferences

api_v1: list[URLPattern | URLResolver] = [
    path("me/", api_views.me, name="api-me"),
    # accounts/ with the latest run's figures (portfolio); the account's writes are accounts'.
    path("", include("portfolio.account_list.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("relationships.api_urls")),
    path("", include("valuation.api_urls")),
    path("", include("portfolio.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("search.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("preferences/language/", preferences.language_switch, name="language-switch"),
    # The static/js strings in the page's language, as a script file (the CSP allows no
    # inline script).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("portfolio.account_list.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("relationships.urls")),
    path("", include("valuation.urls")),
    path("", include("portfolio.urls")),
    path("inbox/", include("inbox.urls")),
    path("search/", include("search.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page's start-up script is served by the same view at ?script (no inline script).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

# Errors under /api/ answer JSON (kam/api_views.py).
handler404 = "kam.api_views.not_found"
handler500 = "kam.api_views.server_error"
