"""The account list page's filters and sorting, one FilterSet: what the form shows is what the
query does, and the export of the list uses the same."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Designation
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
    owner = django_filters.ChoiceFilter(
        field_name="owner__username", empty_label=_("Anyone"), choices=[], label=_("Owner")
    )
    region = django_filters.ChoiceFilter(empty_label=_("Any"), choices=[], label=_("Region"))
    industry = django_filters.ChoiceFilter(empty_label=_("Any"), choices=[], label=_("Industry"))
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

    def __init__(self, data: Any, *, queryset: QuerySet[Account]) -> None:
        super().__init__(data, queryset=queryset)
        # The choices come from the accounts this user sees, so a filter never offers a value
        # that finds nothing, and never names a hidden account's region or owner.
        for name in ("region", "industry"):
            values = (
                queryset.exclude(**{name: ""})
                .order_by(name)
                .values_list(name, flat=True)
                .distinct()
            )
            self.filters[name].extra["choices"] = [(value, value) for value in values]
        owners = (
            queryset.exclude(owner=None)
            .order_by("owner__username")
            .values_list("owner__username", flat=True)
            .distinct()
        )
        self.filters["owner"].extra["choices"] = [(username, username) for username in owners]

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
