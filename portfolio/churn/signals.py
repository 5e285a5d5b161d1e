"""Churn signals, each evaluated at the as-of date T, vectorised over accounts.

Every signal function returns a Series of plain-words details indexed by account id,
holding only the accounts for which the signal fires. ``churn_signals`` runs them all
and returns one row per fired signal with its code, stage and weight.

Boundary convention: "in the N days up to T" means T − N days ≤ date ≤ T, both ends
inclusive (used for 90, 180 and 365 days): with N = 180 an event exactly 180 days
before T counts and one 181 days before does not. Nothing dated after T counts.

A signal whose input frame is empty does not fire, except coverage_gap: an account
with no active economic buyer or no active coach, including one with no contacts at
all, fires it (DOMAIN.md: "no active economic buyer or no active coach mapped").

Input frames (column constants from ``valuation.analysis.columns``):
- complaints: ACCOUNT, CATEGORY, OPENED_ON (date). One row per complaint.
- assessments: ACCOUNT, DATE, SCORE (0-10). Satisfaction surveys, business reviews…
- contacts: ACCOUNT, CONTACT, CONTACT_NAME, ROLE, IS_ACTIVE, CONTACT_FREQUENCY_DAYS,
  LAST_INTERACTION_ON. One row per contact and role (a contact who is both economic
  buyer and coach has two rows; a contact without a role may have ROLE None).
  LAST_INTERACTION_ON is the contact's latest interaction on or before T (None when
  there is none); a value after T is treated as none.
- events: ACCOUNT, EVENT_TYPE, DATE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from portfolio.catalogue import gettext_noop
from valuation.analysis.columns import (
    ACCOUNT,
    ASSESSMENT_COLUMNS,
    CATEGORY,
    COACH,
    COMPLAINT_COLUMNS,
    CONTACT,
    CONTACT_COLUMNS,
    CONTACT_FREQUENCY_DAYS,
    CONTACT_NAME,
    DATE,
    DETAIL,
    ECONOMIC_BUYER,
    EVENT_COLUMNS,
    EVENT_TYPE,
    FIRED_SIGNAL_COLUMNS,
    IS_ACTIVE,
    LAST_INTERACTION_ON,
    OPENED_ON,
    ROLE,
    SCORE,
    SIGNAL_CODE,
    SIGNAL_WEIGHT,
    STAGE,
)
from valuation.analysis.frames import require_columns, to_cents
from valuation.analysis.windows import Windows, as_datetime, format_day


@dataclass(frozen=True)
class SignalDefinition:
    code: str
    stage: int
    default_weight: float
    label: str  # what every page calls the signal


RECURRING_PROBLEMS = SignalDefinition(
    "recurring_problems", 1, 20.0, gettext_noop("Recurring problems")
)
SATISFACTION_DECLINE = SignalDefinition(
    "satisfaction_decline", 1, 15.0, gettext_noop("Satisfaction declining")
)
KEY_INFLUENCER_NEGLECTED = SignalDefinition(
    "key_influencer_neglected", 1, 15.0, gettext_noop("Key influencer neglected")
)
COVERAGE_GAP = SignalDefinition("coverage_gap", 1, 10.0, gettext_noop("Coverage gap"))
REVENUE_DECLINE = SignalDefinition("revenue_decline", 2, 15.0, gettext_noop("Revenue declining"))
COMPETITOR_ACTIVITY = SignalDefinition(
    "competitor_activity", 2, 15.0, gettext_noop("Competitor activity")
)
ULTIMATUM = SignalDefinition("ultimatum", 3, 25.0, gettext_noop("Ultimatum or broken promise"))
LITIGATION = SignalDefinition("litigation", 4, 40.0, gettext_noop("Litigation"))

# In the order of the defection cycle; fired signals are listed in this order.
SIGNAL_DEFINITIONS = (
    RECURRING_PROBLEMS,
    SATISFACTION_DECLINE,
    KEY_INFLUENCER_NEGLECTED,
    COVERAGE_GAP,
    REVENUE_DECLINE,
    COMPETITOR_ACTIVITY,
    ULTIMATUM,
    LITIGATION,
)
DEFAULT_WEIGHTS = {definition.code: definition.default_weight for definition in SIGNAL_DEFINITIONS}
_LABELS = {definition.code: definition.label for definition in SIGNAL_DEFINITIONS}


def signal_label(code: str) -> str:
    """The signal's name in words ('coverage_gap' → 'Coverage gap'); an unknown code (from
    an older run) is spelt out from the code itself."""
    return _LABELS.get(code) or code.replace("_", " ").capitalize()


RECURRING_COMPLAINTS = 3
RECURRING_DAYS = 90
LOW_SATISFACTION = 5.0
SATISFACTION_DROP = 1.0
NEGLECT_FACTOR = 2
REVENUE_DECLINE_RATIO = 0.9  # Y3 < 0.9 × Y2
EVENT_DAYS_COMPETITOR = 180
EVENT_DAYS_ULTIMATUM = 180
EVENT_DAYS_LITIGATION = 365

ROLE_LABELS = {ECONOMIC_BUYER: "economic buyer", COACH: "coach"}
COMPETITOR_EVENTS = {"competitor_evaluation": "competitor evaluation", "rfp_issued": "RFP issued"}
ULTIMATUM_EVENTS = {
    "performance_standards": "performance standards imposed",
    "ultimatum": "ultimatum",
    "broken_commitment": "broken commitment",
}
LITIGATION_EVENTS = {"litigation": "litigation"}


def _details(values: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="object")


def _no_details() -> pd.Series:
    return pd.Series(dtype="object")


def _capitalise(text: pd.Series) -> pd.Series:
    return text.str[:1].str.upper() + text.str[1:]


SEPARATOR = "; "


def _join_per_account(frame: pd.DataFrame, column: str) -> pd.Series:
    """ "; "-joined ``column`` values per account, in frame order."""
    if frame.empty:
        return _no_details()
    # Summing "text; " per account joins in one compiled pass (agg("; ".join) calls
    # Python once per account); the last separator is cut off.
    summed = (frame[column].astype(str) + SEPARATOR).groupby(frame[ACCOUNT]).sum()
    joined = summed.str[: -len(SEPARATOR)]
    return _details(joined.to_numpy(), joined.index)


def _number(values: pd.Series) -> pd.Series:
    """Floats → short text: 7.0 → "7", 6.5 → "6.5"."""
    return values.map(lambda value: f"{value:g}")


def recurring_problems(
    complaints: pd.DataFrame,
    as_of: date,
    *,
    count: int = RECURRING_COMPLAINTS,
    days: int = RECURRING_DAYS,
) -> pd.Series:
    """≥ 3 (``count``) complaints of the same category opened in the 90 (``days``) days up to T.

    T − 90 days ≤ opened_on ≤ T. Complaints without a category are not grouped.
    Detail, per qualifying category: "3 delivery complaints since 2 May 2026" (the
    date of the earliest of them), joined with "; ".
    """
    require_columns(complaints, COMPLAINT_COLUMNS, "complaints")
    windows = Windows.from_as_of(as_of)
    recent = complaints[windows.in_last_days(complaints[OPENED_ON], int(days))]
    frame = pd.DataFrame(
        {
            ACCOUNT: recent[ACCOUNT],
            CATEGORY: recent[CATEGORY],
            OPENED_ON: as_datetime(recent[OPENED_ON]),
        }
    )
    counts = frame.groupby([ACCOUNT, CATEGORY])[OPENED_ON].agg(["size", "min"]).reset_index()
    # per account (_join_per_account groups, keeping this order): most complaints first
    counts = counts[counts["size"] >= count].sort_values(
        ["size", CATEGORY], ascending=[False, True]
    )
    if counts.empty:
        return _no_details()
    counts[DETAIL] = (
        counts["size"].astype(str)
        + " "
        + counts[CATEGORY].astype(str)
        + " complaints since "
        + format_day(counts["min"])
    )
    return _join_per_account(counts, DETAIL)


def satisfaction_decline(
    assessments: pd.DataFrame,
    as_of: date,
    *,
    low: float = LOW_SATISFACTION,
    drop: float = SATISFACTION_DROP,
) -> pd.Series:
    """The latest assessment score up to T is ≤ 5 (``low``), or ≥ 1.0 (``drop``) below the one
    before it.

    Assessments dated after T and those without a score are ignored. On equal dates
    the later row of the frame is the later assessment. The drop is compared after
    rounding to 6 dp (7.3 → 6.3 is a drop of 1.0). Detail: "Satisfaction score 6/10 on
    3 Mar 2026, down from 7.5 on 12 Jan 2026" or "Satisfaction score 4.5/10 on 3 Mar
    2026".
    """
    require_columns(assessments, ASSESSMENT_COLUMNS, "assessments")
    frame = pd.DataFrame(
        {
            ACCOUNT: assessments[ACCOUNT],
            DATE: as_datetime(assessments[DATE]),
            SCORE: assessments[SCORE].astype("float64"),
        }
    ).dropna()
    frame = frame[frame[DATE] <= pd.Timestamp(as_of)].sort_values([ACCOUNT, DATE])
    if frame.empty:
        return _no_details()
    grouped = frame.groupby(ACCOUNT)
    frame["previous_score"] = grouped[SCORE].shift(1)
    frame["previous_date"] = grouped[DATE].shift(1)
    latest = frame.drop_duplicates(ACCOUNT, keep="last").set_index(ACCOUNT)
    fall = (latest["previous_score"] - latest[SCORE]).round(6)
    is_low = latest[SCORE] <= low
    has_dropped = fall.ge(round(drop, 6))
    fired = latest[is_low | has_dropped].copy()
    if fired.empty:
        return _no_details()
    text = "Satisfaction score " + _number(fired[SCORE]) + "/10 on " + format_day(fired[DATE])
    dropped = has_dropped[fired.index]
    down_from = (
        ", down from "
        + _number(fired["previous_score"])
        + " on "
        + format_day(fired["previous_date"].fillna(fired[DATE]))
    )
    text = text + down_from.where(dropped, "")
    return _details(text.to_numpy(), fired.index)


def _key_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Active economic buyers and coaches, one row per (account, contact, role)."""
    require_columns(contacts, CONTACT_COLUMNS, "contacts")
    is_key = contacts[ROLE].isin([ECONOMIC_BUYER, COACH]) & contacts[IS_ACTIVE].eq(True)
    return contacts[is_key]


def key_influencer_neglected(
    contacts: pd.DataFrame, as_of: date, *, factor: float = NEGLECT_FACTOR
) -> pd.Series:
    """An active economic buyer or coach last contacted more than 2 (``factor``) × their
    desired contact frequency ago, or never.

    Neglected when LAST_INTERACTION_ON is missing (or after T), or when
    (T − LAST_INTERACTION_ON) in days > 2 × CONTACT_FREQUENCY_DAYS (strictly). A
    contact without a desired frequency (missing or ≤ 0) is neglected only when never
    contacted. Detail per contact: "Economic buyer Jane Doe last contacted 14 Jan 2026
    (expected every 30 days)", "Coach John Roe never contacted (expected every 60
    days)"; a contact with both roles is "Economic buyer and coach …".
    """
    key = _key_contacts(contacts)
    if key.empty:
        return _no_details()
    frame = pd.DataFrame(
        {
            ACCOUNT: key[ACCOUNT],
            CONTACT: key[CONTACT],
            CONTACT_NAME: key[CONTACT_NAME].where(
                key[CONTACT_NAME].notna(), "contact " + key[CONTACT].astype(str)
            ),
            ROLE: key[ROLE],
            CONTACT_FREQUENCY_DAYS: key[CONTACT_FREQUENCY_DAYS].astype("float64"),
            LAST_INTERACTION_ON: as_datetime(key[LAST_INTERACTION_ON]),
        }
    )
    # economic buyer first when a contact holds both roles
    frame["role_order"] = frame[ROLE].ne(ECONOMIC_BUYER)
    frame = frame.sort_values([ACCOUNT, CONTACT, "role_order"])
    frame["role_label"] = frame[ROLE].map(ROLE_LABELS)
    per_contact = frame.groupby([ACCOUNT, CONTACT]).agg(
        name=(CONTACT_NAME, "first"),
        role_count=("role_label", "size"),
        first_label=("role_label", "first"),
        last_label=("role_label", "last"),
        frequency=(CONTACT_FREQUENCY_DAYS, "max"),
        last=(LAST_INTERACTION_ON, "max"),
        first_role=("role_order", "min"),
    )
    # " and ".join per group without a Python call per contact: a contact holds at most the
    # two key roles (one row per contact and role).
    per_contact["roles"] = per_contact["first_label"].where(
        per_contact["role_count"].eq(1),
        per_contact["first_label"] + " and " + per_contact["last_label"],
    )
    as_of_day = pd.Timestamp(as_of)
    last = per_contact["last"].where(per_contact["last"] <= as_of_day)
    frequency = per_contact["frequency"].where(per_contact["frequency"] > 0)
    days_since = (as_of_day - last).dt.days
    is_never = last.isna()
    is_overdue = days_since.gt(factor * frequency)
    neglected = per_contact[is_never | is_overdue].copy()
    if neglected.empty:
        return _no_details()
    neglected_last = last[neglected.index]
    neglected_frequency = frequency[neglected.index]
    when = (" last contacted " + format_day(neglected_last.fillna(as_of_day))).where(
        neglected_last.notna(), " never contacted"
    )
    expected = (" (expected every " + _number(neglected_frequency) + " days)").where(
        neglected_frequency.notna(), ""
    )
    neglected[DETAIL] = _capitalise(neglected["roles"]) + " " + neglected["name"] + when + expected
    neglected = neglected.reset_index().sort_values(["first_role", "name"])
    return _join_per_account(neglected, DETAIL)


def coverage_gap(contacts: pd.DataFrame, accounts: pd.Index) -> pd.Series:
    """No active economic buyer or no active coach mapped (as of the data given).

    Evaluated for every account in ``accounts``: an account with no contacts at all
    fires. Detail: "No active economic buyer mapped", "No active coach mapped" or
    "No active economic buyer or coach mapped".
    """
    key = _key_contacts(contacts)
    accounts = pd.Index(accounts)
    has_buyer = accounts.isin(key.loc[key[ROLE].eq(ECONOMIC_BUYER), ACCOUNT])
    has_coach = accounts.isin(key.loc[key[ROLE].eq(COACH), ACCOUNT])
    text = np.where(
        has_coach,
        "No active economic buyer mapped",
        np.where(has_buyer, "No active coach mapped", "No active economic buyer or coach mapped"),
    )
    fires = ~(has_buyer & has_coach)
    return _details(text[fires], accounts[fires])


def _short_money(value: float) -> str:
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if size >= 1_000:
        return f"{value / 1_000:.0f} k"
    return f"{value:.0f}"


def revenue_decline(
    revenue_y2: pd.Series, revenue_ttm: pd.Series, *, ratio: float = REVENUE_DECLINE_RATIO
) -> pd.Series:
    """Y2 > 0 and Y3 < 0.9 (``ratio``) × Y2, compared exactly in whole cents and the ratio's
    basis points (Python integers: no overflow), so exactly 90 % does not fire.

    Inputs: revenue_y2 and revenue_ttm float Series aligned on account (see
    ``valuation.analysis.revenue.revenue_windows``). Detail: "Revenue fell 25 % (TTM
    1.2 M vs 1.6 M the year before)".
    """
    y2 = to_cents(revenue_y2)
    y3 = to_cents(revenue_ttm)
    basis_points = round(ratio * 10_000)
    fires = (y2 > 0) & (y3.astype(object) * 10_000 < y2.astype(object) * basis_points)
    fires = fires.astype(bool)
    if not fires.any():
        return _no_details()
    before = revenue_y2.astype("float64")[fires]
    after = revenue_ttm.astype("float64")[fires]
    fall = ((1.0 - after / before) * 100).round().astype("int64").astype(str)
    text = (
        "Revenue fell "
        + fall
        + " % (TTM "
        + after.map(_short_money)
        + " vs "
        + before.map(_short_money)
        + " the year before)"
    )
    return _details(text.to_numpy(), revenue_ttm.index[fires])


def _event_signal(
    events: pd.DataFrame, as_of: date, labels: Mapping[str, str], days: int
) -> pd.Series:
    """Accounts with an event of one of ``labels``' types in the ``days`` days up to T.

    Detail per event type, most recent first: "RFP issued on 3 Mar 2026" or
    "Competitor evaluation (2 events, latest 3 Mar 2026)", joined with "; ".
    """
    require_columns(events, EVENT_COLUMNS, "events")
    windows = Windows.from_as_of(as_of)
    relevant = events[
        events[EVENT_TYPE].isin(list(labels)) & windows.in_last_days(events[DATE], days)
    ]
    if relevant.empty:
        return _no_details()
    frame = pd.DataFrame(
        {ACCOUNT: relevant[ACCOUNT], EVENT_TYPE: relevant[EVENT_TYPE], DATE: relevant[DATE]}
    )
    frame[DATE] = as_datetime(frame[DATE])
    per_type = (
        frame.groupby([ACCOUNT, EVENT_TYPE])[DATE]
        .agg(["size", "max"])
        .reset_index()
        .sort_values(["max", EVENT_TYPE], ascending=[False, True])  # per account, latest first
    )
    label = _capitalise(per_type[EVENT_TYPE].map(labels))
    latest = format_day(per_type["max"])
    single = label + " on " + latest
    several = label + " (" + per_type["size"].astype(str) + " events, latest " + latest + ")"
    per_type[DETAIL] = single.where(per_type["size"].eq(1), several)
    return _join_per_account(per_type, DETAIL)


def competitor_activity(
    events: pd.DataFrame, as_of: date, *, days: int = EVENT_DAYS_COMPETITOR
) -> pd.Series:
    """An event competitor_evaluation or rfp_issued in the 180 (``days``) days up to T."""
    return _event_signal(events, as_of, COMPETITOR_EVENTS, int(days))


def ultimatum(events: pd.DataFrame, as_of: date, *, days: int = EVENT_DAYS_ULTIMATUM) -> pd.Series:
    """An event performance_standards, ultimatum or broken_commitment in the 180 (``days``)
    days up to T."""
    return _event_signal(events, as_of, ULTIMATUM_EVENTS, int(days))


def litigation(
    events: pd.DataFrame, as_of: date, *, days: int = EVENT_DAYS_LITIGATION
) -> pd.Series:
    """An event litigation in the 365 (``days``) days up to T."""
    return _event_signal(events, as_of, LITIGATION_EVENTS, int(days))


# The threshold names (valuation.analysis.parameters.THRESHOLD_FIELDS) and their defaults.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "recurring_complaints": RECURRING_COMPLAINTS,
    "recurring_days": RECURRING_DAYS,
    "low_satisfaction_score": LOW_SATISFACTION,
    "satisfaction_drop": SATISFACTION_DROP,
    "neglect_factor": NEGLECT_FACTOR,
    "revenue_decline_ratio": REVENUE_DECLINE_RATIO,
    "competitor_days": EVENT_DAYS_COMPETITOR,
    "ultimatum_days": EVENT_DAYS_ULTIMATUM,
    "litigation_days": EVENT_DAYS_LITIGATION,
}
# DOMAIN.md: the relationship signals apply to the accounts meant to be mapped only.
RELATIONSHIP_SIGNALS = frozenset({KEY_INFLUENCER_NEGLECTED.code, COVERAGE_GAP.code})
MAPPED_DESIGNATIONS = frozenset({"candidate", "pilot", "strategic"})


def churn_signals(
    *,
    accounts: pd.Index,
    complaints: pd.DataFrame,
    assessments: pd.DataFrame,
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    revenue_y2: pd.Series,
    revenue_ttm: pd.Series,
    as_of: date,
    weights: Mapping[str, float] | None = None,
    thresholds: Mapping[str, float] | None = None,
    mapped: pd.Index | None = None,
) -> pd.DataFrame:
    """Every churn signal that fires at T, for the given accounts.

    Inputs: the frames described in the module docstring; revenue_y2 / revenue_ttm
    indexed by account (missing accounts count as 0); ``weights``: signal code → weight
    (default DEFAULT_WEIGHTS; missing codes take their default); ``thresholds``: threshold
    name → value (DEFAULT_THRESHOLDS' names; missing ones take their default); ``mapped``:
    the accounts the relationship signals (key_influencer_neglected, coverage_gap) apply to,
    those meant to be mapped (DOMAIN.md: candidate, pilot, strategic); None: every account.
    Output: DataFrame with FIRED_SIGNAL_COLUMNS (ACCOUNT, SIGNAL_CODE, STAGE,
    SIGNAL_WEIGHT, DETAIL), one row per fired signal, sorted by the order of
    ``accounts`` then the defection-cycle order. Rows for accounts outside
    ``accounts`` are dropped.
    """
    accounts = pd.Index(accounts)
    chosen = {**DEFAULT_WEIGHTS, **(weights or {})}
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    y2 = revenue_y2.reindex(accounts, fill_value=0.0)
    y3 = revenue_ttm.reindex(accounts, fill_value=0.0)
    mapped_accounts = accounts if mapped is None else accounts[accounts.isin(mapped)]
    details = {
        RECURRING_PROBLEMS.code: recurring_problems(
            complaints,
            as_of,
            count=int(limits["recurring_complaints"]),
            days=int(limits["recurring_days"]),
        ),
        SATISFACTION_DECLINE.code: satisfaction_decline(
            assessments,
            as_of,
            low=float(limits["low_satisfaction_score"]),
            drop=float(limits["satisfaction_drop"]),
        ),
        KEY_INFLUENCER_NEGLECTED.code: key_influencer_neglected(
            contacts, as_of, factor=float(limits["neglect_factor"])
        ),
        COVERAGE_GAP.code: coverage_gap(contacts, mapped_accounts),
        REVENUE_DECLINE.code: revenue_decline(y2, y3, ratio=float(limits["revenue_decline_ratio"])),
        COMPETITOR_ACTIVITY.code: competitor_activity(
            events, as_of, days=int(limits["competitor_days"])
        ),
        ULTIMATUM.code: ultimatum(events, as_of, days=int(limits["ultimatum_days"])),
        LITIGATION.code: litigation(events, as_of, days=int(limits["litigation_days"])),
    }
    neglected = details[KEY_INFLUENCER_NEGLECTED.code]
    details[KEY_INFLUENCER_NEGLECTED.code] = neglected[neglected.index.isin(mapped_accounts)]
    parts = [
        pd.DataFrame(
            {
                ACCOUNT: details[definition.code].index,
                SIGNAL_CODE: definition.code,
                STAGE: definition.stage,
                SIGNAL_WEIGHT: float(chosen[definition.code]),
                DETAIL: details[definition.code].to_numpy(),
                "_order": order,
            }
        )
        for order, definition in enumerate(SIGNAL_DEFINITIONS)
        if not details[definition.code].empty
    ]
    if not parts:
        return pd.DataFrame(
            {
                ACCOUNT: pd.Series(dtype=accounts.dtype),
                SIGNAL_CODE: pd.Series(dtype="object"),
                STAGE: pd.Series(dtype="int64"),
                SIGNAL_WEIGHT: pd.Series(dtype="float64"),
                DETAIL: pd.Series(dtype="object"),
            }
        )
    fired = pd.concat(parts)
    position = pd.Series(np.arange(len(accounts)), index=accounts)
    fired["_position"] = fired[ACCOUNT].map(position)
    fired = fired[fired["_position"].notna()].sort_values(["_position", "_order"])
    fired[STAGE] = fired[STAGE].astype("int64")
    return fired[list(FIRED_SIGNAL_COLUMNS)].reset_index(drop=True)
