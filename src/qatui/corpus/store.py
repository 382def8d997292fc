"""The SQLite store: opening, migrating, and writing records (upsert, link resolution)."""

from __future__ import annotations

import enum
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qatui.corpus.errors import StoreError
from qatui.corpus.identity import content_hash, derived_id, normalise
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.sanitize import clean_record
from qatui.corpus.schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class Outcome(enum.Enum):
    """What importing one record did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class DatabaseInfo:
    """How a database was opened."""

    path: Path
    read_only: bool
    migrated_from: int | None = None
    backup: Path | None = None


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 gives a cryptic error later."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a qatui database (not an SQLite file). "
            "Move it away, or choose another with --db or QATUI_DB."
        )


def connect(path: Path | str, *, read_only: bool = False, wal: bool = True) -> sqlite3.Connection:
    """Open a connection with the project's pragmas (WAL, busy timeout, foreign keys).

    ``wal=False`` leaves the journal mode alone (it is written into the file), so a database
    can be checked before anything in it changes.
    """
    path = Path(path)
    if str(path) != ":memory:" and path.exists():
        _check_header(path)
    try:
        if read_only:
            conn = _open_read_only(path)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if wal and not read_only:
            _use_wal(conn, path)
    except sqlite3.DatabaseError as error:
        raise StoreError(describe_database_error(path, error)) from None
    return conn


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


def _connect_uri(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open for reading; a WAL database in a folder we cannot write is opened as immutable."""
    uri = path.resolve().as_uri()
    conn = _connect_uri(f"{uri}?mode=ro")
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError as error:
        # Reading a WAL database needs its -shm file, which cannot be made in a read-only folder.
        if not getattr(error, "sqlite_errorname", "").startswith(
            ("SQLITE_READONLY", "SQLITE_CANTOPEN")
        ):
            raise
        conn.close()
        conn = _connect_uri(f"{uri}?mode=ro&immutable=1")
    return conn


def _damaged_message(path: Path, error: object) -> str:
    return (
        f"{path} is damaged or not a qatui database ({error}). Move it away (keep it if it "
        "holds pages you cannot import again: `sqlite3 FILE .recover` may save part of it) and "
        "re-import your pages, or choose another database with --db or QATUI_DB."
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


def _is_damage(error: BaseException) -> bool:
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


def describe_database_error(path: Path, error: sqlite3.Error) -> str:
    """What went wrong with the database at ``path``, and what the user can do, in words."""
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"{path} is busy: another program (an import?) kept it locked for over "
            f"{BUSY_TIMEOUT_MS // 1000} s. Nothing was changed; try again when it has finished."
        )
    if name.startswith("SQLITE_FULL"):
        return f"{path}: the disk is full. Nothing was changed; free some space and try again."
    if name.startswith("SQLITE_READONLY"):
        return f"{path} is read-only ({error}): writing is disabled. Copy it somewhere writable."
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")):
        return f"{path} cannot be opened ({error}): check that it and its folder can be read."
    if name.startswith("SQLITE_IOERR"):
        return f"{path} could not be read or written ({error}): check the disk, then try again."
    return _damaged_message(path, error)


def _writable(path: Path) -> bool:
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
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` (it reads the whole file): StoreError naming the damage if any."""
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as error:
        raise StoreError(describe_database_error(path, error)) from None
    if problems != ["ok"]:
        raise StoreError(_damaged_message(path, "; ".join(problems)))


def existing_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a qatui database (0 for an empty file); refuses any other."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and (version == 0 or "questions" not in tables):
        raise StoreError(
            f"{path} is an SQLite database, but not a qatui one. It is left untouched: "
            "choose another with --db or QATUI_DB."
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
        source = _connect_uri(f"{path.resolve().as_uri()}?mode=ro")
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
        if isinstance(error, sqlite3.Error) and version > 0 and not _is_damage(error):
            raise StoreError(
                f"{path} could not be upgraded from schema {version} to {SCHEMA_VERSION} "
                f"({error}). It is unchanged."
            ) from None
        raise
    return (version if version > 0 else None), backup


class Store:
    """A corpus database: the one place that writes records."""

    def __init__(self, conn: sqlite3.Connection, info: DatabaseInfo) -> None:
        self.conn = conn
        self.info = info
        self._specialty_ids: dict[str, int] = {}

    @property
    def db(self) -> Any:
        """The connection as a ``sqlite_utils.Database``, imported on first use (not at start-up:
        importing sqlite_utils costs about 75 ms of the reader's start)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool | None = None) -> Store:
        """Open (creating or migrating as needed) the database at ``path``."""
        path = Path(path)
        if read_only is None:
            read_only = not _writable(path)
        if read_only and not path.exists():
            raise StoreError(f"{path} does not exist and cannot be created (read-only location)")
        if not read_only and str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, read_only=read_only, wal=False)
        try:
            version = existing_version(conn, path)
            if read_only:
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} has schema {version}, this qatui needs {SCHEMA_VERSION}, and the "
                        "file is read-only so it cannot be migrated."
                    )
                return cls(conn, DatabaseInfo(path, True))
            migrated_from, backup = migrate(conn, path)
            _use_wal(conn, path)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(describe_database_error(path, error)) from None
        except StoreError:
            conn.close()
            raise
        return cls(conn, DatabaseInfo(path, False, migrated_from, backup))

    def close(self) -> None:
        self.conn.close()

    def check_integrity(self) -> None:
        """Read the whole file with ``PRAGMA quick_check``; StoreError if it is damaged."""
        check_integrity(self.conn, self.info.path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._specialty_ids.clear()  # ids made in this transaction are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: a failure undoes only this part."""
        self.conn.execute("SAVEPOINT record")
        try:
            yield
        except BaseException:
            self._specialty_ids.clear()  # ids made in this savepoint are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO record")
                self.conn.execute("RELEASE record")
            raise
        self.conn.execute("RELEASE record")

    # -- writing -----------------------------------------------------------------------------

    def specialty_id(self, name: str) -> int:
        """The id of a specialty, created on first use."""
        key = normalise(name)
        cached = self._specialty_ids.get(key)
        if cached is not None:
            return cached
        for row_id, row_name in self.conn.execute("SELECT id, name FROM specialties"):
            self._specialty_ids[normalise(row_name)] = row_id
        if key not in self._specialty_ids:
            cursor = self.conn.execute("INSERT INTO specialties(name) VALUES (?)", (name.strip(),))
            self._specialty_ids[key] = int(cursor.lastrowid or 0)
        return self._specialty_ids[key]

    def find_by_title(self, specialty_id: int, title: str) -> tuple[int, bool] | None:
        """The question with this title in this specialty (full pages first): (id, is_partial)."""
        row = self.conn.execute(
            "SELECT id, is_partial FROM questions WHERE specialty_id = ? AND title = ? "
            "ORDER BY is_partial, id LIMIT 1",
            (specialty_id, title),
        ).fetchone()
        return (int(row[0]), bool(row[1])) if row else None

    def upsert(self, record: Record) -> Outcome:
        """Write one record: new, updated in place, or unchanged when nothing differs.

        Its text is cleaned of control characters here, whatever made the record.
        """
        record = clean_record(record)
        specialty_id = self.specialty_id(record.specialty)
        record_id = record.id or derived_id(record.specialty, record.title, record.asked_on)
        digest = content_hash(record.to_json())
        row = self.conn.execute(
            "SELECT content_hash, is_partial FROM questions WHERE id = ?", (record_id,)
        ).fetchone()
        outcome = Outcome.UPDATED
        if row is None:
            outcome = Outcome.NEW
            partial = self._partial_of(record, specialty_id)
            if partial is not None:
                # The page was known only from a Similar Q&A link: fill it in place, under its
                # own id (links follow through ON UPDATE CASCADE).
                self.conn.execute(
                    "UPDATE questions SET id = ? WHERE id = ?", (record_id, partial[0])
                )
                row = ("", 1)
        elif row[0] == digest and not row[1]:
            return Outcome.UNCHANGED
        elif row[1]:
            outcome = Outcome.NEW
        self._write_question(record, record_id, specialty_id, digest, exists=row is not None)
        self._absorb_partials(record, record_id, specialty_id)
        return outcome

    def _partial_of(self, record: Record, specialty_id: int) -> tuple[int] | None:
        """The partial question standing for this page: same specialty and title, the title
        compared exactly or as its normalised form (through the partial's derived id)."""
        row = self.conn.execute(
            "SELECT id FROM questions WHERE is_partial = 1 AND "
            "(id = ? OR (specialty_id = ? AND title = ?)) LIMIT 1",
            (derived_id(record.specialty, record.title, None), specialty_id, record.title),
        ).fetchone()
        return (int(row[0]),) if row else None

    def _absorb_partials(self, record: Record, record_id: int, specialty_id: int) -> None:
        """Links to a partial of this page now lead to the page (e.g. after its title changed
        to the partial's, or it moved specialty); the partial goes."""
        while (partial := self._partial_of(record, specialty_id)) is not None:
            self.conn.execute(
                "UPDATE similar_links SET target_id = ? WHERE target_id = ?",
                (record_id, partial[0]),
            )
            self.conn.execute("DELETE FROM questions WHERE id = ?", partial)

    def _write_question(
        self, record: Record, record_id: int, specialty_id: int, digest: str, *, exists: bool
    ) -> None:
        asker = record.asker
        values = {
            "specialty_id": specialty_id,
            "title": record.title,
            "subject": record.subject,
            "question": record.question,
            "asker_name": asker.name if asker else None,
            "asker_age": asker.age if asker else None,
            "asker_gender": asker.gender if asker else None,
            "asked_on": record.asked_on,
            "reply_text": "\n\n".join(reply.body for reply in record.replies),
            "doctor": record.reply.doctor if record.reply else None,
            "more_info": record.more_info,
            "source_url": record.source_url,
            "is_partial": 0,
            "content_hash": digest,
        }
        old_targets = self._partial_targets(record_id) if exists else set()
        if exists:
            assignments = ", ".join(f"{column} = :{column}" for column in values)
            self.conn.execute(
                f"UPDATE questions SET {assignments} WHERE id = :id", {**values, "id": record_id}
            )
            for table in ("replies", "similar_links", "faq_links"):
                self.conn.execute(f"DELETE FROM {table} WHERE question_id = ?", (record_id,))
        else:
            columns = ", ".join(values)
            params = ", ".join(f":{column}" for column in values)
            self.conn.execute(
                f"INSERT INTO questions (id, {columns}) VALUES (:id, {params})",
                {**values, "id": record_id},
            )
        self._write_replies(record_id, record.replies)
        self.conn.executemany(
            "INSERT INTO faq_links (question_id, position, topic, specialty) VALUES (?, ?, ?, ?)",
            [
                (record_id, n, link.topic, link.specialty)
                for n, link in enumerate(record.related_faq)
            ],
        )
        for position, link in enumerate(record.similar):
            target = self._link_target(link, record.specialty)
            self.conn.execute(
                "INSERT INTO similar_links (question_id, position, target_id, title, "
                "question_excerpt, doctor, specialty, reply_excerpt, read_more) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record_id,
                    position,
                    target,
                    link.title,
                    link.question_excerpt,
                    link.doctor,
                    link.specialty,
                    link.reply_excerpt,
                    link.read_more,
                ),
            )
        self._drop_orphan_partials(old_targets)

    def _write_replies(self, question_id: int, replies: tuple[Reply, ...]) -> None:
        self.conn.executemany(
            "INSERT INTO replies (question_id, position, doctor, specialty, body, replied_on) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (question_id, n, r.doctor, r.specialty, r.body, r.replied_on)
                for n, r in enumerate(replies)
            ],
        )

    def _link_target(self, link: SimilarLink, page_specialty: str) -> int:
        """The question a Similar Q&A entry points at, made as a partial question if unknown."""
        specialty = link.specialty or page_specialty
        specialty_id = self.specialty_id(specialty)
        found = self.find_by_title(specialty_id, link.title)
        if found is not None:
            return found[0]
        partial_id = derived_id(specialty, link.title, None)
        if self.conn.execute("SELECT 1 FROM questions WHERE id = ?", (partial_id,)).fetchone():
            return partial_id  # the same title written with other case or spacing
        self.conn.execute(
            "INSERT INTO questions (id, specialty_id, title, question, reply_text, doctor, "
            "is_partial) VALUES (?, ?, ?, ?, ?, ?, 1)",
            (
                partial_id,
                specialty_id,
                link.title,
                link.question_excerpt or "",
                link.reply_excerpt or "",
                link.doctor,
            ),
        )
        self._write_replies(
            partial_id, (Reply(link.doctor, link.specialty, link.reply_excerpt or ""),)
        )
        return partial_id

    def _partial_targets(self, question_id: int) -> set[int]:
        rows = self.conn.execute(
            "SELECT s.target_id FROM similar_links s JOIN questions q ON q.id = s.target_id "
            "WHERE s.question_id = ? AND q.is_partial = 1",
            (question_id,),
        )
        return {int(row[0]) for row in rows}

    def _drop_orphan_partials(self, candidates: set[int]) -> None:
        for target in candidates:
            self.conn.execute(
                "DELETE FROM questions WHERE id = ? AND is_partial = 1 AND NOT EXISTS "
                "(SELECT 1 FROM similar_links WHERE target_id = ?)",
                (target, target),
            )
