"""Opening a corpus database file: pragmas, read-only and damaged files, errors in words."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.files import NotARegularFile, open_regular

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
WAL_HEADER_BYTES = 32
"""A ``-wal`` file no longer than its header holds no change."""


@dataclass(frozen=True)
class DatabaseKind:
    """What a database file is, for messages: its name, how to save a damaged one, and how
    to choose another."""

    name: str
    salvage: str
    choose_another: str


CORPUS_DATABASE = DatabaseKind(
    "qatui database",
    "keep it if it holds pages you cannot import again: `sqlite3 FILE .recover` may save "
    "part of it) and re-import your pages",
    "--db or QATUI_DB",
)


@dataclass(frozen=True)
class DatabaseInfo:
    """How a database was opened."""

    path: Path
    read_only: bool
    migrated_from: int | None = None
    backup: Path | None = None


def _check_header(path: Path, kind: DatabaseKind) -> None:
    """Refuse a file that is not SQLite before sqlite3 gives a cryptic error later, and what is
    not a file at all (a FIFO would block the open for ever)."""
    try:
        with open_regular(path) as handle:
            header = handle.read(len(SQLITE_HEADER))
    except NotARegularFile as error:
        raise StoreError(
            f"{path} is {error.strerror}: a database is a file. "
            f"Choose another with {kind.choose_another}."
        ) from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a {kind.name} (not an SQLite file). "
            f"Move it away, or choose another with {kind.choose_another}."
        )


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    wal: bool = True,
    kind: DatabaseKind = CORPUS_DATABASE,
) -> sqlite3.Connection:
    """Open a connection with the project's pragmas (WAL, busy timeout, foreign keys).

    ``wal=False`` leaves the journal mode alone (it is written into the file), so a database
    can be checked before anything in it changes. Errors name ``kind`` of database.
    """
    path = Path(path)
    if str(path) != ":memory:" and path.exists():
        _check_header(path, kind)
    try:
        if read_only:
            conn = _open_read_only(path)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if wal and not read_only:
            use_wal(conn, path)
    except sqlite3.DatabaseError as error:
        raise StoreError(describe_database_error(path, error, kind)) from None
    return conn


def use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """WAL with ``synchronous = NORMAL``. Switching takes the file for a moment; another
    process's transaction may hold it, and SQLite then answers "locked" at once, without
    waiting (it would deadlock), so the switch is tried again for up to the busy timeout."""
    if str(path) == ":memory:":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            name = getattr(error, "sqlite_errorname", "") or ""
            if not name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    conn.execute("PRAGMA synchronous = NORMAL")


def connect_uri(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open for reading; a WAL database in a folder we cannot write is opened as immutable.

    Immutable means SQLite reads the main file only: changes committed to a ``-wal`` file
    beside it are not seen (:func:`unread_changes` says so in words).
    """
    uri = path.resolve().as_uri()
    conn = connect_uri(f"{uri}?mode=ro")
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError as error:
        # Reading a WAL database needs its -shm file, which cannot be made in a read-only folder.
        if not getattr(error, "sqlite_errorname", "").startswith(
            ("SQLITE_READONLY", "SQLITE_CANTOPEN")
        ):
            raise
        conn.close()
        conn = connect_uri(f"{uri}?mode=ro&immutable=1")
    return conn


def unread_changes(path: Path) -> str | None:
    """Why a read-only open of ``path`` misses committed changes, or None when it does not.

    SQLite can read a ``-wal`` file only through a ``-shm`` file beside it; in a folder this
    process cannot write, a missing ``-shm`` cannot be made, the database is then read as
    immutable, and what the ``-wal`` holds is left out.
    """
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    try:
        has_frames = wal.stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return None
    if not has_frames or shm.exists() or _can_make_files_in(path.parent):
        return None
    return (
        f"{path}: changes committed to {wal.name} are not shown: reading them needs "
        f"{shm.name}, which cannot be made in this read-only folder. Open the database once "
        "where its folder is writable (qatui then merges them in), or copy both files to a "
        "writable folder and open the copy."
    )


def damaged_message(path: Path, error: object, kind: DatabaseKind = CORPUS_DATABASE) -> str:
    """The words for a damaged database: what is wrong (``error``) and what to do."""
    return (
        f"{path} is damaged or not a {kind.name} ({error}). Move it away ({kind.salvage}), "
        f"or choose another with {kind.choose_another}."
    )


_PROBLEM_CODES = (
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_PERM",
    "SQLITE_NOLFS",
)


def is_damage(error: BaseException) -> bool:
    name = getattr(error, "sqlite_errorname", None) or ""
    return type(error) is sqlite3.DatabaseError or name.startswith(
        ("SQLITE_CORRUPT", "SQLITE_NOTADB")
    )


def is_database_problem(error: BaseException) -> bool:
    """True for an SQLite error about the file (damage, disk, locks, permissions), not a bug."""
    name = getattr(error, "sqlite_errorname", None) or ""
    return isinstance(error, sqlite3.DatabaseError) and (
        name.startswith(_PROBLEM_CODES) or type(error) is sqlite3.DatabaseError
    )


def describe_database_error(
    path: Path, error: sqlite3.Error, kind: DatabaseKind = CORPUS_DATABASE
) -> str:
    """What went wrong with the database at ``path``, and what the user can do, in words."""
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"{path} is busy: another program (an import?) kept it locked for over "
            f"{BUSY_TIMEOUT_MS // 1000} s. Try again when it has finished."
        )
    if name.startswith("SQLITE_FULL"):
        return f"{path}: the disk is full. Free some space and try again."
    if name.startswith("SQLITE_READONLY"):
        return f"{path} is read-only ({error}): writing is disabled. Copy it somewhere writable."
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")):
        return f"{path} cannot be opened ({error}): check that it and its folder can be read."
    if name.startswith("SQLITE_IOERR"):
        return f"{path} could not be read or written ({error}): check the disk, then try again."
    return damaged_message(path, error, kind)


def writable(path: Path) -> bool:
    """Whether this process can write the database and make its journal files beside it.

    Tried rather than asked: ``os.access`` answers yes to root for files root cannot write
    (read-only mounts, immutable files), and no for some that it can.
    """
    if str(path) == ":memory:":
        return True
    folder = path.parent
    if path.exists():
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError:
            return False
    else:
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # Store.open makes the missing folders
    return _can_make_files_in(folder)


O_TMPFILE: int | None = getattr(os, "O_TMPFILE", None)
"""The flag that makes an unnamed file (Linux), None where the system has none."""
_NO_UNNAMED_FILES = (errno.EISDIR, errno.EOPNOTSUPP, errno.EINVAL)
"""What ``open(O_TMPFILE)`` answers where the kernel or the file system has no unnamed files."""


def _can_make_files_in(folder: Path) -> bool:
    """Tried with an unnamed file (``O_TMPFILE``, as :func:`tempfile.TemporaryFile` makes on
    Linux, without importing tempfile on every open), else a named temporary file."""
    if O_TMPFILE is not None:
        try:
            os.close(os.open(folder, O_TMPFILE | os.O_WRONLY, 0o600))
            return True
        except OSError as error:
            if error.errno not in _NO_UNNAMED_FILES:
                return False
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


@contextmanager
def closed_on_failure(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Close ``conn`` if what follows fails while opening it: a StoreError goes on as it is,
    SQLite's own error as a StoreError saying in words what is wrong with ``path``."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(describe_database_error(path, error)) from None
    except StoreError:
        conn.close()
        raise


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` (it reads the whole file): StoreError naming the damage if any."""
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as error:
        raise StoreError(describe_database_error(path, error)) from None
    if problems != ["ok"]:
        raise StoreError(damaged_message(path, "; ".join(problems)))
