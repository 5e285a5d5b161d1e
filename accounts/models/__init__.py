"""Models of the accounts app, split by area; everything is importable from `accounts.models`."""

from accounts.models.account import (
    Account,
    AccountLocation,
    BuyingHierarchyLevel,
    Designation,
    KnowledgeArea,
    KnowledgeEntry,
    LocationKind,
    TeamFunction,
    TeamMember,
)
from accounts.models.governance import (
    CriterionScore,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
from accounts.models.plans import AccountPlan, ActionStatus, PlanAction, PlanObjective, PlanStatus
from accounts.models.voice import (
    STANDARD_DIMENSIONS,
    AccountEvent,
    Assessment,
    AssessmentDimension,
    AssessmentKind,
    Complaint,
    EventKind,
    Severity,
)

__all__ = [
    "STANDARD_DIMENSIONS",
    "Account",
    "AccountEvent",
    "AccountLocation",
    "AccountPlan",
    "ActionStatus",
    "Assessment",
    "AssessmentDimension",
    "AssessmentKind",
    "BuyingHierarchyLevel",
    "Complaint",
    "CriterionScore",
    "Designation",
    "DesignationRequest",
    "EventKind",
    "KnowledgeArea",
    "KnowledgeEntry",
    "LocationKind",
    "PlanAction",
    "PlanObjective",
    "PlanStatus",
    "QualifyingAnswers",
    "RequestStatus",
    "ReviewMeeting",
    "SelectionCriterion",
    "Severity",
    "TeamFunction",
    "TeamMember",
]
