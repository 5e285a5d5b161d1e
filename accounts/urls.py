from __future__ import annotations

from django.urls import path

from accounts import views
from accounts.governance import views as governance_views
from accounts.people import views as people_views
from accounts.plans import views as plan_views
from accounts.voice import views as voice_views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:account_id>/", views.account_detail, name="detail"),
    path("<int:account_id>/edit/", views.account_edit, name="edit"),
    path("<int:account_id>/team/", views.account_team, name="team"),
    path(
        "<int:account_id>/team/<str:username>/remove/",
        views.account_team_remove,
        name="team-remove",
    ),
    path("<int:account_id>/knowledge/", views.knowledge_add, name="knowledge-add"),
    path(
        "<int:account_id>/knowledge/<int:entry_id>/remove/",
        views.knowledge_remove,
        name="knowledge-remove",
    ),
    path("<int:account_id>/locations/", views.location_add, name="location-add"),
    path(
        "<int:account_id>/locations/<int:location_id>/remove/",
        views.location_remove,
        name="location-remove",
    ),
    # Account plans (key 4)
    path("plans/", plan_views.plan_list, name="plan-list"),
    path("plans/overdue/", plan_views.overdue_actions, name="overdue-actions"),
    path("plans/<int:plan_id>/", plan_views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", plan_views.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/history/", plan_views.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/submit/", plan_views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/approve/", plan_views.plan_approve, name="plan-approve"),
    path("plans/<int:plan_id>/return/", plan_views.plan_return, name="plan-return"),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/status/",
        plan_views.plan_action_status,
        name="plan-action-status",
    ),
    path("<int:account_id>/plans/", plan_views.account_plans, name="plans"),
    path("<int:account_id>/plans/new/", plan_views.plan_create, name="plan-create"),
    # Voice of the customer (key 2)
    path("<int:account_id>/voice/", voice_views.account_voice, name="voice"),
    path("<int:account_id>/voice/assessments/", voice_views.assessment_add, name="assessment-add"),
    path("<int:account_id>/voice/complaints/", voice_views.complaint_add, name="complaint-add"),
    path(
        "<int:account_id>/voice/complaints/<int:complaint_id>/resolve/",
        voice_views.complaint_resolve,
        name="complaint-resolve",
    ),
    path("<int:account_id>/voice/events/", voice_views.event_add, name="event-add"),
    # Selection governance (key 3) and the steering committee
    path("<int:account_id>/selection/", governance_views.account_selection, name="selection"),
    path(
        "<int:account_id>/selection/criteria/<int:criterion_id>/",
        governance_views.criterion_score,
        name="criterion-score",
    ),
    path(
        "<int:account_id>/selection/qualifying/",
        governance_views.qualifying_save,
        name="qualifying",
    ),
    path(
        "<int:account_id>/selection/designation/",
        governance_views.designation_request_add,
        name="designation-request",
    ),
    path(
        "designation-requests/<int:request_id>/decide/",
        governance_views.designation_decide,
        name="designation-decide",
    ),
    # Support for account managers (key 4)
    path("managers/load/", people_views.manager_load, name="manager-load"),
    path(
        "managers/<int:manager_id>/competency/",
        people_views.manager_competency,
        name="manager-competency",
    ),
    path("managers/pay-mix/", people_views.pay_mix, name="pay-mix"),
    path("managers/pay-mix/export.csv", people_views.pay_mix_export, name="pay-mix-export"),
    path("criteria/", governance_views.criteria, name="criteria"),
    path("committee/", governance_views.committee, name="committee"),
    path("committee/meetings/", governance_views.meeting_list, name="meetings"),
    path("committee/meetings/new/", governance_views.meeting_create, name="meeting-create"),
    path(
        "committee/meetings/<int:meeting_id>/",
        governance_views.meeting_detail,
        name="meeting-detail",
    ),
]
