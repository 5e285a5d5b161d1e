"""Who may import data files: operations staff (CONTRACT.md: imports are ops' work)."""

from __future__ import annotations

from kam.roles import Role, user_has_role
from kam.types import AnyUser

IMPORT_REFUSED = "Only operations staff may load data."


def can_import(user: AnyUser) -> bool:
    """Ops load data files and follow their batches."""
    return user_has_role(user, Role.OPS)
