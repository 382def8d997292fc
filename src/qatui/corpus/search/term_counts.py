"""How many questions hold each indexed term: a stored table, with capped counts where it is silent.

FTS5 can say how many documents hold a term (``fts5vocab``'s ``doc`` column, or a ``MATCH``),
but only by reading the term's whole doclist: about 0.5 ms for a word in 2,000 of 230,000
questions, and 22 s to list every term. Similar questions need the counts of a page's hundred
or more words and "did you mean" the words near a misspelling, in milliseconds, so the counts
are stored once in ``search_terms`` (:func:`refresh_term_counts`): every word of the main index
and the trigrams of the CJK index found in more than :data:`STORED_TRIGRAM_MIN` questions (a
rarer trigram is cheap to count when asked). A term the table does not hold (the table is
missing, or older than the last import) is counted with a capped ``MATCH``.

The v7 migration makes and fills the table (store/finding_aids.py); imports refresh it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from qatui.corpus.search.cjk import CJK_TABLE
from qatui.corpus.search.words import quote_term

TABLE = "search_terms"
MAIN_TABLE = "questions_fts"
WORDS = 0
"""``search_terms.source`` for words of the main (unicode61) index."""
TRIGRAMS = 1
"""``search_terms.source`` for trigrams of the CJK index."""
SOURCE_TABLES = {WORDS: MAIN_TABLE, TRIGRAMS: CJK_TABLE}
STORED_TRIGRAM_MIN = 50


def table_statements() -> list[str]:
    """The DDL of the stored counts (empty until :func:`refresh_term_counts` fills it)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (source INTEGER NOT NULL, term TEXT NOT NULL, "
        "documents INTEGER NOT NULL, PRIMARY KEY (source, term)) WITHOUT ROWID"
    ]


def vocabulary(conn: sqlite3.Connection, source: int) -> str:
    """A temporary ``fts5vocab`` table over one index (temp: it works on a read-only file)."""
    name = f"qatui_vocab_{source}"
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} "
        f"USING fts5vocab(main, {SOURCE_TABLES[source]}, 'row')"
    )
    return f"temp.{name}"


def refresh_term_counts(conn: sqlite3.Connection) -> int:
    """Count every term again (seconds for a large corpus: 22 s at 230,000); rows stored."""
    for statement in table_statements():
        conn.execute(statement)
    conn.execute(f"DELETE FROM {TABLE}")
    words = vocabulary(conn, WORDS)
    conn.execute(f"INSERT INTO {TABLE} SELECT {WORDS}, term, doc FROM {words}")
    trigrams = vocabulary(conn, TRIGRAMS)
    conn.execute(
        f"INSERT INTO {TABLE} SELECT {TRIGRAMS}, term, doc FROM {trigrams} WHERE doc > ?",
        (STORED_TRIGRAM_MIN,),
    )
    return int(conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])


def has_stored_counts(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if row is None:
        return False
    return conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone() is not None


def _stored(conn: sqlite3.Connection, source: int, terms: Sequence[str]) -> dict[str, int]:
    rows = conn.execute(
        f"SELECT s.term, s.documents FROM json_each(?) t CROSS JOIN {TABLE} s "
        "ON s.source = ? AND s.term = t.value",
        (json.dumps(list(terms), ensure_ascii=False), source),
    )
    return {str(term): int(count) for term, count in rows}


def _matched(
    conn: sqlite3.Connection, source: int, terms: Sequence[str], cap: int
) -> dict[str, int]:
    """Each term's count by a ``MATCH``, read up to ``cap + 1`` rows.

    One statement per term: a ``MATCH`` on a correlated value (``json_each``) was planned as a
    scan, 100 ms or more a term at 230,000 questions against 0.2 ms this way.
    """
    table = SOURCE_TABLES[source]
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT {int(cap) + 1})"
    return {term: int(conn.execute(sql, (quote_term(term),)).fetchone()[0]) for term in terms}


def document_counts(
    conn: sqlite3.Connection,
    source: int,
    terms: Sequence[str],
    cap: int,
    *,
    absent_is_zero: bool = False,
) -> dict[str, int]:
    """How many questions hold each term; a count above ``cap`` may be given as ``cap + 1``.

    ``absent_is_zero``: with stored counts, a word they lack counts 0 rather than being
    counted by a ``MATCH`` (a lookup of a word the index lacks can take a second in a large
    corpus whose index is not in the page cache). Only right where a word newer than the
    table does little harm: a suggestion offered, never applied.
    """
    if not terms:
        return {}
    stored = has_stored_counts(conn)
    counts = _stored(conn, source, terms) if stored else {}
    missing = [term for term in terms if term not in counts]
    if missing and stored and absent_is_zero and source == WORDS:
        counts.update(dict.fromkeys(missing, 0))
    elif missing:
        counts.update(_matched(conn, source, missing, cap))
    return counts


REFRESH_SHARE = 0.05
"""An import refreshes the stored counts once it changed this share of the questions they were
counted over (or when they were never counted): counting costs seconds at 230,000 questions,
and counts a little behind change no answer much (see the module's docstring)."""
COUNTED_OVER = "search_terms_questions"
"""The ``corpus_meta`` key holding how many questions the stored counts were counted over."""


def refresh_after_import(
    conn: sqlite3.Connection, changed: int, share: float = REFRESH_SHARE
) -> bool:
    """Count the terms again if an import that changed ``changed`` questions made the stored
    counts stale (see :data:`REFRESH_SHARE`); whether it did."""
    if changed <= 0:
        return False
    row = conn.execute("SELECT value FROM corpus_meta WHERE key = ?", (COUNTED_OVER,)).fetchone()
    counted_over = int(row[0]) if row else 0
    if has_stored_counts(conn) and changed < share * counted_over:
        return False
    refresh_term_counts(conn)
    questions = conn.execute("SELECT count(*) FROM questions WHERE is_partial = 0").fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO corpus_meta (key, value) VALUES (?, ?)",
        (COUNTED_OVER, str(questions[0])),
    )
    return True
