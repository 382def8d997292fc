"""FTS5 segment merging held back while a bulk batch writes its rows into the index.

An FTS5 index is a set of segments, merged in the background: after every segment it
writes, FTS5 spends work proportional to the pages written times the number of levels on
merging ``automerge`` (4) segments of a level into one of the next. Into a large index (a
230k corpus has five levels, and the generator leaves merges of 13k-page segments under way)
most of a batch's index time goes to rewriting old segments. During a batch's one
``INSERT ... SELECT`` this module sets ``automerge`` to 0 (new segments only; FTS5 still
merges a level once it holds ``crisismerge``, 16, segments) and ``hashsize`` to 16 MiB (fewer,
larger new segments), then puts both back as they were, inside the same transaction: the
file never holds the import's settings, so a kill leaves the defaults.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULTS = {"automerge": 4, "hashsize": 1_048_576}
"""FTS5's own defaults (used when the table's ``_config`` holds no value)."""
BATCH_SETTINGS = {"automerge": 0, "hashsize": 16 * 1_048_576}


def _stored(conn: sqlite3.Connection, table: str) -> dict[str, int]:
    rows = conn.execute(
        f"SELECT k, v FROM main.{table}_config WHERE k IN ('automerge', 'hashsize')"
    )
    return {str(key): int(value) for key, value in rows}


def _set(conn: sqlite3.Connection, table: str, name: str, value: int) -> None:
    conn.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", (name, value))


@contextmanager
def merging_held_back(conn: sqlite3.Connection, tables: tuple[str, ...]) -> Iterator[None]:
    """Inside an open transaction: no automatic merging and a larger pending-terms buffer
    in ``tables`` for the block; their stored settings (or none) again after it."""
    before = {table: _stored(conn, table) for table in tables}
    for table in tables:
        for name, value in BATCH_SETTINGS.items():
            _set(conn, table, name, value)
    yield
    for table, stored in before.items():
        for name in BATCH_SETTINGS:
            _set(conn, table, name, stored.get(name, DEFAULTS[name]))
            if name not in stored:
                conn.execute(f"DELETE FROM main.{table}_config WHERE k = ?", (name,))
