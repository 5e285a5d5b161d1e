"""`accounts/`: accounts.api.AccountViewSet with the read-only figures of CONTRACT.md
(`revenue_ttm`, `net_profit_ttm`, `segment`, `churn_score`, `churn_stage` from the latest
successful run, and `last_interaction_on`), each one also an `ordering=` term.

A page of the list is kept in the cache (selectors.account_list_page): a repeat request
costs the run's query and two cache reads, and no write is ever hidden behind it."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.api import AccountViewSet
from accounts.models import Account
from accounts.serializers import AccountSerializer, AccountUpdateSerializer
from kam.api import FilterBackend
from portfolio.account_list.pagination import AccountListPagination
from portfolio.account_list.selectors import FIGURES, account_list_page, accounts_with_figures
from portfolio.models import Segment
from portfolio.selectors import analysis_run_latest_succeeded

FROM_RUN = "From the latest successful analysis run; null when no run has analysed the account."


class _Figures(serializers.Serializer[Any]):
    revenue_ttm = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True, help_text=FROM_RUN
    )
    net_profit_ttm = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True, help_text=FROM_RUN
    )
    segment = serializers.ChoiceField(
        choices=Segment.choices, read_only=True, allow_null=True, help_text=FROM_RUN
    )
    churn_score = serializers.IntegerField(read_only=True, allow_null=True, help_text=FROM_RUN)
    churn_stage = serializers.IntegerField(read_only=True, allow_null=True, help_text=FROM_RUN)
    at_risk = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="churn_score ≥ the run's at_risk_score (DOMAIN.md). " + FROM_RUN,
    )
    last_interaction_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The date of the latest interaction logged."
    )


READ_ONLY = [*FIGURES, "last_interaction_on"]


@extend_schema_serializer(component_name="Account")
class AccountWithFiguresSerializer(AccountSerializer, _Figures):
    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, *READ_ONLY]


@extend_schema_serializer(component_name="AccountUpdate")
class AccountUpdateWithFiguresSerializer(AccountUpdateSerializer, _Figures):
    class Meta(AccountUpdateSerializer.Meta):
        fields = [*AccountUpdateSerializer.Meta.fields, *READ_ONLY]


class NullsLastOrderingFilter(OrderingFilter):
    """`ordering=-revenue_ttm` puts the accounts without figures last, as `revenue_ttm` does
    (PostgreSQL sorts nulls first when descending), and `id` breaks ties so pages never
    repeat or skip a row."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        terms = [
            F(term[1:]).desc(nulls_last=True)
            if term.startswith("-")
            else F(term).asc(nulls_last=True)
            for term in ordering
        ]
        if not any(term.lstrip("-") == "id" for term in ordering):
            terms.append(F("id").asc())
        return queryset.order_by(*terms)


class AccountListViewSet(AccountViewSet):
    __doc__ = AccountViewSet.__doc__
    filter_backends = [FilterBackend, SearchFilter, NullsLastOrderingFilter]
    pagination_class = AccountListPagination
    ordering_fields = [*AccountViewSet.ordering_fields, *READ_ONLY]

    def get_queryset(self) -> QuerySet[Account]:
        if getattr(self, "swagger_fake_view", False):  # the schema needs the model, no run
            return Account.objects.none()
        if not hasattr(self, "figures_run"):
            self.figures_run = analysis_run_latest_succeeded()
        return accounts_with_figures(user=self.request.user, run=self.figures_run)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A refused filter, cursor or page raises (400, 404): only a page is ever kept.
        self.figures_run = analysis_run_latest_succeeded()
        page = account_list_page(
            user=request.user,
            url=request.build_absolute_uri(),
            run=self.figures_run,
            build=lambda: super(AccountListViewSet, self).list(request, *args, **kwargs).data,
        )
        return Response(page)

    def get_serializer_class(self) -> type[AccountSerializer]:
        if self.action in ("update", "partial_update"):
            return AccountUpdateWithFiguresSerializer
        return AccountWithFiguresSerializer

    def _with_figures(self, serializer: BaseSerializer[Account]) -> None:
        # The service hands back the saved row; the answer shows its figures too. An owner who
        # handed the account to another manager no longer sees it: they get the saved row.
        if serializer.instance is not None:
            shown = self.get_queryset().filter(pk=serializer.instance.pk).first()
            serializer.instance = shown or serializer.instance

    def perform_create(self, serializer: BaseSerializer[Account]) -> None:
        super().perform_create(serializer)
        self._with_figures(serializer)

    def perform_update(self, serializer: BaseSerializer[Account]) -> None:
        super().perform_update(serializer)
        self._with_figures(serializer)
