"""seed_demo gives the key-4 pages something to show, and stays repeatable with --flush."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import CompetencyAssessment, PayMix
from accounts.people.selectors import competency_trend, pay_mix_rows

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 5, 15)


def test_seed_demo_builds_assessments_and_pay_mix() -> None:
    for flush in ([], ["--flush"]):  # the second run rebuilds without duplicates
        call_command(
            "seed_demo", "--accounts", "30", "--as-of", AS_OF.isoformat(), *flush, stdout=StringIO()
        )
    managers = ["alice", "bob", "carol", "dave"]
    for username in managers:
        assessments = list(
            CompetencyAssessment.objects.filter(manager__username=username).order_by("-assessed_on")
        )
        assert len(assessments) == 3
        assert len(competency_trend(assessments).dates) == 3
    rows = {row.username: row for row in pay_mix_rows(as_of=AS_OF)}
    assert [row.username for row in pay_mix_rows(as_of=AS_OF) if row.is_flagged] == ["bob"]
    assert rows["carol"].current.check.status == "in_guideline"
    assert rows["alice"].current.check.status == "in_target"
    assert len(rows["alice"].history) == 2
    assert PayMix.objects.count() == 6
