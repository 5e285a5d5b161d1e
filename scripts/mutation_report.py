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
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--show", action="store_true", help="print unreviewed survivors' diffs")
    args = parser.parse_args(argv)

    if not MUTANTS.is_dir():
        print("No mutants/ folder: run `make mutate` (mutmut run) first.")
        return 2
    import os

    os.chdir(ROOT)  # mutmut's helpers read mutants/ relative to the working directory
    equivalents = load_equivalents()
    results = load_results()

    rows = []
    unreviewed: list[tuple[str, str, str]] = []  # (module, name, why)
    changed: list[tuple[str, str, str]] = []
    unchecked: list[str] = []
    reviewed_survivors: set[str] = set()
    totals: Counter[str] = Counter()
    for module, codes in results.items():
        counts = Counter(status(code) for code in codes.values())
        for name, code in codes.items():
            if status(code) == "survived":
                entry = equivalents.get(name)
                if entry is None:
                    unreviewed.append((module, name, "not in the reviewed list"))
                    continue
                now = mutated_line(name, module)
                if now != entry.mutation:
                    changed.append((module, name, f"listed as {entry.mutation!r}, now {now!r}"))
                    continue
                reviewed_survivors.add(name)
                counts["equivalent"] += 1
            elif status(code) in {"not checked", "other"}:
                unchecked.append(f"{name} ({code})")
        totals.update(counts)
        rows.append((module, counts))

    def score(counts: Counter[str]) -> float:
        tested = counts["killed"] + counts["survived"]
        return 100.0 * counts["killed"] / tested if tested else 100.0

    width = max([len(module) for module, _ in rows] + [len("total")])
    header = f"{'module':<{width}}  {'mutants':>7}  {'killed':>6}  {'survived':>8}  "
    header += f"{'reviewed':>8}  {'score':>6}"
    print(header)
    print("-" * len(header))
    for module, counts in rows:
        print(
            f"{module:<{width}}  {sum(counts.values()) - counts['equivalent']:>7}  "
            f"{counts['killed']:>6}  {counts['survived']:>8}  {counts['equivalent']:>8}  "
            f"{score(counts):>5.1f}%"
        )
    print("-" * len(header))
    total_score = score(totals)
    print(
        f"{'total':<{width}}  {sum(totals.values()) - totals['equivalent']:>7}  "
        f"{totals['killed']:>6}  {totals['survived']:>8}  {totals['equivalent']:>8}  "
        f"{total_score:>5.1f}%"
    )
    print("(reviewed: survivors listed as equivalent in tests/mutation_equivalents.toml)")

    stale = sorted(set(equivalents) - reviewed_survivors - {name for _, name, _ in changed})
    failed = False
    if unreviewed or changed:
        failed = True
        print(f"\n{len(unreviewed) + len(changed)} survivor(s) outside the reviewed list:")
        for module, name, why in unreviewed + changed:
            print(f"  {name}: {why}")
            if args.show:
                print("    " + diff_of(name, module).replace("\n", "\n    "))
        print("Kill each with a test, or list it with its reason if it cannot change behaviour.")
    if unchecked:
        failed = True
        print(f"\n{len(unchecked)} mutant(s) not checked or with another outcome (timeout…):")
        for line in unchecked:
            print(f"  {line}")
    if stale:
        failed = True
        print(f"\n{len(stale)} stale entr(y/ies) in the reviewed list (killed or gone):")
        for name in stale:
            print(f"  {name}")
    if total_score < args.min_score:
        failed = True
        print(f"\nScore {total_score:.1f}% is below {args.min_score:.0f}%.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
