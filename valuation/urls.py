from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from valuation import views
from valuation.importing import views as import_views

app_name = "valuation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", import_views.import_page, name="import"),
    path("imports/<int:batch_id>/", import_views.import_detail, name="import-detail"),
    path("imports/template/<str:kind>.csv", import_views.import_template, name="import-template"),
    path("exports/<str:kind>/", views.export_download, name="export"),
    path("money/activity-types/", views.activity_types, name="activity-types"),
    path("money/<str:resource>/", views.record_list, name="list"),
    path("accounts/<int:account_id>/value/", views.account_value, name="account-value"),
    path(
        "accounts/<int:account_id>/value/entries/",
        views.value_entry_add,
        name="value-entry-add",
    ),
    path(
        "accounts/<int:account_id>/value/entries/<int:entry_id>/remove/",
        views.value_entry_remove,
        name="value-entry-remove",
    ),
    path(
        "accounts/<int:account_id>/value/entries/<int:entry_id>/confirm/",
        views.value_entry_confirm,
        name="value-entry-confirm",
    ),
    path(
        "accounts/<int:account_id>/value/activities/",
        views.activity_add,
        name="activity-add",
    ),
]
