"""Pure text helpers of the search: the words of a query, accent- and case-free, and the
highlighting of those words in a text (HTML-escaped first). No Django."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
SNIPPET_LENGTH = 160

# A word: letters and digits (the underscore and punctuation separate words, as in
# search/documents.py).
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Without accents and case: "Crème BRÛLÉE" → "creme brulee" (ß → ss)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def query_words(query: str) -> list[str]:
    """The distinct words of a query, folded, in order (at most MAX_WORDS)."""
    words: list[str] = []
    for word in _WORD.findall(fold(query)):
        word = word[:MAX_WORD_LENGTH]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def tsquery(words: list[str]) -> str:
    """PostgreSQL's tsquery text: every word as a prefix ('pack':* & 'cfo':*)."""
    return " & ".join(f"'{word}':*" for word in words)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = fold(char)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of each word of it that begins with one of `words` (the way
    the full-text search matches: a word's beginning, accents and case ignored)."""
    if not words or not text:
        return []
    folded, where = _folded_with_map(text)
    pattern = re.compile(
        r"(?<![^\W_])(?:"
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")[^\W_]*"
    )
    spans: list[tuple[int, int]] = []
    for found in pattern.finditer(folded):
        if found.end() == found.start():
            continue
        start = where[found.start()]
        end = where[found.end() - 1] + 1
        spans.append((start, end))
    return spans


def matches_all(texts: list[str], words: list[str]) -> bool:
    """True when every word begins a word of one of the texts."""
    folded = " ".join(fold(t) for t in texts if t)
    return all(re.search(r"(?<![^\W_])" + re.escape(w), folded) for w in words)


@dataclass(frozen=True)
class Snippet:
    text: str  # plain text
    html: str  # HTML-escaped, the matching words in <mark>


def snippet(text: str, words: list[str], length: int = SNIPPET_LENGTH) -> Snippet:
    """A window of `text` around its first match, with the matches marked."""
    text = " ".join((text or "").split())
    spans = match_spans(text, words)
    start = 0
    if spans and len(text) > length:
        start = max(0, spans[0][0] - length // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    parts: list[str] = []
    cursor = 0
    for span_start, span_end in match_spans(window, words):
        parts.append(html.escape(window[cursor:span_start]))
        parts.append("<mark>" + html.escape(window[span_start:span_end]) + "</mark>")
        cursor = span_end
    parts.append(html.escape(window[cursor:]))
    return Snippet(
        text=prefix + window + suffix,
        html=html.escape(prefix) + "".join(parts) + html.escape(suffix),
    )
