"""Chinese, Japanese and Korean text: which characters count, and the trigram index that finds them.

The main index (``questions_fts``, unicode61) keeps a run of CJK characters as one token, so a
word inside a sentence cannot be found. ``questions_cjk`` is a second, contentless FTS5 table with
the trigram tokenizer that holds only the columns containing CJK characters (a Latin-only corpus
pays one cheap check per column and no disk). Each indexed value gets one trailing space, so that
every two-character substring is the start of some trigram: a two-character query is answered by
the trigrams that begin with it (see ``questions_cjk_vocab`` and
:mod:`qatui.corpus.search.fulltext`).
Triggers keep it in step with ``questions`` like ``questions_fts``, by the row's dense ``rowid``
(an update of the stable ``id`` alone leaves it untouched).
"""

from __future__ import annotations

import functools
import re

CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x9FFF),  # radicals, CJK punctuation, kana, Bopomofo, Hangul compatibility, Han
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms, half-width kana and Hangul
    (0x20000, 0x323AF),  # Han extensions B to H
)

_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
CJK_PATTERN = f"[{_CLASS}]"
"""A regular expression for one CJK character (compiled on first use: it takes milliseconds)."""
CJK_GLOB = f"*[{_CLASS}]*"
"""An SQLite GLOB pattern true for text holding at least one CJK character."""

CJK_TABLE = "questions_cjk"
CJK_VOCAB = "questions_cjk_vocab"
COLUMNS = ("title", "subject", "question", "reply_text", "more_info")


@functools.cache
def cjk_char() -> re.Pattern[str]:
    """:data:`CJK_PATTERN`, compiled once, when first needed."""
    return re.compile(CJK_PATTERN)


def has_cjk(text: str) -> bool:
    return not text.isascii() and cjk_char().search(text) is not None


def has_cjk_sql(ref: str) -> str:
    """SQL true when the text holds a CJK character, cheap for the text of a Latin corpus.

    A GLOB over a character class costs about 0.1 µs a character, so it runs last: pure ASCII
    (as many bytes as characters) is ruled out first, then text whose only other characters are
    U+0080-U+00FF or U+2000-U+203F (accents, dashes, quotes): with the UTF-8 bytes that start
    them (C2, C3, E2 80) removed, such text has no more bytes than characters.
    """
    latin_bytes = (
        f"length(CAST(replace(replace(replace({ref}, X'E280', ''), X'C2', ''), X'C3', '') AS BLOB))"
    )
    return (
        f"length({ref}) < length(CAST({ref} AS BLOB)) AND {latin_bytes} > length({ref}) "
        f"AND {ref} GLOB '{CJK_GLOB}'"
    )


def indexed_value_sql(ref: str) -> str:
    """SQL for what the trigram index holds for one column: the text plus a space, or NULL."""
    return f"CASE WHEN {has_cjk_sql(ref)} THEN {ref} || ' ' END"


def _values(row: str) -> str:
    return ", ".join(indexed_value_sql(f"{row}.{column}") for column in COLUMNS)


def _any_cjk(row: str) -> str:
    return " OR ".join(f"{indexed_value_sql(f'{row}.{column}')} IS NOT NULL" for column in COLUMNS)


_NAMES = ", ".join(COLUMNS)


def index_statements() -> list[str]:
    """The DDL of the CJK index: the table, its vocabulary view and the three triggers."""
    return [
        f"CREATE VIRTUAL TABLE {CJK_TABLE} USING fts5({_NAMES}, content='', "
        "tokenize='trigram case_sensitive 0')",
        f"CREATE VIRTUAL TABLE {CJK_VOCAB} USING fts5vocab({CJK_TABLE}, 'row')",
        f"CREATE TRIGGER {CJK_TABLE}_insert AFTER INSERT ON questions WHEN {_any_cjk('new')} "
        f"BEGIN INSERT INTO {CJK_TABLE}(rowid, {_NAMES}) VALUES (new.rowid, {_values('new')}); END",
        f"CREATE TRIGGER {CJK_TABLE}_delete AFTER DELETE ON questions WHEN {_any_cjk('old')} "
        f"BEGIN INSERT INTO {CJK_TABLE}({CJK_TABLE}, rowid, {_NAMES}) "
        f"VALUES ('delete', old.rowid, {_values('old')}); END",
        f"CREATE TRIGGER {CJK_TABLE}_update AFTER UPDATE OF {_NAMES} ON questions BEGIN "
        f"INSERT INTO {CJK_TABLE}({CJK_TABLE}, rowid, {_NAMES}) "
        f"SELECT 'delete', old.rowid, {_values('old')} WHERE {_any_cjk('old')}; "
        f"INSERT INTO {CJK_TABLE}(rowid, {_NAMES}) "
        f"SELECT new.rowid, {_values('new')} WHERE {_any_cjk('new')}; END",
    ]


def populate_statement() -> str:
    """Index the rows already in the database (run once, by the migration that adds the index)."""
    return (
        f"INSERT INTO {CJK_TABLE}(rowid, {_NAMES}) "
        f"SELECT q.rowid, {_values('q')} FROM questions q WHERE {_any_cjk('q')}"
    )
