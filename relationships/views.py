"""Relationship pages: the account's map (org chart, coverage gaps, coverage matrix,
interactions), contact forms, the interaction log form and "Find decision makers"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from accounts.selectors import account_get_for_user
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest, User
from kam.versioning import (
    PageConflict,
    VersionConflictError,
    page_conflict,
    page_conflict_errors,
    version_snapshot,
)
from relationships import rules, selectors, services
from relationships.forms import ContactForm, InteractionForm, contact_initial, goal_field
from relationships.models import Attitude, BuyingRole, Contact, Influence, Interaction

PAGE_SIZE = 25
# Above this many people the org chart opens only its first two levels.
OPEN_ALL_UP_TO = 40


def _account_for_editing(request: AuthenticatedHttpRequest, account_id: int) -> Account:
    account = account_get_for_user(user=request.user, account_id=account_id)
    require(rules.can_add_contact(request.user, account), rules.CONTACT_CHANGE_REFUSED)
    return account


def _map_context(request: AuthenticatedHttpRequest, account: Account) -> dict[str, Any]:
    as_of = timezone.localdate()
    contacts = list(selectors.account_contacts(account=account, as_of=as_of))
    can_edit = rules.can_add_contact(request.user, account)
    can_contribute = rules.can_log_interaction(request.user, account)
    matrix = selectors.coverage_matrix(account=account, contacts=contacts, as_of=as_of)
    people = [row.person for row in matrix.rows]
    active = [c for c in contacts if c.is_active]
    influences = selectors.account_influences(account=account)
    gaps = selectors.coverage_gaps_from_contacts(
        contacts=contacts, as_of=as_of, influences=influences
    )
    map_data = selectors.map_graph(
        account=account,
        contacts=contacts,
        influences=influences,
        gaps=gaps,
        people=people,
        can_edit=can_edit,
    )
    return {
        "account": account,
        "tab": "relationships",
        "map_data": map_data,
        "focus": request.GET.get("focus", ""),
        "print_view": request.GET.get("view") == "print",
        "as_of": as_of,
        "contacts": contacts,
        "active_count": len(active),
        "overdue_count": sum(1 for c in active if c.is_overdue),
        "roots": selectors.relationship_tree(contacts),
        "open_depth": 99
        if len(contacts) <= OPEN_ALL_UP_TO or request.GET.get("view") == "print"
        else 1,
        "influences": influences,
        "roles": BuyingRole.choices,
        "influence_choices": Influence.choices,
        "attitudes": Attitude.choices,
        "gaps": gaps,
        "gap_groups": selectors.coverage_gap_groups(gaps),
        "matrix": matrix,
        "interactions": selectors.account_interactions(account=account),
        "can_edit": can_edit,
        "can_contribute": can_contribute,
        "interaction_form": InteractionForm(people=people, contacts=contacts, user=request.user)
        if can_contribute
        else None,
    }


@login_required
def relationship_map(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    return render(request, "relationships/map.html", _map_context(request, account))


def _user_lookup(people: list[User], username: str) -> User | None:
    """Our person by username: from the team, else any active user (the service refuses
    people off the team with a message); None for an unknown name."""
    for person in people:
        if person.username == username:
            return person
    return User.objects.filter(username=username, is_active=True).first()


def _contact_service_fields(form: ContactForm, people: list[User]) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    username = data.pop("primary_contact") or ""
    person = _user_lookup(people, username) if username else None
    if username and person is None:
        form.add_error(
            "primary_contact", _("No active user is called %(username)s.") % {"username": username}
        )
    data["primary_contact"] = person
    return data


def _contact_form_page(
    request: AuthenticatedHttpRequest, account: Account, contact: Contact | None
) -> HttpResponse:
    people = selectors.account_people(account=account)
    colleagues = list(account.contacts.order_by("name", "id"))
    form = ContactForm(request.POST or None, people=people, colleagues=colleagues, contact=contact)
    conflict: PageConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = _contact_service_fields(form, people)
        version = data.pop("version", None)
        if not form.errors:
            try:
                if contact is None:
                    saved = services.contact_create(
                        account=account, created_by=request.user, **data
                    )
                else:
                    saved = services.contact_update(
                        contact=contact, updated_by=request.user, version=version, **data
                    )
            except VersionConflictError as error:
                # As plan pages do: the user's input kept, what only the other person
                # changed taken from the newer version, what both changed marked.
                contact = _contact_now(account, error.current.pk)
                before = version_snapshot(model=Contact, pk=contact.pk, version=error.sent_version)
                conflict = page_conflict(
                    conflict=error,
                    form=form,
                    current=contact_initial(contact),
                    before=None if before is None else contact_initial(before),
                    aliases=CONTACT_FORM_ALIASES,
                    # the goals' old text is not on the row
                    unknown_before=[goal_field(1, "text")],
                )
                form = ContactForm(
                    conflict.data, people=people, colleagues=colleagues, contact=contact
                )
                page_conflict_errors(form, conflict)
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, _("%(person)s is on the map.") % {"person": saved.name})
                return redirect("relationships:map", account_id=account.pk)
    status = 409 if conflict else 400 if form.errors else 200
    return render(
        request,
        "relationships/contact_form.html",
        {
            "account": account,
            "contact": contact,
            "form": form,
            "tab": "relationships",
            "conflict": conflict,
            "history": selectors.contact_history(contact=contact) if contact else [],
        },
        status=status,
    )


# Model fields → the contact form's field that shows them.
CONTACT_FORM_ALIASES = {
    "is_economic_buyer": "roles",
    "is_user_buyer": "roles",
    "is_technical_buyer": "roles",
    "is_coach": "roles",
    "goals": goal_field(1, "text"),
}


def _contact_now(account: Account, contact_id: int) -> Contact:
    return (
        account.contacts.select_related("primary_contact")
        .prefetch_related("goals")
        .get(pk=contact_id)
    )


@login_required
def contact_create(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = _account_for_editing(request, account_id)
    return _contact_form_page(request, account, None)


@login_required
def contact_edit(
    request: AuthenticatedHttpRequest, account_id: int, contact_id: int
) -> HttpResponse:
    account = _account_for_editing(request, account_id)
    contact = (
        account.contacts.select_related("primary_contact")
        .prefetch_related("goals")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise Http404(_("No such contact at this account."))
    return _contact_form_page(request, account, contact)


@login_required
def interaction_log(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    require(rules.can_log_interaction(request.user, account), rules.INTERACTION_LOG_REFUSED)
    people = selectors.account_people(account=account)
    contacts = list(account.contacts.filter(is_active=True).order_by("name", "id"))
    form = InteractionForm(
        request.POST or None, people=people, contacts=contacts, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        username = data.pop("user")
        person = _user_lookup(people, username)
        if person is None:
            form.add_error(
                "user", _("No active user is called %(username)s.") % {"username": username}
            )
        else:
            try:
                services.interaction_log(
                    account=account, logged_by=request.user, user=person, **data
                )
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, _("Interaction logged."))
                return redirect("relationships:map", account_id=account.pk)
    return render(
        request,
        "relationships/interaction_form.html",
        {"account": account, "form": form, "tab": "relationships"},
        status=400 if form.errors else 200,
    )


OVERDUE_CHOICES = [
    ("", gettext_lazy("Any")),
    ("yes", gettext_lazy("Overdue")),
    ("no", gettext_lazy("In touch")),
]


@login_required
def decision_makers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Contacts across every account the user may see, filtered by role, influence,
    attitude, overdue and a name/title search, with the account beside each."""
    contacts = (
        selectors.contacts_visible_to(user=request.user, as_of=timezone.localdate())
        .prefetch_related(None)
        .filter(is_active=True)
    )
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    influence = request.GET.get("influence", "")
    attitude = request.GET.get("attitude", "")
    overdue = request.GET.get("overdue", "")
    if query:
        contacts = contacts.filter(Q(name__icontains=query) | Q(title__icontains=query))
    if role in BuyingRole.values:
        contacts = contacts.filter(**selectors.role_filter(role))
    if influence in Influence.values:
        contacts = contacts.filter(influence=influence)
    if attitude in Attitude.values:
        contacts = contacts.filter(attitude=attitude)
    if overdue in ("yes", "no"):
        contacts = contacts.filter(is_overdue=overdue == "yes")
    contacts = contacts.order_by("name", "account__name", "id")
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "relationships/decision_makers.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "influence": influence,
            "attitude": attitude,
            "overdue": overdue,
            "roles": BuyingRole.choices,
            "influences": Influence.choices,
            "attitudes": Attitude.choices,
            "overdue_choices": OVERDUE_CHOICES,
            "querystring": urlencode(kept),
        },
    )


def _own_interaction(
    request: AuthenticatedHttpRequest, account: Account, interaction_id: int
) -> Any:
    interaction = (
        Interaction.objects.filter(account=account, pk=interaction_id)
        .select_related("account", "user", "logged_by")
        .prefetch_related("contacts")
        .first()
    )
    if interaction is None:
        raise Http404(_("No such interaction at this account."))
    require(
        rules.can_change_interaction(request.user, interaction), rules.INTERACTION_CHANGE_REFUSED
    )
    return interaction


@login_required
def interaction_edit(
    request: AuthenticatedHttpRequest, account_id: int, interaction_id: int
) -> HttpResponse:
    """Correct an interaction (only who logged it), version-checked."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    interaction = _own_interaction(request, account, interaction_id)
    people = selectors.account_people(account=account)
    contacts = list(account.contacts.order_by("name", "id"))
    initial = {
        "date": interaction.date,
        "channel": interaction.channel,
        "user": interaction.user.username,
        "contacts": [c.pk for c in interaction.contacts.all()],
        "summary": interaction.summary,
        "version": interaction.version,
    }
    form = InteractionForm(
        request.POST or None, people=people, contacts=contacts, user=request.user, initial=initial
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        person = _user_lookup(people, data.pop("user"))
        if person is None:
            form.add_error("user", _("No active user is called that."))
        else:
            try:
                services.interaction_update(
                    interaction=interaction,
                    updated_by=request.user,
                    version=version,
                    user=person,
                    **data,
                )
            except VersionConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except ValidationError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, _("Interaction corrected."))
                return redirect("relationships:map", account_id=account.pk)
    return render(
        request,
        "relationships/interaction_form.html",
        {"account": account, "form": form, "tab": "relationships", "interaction": interaction},
        status=409 if conflict else 400 if form.errors else 200,
    )


@login_required
def interaction_delete(
    request: AuthenticatedHttpRequest, account_id: int, interaction_id: int
) -> HttpResponse:
    """Delete an interaction (POST; only who logged it)."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    interaction = _own_interaction(request, account, interaction_id)
    if request.method != "POST":
        return redirect("relationships:interaction-edit", account.pk, interaction.pk)
    services.interaction_delete(interaction=interaction, deleted_by=request.user)
    messages.success(request, _("Interaction deleted (its history keeps it)."))
    return redirect("relationships:map", account_id=account.pk)
