"""Opening a corpus for a reading command without loading the writer or the migrations.

A database already at the current schema (the usual case) needs neither: it is opened the way
:meth:`Store.open` opens such a file (read-write where this process may write, so that closing
it merges and removes the write-ahead log as before; read-only otherwise). Anything else (a
file to create, an older schema to migrate) is left to :meth:`Store.open`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.store.database import (
    DatabaseInfo,
    closed_on_failure,
    connect,
    use_wal,
    writable,
)
from qatui.corpus.store.health import check_before_opening
from qatui.corpus.store.schema_objects import SCHEMA_VERSION
from qatui.corpus.store.schema_version import schema_version_of


class ReadingCorpus:
    """A corpus database opened for reading: its connection and how it was opened."""

    def __init__(self, conn: sqlite3.Connection, info: DatabaseInfo) -> None:
        self.conn = conn
        self.info = info

    def close(self) -> None:
        self.conn.close()


def open_current(path: Path) -> ReadingCorpus | None:
    """The database at ``path`` opened for reading when it is at the current schema with every
    table and trigger (StoreError, in words, when part of it is missing or it is not qatui's);
    None when it is absent or older: :meth:`Store.open` then creates or migrates it."""
    if not check_before_opening(path):
        return None
    read_only = not writable(path)
    conn = connect(path, read_only=read_only, wal=False)
    with closed_on_failure(conn, path):
        if schema_version_of(conn, path, SCHEMA_VERSION) != SCHEMA_VERSION:
            conn.close()  # replaced by an older file since the check: Store.open migrates it
            return None
        if not read_only:
            use_wal(conn, path)
    return ReadingCorpus(conn, DatabaseInfo(path, read_only))
