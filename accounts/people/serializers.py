"""Serializers of key 4's endpoints: manager-load/, competency-assessments/, pay-mix/."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import COMPETENCY_FIELDS, CompetencyAssessment, PayMix
from accounts.people.bands import pay_mix_check
from kam.api import StrictModelSerializer
from kam.types import User


class ManagerLoadSerializer(serializers.Serializer[Any]):
    manager = serializers.CharField(source="username")
    manager_id = serializers.IntegerField()
    full_name = serializers.CharField()
    strategic = serializers.IntegerField()
    pilot = serializers.IntegerField()
    key_accounts = serializers.IntegerField()
    relationships = serializers.IntegerField()
    is_overloaded = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())


class CompetencyAssessmentSerializer(StrictModelSerializer):
    manager = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    assessed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    capability_average = serializers.FloatField(read_only=True)
    consultative_average = serializers.FloatField(read_only=True)

    class Meta:
        model = CompetencyAssessment
        fields = [
            "id",
            "manager",
            "assessed_on",
            "assessed_by",
            "notes",
            *COMPETENCY_FIELDS,
            "capability_average",
            "consultative_average",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class PayMixSerializer(StrictModelSerializer):
    manager = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    recorded_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    salary_percent = serializers.SerializerMethodField()
    bonus_percent = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = PayMix
        fields = [
            "id",
            "manager",
            "effective_from",
            "salary",
            "bonus",
            "notes",
            "recorded_by",
            "salary_percent",
            "bonus_percent",
            "status",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list[Any] = []  # the service checks one row per manager and date

    def get_salary_percent(self, pay_mix: PayMix) -> str:
        return str(pay_mix_check(salary=pay_mix.salary, bonus=pay_mix.bonus).salary_percent)

    def get_bonus_percent(self, pay_mix: PayMix) -> str:
        return str(pay_mix_check(salary=pay_mix.salary, bonus=pay_mix.bonus).bonus_percent)

    def get_status(self, pay_mix: PayMix) -> str:
        return pay_mix_check(salary=pay_mix.salary, bonus=pay_mix.bonus).status
