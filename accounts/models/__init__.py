"""Models of the accounts app, split by area; everything is importable from `accounts.models`."""

from accounts.governance.models import (
    CriterionScore,
    DesignationRequest,
    QualifyingAnswers,
    RequestStatus,
    ReviewMeeting,
    SelectionCriterion,
)
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
from accounts.people.models import (
    COMPETENCY_DIMENSIONS,
    COMPETENCY_FIELDS,
    CompetencyAssessment,
    CompetencyDimension,
    PayMix,
)
from accounts.plans.models import AccountPlan, ActionStatus, PlanAction, PlanObjective, PlanStatus
from accounts.saved_views.models import SavedView
from accounts.voice.models import (
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
    "COMPETENCY_DIMENSIONS",
    "COMPETENCY_FIELDS",
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
    "CompetencyAssessment",
    "CompetencyDimension",
    "Complaint",
    "CriterionScore",
    "Designation",
    "DesignationRequest",
    "EventKind",
    "KnowledgeArea",
    "KnowledgeEntry",
    "LocationKind",
    "PayMix",
    "PlanAction",
    "PlanObjective",
    "PlanStatus",
    "QualifyingAnswers",
    "RequestStatus",
    "ReviewMeeting",
    "SavedView",
    "SelectionCriterion",
    "Severity",
    "TeamFunction",
    "TeamMember",
]
