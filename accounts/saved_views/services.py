"""Save and remove a user's account-list views. A view belongs to its user only: nobody else
reads, changes or removes it (the selector and these services take the user)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.saved_views.models import SavedView
from accounts.saved_views.selectors import saved_view_list
from kam.types import User

MAX_VIEWS = 20


@transaction.atomic
def saved_view_save(*, user: User, name: str, query: str, allowed: frozenset[str]) -> SavedView:
    """Save the list's current `query` under `name` (the same name again replaces it). Only
    the `allowed` parameters are kept (the list's filters and sort; never a page number or a
    download). ValidationError, by field, for a missing or long name or one view too many."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("A view's name has at most 60 characters.")})
    kept = urlencode([(key, value) for key, value in parse_qsl(query) if key in allowed and value])
    if len(kept) > 1000:
        raise ValidationError({"name": _("This view has too many filters to save.")})
    # The user's row is the lock: two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = saved_view_list(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= MAX_VIEWS:
        raise ValidationError(
            {
                "name": _("You have %(count)s saved views: remove one before saving another.")
                % {"count": MAX_VIEWS}
            }
        )
    view, _created = SavedView.objects.update_or_create(
        user=user, name=name, defaults={"query": kept}
    )
    return view


def saved_view_delete(*, user: User, view_id: int) -> bool:
    """Remove the user's view; False when they have none of that id (another's, or gone)."""
    deleted, _by_model = saved_view_list(user=user).filter(pk=view_id).delete()
    return deleted > 0
