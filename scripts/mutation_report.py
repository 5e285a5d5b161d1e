# ruff: noqa: T201 - a command-line report prints its table
"""Per-module table of a `mutmut run` (killed, survived, score) and the gate of `make mutate`.

Reads mutmut's results (mutants/<module>.py.meta, run from the repo root) and the reviewed
list of equivalent mutants (tests/mutation_equivalents.toml). Exits non-zero when a mutant
survived that the list does not hold (or holds for a different mutation: the code changed
since it was reviewed), when a mutant was left unchecked, or when the score is below the
floor. Listed mutants that were killed, or no longer exist, are reported as stale entries
to remove.

Score = killed / (killed + survived); reviewed equivalents count as survived, so the score
is mutmut's own. A mutant that makes its tests run past mutmut's time limit counts as killed
(it changed behaviour: the tests hang). Options: --min-score N (default 90), --show (print
the diff of each unreviewed survivor).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.toml"

# a failing test; an internal error of pytest; a timeout (mutmut's exit codes)
KILLED_CODES = {1, 3, 24, -24, 36, 152, 255}
SURVIVED_CODES = {0}


@dataclass(frozen=True)
class Equivalent:
    name: str
    mutation: str  # the mutated line as mutmut shows it, stripped
    reason: str


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, Equivalent]:
    """[[equivalent]] groups: a reason and the mutants it covers ({name, mutation})."""
    data = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    entries: dict[str, Equivalent] = {}
    for group in data.get("equivalent", []):
        reason = group.get("reason", "").strip()
        if not reason:
            raise SystemExit(f"{path.name}: a group without a reason")
        for mutant in group["mutants"]:
            name = mutant["name"]
            if name in entries:
                raise SystemExit(f"{path.name}: {name} is listed twice")
            entries[name] = Equivalent(name, mutant["mutation"].strip(), reason)
    return entries


def module_of(meta: Path) -> str:
    return meta.relative_to(MUTANTS).as_posix().removesuffix(".py.meta")


def load_results() -> dict[str, dict[str, int | None]]:
    """module path (e.g. "valuation/analysis/revenue") → mutant name → mutmut exit code."""
    results = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if codes:
            results[module_of(meta)] = codes
    return results


def mutated_line(name: str, module: str) -> str:
    """The '+' line of the mutant's diff (what the mutation changed the line into)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(name, path=f"{module}.py")
    added = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    return " / ".join(added)


def diff_of(name: str, module: str) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    return get_diff_for_mutant(name, path=f"{module}.py")


def status(code: int | None) -> str:
    if code in KILLED_CODES:
        return "killed"
    if code in SURVIVED_CODES:
        return "survived"
    if code is None:
        return "not checked"
    return "other"


@dataclass
class Review:
    """The mutants per module, and what the reviewed list says of the survivors."""

    rows: list[tuple[str, Counter[str]]] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    unreviewed: list[tuple[str, str, str]] = field(default_factory=list)  # (module, name, why)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    reviewed_survivors: set[str] = field(default_factory=set)


def review(results: dict[str, dict[str, int | None]], equivalents: dict[str, Equivalent]) -> Review:
    found = Review()
    for module, codes in results.items():
        counts = Counter(status(code) for code in codes.values())
        for name, code in codes.items():
            if status(code) in {"not checked", "other"}:
                found.unchecked.append(f"{name} ({code})")
            if status(code) != "survived":
                continue
            entry = equivalents.get(name)
            if entry is None:
                found.unreviewed.append((module, name, "not in the reviewed list"))
                continue
            now = mutated_line(name, module)
            if now != entry.mutation:
                found.changed.append((module, name, f"listed as {entry.mutation!r}, now {now!r}"))
                continue
            found.reviewed_survivors.add(name)
            counts["equivalent"] += 1
        found.totals.update(counts)
        found.rows.append((module, counts))
    return found


def score(counts: Counter[str]) -> float:
    tested = counts["killed"] + counts["survived"]
    return 100.0 * counts["killed"] / tested if tested else 100.0


def print_table(found: Review) -> None:
    width = max([len(module) for module, _ in found.rows] + [len("total")])
    header = f"{'module':<{width}}  {'mutants':>7}  {'killed':>6}  {'survived':>8}  "
    header += f"{'reviewed':>8}  {'score':>6}"

    def line(name: str, counts: Counter[str]) -> str:
        return (
            f"{name:<{width}}  {sum(counts.values()) - counts['equivalent']:>7}  "
            f"{counts['killed']:>6}  {counts['survived']:>8}  {counts['equivalent']:>8}  "
            f"{score(counts):>5.1f}%"
        )

    print(header)
    print("-" * len(header))
    for module, counts in found.rows:
        print(line(module, counts))
    print("-" * len(header))
    print(line("total", found.totals))
    print("(reviewed: survivors listed as equivalent in tests/mutation_equivalents.toml)")


def print_problems(found: Review, equivalents: dict[str, Equivalent], *, show: bool) -> bool:
    """Print what needs a look; True when anything does."""
    stale = sorted(
        set(equivalents) - found.reviewed_survivors - {name for _, name, _ in found.changed}
    )
    outside = found.unreviewed + found.changed
    if outside:
        print(f"\n{len(outside)} survivor(s) outside the reviewed list:")
        for module, name, why in outside:
            print(f"  {name}: {why}")
            if show:
                print("    " + diff_of(name, module).replace("\n", "\n    "))
        print("Kill each with a test, or list it with its reason if it cannot change behaviour.")
    if found.unchecked:
        print(f"\n{len(found.unchecked)} mutant(s) not checked or with another outcome (timeout…):")
        for entry in found.unchecked:
            print(f"  {entry}")
    if stale:
        print(f"\n{len(stale)} stale entr(y/ies) in the reviewed list (killed or gone):")
        for name in stale:
            print(f"  {name}")
    return bool(outside or found.unchecked or stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--show", action="store_true", help="print unreviewed survivors' diffs")
    args = parser.parse_args(argv)

    if not MUTANTS.is_dir():
        print("No mutants/ folder: run `make mutate` (mutmut run) first.")
        return 2
    os.chdir(ROOT)  # mutmut's helpers read mutants/ relative to the working directory
    equivalents = load_equivalents()
    found = review(load_results(), equivalents)
    print_table(found)
    failed = print_problems(found, equivalents, show=args.show)
    total_score = score(found.totals)
    if total_score < args.min_score:
        failed = True
        print(f"\nScore {total_score:.1f}% is below {args.min_score:.0f}%.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
