from __future__ import annotations

from django.urls import URLPattern, path

from portfolio.account_list import views

urlpatterns: list[URLPattern] = [path("", views.account_list, name="accounts")]
