from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from rest_framework import serializers

from kam.api import StrictModelSerializer
from kam.types import User
from kam.versioning import VersionField
from portfolio.backtest.selectors import RunBacktest
from portfolio.models import SNAPSHOT_FIGURES, AccountSnapshot, AnalysisParameters, AnalysisRun
from portfolio.services import PARAMETER_FIELDS


class AnalysisRunSerializer(StrictModelSerializer):
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    duration_seconds = serializers.FloatField(read_only=True)
    as_of = serializers.DateField(default=timezone.localdate, help_text="Defaults to today.")

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "as_of",
            "status",
            "trigger",
            "requested_by",
            "queued_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "accounts_analysed",
            "progress",
            "progress_message",
            "warnings",
            "error",
            "parameters",
            "cost_by_activity_type",
        ]
        read_only_fields = [name for name in fields if name != "as_of"]


class SignalSerializer(serializers.Serializer[dict[str, object]]):
    code = serializers.CharField()
    stage = serializers.IntegerField()
    weight = serializers.FloatField()
    detail = serializers.CharField()


class AccountSnapshotSerializer(StrictModelSerializer):
    external_id = serializers.CharField(
        source="account.external_id", read_only=True, allow_null=True
    )
    name = serializers.CharField(source="account.name", read_only=True)
    as_of = serializers.DateField(source="run.as_of", read_only=True)
    signals = SignalSerializer(many=True, read_only=True)

    class Meta:
        model = AccountSnapshot
        fields = ["run", "as_of", "account", "external_id", "name", *SNAPSHOT_FIGURES, "signals"]
        read_only_fields = fields


class AnalysisParametersSerializer(StrictModelSerializer):
    version = VersionField()

    class Meta:
        model = AnalysisParameters
        fields = [*PARAMETER_FIELDS, "version", "updated_at"]
        read_only_fields = ["updated_at"]


class GroupOutcomeSerializer(serializers.Serializer[dict[str, object]]):
    accounts = serializers.IntegerField()
    lost = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    lift = serializers.FloatField(allow_null=True)


class StageOutcomeSerializer(GroupOutcomeSerializer):
    stage = serializers.IntegerField()


class BacktestSerializer(serializers.Serializer[dict[str, object]]):
    """CONTRACT.md "churn backtest"; rates and lifts are null for an empty group or when no
    account was lost, auc null without both a lost and a kept account."""

    run = serializers.IntegerField()
    as_of = serializers.DateField()
    horizon_days = serializers.IntegerField()
    accounts = serializers.IntegerField()
    lost = serializers.IntegerField()
    base_rate = serializers.FloatField(allow_null=True)
    auc = serializers.FloatField(allow_null=True)
    at_risk = GroupOutcomeSerializer()
    by_stage = StageOutcomeSerializer(many=True)


def backtest_payload(found: RunBacktest) -> dict[str, object]:
    """The backtest as CONTRACT.md names its fields."""
    result = found.result
    return {
        "run": found.run.pk,
        "as_of": result.as_of,
        "horizon_days": result.horizon_days,
        "accounts": result.accounts,
        "lost": result.lost,
        "base_rate": result.base_rate,
        "auc": result.auc,
        "at_risk": asdict(result.at_risk),
        "by_stage": [asdict(row) for row in result.by_stage],
    }
