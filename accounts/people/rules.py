"""Who may see and write the people feature (predicates: no writes, no raising).

(`accounts/people/bands.py` is the pure maths of load and pay mix; the `can_*` predicates
of this feature live here.) Pay is confidential: executives only. Executives assess
account managers' competency; a manager reads their own assessments. The load page is for
account managers (their own), executives and ops (everyone's)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.roles import Role, user_has_role
from kam.types import AnyUser, User

COMPETENCY_REFUSED = _("Only the executive steering committee may record competency assessments.")
COMPETENCY_PAGE_REFUSED = _("Only executives record competency assessments.")
PAY_RECORD_REFUSED = _("Only executives may record pay.")
PAY_VIEW_REFUSED = _("Pay is confidential: only executives see the pay mix.")
LOAD_VIEW_REFUSED = _("The load page is for account managers, executives and ops.")


def can_view_load(user: AnyUser) -> bool:
    return user_has_role(user, Role.EXECUTIVE, Role.OPS, Role.ACCOUNT_MANAGER)


def can_view_every_load(user: AnyUser) -> bool:
    """Executives and ops see every manager's load; a manager sees their own."""
    return user_has_role(user, Role.EXECUTIVE, Role.OPS)


def can_record_competency(user: AnyUser) -> bool:
    return user_has_role(user, Role.EXECUTIVE)


def can_read_competency_of(user: AnyUser, manager: User) -> bool:
    """Executives read every manager's assessments, a manager their own."""
    return can_record_competency(user) or bool(user.is_authenticated and manager.pk == user.pk)


def can_view_pay(user: AnyUser) -> bool:
    """Pay is confidential: executives (and superusers) only."""
    return user_has_role(user, Role.EXECUTIVE)


def can_record_pay(user: AnyUser) -> bool:
    return can_view_pay(user)
