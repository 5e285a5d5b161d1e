"""A synthetic portfolio for the benchmarks, loaded with COPY (no model instances).

    from bench.portfolio_data import build_portfolio
    sizes = build_portfolio(database_url="postgres://…/kam_bench_x", accounts=10_000)

`build_portfolio` drops and re-creates the database, migrates it (`manage.py migrate` in a
child process) and loads, scaled on `accounts` (figures for 10,000 accounts):

- a few hundred account-manager users (one per 40 accounts: 250) owning the accounts;
- the accounts, mostly transactional with some strategic, pilot, candidate and exit ones,
  each with one location;
- 5 contacts per account (50,000): an economic buyer each, a coach at most of them, with
  interactions of the key contacts (a few never contacted);
- 36 monthly revenue records per account (360,000) ending in the as-of month, with cost of
  goods, per-account growth and a few accounts that started during the period;
- 200 service activities per account on average (2,000,000) over the last 24 months,
  skewed: some accounts use far more, and a few costly activity types (dedicated team,
  joint projects) cause most of the cost; 13 activity types whose rates change during the
  period (one type's first rate starts after some of its activities: a data-quality
  warning);
- value-ledger entries in both directions (about 3 per account);
- a sprinkle of complaints, account events and assessments.

Then `VACUUM ANALYZE`. The as-of date is the last day of the month before today, unless
given; nothing is dated after it. Same seed, same data.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

import numpy as np
import pandas as pd
from psycopg2 import sql

try:
    from bench import _db
except ImportError:  # run as a script from bench/
    import _db  # type: ignore[no-redef]

ACTIVITIES_PER_ACCOUNT = 200
CONTACTS_PER_ACCOUNT = 5
MONTHS = 36
ACTIVITY_MONTHS = 24
ACCOUNTS_PER_MANAGER = 40

# code, unit, is_investment, share of activity count, mean quantity, rate, rate changes
# (months before as-of → factor), first rate (months before as-of; None = before the data)
ACTIVITY_TYPES: list[tuple[str, str, bool, float, float, float, dict[int, float], int | None]] = [
    ("order-handling", "order", False, 35.0, 3.0, 12.00, {14: 1.10, 5: 1.05}, None),
    ("expedited-delivery", "shipment", False, 12.0, 1.5, 85.00, {9: 1.12}, None),
    ("tech-support", "hour", False, 15.0, 2.0, 75.00, {6: 1.08}, None),
    ("returns-processing", "return", False, 8.0, 1.5, 40.00, {18: 1.05}, None),
    ("custom-packaging", "batch", False, 6.0, 4.0, 25.00, {}, None),
    ("invoicing-query", "case", False, 8.0, 1.0, 20.00, {3: 1.15}, None),
    ("training-session", "session", True, 3.0, 1.0, 450.00, {10: 1.10}, None),
    ("dedicated-team", "day", False, 4.0, 5.0, 650.00, {7: 1.08}, None),
    ("site-visit", "visit", False, 3.0, 1.0, 900.00, {12: 1.05}, None),
    ("joint-project", "day", True, 2.5, 3.0, 1200.00, {8: 1.10, 2: 1.04}, None),
    ("executive-visit", "visit", True, 0.5, 1.0, 2500.00, {}, None),
    ("quality-audit", "audit", False, 2.0, 1.0, 1500.00, {16: 0.95}, None),
    ("sustainability-report", "report", False, 1.0, 1.0, 300.00, {}, 9),
]
DESIGNATIONS = ["transactional", "strategic", "pilot", "candidate", "exit"]
DESIGNATION_SHARES = [0.80, 0.10, 0.05, 0.04, 0.01]
INDUSTRIES = ["Industrial", "Chemicals", "Retail", "Automotive", "Food", "Pharma", "Energy"]
REGIONS = ["North", "South", "East", "West", "Central"]
LEDGER_CATEGORIES = {
    "delivered": ["cost savings", "productivity", "quality improvement", "training"],
    "received": ["referral", "reference", "co-development", "early payment"],
}
COMPLAINT_CATEGORIES = ["delivery", "quality", "invoicing", "service"]
EVENT_KINDS = [
    "competitor_evaluation",
    "rfp_issued",
    "performance_standards",
    "ultimatum",
    "broken_commitment",
    "litigation",
    "key_contact_left",
    "other",
]
CHANNELS = ["email", "phone", "meeting", "video"]
ATTITUDES = ["supporter", "neutral", "detractor"]
EPOCH = np.datetime64("1970-01-01", "D")


def default_as_of(today: dt.date | None = None) -> dt.date:
    """The last day of the month before `today`'s month."""
    today = today or dt.datetime.now(dt.UTC).date()
    return today.replace(day=1) - dt.timedelta(days=1)


def _month_start(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _tsv(frame: pd.DataFrame) -> io.StringIO:
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N", float_format="%.2f")
    buffer.seek(0)
    return buffer


def _days(values: np.ndarray) -> np.ndarray:
    """Day numbers since 1970 → 'YYYY-MM-DD' strings."""
    return np.datetime_as_string(EPOCH + values.astype("timedelta64[D]"), unit="D")


def build_portfolio(
    *, database_url: str, accounts: int, seed: int = 1, as_of: dt.date | None = None
) -> dict[str, Any]:
    """(Re)create the database of `database_url`, migrate it and load the portfolio.

    Returns the as-of date, the row count of every table loaded and the seconds taken
    (`migrate_seconds`, `load_seconds`, `vacuum_seconds`).
    """
    _db.require_postgres(database_url)
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    as_of = as_of or default_as_of()
    started = time.perf_counter()
    _db.recreate_database(database_url)
    _db.migrate(database_url)
    migrated = time.perf_counter()
    conn = _db.connect(database_url)
    try:
        with conn, conn.cursor() as cursor:
            deferred = _drop_foreign_keys_and_indexes(cursor, LOADED_TABLES)
            sizes = _load(cursor, accounts=accounts, seed=seed, as_of=as_of)
            _restore(cursor, deferred)
        loaded = time.perf_counter()
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        conn.close()
    done = time.perf_counter()
    return {
        "as_of": as_of,
        **sizes,
        "migrate_seconds": round(migrated - started, 1),
        "load_seconds": round(loaded - migrated, 1),
        "vacuum_seconds": round(done - loaded, 1),
    }


LOADED_TABLES = [
    "accounts_account",
    "accounts_accountlocation",
    "valuation_revenuerecord",
    "valuation_serviceactivity",
    "valuation_valueentry",
    "relationships_contact",
    "relationships_interaction",
    "relationships_interaction_contacts",
    "accounts_complaint",
    "accounts_accountevent",
    "accounts_assessment",
]


def _drop_foreign_keys_and_indexes(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the foreign keys and plain (non-unique) indexes of `tables`; return the SQL that
    puts them back. Loading first and then building each index once and checking each
    foreign key with one join is several times faster than a check and an index entry per
    row (the foreign keys are deferred: 2,000,000 queued checks at commit)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid::regclass::text = ANY(%s) AND NOT indisunique AND NOT indisprimary",
        [tables],
    )
    indexes = cursor.fetchall()
    restore = []
    for table, name, definition in foreign_keys:
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
        restore.append(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ")
            .format(sql.Identifier(table), sql.Identifier(name))
            .as_string(cursor)
            + definition
        )
    for name, definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        # Indexes first: they speed up the key checks. A partitioned table's index reads
        # "ON ONLY" (the parent alone, left invalid): built again without it, it is built
        # on every partition, as the migration made it.
        restore.insert(0, definition.replace(" ON ONLY ", " ON ", 1))
    return restore


def _restore(cursor: Any, statements: list[str]) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in statements:
        cursor.execute(statement)


def _load(cursor: Any, *, accounts: int, seed: int, as_of: dt.date) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    now = dt.datetime.now(dt.UTC).isoformat()
    as_of_day = (np.datetime64(as_of, "D") - EPOCH).astype(int)
    sizes: dict[str, int] = {}

    # Account managers.
    managers = max(2, round(accounts / ACCOUNTS_PER_MANAGER))
    user_ids = np.arange(1, managers + 1)
    _db.copy_rows(
        cursor,
        "auth_user",
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined"],
        _tsv(pd.DataFrame({
            "id": user_ids,
            "password": "!",
            "is_superuser": "f",
            "username": [f"bench-am-{i:04d}" for i in user_ids],
            "first_name": "Bench",
            "last_name": [f"Manager {i}" for i in user_ids],
            "email": [f"bench-am-{i:04d}@example.com" for i in user_ids],
            "is_staff": "f",
            "is_active": "t",
            "date_joined": now,
        })),
    )  # fmt: skip
    cursor.execute("SELECT id FROM auth_group WHERE name = 'account_manager'")
    group_id = cursor.fetchone()[0]
    _db.copy_rows(
        cursor,
        "auth_user_groups",
        ["user_id", "group_id"],
        _tsv(pd.DataFrame({"user_id": user_ids, "group_id": group_id})),
    )
    sizes["users"] = managers

    # Accounts, one location each.
    ids = np.arange(1, accounts + 1)
    designation = rng.choice(DESIGNATIONS, size=accounts, p=DESIGNATION_SHARES)
    owner_of = rng.permutation(np.resize(user_ids, accounts))
    _db.copy_rows(
        cursor,
        "accounts_account",
        ["id", "external_id", "name", "industry", "region", "designation",
         "buying_hierarchy_level", "continuum_position", "created_at", "updated_at", "owner_id"],
        _tsv(pd.DataFrame({
            "id": ids,
            "external_id": [f"BENCH-{i:06d}" for i in ids],
            "name": [f"Customer {i:06d}" for i in ids],
            "industry": rng.choice(INDUSTRIES, size=accounts),
            "region": rng.choice(REGIONS, size=accounts),
            "designation": designation,
            "buying_hierarchy_level": rng.integers(1, 5, size=accounts),
            "continuum_position": rng.integers(0, 101, size=accounts),
            "created_at": now,
            "updated_at": now,
            "owner_id": owner_of,
        })),
    )  # fmt: skip
    _db.copy_rows(
        cursor,
        "accounts_accountlocation",
        ["id", "name", "kind", "account_id"],
        _tsv(pd.DataFrame({"id": ids, "name": "Head office", "kind": "site", "account_id": ids})),
    )
    sizes["accounts"] = accounts

    # Monthly revenue: 36 months ending in the as-of month.
    months = [_month_start(as_of, MONTHS - 1 - m) for m in range(MONTHS)]
    size = np.exp(rng.normal(np.log(20_000), 1.0, size=accounts))
    size *= np.where(designation == "strategic", 5.0, 1.0)
    growth = rng.normal(0.05, 0.15, size=accounts)
    first_month = np.where(rng.random(accounts) < 0.03, rng.integers(1, 30, size=accounts), 0)
    month_index = np.tile(np.arange(MONTHS), accounts)
    account_of = np.repeat(ids, MONTHS)
    revenue = (
        np.repeat(size, MONTHS)
        * (1 + np.repeat(growth, MONTHS)).clip(0.3) ** (month_index / 12)
        * np.exp(rng.normal(0, 0.15, size=accounts * MONTHS))
        * (1 + 0.1 * np.sin(month_index / 12 * 2 * np.pi))
    )
    revenue = np.where(month_index >= np.repeat(first_month, MONTHS), revenue, 0.0).round(2)
    cost_of_goods = (revenue * rng.uniform(0.55, 0.8, size=revenue.size)).round(2)
    _db.copy_rows(
        cursor,
        "valuation_revenuerecord",
        ["account_id", "location_id", "period_start", "revenue", "cost_of_goods"],
        _tsv(pd.DataFrame({
            "account_id": account_of,
            "location_id": account_of,
            "period_start": np.array([m.isoformat() for m in months])[month_index],
            "revenue": revenue,
            "cost_of_goods": cost_of_goods,
        })),
    )  # fmt: skip
    sizes["revenue_records"] = int(revenue.size)
    del revenue, cost_of_goods, month_index, account_of

    # Activity types and their effective-dated rates.
    first_data = _month_start(as_of, MONTHS - 1)
    type_rows, rate_rows = [], []
    for type_id, (code, unit, investment, *_rest, rate, changes, first) in enumerate(
        ACTIVITY_TYPES, start=1
    ):
        type_rows.append((type_id, code, code.replace("-", " ").capitalize(), unit, investment))
        start = first_data if first is None else _month_start(as_of, first)
        rate_rows.append((type_id, start.isoformat(), rate))
        for months_back, factor in sorted(changes.items(), reverse=True):
            rate = round(rate * factor, 2)
            effective = _month_start(as_of, months_back) + dt.timedelta(days=14)
            rate_rows.append((type_id, effective.isoformat(), rate))
    _db.copy_rows(
        cursor,
        "valuation_activitytype",
        ["id", "code", "name", "unit", "is_investment"],
        _tsv(pd.DataFrame(type_rows)),
    )
    _db.copy_rows(
        cursor,
        "valuation_activityrate",
        ["activity_type_id", "effective_from", "unit_cost"],
        _tsv(pd.DataFrame(rate_rows)),
    )
    sizes["activity_types"] = len(type_rows)
    sizes["activity_rates"] = len(rate_rows)

    # Service activities: skewed per account and per type, over the last 24 months.
    total = ACTIVITIES_PER_ACCOUNT * accounts
    weight = np.exp(rng.normal(0, 0.8, size=accounts))
    weight *= np.where(designation == "strategic", 3.0, 1.0)
    shares = np.array([t[3] for t in ACTIVITY_TYPES])
    mean_quantity = np.array([t[4] for t in ACTIVITY_TYPES])
    first_activity_day = (
        np.datetime64(_month_start(as_of, ACTIVITY_MONTHS - 1), "D") - EPOCH
    ).astype(int)
    chunk = 500_000
    written = 0
    while written < total:
        n = min(chunk, total - written)
        type_index = rng.choice(len(ACTIVITY_TYPES), size=n, p=shares / shares.sum())
        quantity = (mean_quantity[type_index] * rng.lognormal(-0.18, 0.6, size=n)).round(2)
        _db.copy_rows(
            cursor,
            "valuation_serviceactivity",
            ["account_id", "activity_type_id", "date", "quantity"],
            _tsv(pd.DataFrame({
                "account_id": rng.choice(ids, size=n, p=weight / weight.sum()),
                "activity_type_id": type_index + 1,
                "date": _days(rng.integers(first_activity_day, as_of_day + 1, size=n)),
                "quantity": np.maximum(quantity, 0.25),
            })),
        )  # fmt: skip
        written += n
    sizes["service_activities"] = total

    # Value ledger, both directions, over the 36 months.
    per_account = rng.poisson(3, size=accounts)
    n = int(per_account.sum())
    direction = np.where(rng.random(n) < 0.55, "delivered", "received")
    category = np.where(
        direction == "delivered",
        rng.choice(LEDGER_CATEGORIES["delivered"], size=n),
        rng.choice(LEDGER_CATEGORIES["received"], size=n),
    )
    first_day = (np.datetime64(first_data, "D") - EPOCH).astype(int)
    _db.copy_rows(
        cursor,
        "valuation_valueentry",
        ["account_id", "direction", "category", "amount", "date", "evidence",
         "customer_confirmed", "confirmed_by", "confirmed_on", "created_at"],
        _tsv(pd.DataFrame({
            "account_id": np.repeat(ids, per_account),
            "direction": direction,
            "category": category,
            "amount": np.exp(rng.normal(8.5, 1.0, size=n)).round(2),
            "date": _days(rng.integers(first_day, as_of_day + 1, size=n)),
            "evidence": "",
            "customer_confirmed": "f",
            "confirmed_by": "",
            "confirmed_on": None,
            "created_at": now,
        })),
    )  # fmt: skip
    sizes["value_entries"] = n

    # Contacts: an economic buyer per account, a coach at most, the others users and
    # technical buyers; key contacts have interactions (5 % never contacted).
    n = CONTACTS_PER_ACCOUNT * accounts
    contact_ids = np.arange(1, n + 1)
    position = np.tile(np.arange(CONTACTS_PER_ACCOUNT), accounts)
    contact_account = np.repeat(ids, CONTACTS_PER_ACCOUNT)
    economic_buyer = position == 0
    coach = (position == 1) & (rng.random(n) < 0.7)
    _db.copy_rows(
        cursor,
        "relationships_contact",
        ["id", "name", "title", "is_economic_buyer", "is_user_buyer", "is_technical_buyer",
         "is_coach", "influence", "attitude", "preferred_channel", "contact_frequency_days",
         "relationship_strength", "evidence", "is_active", "created_at", "updated_at",
         "account_id", "external_id", "email"],
        _tsv(pd.DataFrame({
            "id": contact_ids,
            "name": [f"Contact {i}" for i in contact_ids],
            "title": np.where(economic_buyer, "Purchasing director", "Manager"),
            "is_economic_buyer": np.where(economic_buyer, "t", "f"),
            "is_user_buyer": np.where(position >= 2, "t", "f"),
            "is_technical_buyer": np.where(position == 4, "t", "f"),
            "is_coach": np.where(coach, "t", "f"),
            "influence": rng.choice(["high", "medium", "low"], size=n),
            "attitude": rng.choice(ATTITUDES, size=n, p=[0.5, 0.4, 0.1]),
            "preferred_channel": rng.choice(CHANNELS, size=n),
            "contact_frequency_days": rng.choice([30, 60, 90], size=n),
            "relationship_strength": rng.integers(1, 6, size=n),
            "evidence": "",
            "is_active": np.where(rng.random(n) < 0.97, "t", "f"),
            "created_at": now,
            "updated_at": now,
            "account_id": contact_account,
            "external_id": [f"P{i}" for i in contact_ids],
            "email": "",
        })),
    )  # fmt: skip
    sizes["contacts"] = n
    key = (economic_buyer | coach) & (rng.random(n) < 0.95)
    key_contacts = contact_ids[key]
    per_contact = rng.integers(1, 4, size=key_contacts.size)
    m = int(per_contact.sum())
    interaction_ids = np.arange(1, m + 1)
    interaction_contact = np.repeat(key_contacts, per_contact)
    interaction_account = contact_account[interaction_contact - 1]
    _db.copy_rows(
        cursor,
        "relationships_interaction",
        ["id", "date", "channel", "summary", "created_at", "account_id", "user_id"],
        _tsv(pd.DataFrame({
            "id": interaction_ids,
            "date": _days(as_of_day - rng.integers(0, 150, size=m)),
            "channel": rng.choice(CHANNELS, size=m),
            "summary": "Regular check-in",
            "created_at": now,
            "account_id": interaction_account,
            "user_id": owner_of[interaction_account - 1],
        })),
    )  # fmt: skip
    _db.copy_rows(
        cursor,
        "relationships_interaction_contacts",
        ["interaction_id", "contact_id"],
        _tsv(pd.DataFrame({"interaction_id": interaction_ids, "contact_id": interaction_contact})),
    )
    sizes["interactions"] = m

    # A sprinkle of complaints (5 % of accounts), events (2 %) and assessments (30 %).
    complaining = ids[rng.random(accounts) < 0.05]
    per_account = rng.integers(1, 5, size=complaining.size)
    n = int(per_account.sum())
    opened = as_of_day - rng.integers(0, 180, size=n)
    resolved = np.where(rng.random(n) < 0.6, opened + rng.integers(1, 30, size=n), -1)
    resolved = np.where(resolved > as_of_day, -1, resolved)
    _db.copy_rows(
        cursor,
        "accounts_complaint",
        ["category", "severity", "opened_on", "resolved_on", "description", "created_at",
         "account_id"],
        _tsv(pd.DataFrame({
            "category": rng.choice(COMPLAINT_CATEGORIES, size=n, p=[0.5, 0.2, 0.2, 0.1]),
            "severity": rng.choice(["low", "medium", "high", "critical"], size=n),
            "opened_on": _days(opened),
            "resolved_on": np.where(resolved >= 0, _days(np.maximum(resolved, 0)), None),
            "description": "",
            "created_at": now,
            "account_id": np.repeat(complaining, per_account),
        })),
    )  # fmt: skip
    sizes["complaints"] = n
    eventful = ids[rng.random(accounts) < 0.02]
    _db.copy_rows(
        cursor,
        "accounts_accountevent",
        ["kind", "date", "notes", "created_at", "account_id"],
        _tsv(pd.DataFrame({
            "kind": rng.choice(EVENT_KINDS, size=eventful.size),
            "date": _days(as_of_day - rng.integers(0, 365, size=eventful.size)),
            "notes": "",
            "created_at": now,
            "account_id": eventful,
        })),
    )  # fmt: skip
    sizes["events"] = int(eventful.size)
    assessed = ids[rng.random(accounts) < 0.3]
    n = 2 * assessed.size
    _db.copy_rows(
        cursor,
        "accounts_assessment",
        ["kind", "date", "score", "notes", "created_at", "account_id"],
        _tsv(pd.DataFrame({
            "kind": rng.choice(["third_party", "survey", "business_review"], size=n),
            "date": _days(as_of_day - np.tile([400, 30], assessed.size) - rng.integers(0, 30, n)),
            "score": rng.uniform(3, 10, size=n).round(1),
            "notes": "",
            "created_at": now,
            "account_id": np.repeat(assessed, 2),
        })),
    )  # fmt: skip
    sizes["assessments"] = n

    for table in (
        "auth_user",
        "accounts_account",
        "accounts_accountlocation",
        "valuation_activitytype",
        "relationships_contact",
        "relationships_interaction",
    ):
        _db.reset_sequence(cursor, table)
    return sizes


if __name__ == "__main__":
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Build the benchmark portfolio.")
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kam_bench_analysis")
    print(build_portfolio(database_url=url, accounts=args.accounts, seed=args.seed))
