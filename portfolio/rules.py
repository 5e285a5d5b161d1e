"""Who may run and configure the portfolio analysis (predicates: no writes, no raising).

The services enforce these with `kam.rules.require`; the ops page and the API ask them to
decide what to show. Reads (runs, snapshots, dashboards) are for every signed-in user, narrowed
to the accounts they may see by `accounts.selectors.accounts_visible_to`."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from accounts.rules import is_ops
from kam.types import AnyUser

# The refusals (403): the ops page's, then each service's.
# English, marked for the catalogue; the services and views translate them when they refuse.
OPS_PAGE_REFUSED = gettext_noop("Only operations staff run and schedule the analysis.")
RUN_REFUSED = gettext_noop("Only operations staff run the analysis.")
SCHEDULE_REFUSED = gettext_noop("Only operations staff change the nightly schedule.")
PARAMETERS_REFUSED = gettext_noop("Only operations staff change the analysis parameters.")


def can_run_analysis(user: AnyUser) -> bool:
    """Ops (and superusers) queue an analysis run, from the ops page or the API."""
    return is_ops(user)


def can_edit_schedule(user: AnyUser) -> bool:
    """Ops change when the nightly analysis runs."""
    return is_ops(user)


def can_edit_parameters(user: AnyUser) -> bool:
    """Ops change the analysis parameters (each change is recorded with its author)."""
    return is_ops(user)


def can_use_ops_page(user: AnyUser) -> bool:
    """The ops page (runs, run now, schedule, parameters) is ops' own work page."""
    return can_run_analysis(user) or can_edit_schedule(user) or can_edit_parameters(user)
