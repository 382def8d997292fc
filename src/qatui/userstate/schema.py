"""The user-state database schema and its migrations, keyed by ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x71617473
"""``PRAGMA application_id`` of a state database ("qats"): a corpus is never taken for one."""

SCHEMA_V1 = (
    """CREATE TABLE read_marks (
        question_id INTEGER PRIMARY KEY,
        read_at TEXT NOT NULL
    )""",
    """CREATE TABLE bookmarks (
        question_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        specialty TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX bookmarks_by_time ON bookmarks(created_at)",
    """CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        question_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        specialty TEXT,
        opened_at TEXT NOT NULL
    )""",
    "CREATE INDEX history_by_time ON history(opened_at, id)",
    "CREATE INDEX history_by_question ON history(question_id)",
)


def _create_v1(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


NO_CORPUS = 0
"""The ``corpus`` of rows made before state belonged to a corpus (schema 1), and of a state
not bound to any (see ``UserState.use_corpus``)."""

SCHEMA_V2 = (
    """CREATE TABLE corpora (
        id INTEGER PRIMARY KEY,
        corpus_id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        first_opened TEXT NOT NULL,
        last_opened TEXT NOT NULL
    )""",
    "CREATE INDEX corpora_by_path ON corpora(path)",
    """CREATE TABLE read_marks_v2 (
        corpus INTEGER NOT NULL,
        question_id INTEGER NOT NULL,
        read_at TEXT NOT NULL,
        PRIMARY KEY (corpus, question_id)
    ) WITHOUT ROWID""",
    f"INSERT INTO read_marks_v2 SELECT {NO_CORPUS}, question_id, read_at FROM read_marks",
    "DROP TABLE read_marks",
    "ALTER TABLE read_marks_v2 RENAME TO read_marks",
    """CREATE TABLE bookmarks_v2 (
        corpus INTEGER NOT NULL,
        question_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        specialty TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (corpus, question_id)
    )""",
    f"INSERT INTO bookmarks_v2 SELECT {NO_CORPUS}, question_id, title, specialty, note, "
    "created_at, updated_at FROM bookmarks",
    "DROP TABLE bookmarks",
    "ALTER TABLE bookmarks_v2 RENAME TO bookmarks",
    "CREATE INDEX bookmarks_by_time ON bookmarks(corpus, created_at)",
    f"ALTER TABLE history ADD COLUMN corpus INTEGER NOT NULL DEFAULT {NO_CORPUS}",
    "DROP INDEX history_by_time",
    "DROP INDEX history_by_question",
    "CREATE INDEX history_by_time ON history(corpus, opened_at, id)",
    "CREATE INDEX history_by_question ON history(corpus, question_id)",
)


def _add_corpora(conn: sqlite3.Connection) -> None:
    """v2: every mark, bookmark and history entry belongs to a corpus (a row of ``corpora``,
    found by the corpus database's own id). Rows already here keep everything and belong to
    :data:`NO_CORPUS`: each corpus takes a copy of those of its questions when first met."""
    for statement in SCHEMA_V2:
        conn.execute(statement)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, Migration] = {1: _create_v1, 2: _add_corpora}
"""``MIGRATIONS[n]`` takes a state database at version n-1 to version n, inside a transaction.
A migration must keep every mark, bookmark and history entry."""

SCHEMA_VERSION = max(MIGRATIONS)
