"""Did you mean: close words from the corpus's own vocabulary for a query that finds (almost)
nothing.

The rule: a search matching fewer than :data:`FEW_MATCHES` questions is worth a suggestion; in
it, a word (not a prefix, not CJK) that no question holds, or only up to :data:`RARE_DOCUMENTS`
do while a close word is in at least :data:`MORE_COMMON` times as many, is replaced by the
closest word of the vocabulary (fewest edits, then the most questions). Close means an
optimal-string-alignment distance (a swap of two neighbours is one edit) of 1 for a word of up
to four letters and 2 beyond, computed with RapidFuzz.

Fast through a window: candidates are the words of the stored counts
(:mod:`qatui.corpus.search.term_counts`) with the same first letter and a length within the
distance allowed, one range of the table's primary key (a first letter mistyped is not
corrected). With stored counts, a word they lack is taken as unknown (not looked up in the
index: see ``absent_is_zero``). Without them the same window is read from ``fts5vocab``,
which costs a read of every candidate's doclist: done only in a corpus of at most
:data:`VOCABULARY_SCAN_MAX` questions (at 230,000 it took 3 to 85 s a word), else there is no
suggestion until the counts are stored.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from qatui.corpus.search.fulltext import total_rows
from qatui.corpus.search.syntax import Kind, ParsedQuery, parse_query
from qatui.corpus.search.term_counts import (
    TABLE,
    WORDS,
    document_counts,
    has_stored_counts,
    vocabulary,
)

FEW_MATCHES = 3
RARE_DOCUMENTS = 2
MORE_COMMON = 20
SHORT_WORD = 4
MIN_WORD_LENGTH = 3
VOCABULARY_SCAN_MAX = 20_000
"""Words shorter than this are never corrected (too many neighbours)."""


@dataclass(frozen=True)
class Suggestion:
    """The query with its unknown words replaced, and each replacement made."""

    text: str
    replaced: tuple[tuple[str, str], ...]


def max_edits(word: str) -> int:
    return 1 if len(word) <= SHORT_WORD else 2


def _window(conn: sqlite3.Connection, word: str, stored: bool) -> list[tuple[str, int]]:
    """The vocabulary's words that could be within reach of ``word``: same first letter,
    length within the edits allowed."""
    edits = max_edits(word)
    low, high = word[0], word[0] + "\U0010ffff"
    shortest, longest = len(word) - edits, len(word) + edits
    if stored:
        sql = (
            f"SELECT term, documents FROM {TABLE} WHERE source = {WORDS} "
            "AND term >= ? AND term < ? AND length(term) BETWEEN ? AND ?"
        )
    else:
        sql = (
            f"SELECT term, doc FROM {vocabulary(conn, WORDS)} "
            "WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?"
        )
    rows = conn.execute(sql, (low, high, shortest, longest))
    return [(str(term), int(count)) for term, count in rows]


def closest_word(conn: sqlite3.Connection, word: str, documents: int = 0) -> str | None:
    """The vocabulary's closest word to ``word`` worth suggesting instead of it, or None."""
    from rapidfuzz.distance import OSA  # loaded only when a suggestion is wanted

    edits = max_edits(word)
    best: tuple[int, int, str] | None = None
    for term, count in _window(conn, word, has_stored_counts(conn)):
        if term == word or count < max(1, documents * MORE_COMMON):
            continue
        distance = OSA.distance(word, term, score_cutoff=edits)
        if distance > edits:
            continue
        key = (distance, -count, term)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _words(query: ParsedQuery) -> list[str]:
    """The query's correctable words, in order, once each."""
    words: dict[str, None] = {}
    for term in query.terms:
        if term.kind is Kind.PREFIX or term.is_cjk:
            continue
        for token in term.tokens:
            if len(token) >= MIN_WORD_LENGTH and not token.isdigit():
                words[token] = None
    return list(words)


def _replace_word(text: str, word: str, replacement: str) -> str:
    pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
    return pattern.sub(replacement, text)


def suggest(conn: sqlite3.Connection, text: str) -> Suggestion | None:
    """A better query for ``text`` (as typed), or None when every word is known enough.

    Call it for a query that matched fewer than :data:`FEW_MATCHES` questions.
    """
    parsed = parse_query(text)
    words = _words(parsed)
    if not words:
        return None
    if not has_stored_counts(conn) and total_rows(conn) > VOCABULARY_SCAN_MAX:
        return None
    counts = document_counts(conn, WORDS, words, RARE_DOCUMENTS, absent_is_zero=True)
    replaced: list[tuple[str, str]] = []
    for word in words:
        documents = counts.get(word, 0)
        if documents > RARE_DOCUMENTS:
            continue
        better = closest_word(conn, word, documents)
        if better is not None:
            replaced.append((word, better))
    if not replaced:
        return None
    for word, better in replaced:
        text = _replace_word(text, word, better)
    return Suggestion(text, tuple(replaced))
