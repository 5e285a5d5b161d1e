"""`make lint`: no module uses a private name (`_x`) of another package.

A name that starts with one underscore is private to its package: `accounts/plans/views.py`
may import `_helper` from `accounts/plans/selectors.py`, but nothing outside
`accounts/plans/` may, either by `from … import _helper` or as `module._helper`. Tests,
migrations and benchmarks are left out. Prints each finding and exits 1 when there are any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kam", "accounts", "relationships", "valuation", "portfolio", "demo")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _is_project(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _package_of_target(target: str) -> str | None:
    """The package a project name lives in (`accounts.plans.selectors._x` ->
    `accounts.plans`), None when `target` is not a project module or package."""
    path = ROOT / target.replace(".", "/")
    if path.is_dir():
        return target
    if path.with_suffix(".py").exists():
        return target.rpartition(".")[0]
    return None


def findings(path: Path) -> Iterator[str]:
    module = _module_of(path)
    package = _package_of(module, path)
    where = path.relative_to(ROOT)
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: dict[str, str] = {}  # local name -> the project module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_project(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and _is_project(node.module):
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                owner = _package_of_target(node.module)
                if _private(alias.name) and owner is not None and owner != package:
                    yield f"{where}:{node.lineno}: imports {alias.name} from {node.module}"
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            continue
        target = modules[node.value.id]
        owner = target if (ROOT / target.replace(".", "/")).is_dir() else None
        if owner is None and (ROOT / target.replace(".", "/")).with_suffix(".py").exists():
            owner = target.rpartition(".")[0]
        if owner is not None and owner != package:  # None: a class or function, not a module
            yield f"{where}:{node.lineno}: uses {target}.{node.attr}"


def main() -> int:
    found = [
        finding
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for finding in findings(path)
    ]
    for finding in found:
        print(finding)  # noqa: T201 - a lint's report
    print(f"{len(found)} use(s) of another package's private names")  # noqa: T201
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
