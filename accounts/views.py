"""Account pages: list, detail, create, edit, team, locations and knowledge profile."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    AccountForm,
    KnowledgeEntryForm,
    LocationForm,
    TeamMemberForm,
    account_form_values,
)
from accounts.models import Account, Designation
from accounts.rules import (
    ACCOUNT_CHANGE_REFUSED,
    ACCOUNT_CREATE_REFUSED,
    TEAM_CHANGE_REFUSED,
    can_change_team,
    can_choose_owner,
    can_create_account,
    can_edit_account,
)
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from kam.versioning import (
    PageConflict,
    VersionConflictError,
    page_conflict,
    page_conflict_errors,
    version_snapshot,
)


def _editable_account(request: AuthenticatedHttpRequest, account_id: int) -> Account:
    """The account, for a page that shows its forms only to whoever may change it (the
    services refuse the others too)."""
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    require(can_edit_account(request.user, account), ACCOUNT_CHANGE_REFUSED)
    return account


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    accounts = selectors.accounts_visible_to(request.user)
    strategic = accounts.filter(
        designation__in=[Designation.STRATEGIC, Designation.PILOT]
    ).order_by("designation", "name")[:20]
    return render(
        request,
        "home.html",
        {"strategic_accounts": strategic, "account_count": accounts.count()},
    )


def _detail_context(request: AuthenticatedHttpRequest, account: Account) -> dict[str, Any]:
    return {
        "account": account,
        "can_edit": can_edit_account(request.user, account),
        "team": selectors.account_team(account=account),
        "locations": account.locations.all(),
        "profile": selectors.knowledge_profile(account=account),
        "knowledge_form": KnowledgeEntryForm(),
        "location_form": LocationForm(),
        "tab": "overview",
    }


@login_required
def account_detail(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    return render(request, "accounts/account_detail.html", _detail_context(request, account))


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_create_account(request.user), ACCOUNT_CREATE_REFUSED)
    form = AccountForm(request.POST or None, can_choose_owner=can_choose_owner(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "owner" and v is None)}
        try:
            account = services.account_create(created_by=request.user, **data)
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": account.name})
            return redirect("accounts:detail", account_id=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@login_required
def account_edit(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    """Edit an account. The form carries the version it was loaded at; a save based on an
    older one is refused (409) as plan pages refuse it: the user's input kept, the fields only
    the other person changed taken from the newer version, the fields both changed marked,
    the version moved on so saving again stores the result (kam/versioning.py)."""
    account = _editable_account(request, account_id)
    form = AccountForm(request.POST or None, instance=account, can_choose_owner=True)
    conflict: PageConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "owner" and v is None)}
        version = data.pop("version", None)
        try:
            services.account_update(
                account=account, updated_by=request.user, version=version, **data
            )
        except VersionConflictError as error:
            before = version_snapshot(model=Account, pk=account.pk, version=error.sent_version)
            current = cast(Account, error.current)  # the conflict carries the row edited
            conflict = page_conflict(
                conflict=error,
                form=form,
                current=account_form_values(current),
                before=None if before is None else account_form_values(before),
            )
            account = current
            form = AccountForm(conflict.data, instance=account, can_choose_owner=True)
            page_conflict_errors(form, conflict)
        except ValidationError as error:
            account.refresh_from_db()
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:detail", account_id=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "account": account, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def account_team(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, account_id=account_id)
    can_edit = can_change_team(request.user, account)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST":
        require(can_edit, TEAM_CHANGE_REFUSED)
        if form.is_valid():
            try:
                member = services.team_member_set(
                    account=account, set_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(
                    request, _("%(username)s is on the team.") % {"username": member.user.username}
                )
                return redirect("accounts:team", account_id=account.pk)
    return render(
        request,
        "accounts/account_team.html",
        {
            "account": account,
            "team": selectors.account_team(account=account),
            "form": form,
            "can_edit": can_edit,
            "tab": "team",
        },
    )


@login_required
@require_POST
def account_team_remove(
    request: AuthenticatedHttpRequest, account_id: int, username: str
) -> HttpResponse:
    account = _editable_account(request, account_id)
    member = selectors.account_team(account=account).filter(user__username=username).first()
    if member is not None:
        services.team_member_remove(account=account, user=member.user, removed_by=request.user)
        messages.success(request, _("%(username)s left the team.") % {"username": username})
    return redirect("accounts:team", account_id=account.pk)


def _detail_with_form(
    request: AuthenticatedHttpRequest, account: Account, **forms: Any
) -> HttpResponse:
    """Re-render the detail page with a rejected form, its errors beside the fields."""
    context = _detail_context(request, account)
    context.update(forms)
    return render(request, "accounts/account_detail.html", context, status=400)


@login_required
@require_POST
def knowledge_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = _editable_account(request, account_id)
    form = KnowledgeEntryForm(request.POST)
    if form.is_valid():
        try:
            services.knowledge_entry_add(
                account=account, added_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Knowledge entry added."))
            return redirect("accounts:detail", account_id=account.pk)
    return _detail_with_form(request, account, knowledge_form=form)


@login_required
@require_POST
def knowledge_remove(
    request: AuthenticatedHttpRequest, account_id: int, entry_id: int
) -> HttpResponse:
    account = _editable_account(request, account_id)
    entry = get_object_or_404(account.knowledge.all(), pk=entry_id)
    services.knowledge_entry_remove(entry=entry, removed_by=request.user)
    messages.success(request, _("Knowledge entry removed."))
    return redirect("accounts:detail", account_id=account.pk)


@login_required
@require_POST
def location_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = _editable_account(request, account_id)
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            services.location_add(account=account, added_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Location added."))
            return redirect("accounts:detail", account_id=account.pk)
    return _detail_with_form(request, account, location_form=form)


@login_required
@require_POST
def location_remove(
    request: AuthenticatedHttpRequest, account_id: int, location_id: int
) -> HttpResponse:
    account = _editable_account(request, account_id)
    location = get_object_or_404(account.locations.all(), pk=location_id)
    try:
        services.location_remove(location=location, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Location removed."))
    return redirect("accounts:detail", account_id=account.pk)
