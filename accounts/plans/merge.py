"""The three-way merge of a refused stale plan save (pure: no Django, no database).

base is the version the user edited, theirs the plan now, mine the user's input. A field only
the other person changed is taken from theirs; a field both changed differently is kept as the
user typed it and reported as a clash; nothing of the user's input is dropped. Objectives and
actions merge as whole lists: taken from theirs when only they changed, else kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# An action without a status is open (accounts.models.ActionStatus.OPEN).
ACTION_OPEN = "open"

Row = dict[str, Any]


@dataclass
class StaleMerge:
    """What to show after a refused stale save: the user's input, with the fields only the
    other person changed taken from the newer version, and the fields both changed kept as
    the user typed them and listed in `clashes` (field → the other person's value)."""

    fields: dict[str, Any]
    objectives: list[Row] | None  # None: keep the user's rows
    actions: list[Row] | None
    taken: list[str]
    clashes: dict[str, str]


@dataclass(frozen=True)
class Version:
    """One side of the merge: the plan's fields and its objective and action rows."""

    fields: Mapping[str, Any]
    objectives: Sequence[Row]
    actions: Sequence[Row]


def same(first: Any, second: Any) -> bool:
    """Equal once empty means None and text is stripped (a form sends "" for None)."""

    def norm(value: Any) -> Any:
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else value

    return bool(norm(first) == norm(second))


def objective_key(item: Row) -> tuple[Any, ...]:
    return (
        item.get("id") or 0,
        str(item.get("metric") or "").strip(),
        item.get("target"),
        item.get("current"),
    )


def action_key(item: Row) -> tuple[Any, ...]:
    owner = item.get("owner")
    owner_id = item.get("owner_id") or (owner.pk if owner is not None else None)
    return (
        item.get("id") or 0,
        str(item.get("title") or "").strip(),
        owner_id,
        item.get("due"),
        item.get("status") or ACTION_OPEN,
    )


def _merge_rows(
    mine: Sequence[Row],
    base: Sequence[Row],
    theirs: Sequence[Row],
    key: Callable[[Row], tuple[Any, ...]],
) -> tuple[str, list[Row] | None]:
    """("same", None) when nothing to do, ("taken", theirs) or ("clash", None)."""
    mine_set, base_set, their_set = (sorted(map(key, rows)) for rows in (mine, base, theirs))
    if their_set in (base_set, mine_set):
        return "same", None
    if mine_set == base_set:
        return "taken", list(theirs)
    return "clash", None


def merge_stale(
    *,
    mine: Version,
    base: Version,
    theirs: Version,
    field_names: Sequence[str],
    labels: Mapping[str, str],
) -> StaleMerge:
    """Merge the user's input (`mine`) into the plan now (`theirs`) against what they edited
    (`base`). `field_names` are the editable fields, `labels` name them for the user."""
    merged = dict(mine.fields)
    taken: list[str] = []
    clashes: dict[str, str] = {}
    for name in field_names:
        mine_value, their_value, was = merged.get(name), theirs.fields[name], base.fields[name]
        if same(their_value, was):
            continue
        if same(mine_value, was):
            merged[name] = their_value
            taken.append(labels[name])
        elif not same(mine_value, their_value):
            clashes[name] = str(their_value)
    merged_rows: dict[str, list[Row] | None] = {}
    for label, key, rows in (
        ("Objectives", objective_key, (mine.objectives, base.objectives, theirs.objectives)),
        ("Actions", action_key, (mine.actions, base.actions, theirs.actions)),
    ):
        outcome, result = _merge_rows(*rows, key)
        merged_rows[label] = result
        if outcome == "taken":
            taken.append(label)
        elif outcome == "clash":
            clashes[label.lower()] = (
                f"{label} were changed by someone else too; see the list above."
            )
    return StaleMerge(merged, merged_rows["Objectives"], merged_rows["Actions"], taken, clashes)
