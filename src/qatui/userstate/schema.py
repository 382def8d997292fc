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


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, Migration] = {1: _create_v1}
"""``MIGRATIONS[n]`` takes a state database at version n-1 to version n, inside a transaction.
A migration must keep every mark, bookmark and history entry."""

SCHEMA_VERSION = max(MIGRATIONS)
