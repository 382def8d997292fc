"""The bulk import path: full-text maintenance deferred to the end of each batch.

Incrementally, triggers on ``questions`` keep ``questions_fts`` and ``questions_cjk`` in step
row by row, and a row written three times in a batch (a partial filled in place, its id
moved, its text rewritten) costs three index updates. In a deferred batch, inside the batch's
own transaction:

1. the triggers that write the two full-text tables are dropped;
2. temporary triggers (this connection only, never in the file) note every ``questions``
   rowid the batch inserts, changes or deletes, and the old indexed values of the rows that
   were in the index before the batch, the first time the batch touches them;
3. at the end of the batch, the index gets a 'delete' for each of those old values (an
   external-content or contentless table needs the values it holds, and a 'delete' of a row
   it does not hold corrupts it), then one ``INSERT ... SELECT`` of the current values of every
   noted row still present;
4. the triggers are created again, as they were.

All of it commits with the batch or rolls back with it, so every committed batch leaves the
index matching its rows and the schema whole: a kill or Ctrl+C at any moment leaves a valid
database. Rows are named by ``questions.rowid`` throughout, the key of both indexes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from qatui.corpus.search.cjk import CJK_TABLE, COLUMNS, indexed_value_sql
from qatui.corpus.store.fts_merge import merging_held_back

FTS_TABLE = "questions_fts"
FULL_TEXT_TABLES = (FTS_TABLE, CJK_TABLE)
IMPORT_CACHE_KIB = 1_048_576
"""``PRAGMA cache_size`` during an import: at most 1 GiB, enough to hold the pages one batch
(64 MiB of text) dirties, its rows and their index entries, without spilling them to the WAL
half-written and writing them again (a cap: memory is taken only as pages are read)."""

_WRITES_INDEX = re.compile(rf"\bINSERT\s+INTO\s+({'|'.join(FULL_TEXT_TABLES)})\b", re.IGNORECASE)
_NAMES = ", ".join(COLUMNS)
_SEEN = "bulk_seen_rows"
_OLD = "bulk_old_values"
"""Temporary tables (named without ``temp.``: a trigger body takes no qualified names)."""


def _cjk_values(row: str) -> str:
    return ", ".join(indexed_value_sql(f"{row}.{column}") for column in COLUMNS)


def _any_cjk(row: str) -> str:
    return " OR ".join(f"{indexed_value_sql(f'{row}.{column}')} IS NOT NULL" for column in COLUMNS)


def _old_values(event: str) -> str:
    """Keep the old values of the row an UPDATE or DELETE touches, if it is the first touch
    (then the row is as the index holds it); then note the rowids as seen."""
    old = ", ".join(f"old.{column}" for column in COLUMNS)
    seen_new = f"INSERT OR IGNORE INTO {_SEEN} VALUES (new.rowid);" if event == "UPDATE" else ""
    return (
        f"INSERT OR IGNORE INTO {_OLD} (question_rowid, {_NAMES}) SELECT old.rowid, {old} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_SEEN} WHERE question_rowid = old.rowid); "
        f"INSERT OR IGNORE INTO {_SEEN} VALUES (old.rowid); {seen_new}"
    )


def _changed() -> str:
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in ("rowid", *COLUMNS))


_NOTE_TRIGGERS = (
    "CREATE TEMP TRIGGER bulk_note_insert AFTER INSERT ON main.questions BEGIN "
    f"INSERT OR IGNORE INTO {_SEEN} VALUES (new.rowid); END",
    f"CREATE TEMP TRIGGER bulk_note_update AFTER UPDATE ON main.questions WHEN {_changed()} "
    f"BEGIN {_old_values('UPDATE')} END",
    "CREATE TEMP TRIGGER bulk_note_delete AFTER DELETE ON main.questions "
    f"BEGIN {_old_values('DELETE')} END",
)


def index_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, SQL) of the triggers on ``questions`` that write a full-text table."""
    rows = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'questions' ORDER BY name"
    )
    return [(str(name), str(sql)) for name, sql in rows if _WRITES_INDEX.search(str(sql))]


@contextmanager
def deferred_index(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside an open transaction: the full-text index is brought up to date once, when the
    block ends without an error (see the module's docstring). On an error nothing is done
    here: the transaction's rollback restores the triggers and the index."""
    if not conn.in_transaction:
        raise RuntimeError("deferred_index needs an open transaction")
    triggers = index_triggers(conn)
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_SEEN} (question_rowid INTEGER PRIMARY KEY)")
    conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_OLD} (question_rowid INTEGER PRIMARY KEY, {_NAMES})"
    )
    conn.execute(f"DELETE FROM temp.{_SEEN}")
    conn.execute(f"DELETE FROM temp.{_OLD}")
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER main."{name}"')
    for statement in _NOTE_TRIGGERS:
        conn.execute(statement)
    yield
    for name in ("bulk_note_insert", "bulk_note_update", "bulk_note_delete"):
        conn.execute(f"DROP TRIGGER temp.{name}")
    _bring_index_up_to_date(conn)
    for _, sql in triggers:
        conn.execute(sql)


def _bring_index_up_to_date(conn: sqlite3.Connection) -> None:
    """Remove the old values noted, index the current values of every row noted, with
    segment merging held back (see ``fts_merge``)."""
    with merging_held_back(conn, FULL_TEXT_TABLES):
        _write_index(conn)
    conn.execute(f"DELETE FROM temp.{_OLD}")
    conn.execute(f"DELETE FROM temp.{_SEEN}")


def _write_index(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_NAMES}) "
        f"SELECT 'delete', question_rowid, {_NAMES} FROM {_OLD} ORDER BY question_rowid"
    )
    conn.execute(
        f"INSERT INTO {CJK_TABLE}({CJK_TABLE}, rowid, {_NAMES}) "
        f"SELECT 'delete', o.question_rowid, {_cjk_values('o')} FROM {_OLD} o "
        f"WHERE {_any_cjk('o')} ORDER BY o.question_rowid"
    )
    # CROSS JOIN keeps the noted rows outside: with a plain JOIN the planner scans every
    # row of ``questions`` (its whole text, 2 GB in a 230k corpus) and probes the temp table.
    current = f"FROM {_SEEN} s CROSS JOIN main.questions q ON q.rowid = s.question_rowid"
    q_names = ", ".join(f"q.{column}" for column in COLUMNS)
    conn.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, {_NAMES}) SELECT q.rowid, {q_names} {current} "
        "ORDER BY s.question_rowid"
    )
    conn.execute(
        f"INSERT INTO {CJK_TABLE}(rowid, {_NAMES}) SELECT q.rowid, {_cjk_values('q')} {current} "
        f"WHERE {_any_cjk('q')} ORDER BY s.question_rowid"
    )


IMPORT_WAL_PAGES = 32_768
"""``PRAGMA wal_autocheckpoint`` during an import: the WAL is copied into the database every
128 MiB instead of every 4 MiB, so a page that several batches change (the upper levels of
every index, the full-text segments) is copied once for them all; measured on 5,000 pages,
13% fewer bytes written."""


@contextmanager
def import_cache(
    conn: sqlite3.Connection, kib: int = IMPORT_CACHE_KIB, wal_pages: int = IMPORT_WAL_PAGES
) -> Iterator[None]:
    """For the length of an import (entered before any temporary table is made: setting
    ``temp_store`` drops them): a large page cache, temporary tables (the import
    session's, the bulk path's) in memory, the WAL checkpointed less often; the connection's
    own settings after."""
    settings = {
        "cache_size": -kib,
        "temp_store": 2,  # MEMORY
        "wal_autocheckpoint": wal_pages,
    }
    before = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in settings}
    for name, value in settings.items():
        conn.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")
