"""Which corpus schema a database file holds (``PRAGMA user_version``), checked in words.

Apart from :mod:`migrations` so that opening a database that needs no migration does not load
the migrations (every schema step, and what they import).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.store.database import damaged_message

NEWER_SCHEMAS = 1_000
"""A schema number more than this far ahead was made by no qatui: a damaged header (a flipped
bit in ``user_version`` turns 3 into 1,090,486,524), not a newer release."""


def schema_version_of(conn: sqlite3.Connection, path: Path, known: int) -> int:
    """The schema version of a qatui database (0 for an empty file); refuses any other, and
    one newer than ``known`` (the newest this qatui knows)."""
    # One statement, so one moment: another process may be creating the schema meanwhile.
    row = conn.execute(
        "SELECT (SELECT user_version FROM pragma_user_version), "
        "(SELECT json_group_array(name) FROM sqlite_master WHERE type = 'table')"
    ).fetchone()
    version, tables = int(row[0]), set(json.loads(row[1]))
    if tables and (version == 0 or "questions" not in tables):
        raise StoreError(
            f"{path} is an SQLite database, but not a qatui one. It is left untouched: "
            "choose another with --db or QATUI_DB."
        )
    if version < 0 or version > known + NEWER_SCHEMAS:
        raise StoreError(
            damaged_message(path, f"its schema number, {version}, is one no qatui has written")
        )
    if version > known:
        raise StoreError(
            f"{path} was made by a newer qatui (schema {version}, this one knows "
            f"{known}). It is left untouched: upgrade qatui to read it."
        )
    return version
