"""Bringing a database to its current schema, with a backup of an older one first.

The corpus and the user state share this: each is a :class:`Schema` (its migrations and how
to check that a file is one of its kind).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.store.database import connect_uri, is_damage
from qatui.corpus.store.lean_migration import (
    MIGRATION_NOTICE,
    MIGRATION_PROGRESS,
    MigrationProgress,
)
from qatui.corpus.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration
from qatui.corpus.store.schema_version import schema_version_of

REBUILDING_VERSION = 6
"""The corpus schema whose migration rebuilds every table (it writes a second copy of them)."""


@dataclass(frozen=True)
class Schema:
    """A kind of database: its migrations by ``PRAGMA user_version`` up to ``version``, and
    ``version_of``, which reads a file's version and raises (saying why) when the file is not
    of this kind or is newer than ``version``."""

    migrations: Mapping[int, Migration]
    version_of: Callable[[sqlite3.Connection, Path], int]
    version: int
    rebuilds_at: int | None = None
    """The version whose migration rebuilds every table (more free space), if any."""


def existing_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a qatui database (0 for an empty file); refuses any other."""
    return schema_version_of(conn, path, SCHEMA_VERSION)


def corpus_schema() -> Schema:
    """The corpus database's schema (read when asked: tests build older databases by
    lowering :data:`SCHEMA_VERSION`)."""
    return Schema(MIGRATIONS, existing_version, SCHEMA_VERSION, REBUILDING_VERSION)


def _backup_name(path: Path, version: int) -> Path:
    """``NAME.vN.bak``, or ``NAME.vN.2.bak`` and on when that exists: no backup is replaced."""
    candidate = path.with_name(f"{path.name}.v{version}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.v{version}.{number}.bak")
    return candidate


def _back_up(path: Path, version: int, target_version: int) -> Path:
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
            f"{path} needs upgrading from schema {version} to {target_version}, but the backup "
            f"copy {backup} could not be written ({error}). Nothing was changed: free some "
            "space (or make the folder writable) and try again."
        ) from None
    return backup


def space_needed(
    conn: sqlite3.Connection, version: int, target_version: int, rebuilds_at: int | None
) -> int:
    """Bytes of free space a migration from ``version`` needs: the backup (the whole file)
    and, for one that rebuilds the tables, twice the pages in use (the new tables go to the
    write-ahead log, then into the file beside the old pages, which become free pages)."""
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    needed = pages * page_size
    if rebuilds_at is not None and version < rebuilds_at <= target_version:
        needed += 2 * (pages - free) * page_size
    return needed


def _gib(size: int) -> str:
    return f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / 2**20:.1f} MiB"


MigrationNotice = Callable[[str], None]
"""Hears, before a migration of an existing file starts, what it will do and the space it needs."""


def _check_space(
    conn: sqlite3.Connection, path: Path, version: int, schema: Schema
) -> tuple[int, int]:
    """Refuse, saying what it needs and what is free, a migration the disk cannot hold; else
    the bytes it needs and the bytes free."""
    target = schema.version
    needed = space_needed(conn, version, target, schema.rebuilds_at)
    free = shutil.disk_usage(path.resolve().parent).free
    if needed > free:
        raise StoreError(
            f"{path} needs upgrading from schema {version} to {target}, which needs about "
            f"{_gib(needed)} of free space (a backup copy and the rebuilt tables) but "
            f"{_gib(free)} is free there. Nothing was changed: free some space and try again."
        )
    return needed, free


def _rebuilds(schema: Schema, version: int) -> bool:
    """Whether migrating from ``version`` rebuilds the tables (and so compacts the file)."""
    return schema.rebuilds_at is not None and version < schema.rebuilds_at <= schema.version


def _compact(conn: sqlite3.Connection, path: Path) -> None:
    """After a rebuild, give the old tables' pages back (VACUUM) when the disk has room for
    the copy it writes; otherwise, or when another connection holds the file, they stay free
    pages that later imports reuse."""
    if str(path) == ":memory:":
        return
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    used = int(conn.execute("PRAGMA page_count").fetchone()[0]) - int(
        conn.execute("PRAGMA freelist_count").fetchone()[0]
    )
    if 2 * used * page_size < shutil.disk_usage(path.resolve().parent).free:
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("VACUUM")


def migrate(
    conn: sqlite3.Connection,
    path: Path,
    schema: Schema | None = None,
    progress: MigrationProgress | None = None,
    notice: MigrationNotice | None = None,
) -> tuple[int | None, Path | None]:
    """Bring the database to ``schema.version`` (default: the corpus's); back up an older
    one first, once the free space has been checked. ``progress`` hears (questions copied,
    questions in all) from a migration that rebuilds the tables; ``notice``, before it starts,
    what it will do and the free space it needs.

    Returns the version it was migrated from (None for a new or current file) and the backup.
    Safe when several processes open a new or old file at once: the version is read again
    under the write lock, so only the first one migrates.
    """
    schema = schema or corpus_schema()
    if schema.version_of(conn, path) == schema.version:
        return None, None
    backup: Path | None = None
    conn.execute("BEGIN IMMEDIATE")  # no other writer until the migration commits
    version = 0
    try:
        version = schema.version_of(conn, path)
        if version == schema.version:  # another process migrated it while we waited
            conn.execute("COMMIT")
            return None, None
        if version > 0 and str(path) != ":memory:":
            needed, free = _check_space(conn, path, version, schema)
            if notice is not None:
                notice(
                    f"upgrading {path} from schema {version} to {schema.version}: it needs "
                    f"about {_gib(needed)} of free space (a backup copy of the file"
                    + (" and the rebuilt tables" if _rebuilds(schema, version) else "")
                    + f"), {_gib(free)} is free"
                )
            backup = _back_up(path, version, schema.version)
        token = MIGRATION_PROGRESS.set(progress)
        notice_token = MIGRATION_NOTICE.set(notice if version > 0 else None)  # not a new file
        try:
            for target in range(version + 1, schema.version + 1):
                schema.migrations[target](conn)
        finally:
            MIGRATION_NOTICE.reset(notice_token)
            MIGRATION_PROGRESS.reset(token)
        conn.execute(f"PRAGMA user_version = {schema.version}")
        conn.execute("COMMIT")
        if _rebuilds(schema, version):
            _compact(conn, path)
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if backup is not None:
            backup.unlink(missing_ok=True)  # the database is unchanged: the copy is not needed
        if isinstance(error, sqlite3.Error) and version > 0 and not is_damage(error):
            raise StoreError(
                f"{path} could not be upgraded from schema {version} to {schema.version} "
                f"({error}). It is unchanged."
            ) from None
        raise
    return (version if version > 0 else None), backup
