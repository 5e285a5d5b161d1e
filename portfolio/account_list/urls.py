from __future__ import annotations

from django.urls import URLPattern, path

from portfolio.account_list import views

urlpatterns: list[URLPattern] = [
    path("", views.account_list, name="accounts"),
    path("views/", views.saved_view_create, name="account-view-save"),
    path("views/<int:view_id>/remove/", views.saved_view_remove, name="account-view-remove"),
]
