"""The account list page's filters and sorting, one FilterSet: what the form shows is what the
query does, and the export of the list uses the same."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Designation
from kam.forms import QuickSelect
from portfolio.models import Segment

# `sort=` key → the field it sorts by; `-key` sorts descending.
SORTS: dict[str, str] = {
    "name": "name",
    "designation": "designation",
    "owner": "owner__username",
    "revenue": "revenue_ttm",
    "profit": "net_profit_ttm",
    "segment": "segment",
    "churn": "churn_score",
    "contact": "last_interaction_on",
    "plan": "plan_status",
}
STAGES = [
    (1, _("1 · recurring problems")),
    (2, _("2 · looking elsewhere")),
    (3, _("3 · ultimatum")),
    (4, _("4 · litigation")),
]


def order_terms(sort: str) -> list[Any]:
    """`-revenue` → revenue_ttm descending, accounts without figures last, then by name."""
    key = sort.removeprefix("-")
    field = SORTS.get(key, "name")
    term = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return [term, "name", "id"]


class AccountListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    designation = django_filters.ChoiceFilter(
        choices=Designation.choices, empty_label=_("Any"), label=_("Designation")
    )
    # As many options as the portfolio has owners, regions and industries: QuickSelect.
    owner = django_filters.ChoiceFilter(
        field_name="owner__username",
        empty_label=_("Anyone"),
        choices=[],
        label=_("Owner"),
        widget=QuickSelect,
    )
    region = django_filters.ChoiceFilter(
        empty_label=_("Any"), choices=[], label=_("Region"), widget=QuickSelect
    )
    industry = django_filters.ChoiceFilter(
        empty_label=_("Any"), choices=[], label=_("Industry"), widget=QuickSelect
    )
    segment = django_filters.ChoiceFilter(
        choices=Segment.choices, empty_label=_("Any"), label=_("Segment")
    )
    stage = django_filters.ChoiceFilter(
        choices=STAGES,
        empty_label=_("Any"),
        label=_("Churn stage at least"),
        method="at_least_stage",
    )

    risk = django_filters.ChoiceFilter(
        choices=[("at_risk", _("At churn risk")), ("not_at_risk", _("Not at risk"))],
        empty_label=_("Any"),
        label=_("Churn risk"),
        method="by_risk",
    )

    class Meta:
        model = Account
        fields = ["q", "designation", "owner", "region", "industry", "segment", "risk", "stage"]

    def __init__(
        self, data: Any, *, queryset: QuerySet[Account], choices: dict[str, list[str]]
    ) -> None:
        """`choices`: the regions, industries and owners of the accounts this user sees
        (selectors.account_list_choices), so a filter never offers a value that finds
        nothing, and never names a hidden account's region or owner."""
        super().__init__(data, queryset=queryset)
        for name in ("region", "industry", "owner"):
            self.filters[name].extra["choices"] = [(value, value) for value in choices[name]]

    def by_risk(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        # at_risk is the run's flag annotated by accounts_with_figures
        return queryset.filter(**{"at_risk": value == "at_risk"})

    def at_least_stage(
        self, queryset: QuerySet[Account], name: str, value: str
    ) -> QuerySet[Account]:
        # churn_stage is the run's figure annotated by accounts_with_figures
        return queryset.filter(**{"churn_stage__gte": int(value)})

    def search(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(external_id__icontains=value)
            | Q(industry__icontains=value)
        )
