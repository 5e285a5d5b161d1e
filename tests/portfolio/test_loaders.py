"""The loaders sum activities in the database; costed by the pure functions, the sums must
give exactly what the activities one by one give (rates changing in the window, activities
before a type's first rate, a type with no rate at all)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from portfolio import loaders
from tests.factories import AccountFactory
from valuation.analysis import columns as c
from valuation.analysis.cost_to_serve import cost_to_serve
from valuation.analysis.windows import Windows
from valuation.models import ActivityRate, ActivityType, ServiceActivity

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)  # Y3: 1 Jul 2025 .. 15 Jun 2026


def _activities(owner: Any) -> None:
    pick = ActivityType.objects.create(code="PICK", name="Picking", unit="order")
    audit = ActivityType.objects.create(code="AUDIT", name="Audit", unit="audit")
    ActivityType.objects.create(code="NEW", name="Never rated", unit="call")
    visit = ActivityType.objects.create(code="VISIT", name="Visit", unit="visit")
    for activity_type, day, cost in [
        (pick, date(2024, 1, 1), "10.00"),  # in force when Y3 begins
        (pick, date(2026, 1, 1), "12.50"),  # changes in the middle of Y3
        (pick, date(2026, 7, 1), "99.00"),  # after T
        (audit, date(2026, 2, 1), "300.00"),  # first rate inside Y3
        (visit, date(2025, 7, 1), "500.00"),  # first rate on Y3's first day
    ]:
        ActivityRate.objects.create(
            activity_type=activity_type, effective_from=day, unit_cost=Decimal(cost)
        )
    accounts = AccountFactory.create_batch(3, owner=owner)
    rows = [
        ("PICK", date(2025, 6, 30), "1000"),  # before Y3: ignored
        ("PICK", date(2025, 7, 1), "3.25"),
        ("PICK", date(2025, 12, 31), "4"),
        ("PICK", date(2026, 1, 1), "5.5"),  # the change day: the new rate
        ("PICK", date(2026, 6, 15), "2"),  # on T
        ("PICK", date(2026, 6, 16), "1000"),  # after T: ignored
        ("AUDIT", date(2025, 9, 1), "1"),  # before the first rate: costed 0, warned
        ("AUDIT", date(2026, 2, 1), "2"),
        ("NEW", date(2026, 3, 3), "7"),  # no rate at all: costed 0, warned
        ("VISIT", date(2025, 7, 1), "1"),
    ]
    types = {t.code: t for t in ActivityType.objects.all()}
    ServiceActivity.objects.bulk_create(
        ServiceActivity(
            account=account,
            activity_type=types[code],
            date=day,
            quantity=Decimal(quantity) * (index + 1),
        )
        for index, account in enumerate(accounts)
        for code, day, quantity in rows
    )


def _one_by_one() -> pd.DataFrame:
    rows = ServiceActivity.objects.values_list(
        "account_id", "activity_type__code", "date", "quantity"
    )
    return pd.DataFrame.from_records(list(rows), columns=list(c.ACTIVITY_COLUMNS))


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_summed_activities_cost_exactly_what_single_activities_cost(owner: Any, parts: int) -> None:
    _activities(owner)
    windows = Windows.from_as_of(AS_OF)
    rates, types = loaders.rates_frame(), loaders.activity_types_frame()

    summed = loaders.activity_frames_joined(
        [
            loaders.activities_frame(windows, blocks=blocks)
            for blocks in loaders.activity_block_ranges(parts)
        ]
    )
    expected = cost_to_serve(_one_by_one(), rates, types, windows)
    result = cost_to_serve(summed, rates, types, windows)

    # fewer rows than activities: one per account, type and rate period inside Y3, and per
    # block range holding some of them (where the rows lie depends on the table's earlier,
    # rolled-back rows: a group may be split across ranges, never repeated within one)
    groups = summed.groupby([c.ACCOUNT, c.ACTIVITY_TYPE, c.DATE]).ngroups
    assert groups == 3 * 6
    assert groups <= len(summed) <= groups * parts
    pd.testing.assert_frame_equal(result.by_account.sort_index(), expected.by_account.sort_index())
    pd.testing.assert_frame_equal(
        result.by_account_and_type.sort_values([c.ACCOUNT, c.ACTIVITY_TYPE]).reset_index(drop=True),
        expected.by_account_and_type.sort_values([c.ACCOUNT, c.ACTIVITY_TYPE]).reset_index(
            drop=True
        ),
    )
    assert (
        result.warnings
        == expected.warnings
        == [
            "3 activities of type AUDIT dated before its first rate: costed at 0",
            "3 activities of type NEW with no rate at all: costed at 0",
        ]
    )
    # the first account by hand: picks 3.25×10 + 4×10 + 5.5×12.50 + 2×12.50, audit 2×300,
    # visit 1×500
    first = result.by_account[c.COST_TO_SERVE_TTM].sort_index().iloc[0]
    assert first == pytest.approx(32.5 + 40 + 68.75 + 25 + 600 + 500)


def test_block_ranges_cover_the_whole_table_without_overlap(owner: Any) -> None:
    # given activities spread over more than one block of the table
    type_ = ActivityType.objects.create(code="PICK", name="Picking", unit="order")
    account = AccountFactory(owner=owner)
    ServiceActivity.objects.bulk_create(
        ServiceActivity(account=account, activity_type=type_, date=AS_OF, quantity=Decimal(1))
        for _ in range(2_000)
    )
    windows = Windows.from_as_of(AS_OF)

    ranges = loaders.activity_block_ranges(3)
    counts = [
        int(loaders.activities_frame(windows, blocks=blocks)[c.ACTIVITY_COUNT].sum())
        for blocks in ranges
    ]

    # then three ranges, first open below and last open above, that count each of the
    # 2,000 rows once (where they lie depends on the table's earlier rows)
    assert len(ranges) == 3
    assert ranges[0][0] is None
    assert ranges[-1][1] is None
    assert [end for _, end in ranges[:-1]] == [first for first, _ in ranges[1:]]
    assert sum(counts) == 2_000


@pytest.mark.parametrize(
    "quantities",
    [
        ["0.10"] * 10,  # ten 0.1 added as floats give 0.9999999999999999
        ["0.29", "0.01", "1234567.89", "0.07"],
        ["9999999999.99"] * 3,  # the largest quantity, several times
    ],
)
def test_a_groups_quantity_is_the_float_of_its_exact_sum(owner: Any, quantities: list[str]) -> None:
    kind = ActivityType.objects.create(code="PICK", name="Picking", unit="order")
    account = AccountFactory(owner=owner)
    ServiceActivity.objects.bulk_create(
        ServiceActivity(account=account, activity_type=kind, date=AS_OF, quantity=Decimal(q))
        for q in quantities
    )

    summed = loaders.activities_frame(Windows.from_as_of(AS_OF))

    assert summed[c.QUANTITY].tolist() == [float(sum(map(Decimal, quantities)))]
    assert summed[c.ACTIVITY_COUNT].tolist() == [len(quantities)]
