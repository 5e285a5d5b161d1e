"""The zh-hans catalogue is complete (issue 21): makemessages, run as `make messages` runs it
but into a copy of the catalogue, finds no string that is missing from it, untranslated or
fuzzy; the catalogue compiles with GNU msgfmt's format checks (placeholders kept); and the
build's own compiler (scripts/compile_messages.py) writes what msgfmt writes."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from scripts.compile_messages import ROOT, mo_bytes, parse

CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
# Exactly the Makefile's `messages` target (and I18N's rules): the same folders left out.
DJANGO_IGNORES = [
    ".venv/*",
    "tests/*",
    "bench/*",
    "scripts/*",
    "staticfiles/*",
    "node_modules/*",
    "demo/*",
]
JS_IGNORES = [".venv/*", "staticfiles/*", "node_modules/*", "static/vendor/*", "tests/*"]


def _require_gettext_tools() -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    assert not missing, (
        f"GNU gettext is needed to check the catalogue: {', '.join(missing)} missing"
    )


def _incomplete(po: Path) -> dict[str, list[str]]:
    """Entries of a catalogue that are not usable, 'untranslated' or 'fuzzy', each with where
    its string is marked."""
    problems: dict[str, list[str]] = defaultdict(list)
    for entry in parse(po):
        if entry.msgid == "":
            continue  # the header
        where = " ".join(entry.locations)
        if not entry.is_translated():
            problems["untranslated"].append(f"{entry.msgid!r} ({where})")
        elif entry.fuzzy:
            problems["fuzzy"].append(f"{entry.msgid!r} ({where})")
    return problems


@pytest.fixture
def catalogue_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.chdir(ROOT)
    return locale


def _summary(problems: dict[str, list[str]]) -> str:
    lines = []
    for kind, items in sorted(problems.items()):
        lines.append(f"{len(items)} {kind}:")
        lines += [f"  {item}" for item in items[:200]]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("domain", "ignores"), [("django", DJANGO_IGNORES), ("djangojs", JS_IGNORES)]
)
def test_every_marked_string_is_translated_in_zh_hans(
    catalogue_copy: Path, domain: str, ignores: list[str]
) -> None:
    _require_gettext_tools()
    # when the marked strings are gathered into the copy, as `make messages` would
    # (the real locale/ left out of the walk, so that makemessages writes the copy only)
    with override_settings(LOCALE_PATHS=[catalogue_copy]):
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            domain=domain,
            add_location="file",
            no_obsolete=True,
            ignore_patterns=[*ignores, "locale"],
            verbosity=0,
        )
    po = catalogue_copy / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"

    # then every string is there, translated and not fuzzy
    problems = _incomplete(po)
    count = sum(len(items) for items in problems.values())
    assert not problems, (
        f"{count} strings of {domain}.po need translating (run `make messages`, translate "
        f"them in locale/zh_Hans/LC_MESSAGES/{domain}.po):\n{_summary(problems)}"
    )


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_catalogue_compiles_with_its_placeholders(domain: str, tmp_path: Path) -> None:
    _require_gettext_tools()
    po = CATALOGUE / f"{domain}.po"
    reference = tmp_path / "msgfmt.mo"
    # msgfmt's --check-format refuses a translation whose placeholders differ from its msgid's
    checked = subprocess.run(  # noqa: S603 - our own file, a fixed command
        ["msgfmt", "--check-format", "-o", str(reference), str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr

    # and the build's compiler, which needs no gettext, says the same as msgfmt
    ours = tmp_path / "ours.mo"
    ours.write_bytes(mo_bytes(parse(po)))
    with reference.open("rb") as theirs_file, ours.open("rb") as ours_file:
        theirs_catalogue = gettext.GNUTranslations(theirs_file)._catalog  # type: ignore[attr-defined]
        ours_catalogue = gettext.GNUTranslations(ours_file)._catalog  # type: ignore[attr-defined]
    assert ours_catalogue == theirs_catalogue
    assert len(ours_catalogue) > 30
