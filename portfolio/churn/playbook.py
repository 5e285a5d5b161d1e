"""What each churn signal asks the account's team to do: a short playbook per signal.

Pure: the words every page, export and alert shows beside a fired signal, in English, marked
for the catalogue; the pages translate them when they show them (portfolio.signal_words).
"""

from __future__ import annotations

from portfolio.catalogue import gettext_noop

PLAYBOOK: dict[str, str] = {
    "recurring_problems": gettext_noop(
        "Review the recurring complaints with operations and agree a fix and a date with the "
        "customer."
    ),
    "satisfaction_decline": gettext_noop(
        "Ask the customer what changed: book a business review and share a recovery plan."
    ),
    "key_influencer_neglected": gettext_noop(
        "Call the neglected economic buyer or coach this week and set a contact rhythm."
    ),
    "coverage_gap": gettext_noop(
        "Map the missing economic buyer or coach: find who decides and who sponsors us."
    ),
    "revenue_decline": gettext_noop(
        "Find where the revenue went (lost lines, locations, a rival) with the customer's buyer."
    ),
    "competitor_activity": gettext_noop(
        "Call the economic buyer: learn what the rival offers and restate our value in figures."
    ),
    "ultimatum": gettext_noop(
        "Escalate to an executive sponsor: meet the customer, agree the standards and keep "
        "every promise made."
    ),
    "litigation": gettext_noop(
        "Involve legal and an executive sponsor; keep the service running while the dispute is "
        "settled."
    ),
}


def signal_action(code: str) -> str:
    """The action a fired signal asks for ('' for a code the playbook does not know)."""
    return PLAYBOOK.get(code, "")
