"""Who may import data files: operations staff (CONTRACT.md: imports are ops' work)."""

from __future__ import annotations

from accounts.rules import is_ops
from kam.types import AnyUser

IMPORT_REFUSED = "Only operations staff may load data."


def can_import(user: AnyUser) -> bool:
    """Ops load data files and follow their batches."""
    return is_ops(user)
