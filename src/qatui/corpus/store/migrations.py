"""Bringing a corpus database to the current schema, with a backup of an older one first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.store.database import connect_uri, damaged_message, is_damage
from qatui.corpus.store.schema import MIGRATIONS, SCHEMA_VERSION

NEWER_SCHEMAS = 1_000
"""A schema number more than this far ahead was made by no qatui: a damaged header (a flipped
bit in ``user_version`` turns 3 into 1,090,486,524), not a newer release."""


def existing_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a qatui database (0 for an empty file); refuses any other."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and (version == 0 or "questions" not in tables):
        raise StoreError(
            f"{path} is an SQLite database, but not a qatui one. It is left untouched: "
            "choose another with --db or QATUI_DB."
        )
    if version < 0 or version > SCHEMA_VERSION + NEWER_SCHEMAS:
        raise StoreError(
            damaged_message(path, f"its schema number, {version}, is one no qatui has written")
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was made by a newer qatui (schema {version}, this one knows "
            f"{SCHEMA_VERSION}). It is left untouched: upgrade qatui to read it."
        )
    return version


def _backup_name(path: Path, version: int) -> Path:
    candidate = path.with_name(f"{path.name}.v{version}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.v{version}.{number}.bak")
    return candidate


def _back_up(path: Path, version: int) -> Path:
    """Copy the database through SQLite, on a connection of its own: while the migrating
    connection holds the write lock, this copy is the very database it is about to change."""
    backup = _backup_name(path, version)
    try:
        source = connect_uri(f"{path.resolve().as_uri()}?mode=ro")
        target = sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except (sqlite3.Error, OSError) as error:
        backup.unlink(missing_ok=True)
        raise StoreError(
            f"{path} needs upgrading from schema {version} to {SCHEMA_VERSION}, but the backup "
            f"copy {backup} could not be written ({error}). Nothing was changed: free some "
            "space (or make the folder writable) and try again."
        ) from None
    return backup


def migrate(conn: sqlite3.Connection, path: Path) -> tuple[int | None, Path | None]:
    """Bring the schema to :data:`SCHEMA_VERSION`; back up an older database first."""
    version = existing_version(conn, path)
    if version == SCHEMA_VERSION:
        return None, None
    backup: Path | None = None
    conn.execute("BEGIN IMMEDIATE")  # no other writer until the migration commits
    try:
        if version > 0 and str(path) != ":memory:":
            backup = _back_up(path, version)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if backup is not None:
            backup.unlink(missing_ok=True)  # the database is unchanged: the copy is not needed
        if isinstance(error, sqlite3.Error) and version > 0 and not is_damage(error):
            raise StoreError(
                f"{path} could not be upgraded from schema {version} to {SCHEMA_VERSION} "
                f"({error}). It is unchanged."
            ) from None
        raise
    return (version if version > 0 else None), backup
