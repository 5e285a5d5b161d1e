"""What every kind of file provides (`KindSpec`: its columns, row parser and writer), and
the context its writer writes in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from valuation.importing.outcome import ImportOutcome

# A parsed row: the kind's checked values, in the order its writer takes them (values of
# several types, one tuple layout per kind).
Row = tuple[Any, ...]
RowParser = Callable[[list[str]], Row]
Writer = Callable[[Iterator[Row], "ImportContext"], ImportOutcome]


@dataclass
class ImportContext:
    batch_id: int | None
    created_by_id: int | None
    outcome: ImportOutcome = field(default_factory=ImportOutcome)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    columns: tuple[str, ...]
    natural_key: tuple[str, ...] | None
    # Builds the row parser: receives the header's column positions, preloads lookups once.
    make_parser: Callable[[dict[str, int]], RowParser]
    write: Writer
    # Position, in the parsed tuple, of the natural key's values (for duplicate detection).
    key_of: Callable[[Row], tuple[Any, ...]] | None = None
