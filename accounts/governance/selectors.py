"""Reads for selection governance: criteria, scores, the attractiveness score (DOMAIN.md),
designation requests and the steering committee's review log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    CriterionScore,
    Designation,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from accounts.selectors import accounts_visible_to
from kam.roles import user_reads_all_accounts
from kam.types import AnyUser

# The book: start with two or three pilot accounts.
PILOT_LIMIT = 3


def attractiveness_score(weighted_scores: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """A = 100·Σw·(s−1) / (4·Σw) over the criteria scored, rounded to one decimal.

    `weighted_scores` holds (weight > 0, score 1-5) pairs. None when nothing is scored
    (the page then says "not scored"; the nightly analysis falls back to growth).
    """
    pairs = [(Decimal(weight), int(score)) for weight, score in weighted_scores]
    total_weight = sum((weight for weight, _ in pairs), Decimal(0))
    if not pairs or total_weight <= 0:
        return None
    weighted = sum((weight * (score - 1) for weight, score in pairs), Decimal(0))
    value = Decimal(100) * weighted / (4 * total_weight)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def selection_criteria(*, include_inactive: bool = False) -> QuerySet[SelectionCriterion]:
    queryset = SelectionCriterion.objects.order_by("name")
    return queryset if include_inactive else queryset.filter(is_active=True)


def selection_criterion_get(*, criterion_id: int | str) -> SelectionCriterion:
    """Criteria are not secret: every signed-in user reads them."""
    try:
        return SelectionCriterion.objects.get(pk=int(criterion_id))
    except (SelectionCriterion.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such criterion.")) from error


@dataclass(frozen=True)
class CriterionRow:
    criterion: SelectionCriterion
    score: CriterionScore | None


@dataclass(frozen=True)
class Selection:
    rows: list[CriterionRow]
    attractiveness: Decimal | None


def account_selection(*, account: Account) -> Selection:
    """Every active criterion with the account's score (if any) and the live attractiveness.

    Two queries: active criteria, and this account's scores with who scored them.
    """
    criteria = list(selection_criteria())
    scores = {
        score.criterion_id: score
        for score in CriterionScore.objects.filter(account=account).select_related("scored_by")
    }
    rows = [CriterionRow(criterion=c, score=scores.get(c.pk)) for c in criteria]
    value = attractiveness_score(
        (row.criterion.weight, row.score.score) for row in rows if row.score is not None
    )
    return Selection(rows=rows, attractiveness=value)


def qualifying_answers_for(*, account: Account) -> QualifyingAnswers | None:
    return QualifyingAnswers.objects.filter(account=account).select_related("updated_by").first()


def designation_requests_visible_to(user: AnyUser) -> QuerySet[DesignationRequest]:
    return DesignationRequest.objects.filter(
        account__in=accounts_visible_to(user).values("pk")
    ).select_related("account", "account__owner", "requested_by", "decided_by")


def designation_request_get_for_user(*, user: AnyUser, request_id: int | str) -> DesignationRequest:
    try:
        return designation_requests_visible_to(user).get(pk=int(request_id))
    except (DesignationRequest.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such designation request.")) from error


def designation_requests_pending(*, user: AnyUser) -> QuerySet[DesignationRequest]:
    return (
        designation_requests_visible_to(user)
        .filter(status=RequestStatus.PENDING)
        .order_by("requested_at", "id")
    )


def pilot_count() -> int:
    return Account.objects.filter(designation=Designation.PILOT).count()


def pilot_warning(*, adding: int = 0) -> str | None:
    """A warning when more than three accounts would be in pilot at once."""
    return pilot_warning_for(pilot_count() + adding)


def pilot_warning_for(count: int) -> str | None:
    if count > PILOT_LIMIT:
        return _(
            "%(count)s accounts would be in pilot at once; the book advises starting with two "
            "or three (at most %(limit)s) so each gets the attention a pilot needs."
        ) % {"count": count, "limit": PILOT_LIMIT}
    return None


def review_meetings_visible_to(user: AnyUser) -> QuerySet[ReviewMeeting]:
    """Executives, ops and superusers see every meeting; account managers those that
    discussed an account they can see (or that they attended)."""
    queryset = ReviewMeeting.objects.prefetch_related(
        "attendees", Prefetch("accounts", queryset=Account.objects.order_by("name"))
    ).select_related("created_by")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user_reads_all_accounts(user):
        return queryset
    visible = accounts_visible_to(user).values("pk")
    return queryset.filter(Q(accounts__in=visible) | Q(attendees=user)).distinct()


def review_meeting_get_for_user(*, user: AnyUser, meeting_id: int | str) -> ReviewMeeting:
    try:
        return review_meetings_visible_to(user).get(pk=int(meeting_id))
    except (ReviewMeeting.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("No such meeting.")) from error


def review_meetings_for_account(*, account: Account) -> QuerySet[ReviewMeeting]:
    return (
        ReviewMeeting.objects.filter(accounts=account)
        .prefetch_related("attendees")
        .order_by("-date", "-id")
    )
