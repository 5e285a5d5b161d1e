"""The three-way merge of a refused stale plan save (accounts.plans.merge): pure, no database."""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.plans.merge import Version, merge_stale

NAMES = ("period", "strategy", "situation")
LABELS = {"period": "Period", "strategy": "2 · Strategy", "situation": "1 · Situation"}
OBJECTIVE = {"id": 1, "metric": "Share", "target": 10, "current": None}
ACTION = {"id": 2, "title": "Call", "owner_id": 7, "due": date(2026, 5, 1), "status": "open"}


def _version(
    objectives: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
    **fields: str,
) -> Version:
    values = {"period": "2026", "strategy": "Grow", "situation": "Stable", **fields}
    return Version(
        fields=values,
        objectives=[OBJECTIVE] if objectives is None else objectives,
        actions=[ACTION] if actions is None else actions,
    )


def _merge(mine: Version, base: Version, theirs: Version) -> Any:
    return merge_stale(mine=mine, base=base, theirs=theirs, field_names=NAMES, labels=LABELS)


def test_a_field_only_the_other_person_changed_is_taken_from_theirs() -> None:
    merge = _merge(_version(situation="Mine"), _version(), _version(strategy="Partner"))

    assert merge.fields == {"period": "2026", "strategy": "Partner", "situation": "Mine"}
    assert merge.taken == ["2 · Strategy"]
    assert merge.clashes == {}
    assert (merge.objectives, merge.actions) == (None, None)


def test_a_field_both_changed_differently_keeps_mine_and_names_theirs() -> None:
    merge = _merge(_version(strategy="Mine"), _version(), _version(strategy="Theirs"))

    assert merge.fields["strategy"] == "Mine"
    assert merge.taken == []
    assert merge.clashes == {"strategy": "Theirs"}


def test_the_same_change_on_both_sides_is_no_clash_and_blank_equals_none() -> None:
    merge = _merge(
        _version(strategy="Same ", situation=""),
        _version(situation=None),  # type: ignore[arg-type]  # a stored empty value
        _version(strategy=" Same", situation=None),  # type: ignore[arg-type]
    )

    assert (merge.taken, merge.clashes) == ([], {})
    assert merge.fields["strategy"] == "Same "


def test_rows_only_they_changed_are_taken_whole() -> None:
    theirs_actions = [{**ACTION, "status": "done"}]
    merge = _merge(_version(), _version(), _version(actions=theirs_actions))

    assert merge.actions == theirs_actions
    assert merge.objectives is None
    assert merge.taken == ["Actions"]


def test_rows_both_changed_are_kept_as_mine_and_reported() -> None:
    mine = _version(objectives=[{**OBJECTIVE, "target": 12}])
    theirs = _version(objectives=[{**OBJECTIVE, "target": 15}])

    merge = _merge(mine, _version(), theirs)

    assert merge.objectives is None
    assert merge.clashes == {
        "objectives": "Objectives were changed by someone else too; see the list above."
    }


def test_an_action_owner_counts_by_id_whether_given_as_a_user_or_an_id() -> None:
    class Owner:
        pk = 7

    mine_actions = [{**{k: v for k, v in ACTION.items() if k != "owner_id"}, "owner": Owner()}]
    merge = _merge(_version(actions=mine_actions), _version(), _version())

    assert (merge.actions, merge.taken, merge.clashes) == (None, [], {})
