"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) into the .mo files Django reads.

The build runs this (make install/run/test, the Docker image), so that the embedded run needs
nothing but Python: GNU gettext's msgfmt, which `manage.py compilemessages` calls, is not on
every machine. It writes what msgfmt writes for these files (tests/kam/test_catalogue.py
compares the two where msgfmt is installed): every translated entry, fuzzy and untranslated
ones left out (the English text shows then), contexts and plural forms kept.

    python scripts/compile_messages.py [LOCALE_DIR ...]   # default: locale/
"""

from __future__ import annotations

import ast
import os
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAGIC = 0x950412DE


class CatalogueError(Exception):
    """A line of a .po file that is not gettext syntax."""


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    locations: list[str] = field(default_factory=list)  # the "#:" lines: where it is marked

    def key(self) -> str:
        msgid = self.msgid if self.msgid_plural is None else f"{self.msgid}\0{self.msgid_plural}"
        return msgid if self.context is None else f"{self.context}\x04{msgid}"

    def value(self) -> str:
        return "\0".join(self.msgstr[index] for index in sorted(self.msgstr))

    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _string(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise CatalogueError(f"{path}:{number}: expected a quoted string, found {text!r}")
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError) as error:
        raise CatalogueError(f"{path}:{number}: {error}") from error
    if not isinstance(value, str):
        raise CatalogueError(f"{path}:{number}: expected a string, found {text!r}")
    return value


class _Reader:
    """Reads a .po file line by line into entries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.entry = Entry()
        self.started = False
        self.target: tuple[str, int] | None = None  # the field a continuation line extends

    def finish(self) -> None:
        if self.started:
            self.entries.append(self.entry)
        self.entry, self.started, self.target = Entry(), False, None

    def comment(self, line: str) -> None:
        if self.started and self.target is not None and self.target[0] == "msgstr":
            self.finish()
        if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
            self.entry.fuzzy = True
        elif line.startswith("#:"):
            self.entry.locations += line[2:].split()

    def continuation(self, text: str, number: int) -> None:
        if self.target is None:
            raise CatalogueError(f"{self.path}:{number}: a string outside any entry")
        name, index = self.target
        if name == "msgctxt":
            self.entry.context = (self.entry.context or "") + text
        elif name == "msgid":
            self.entry.msgid += text
        elif name == "msgid_plural":
            self.entry.msgid_plural = (self.entry.msgid_plural or "") + text
        else:
            self.entry.msgstr[index] += text

    def keyword(self, keyword: str, text: str, number: int) -> None:
        if keyword in {"msgctxt", "msgid"} and self.target and self.target[0] == "msgstr":
            self.finish()
        self.started = True
        if keyword == "msgctxt":
            self.entry.context, self.target = text, ("msgctxt", 0)
        elif keyword == "msgid":
            self.entry.msgid, self.target = text, ("msgid", 0)
        elif keyword == "msgid_plural":
            self.entry.msgid_plural, self.target = text, ("msgid_plural", 0)
        elif keyword == "msgstr":
            self.entry.msgstr[0], self.target = text, ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            self.entry.msgstr[index], self.target = text, ("msgstr", index)
        else:
            raise CatalogueError(f"{self.path}:{number}: unknown keyword {keyword!r}")


def parse(path: Path) -> list[Entry]:
    """The entries of a .po file, obsolete ones (`#~`) left out."""
    reader = _Reader(path)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            reader.comment(line)
        elif line.startswith('"'):
            reader.continuation(_string(line, path, number), number)
        else:
            keyword, _, rest = line.partition(" ")
            reader.keyword(keyword, _string(rest, path, number), number)
    reader.finish()
    return reader.entries


def _value(entry: Entry) -> str:
    if entry.msgid == "":
        # msgfmt leaves the template's creation date out of the header
        lines = entry.value().splitlines(keepends=True)
        return "".join(line for line in lines if not line.startswith("POT-Creation-Date:"))
    return entry.value()


def mo_bytes(entries: list[Entry]) -> bytes:
    """The GNU .mo file of the translated, non-fuzzy entries (the header always kept)."""
    messages = {
        entry.key().encode(): _value(entry).encode()
        for entry in entries
        if entry.is_translated() and (not entry.fuzzy or entry.msgid == "")
    }
    keys = sorted(messages)
    count = len(keys)
    originals_offset = 7 * 4
    translations_offset = originals_offset + count * 8
    data_offset = translations_offset + count * 8
    originals, translations, data = [], [], b""
    for key in keys:
        originals.append((len(key), data_offset + len(data)))
        data += key + b"\0"
    for key in keys:
        value = messages[key]
        translations.append((len(value), data_offset + len(data)))
        data += value + b"\0"
    header = struct.pack(
        "<7I", MAGIC, 0, count, originals_offset, translations_offset, 0, data_offset
    )
    tables = b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return header + tables + data


def compile_dir(locale_dir: Path) -> list[Path]:
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        # Written beside and renamed: processes compiling at once (test workers) never read
        # half a file.
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        partial.write_bytes(mo_bytes(parse(po)))
        os.replace(partial, mo)
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    dirs = [Path(arg) for arg in argv] or [ROOT / "locale"]
    try:
        for locale_dir in dirs:
            for mo in compile_dir(locale_dir):
                print(f"compiled {mo.relative_to(locale_dir.parent)}")  # noqa: T201
    except CatalogueError as error:
        print(f"Cannot compile the translations: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
