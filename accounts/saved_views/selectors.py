from __future__ import annotations

from django.db.models import QuerySet

from accounts.saved_views.models import SavedView
from kam.types import User


def saved_view_list(*, user: User) -> QuerySet[SavedView]:
    """The user's own saved views, by name (nobody reads another's)."""
    return SavedView.objects.filter(user=user)
