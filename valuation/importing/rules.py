"""Who may import data files: operations staff (CONTRACT.md: imports are ops' work)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.rules import is_ops
from kam.types import AnyUser

IMPORT_REFUSED = _("Only operations staff may load data.")


def can_import(user: AnyUser) -> bool:
    """Ops load data files and follow their batches."""
    return is_ops(user)
