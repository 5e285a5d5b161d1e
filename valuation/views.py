"""Pages of the valuation app: data imports (ops), money lists with exports, activity types
and rates, and the account's Value tab (revenue, cost to serve, value ledger)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.selectors import account_get_for_user
from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from kam.versioning import VersionConflictError
from valuation import charts, rules, selectors, services
from valuation.exports import EXPORT_FORMATS, EXPORTS, VALUE_ENTRIES_EXPORT, export_response
from valuation.forms import (
    CATEGORY_SUGGESTIONS,
    ActivityRateForm,
    ActivityTypeForm,
    ListFilterForm,
    ServiceActivityForm,
    ValueEntryConfirmForm,
    ValueEntryForm,
)
from valuation.models import ImportKind, ValueEntry

PAGE_SIZE = 50


# --- imports (ops) -------------------------------------------------------------------------


@login_required
def export_download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponseBase:
    """CSV or XLSX of one kind, only the rows of accounts the user may see."""
    if kind not in EXPORTS:
        raise Http404(_("No such kind."))
    file_format = request.GET.get("file_format", "csv")
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Use csv or xlsx."))
    return export_response(kind=kind, user=request.user, file_format=file_format)


# --- money lists ---------------------------------------------------------------------------

LISTS: dict[str, dict[str, Any]] = {
    "revenue": {
        "title": gettext_lazy("Revenue"),
        "kind": ImportKind.REVENUE,
        "date_field": "period_start",
        "selector": selectors.revenue_records_visible_to,
        "headings": [
            gettext_lazy("Account"),
            gettext_lazy("Location"),
            gettext_lazy("Month"),
            gettext_lazy("Revenue"),
            gettext_lazy("Cost of goods"),
        ],
        "numeric": [3, 4],
        "row": lambda r: [
            r.account,
            r.location.name,
            r.period_start.strftime("%Y-%m"),
            r.revenue,
            r.cost_of_goods,
        ],
    },
    "forecasts": {
        "title": gettext_lazy("Forecasts"),
        "kind": ImportKind.FORECASTS,
        "date_field": "period_start",
        "selector": selectors.forecasts_visible_to,
        "headings": [
            gettext_lazy("Account"),
            gettext_lazy("Month"),
            gettext_lazy("Forecast revenue"),
        ],
        "numeric": [2],
        "row": lambda r: [r.account, r.period_start.strftime("%Y-%m"), r.revenue],
    },
    "activities": {
        "title": gettext_lazy("Service activities"),
        "kind": ImportKind.ACTIVITIES,
        "date_field": "date",
        "selector": selectors.service_activities_visible_to,
        "headings": [
            gettext_lazy("Account"),
            gettext_lazy("Activity"),
            gettext_lazy("Date"),
            gettext_lazy("Quantity"),
        ],
        "numeric": [3],
        "row": lambda r: [r.account, r.activity_type.name, r.date, r.quantity],
    },
    "value-entries": {
        "title": gettext_lazy("Value ledger"),
        "kind": VALUE_ENTRIES_EXPORT,
        "date_field": "date",
        "selector": selectors.value_entries_visible_to,
        "headings": [
            gettext_lazy("Account"),
            gettext_lazy("Direction"),
            gettext_lazy("Category"),
            gettext_lazy("Date"),
            gettext_lazy("Amount"),
            gettext_lazy("Confirmed"),
        ],
        "numeric": [4],
        "row": lambda r: [
            r.account,
            r.get_direction_display(),
            r.category,
            r.date,
            r.amount,
            _("yes") if r.customer_confirmed else _("no"),
        ],
    },
}


@login_required
def record_list(request: AuthenticatedHttpRequest, resource: str) -> HttpResponseBase:
    spec = LISTS.get(resource)
    if spec is None:
        raise Http404(_("No such list."))
    form = ListFilterForm(request.GET or None)
    queryset: QuerySet[Any] = spec["selector"](request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["account"]:
            queryset = queryset.filter(account__external_id=data["account"].strip())
        if data["date_from"]:
            queryset = queryset.filter(**{f"{spec['date_field']}__gte": data["date_from"]})
        if data["date_to"]:
            queryset = queryset.filter(**{f"{spec['date_field']}__lte": data["date_to"]})
    if request.GET.get("file_format") in EXPORT_FORMATS:
        return export_response(
            kind=spec["kind"],
            user=request.user,
            file_format=request.GET["file_format"],
            queryset=queryset,
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [spec["row"](record) for record in page.object_list]
    filters = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "valuation/record_list.html",
        {
            "title": spec["title"],
            "resource": resource,
            "headings": spec["headings"],
            "numeric": spec["numeric"],
            "rows": rows,
            "page": page,
            "form": form,
            "querystring": urlencode(filters),
            "export_querystring": urlencode(
                {k: v for k, v in filters.items() if k != "file_format"}
            ),
        },
    )


# --- activity types and rates --------------------------------------------------------------


@login_required
def activity_types(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone signed in reads the types and rates; ops add them."""
    can_price = rules.can_price_activities(request.user)
    type_form = ActivityTypeForm(prefix="type")
    rate_form = ActivityRateForm(prefix="rate")
    status = 200
    if request.method == "POST":
        require(can_price, rules.PRICING_REFUSED)
        if "type-code" in request.POST:
            type_form = ActivityTypeForm(request.POST, prefix="type")
            if type_form.is_valid():
                try:
                    created = services.activity_type_create(
                        **type_form.cleaned_data, created_by=request.user
                    )
                except ValidationError as error:
                    form_errors_apply(type_form, error)
                else:
                    messages.success(
                        request, _("Activity type %(code)s added.") % {"code": created.code}
                    )
                    return redirect("valuation:activity-types")
        else:
            rate_form = ActivityRateForm(request.POST, prefix="rate")
            if rate_form.is_valid():
                try:
                    rate = services.activity_rate_create(
                        **rate_form.cleaned_data, created_by=request.user
                    )
                except ValidationError as error:
                    form_errors_apply(rate_form, error)
                else:
                    messages.success(
                        request,
                        _("Rate %(cost)s for %(code)s from %(date)s added.")
                        % {
                            "cost": rate.unit_cost,
                            "code": rate.activity_type.code,
                            "date": f"{rate.effective_from:%Y-%m-%d}",
                        },
                    )
                    return redirect("valuation:activity-types")
        status = 400
    types = list(selectors.activity_types_list())
    rates = list(selectors.activity_rates_list())
    today = timezone.localdate()
    by_type: dict[int, list[Any]] = {t.pk: [] for t in types}
    for rate in rates:
        by_type[rate.activity_type_id].append(rate)
    rows = []
    for activity_type in types:
        type_rates = by_type[activity_type.pk]
        in_force = [rate for rate in type_rates if rate.effective_from <= today]
        rows.append(
            {
                "type": activity_type,
                "rates": type_rates,
                "in_force": in_force[-1] if in_force else None,
            }
        )
    return render(
        request,
        "valuation/activity_types.html",
        {"rows": rows, "can_price": can_price, "type_form": type_form, "rate_form": rate_form},
        status=status,
    )


# --- the account's Value tab ----------------------------------------------------------------


def _value_context(request: AuthenticatedHttpRequest, account: Account) -> dict[str, Any]:
    as_of = timezone.localdate()
    revenue = selectors.account_revenue_summary(account=account, as_of=as_of)
    cost = selectors.account_cost_to_serve(account=account, as_of=as_of)
    ledger = selectors.account_value_ledger(account=account, as_of=as_of)
    revenue_chart = charts.account_revenue_figure(revenue)
    cost_chart = charts.account_cost_figure(cost)
    can_contribute = rules.can_record_value(request.user, account)
    for entry in [*ledger.delivered, *ledger.received]:
        entry.account = account  # the rule reads it: no query per entry
        entry.can_change = rules.can_change_value_entry(request.user, entry)  # type: ignore[attr-defined]
    return {
        "account": account,
        "tab": "value",
        "as_of": as_of,
        "revenue": revenue,
        "cost": cost,
        "ledger": ledger,
        "margin_after_cost": revenue.gross_margin_ttm - cost.total,
        "revenue_chart": json.loads(revenue_chart.to_json()) if revenue.locations else None,
        "cost_chart": json.loads(cost_chart.to_json()) if cost.lines else None,
        "can_contribute": can_contribute,
        "can_record_activity": rules.can_record_activity(request.user, account),
        "category_suggestions": CATEGORY_SUGGESTIONS,
    }


@login_required
def account_value(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    context = _value_context(request, account)
    context["entry_form"] = ValueEntryForm(prefix="entry")
    context["activity_form"] = ServiceActivityForm(prefix="activity")
    return render(request, "valuation/account_value.html", context)


@login_required
@require_POST
def value_entry_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    require(rules.can_record_value(request.user, account), rules.VALUE_RECORD_REFUSED)
    form = ValueEntryForm(request.POST, prefix="entry")
    if form.is_valid():
        try:
            services.value_entry_create(
                account=account, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Value entry added."))
            return redirect("valuation:account-value", account_id=account.pk)
    context = _value_context(request, account)
    context["entry_form"] = form
    context["activity_form"] = ServiceActivityForm(prefix="activity")
    return render(request, "valuation/account_value.html", context, status=400)


@login_required
@require_POST
def value_entry_remove(
    request: AuthenticatedHttpRequest, account_id: int, entry_id: int
) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    entry = get_object_or_404(ValueEntry.objects.filter(account=account), pk=entry_id)
    services.value_entry_delete(entry=entry, deleted_by=request.user)
    messages.success(request, _("Value entry removed."))
    return redirect("valuation:account-value", account_id=account.pk)


@login_required
@require_POST
def value_entry_confirm(
    request: AuthenticatedHttpRequest, account_id: int, entry_id: int
) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    entry = get_object_or_404(ValueEntry.objects.filter(account=account), pk=entry_id)
    require(rules.can_change_value_entry(request.user, entry), rules.VALUE_CHANGE_REFUSED)
    form = ValueEntryConfirmForm(request.POST, prefix=f"confirm-{entry.pk}")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.value_entry_update(
                entry=entry,
                changed_by=request.user,
                version=data["version"],
                customer_confirmed=True,
                confirmed_by=data["confirmed_by"],
                confirmed_on=data["confirmed_on"],
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        except VersionConflictError as conflict:
            form.add_error(None, conflict.message)
            status = 409
        else:
            messages.success(
                request,
                _("Entry of %(date)s marked as confirmed.") % {"date": f"{entry.date:%Y-%m-%d}"},
            )
            return redirect("valuation:account-value", account_id=account.pk)
    context = _value_context(request, account)
    context.update(
        entry_form=ValueEntryForm(prefix="entry"),
        activity_form=ServiceActivityForm(prefix="activity"),
        confirm_form=form,
        confirm_entry_id=entry.pk,
    )
    return render(request, "valuation/account_value.html", context, status=status)


@login_required
@require_POST
def activity_add(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = account_get_for_user(user=request.user, account_id=account_id)
    require(rules.can_record_activity(request.user, account), rules.ACTIVITY_RECORD_REFUSED)
    form = ServiceActivityForm(request.POST, prefix="activity")
    if form.is_valid():
        try:
            services.service_activity_create(
                account=account, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("valuation:account-value", account_id=account.pk)
    context = _value_context(request, account)
    context["entry_form"] = ValueEntryForm(prefix="entry")
    context["activity_form"] = form
    return render(request, "valuation/account_value.html", context, status=400)
