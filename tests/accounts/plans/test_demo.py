"""seed_demo gives the steering committee something to work on."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.governance.selectors import account_selection
from accounts.models import (
    AccountEvent,
    AccountPlan,
    Designation,
    DesignationRequest,
    ReviewMeeting,
)
from accounts.voice.selectors import assessment_trend, complaint_recurring_problems

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 5, 15)


def test_seed_demo_builds_plans_voice_and_governance() -> None:
    call_command("seed_demo", "--accounts", "50", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    statuses = set(AccountPlan.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "approved"}
    assert AccountPlan.objects.exclude(return_comment="").filter(status="draft").exists()
    plans = AccountPlan.objects.order_by("account_id").select_related("account")
    first, second = plans[0].account, plans[1].account
    # a declining trend on the first strategic account, with a competitor evaluation
    scores = [point.assessment.score for point in assessment_trend(account=first)]
    assert [str(score) for score in scores] == ["8.6", "7.9", "6.8", "5.4"]
    assert AccountEvent.objects.filter(account=first, kind="competitor_evaluation").exists()
    # recurring delivery complaints on the second
    problems = complaint_recurring_problems(account=second, as_of=AS_OF)
    assert [(p.category, p.count) for p in problems] == [("delivery", 4)]
    # attractiveness is live for strategic accounts; a request waits for the committee
    assert account_selection(account=first).attractiveness is not None
    pending = DesignationRequest.objects.get(status="pending")
    assert (pending.account.designation, pending.to_designation) == (
        Designation.CANDIDATE,
        Designation.PILOT,
    )
    assert ReviewMeeting.objects.filter(accounts=first).count() == 2
