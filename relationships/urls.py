from __future__ import annotations

from django.urls import path

from relationships import views

app_name = "relationships"

urlpatterns = [
    path(
        "accounts/<int:account_id>/relationships/",
        views.relationship_map,
        name="map",
    ),
    path(
        "accounts/<int:account_id>/relationships/contacts/new/",
        views.contact_create,
        name="contact-create",
    ),
    path(
        "accounts/<int:account_id>/relationships/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="contact-edit",
    ),
    path(
        "accounts/<int:account_id>/relationships/interactions/new/",
        views.interaction_log,
        name="interaction-log",
    ),
    path(
        "accounts/<int:account_id>/relationships/interactions/<int:interaction_id>/edit/",
        views.interaction_edit,
        name="interaction-edit",
    ),
    path(
        "accounts/<int:account_id>/relationships/interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction-delete",
    ),
    path("decision-makers/", views.decision_makers, name="decision-makers"),
]
