"""The pages supporting account managers (key 4: load, competency, pay mix), in the
`accounts` namespace (accounts/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.people import views

urlpatterns: list[URLPattern] = [
    path("managers/load/", views.manager_load, name="manager-load"),
    path(
        "managers/<int:manager_id>/competency/",
        views.manager_competency,
        name="manager-competency",
    ),
    path("managers/pay-mix/", views.pay_mix, name="pay-mix"),
    path("managers/pay-mix/export.csv", views.pay_mix_export, name="pay-mix-export"),
]
