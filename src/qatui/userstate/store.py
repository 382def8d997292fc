"""The user's own state: read marks, bookmarks and history, in a database apart from the corpus.

Everything is keyed by the stable question id, so re-importing or replacing the corpus keeps it.
One connection guarded by a lock: any thread (e.g. an app worker) may call any method.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.identity import normalise
from qatui.corpus.ingest.sanitize import clean_line, clean_text
from qatui.corpus.store.database import DatabaseKind, connect
from qatui.corpus.store.migrations import Schema, migrate
from qatui.paths import state_db_path
from qatui.userstate.schema import APPLICATION_ID, MIGRATIONS, NO_CORPUS

STATE_DB_ENV = "QATUI_STATE_DB"
HISTORY_LIMIT = 10_000
"""History keeps this many most recent opens; older ones are dropped."""

Clock = Callable[[], dt.datetime]
HeldIds = Callable[[list[int]], set[int]]
"""Which of these question ids a corpus holds."""


class UserStateError(Exception):
    """The state database cannot be used: the message names the file and what to do."""


def resolve_state_path(path: Path | str | None = None) -> Path:
    """The state database: ``path`` if given, else ``$QATUI_STATE_DB``, else the default."""
    if path:
        return Path(path).expanduser()
    from_env = os.environ.get(STATE_DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return state_db_path()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(when: dt.datetime) -> str:
    """A sortable UTC text time (naive times are taken as local time)."""
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class Bookmark:
    """A bookmarked question, with the title and specialty it had when bookmarked."""

    question_id: int
    title: str
    specialty: str | None
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.question_id,
            "title": self.title,
            "specialty": self.specialty,
            "note": self.note,
            "bookmarked_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One opening of a question (the title and specialty it had then)."""

    question_id: int
    title: str
    specialty: str | None
    opened_at: dt.datetime


STATE_DATABASE = DatabaseKind(
    "qatui state database",
    "`sqlite3 FILE .recover` may save part of your read marks, bookmarks and history",
    STATE_DB_ENV,
)


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise UserStateError(f"{path} is a folder, not a state database; set {STATE_DB_ENV}.")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise UserStateError(
            f"{path} is read-only: read marks, bookmarks and history cannot be saved there."
        )


def _connect(path: Path) -> sqlite3.Connection:
    _check_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserStateError(f"cannot create {path.parent}: {error.strerror}") from None
    try:
        conn = connect(path, kind=STATE_DATABASE)
    except StoreError as error:
        raise UserStateError(str(error)) from None
    conn.create_function("qatui_fold", 1, _fold, deterministic=True)
    return conn


def _fold(text: str | None) -> str:
    return normalise(text)


def _state_version(conn: sqlite3.Connection, path: Path) -> int:
    """The state schema version of ``path`` (0 for a new file); refuses any other database."""
    version, app_id, tables = conn.execute(  # one statement, so one moment
        "SELECT (SELECT user_version FROM pragma_user_version), "
        "(SELECT application_id FROM pragma_application_id), "
        "(SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    if (version and app_id != APPLICATION_ID) or (not version and tables):
        raise UserStateError(
            f"{path} is an SQLite file but not a qatui state database (a corpus?). "
            f"Choose another with {STATE_DB_ENV}."
        )
    if version > max(MIGRATIONS):
        raise UserStateError(
            f"{path} was made by a newer qatui (state schema {version}, this one knows "
            f"{max(MIGRATIONS)}). It is left untouched."
        )
    return int(version)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the state database to the current schema, backing up an older one first (an
    earlier backup is never replaced)."""
    try:
        migrate(conn, path, Schema(MIGRATIONS, _state_version, max(MIGRATIONS)))
    except StoreError as error:
        raise UserStateError(str(error)) from None


def _search_clause(haystack: str, search: str) -> tuple[str, list[str]]:
    """Every word of ``search`` must occur in ``haystack`` (case- and width-insensitive)."""
    words = normalise(search).split()
    if not words:
        return "1", []
    return " AND ".join([f"instr(qatui_fold({haystack}), ?) > 0"] * len(words)), words


_BOOKMARK_TEXT = "b.title || ' ' || coalesce(b.specialty, '') || ' ' || b.note"
_HISTORY_TEXT = "h.title || ' ' || coalesce(h.specialty, '')"


class UserState:
    """Read marks, bookmarks and history. Open with :meth:`open`; close when done."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        clock: Clock | None = None,
        history_limit: int = HISTORY_LIMIT,
        temporary_dir: Path | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock or _utc_now
        self.history_limit = history_limit
        self._lock = threading.Lock()
        self._temporary_dir = temporary_dir
        self._corpus = NO_CORPUS

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        clock: Clock | None = None,
        history_limit: int = HISTORY_LIMIT,
    ) -> UserState:
        """Open (creating or migrating) the state database; raises :class:`UserStateError`."""
        resolved = resolve_state_path(path)
        conn = _connect(resolved)
        try:
            _migrate(conn, resolved)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise UserStateError(
                f"{resolved} cannot be used as a state database ({error}). It may be damaged: "
                f"move it away, or choose another with {STATE_DB_ENV}."
            ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, resolved, clock=clock, history_limit=history_limit)

    @classmethod
    def temporary(cls, *, clock: Clock | None = None) -> UserState:
        """A state kept only for this session (a temporary file removed on close).

        The fallback when :meth:`open` fails: everything works, nothing is remembered.
        """
        folder = Path(tempfile.mkdtemp(prefix="qatui-state-"))
        state = cls.open(folder / "state.db", clock=clock)
        state._temporary_dir = folder
        return state

    def close(self) -> None:
        with self._lock:
            self.conn.close()
        if self._temporary_dir is not None:
            shutil.rmtree(self._temporary_dir, ignore_errors=True)

    def __enter__(self) -> UserState:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self.conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _now(self, when: dt.datetime | None) -> str:
        return _stamp(when or self.clock())

    def _ids_among(self, table: str, ids: Iterable[int]) -> set[int]:
        wanted = [int(i) for i in ids]
        if not wanted:
            return set()
        with self._reading() as conn:
            return {
                int(row[0])
                for row in conn.execute(
                    f"SELECT question_id FROM {table} WHERE corpus = ? "
                    "AND question_id IN (SELECT value FROM json_each(?))",
                    (self._corpus, json.dumps(wanted)),
                )
            }

    def _all_ids(self, table: str) -> set[int]:
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT question_id FROM {table} WHERE corpus = ?", (self._corpus,)
            )
            return {int(row[0]) for row in rows}

    # -- the corpus ---------------------------------------------------------------------------

    def use_corpus(self, corpus_id: str, path: Path, holds: HeldIds) -> None:
        """From now on, read and write the state of the corpus ``corpus_id`` (the corpus
        database's own id), found at ``path``.

        The first time a corpus is met it takes a copy of the state that was made for it
        before it had an id here, for the questions it holds (``holds(ids)`` says which):
        the rows from before state belonged to a corpus, and those of an earlier corpus at the
        same path (the same pages imported again into a new file). The rows copied stay where
        they were. Until this is called, the state is that of no corpus (the earlier rows).
        """
        place = str(Path(path).resolve())
        try:
            with self._writing() as conn:
                stamp = self._now(None)
                known = conn.execute(
                    "SELECT id FROM corpora WHERE corpus_id = ?", (corpus_id,)
                ).fetchone()
                if known is not None:
                    corpus = int(known[0])
                    conn.execute(
                        "UPDATE corpora SET path = ?, last_opened = ? WHERE id = ?",
                        (place, stamp, corpus),
                    )
                else:
                    corpus = self._add_corpus(conn, corpus_id, place, stamp, holds)
        except sqlite3.Error as error:
            raise UserStateError(
                f"{self.path}: the reading state of this corpus could not be opened ({error})."
            ) from None
        self._corpus = corpus

    def _add_corpus(
        self, conn: sqlite3.Connection, corpus_id: str, place: str, stamp: str, holds: HeldIds
    ) -> int:
        """Register a corpus met for the first time, with its copy of earlier rows."""
        earlier = [NO_CORPUS] + [
            int(row[0]) for row in conn.execute("SELECT id FROM corpora WHERE path = ?", (place,))
        ]
        cursor = conn.execute(
            "INSERT INTO corpora (corpus_id, path, first_opened, last_opened) VALUES (?, ?, ?, ?)",
            (corpus_id, place, stamp, stamp),
        )
        corpus = int(cursor.lastrowid or 0)
        self._adopt(conn, corpus, earlier, holds)
        return corpus

    def _adopt(
        self, conn: sqlite3.Connection, corpus: int, earlier: list[int], holds: HeldIds
    ) -> None:
        """Copy the rows of the ``earlier`` corpora whose question the current one holds."""
        sources = json.dumps(earlier)
        candidates = sorted(
            int(row[0])
            for row in conn.execute(
                "SELECT question_id FROM read_marks WHERE corpus IN (SELECT value FROM "
                "json_each(:s)) UNION SELECT question_id FROM bookmarks WHERE corpus IN "
                "(SELECT value FROM json_each(:s)) UNION SELECT question_id FROM history "
                "WHERE corpus IN (SELECT value FROM json_each(:s))",
                {"s": sources},
            )
        )
        if not candidates:
            return
        held = json.dumps(sorted(holds(candidates)))
        chosen = (
            "corpus IN (SELECT value FROM json_each(:sources)) "
            "AND question_id IN (SELECT value FROM json_each(:held))"
        )
        names = {"corpus": corpus, "sources": sources, "held": held}
        conn.execute(
            "INSERT OR IGNORE INTO read_marks (corpus, question_id, read_at) "
            f"SELECT :corpus, question_id, read_at FROM read_marks WHERE {chosen} "
            "ORDER BY read_at DESC",
            names,
        )
        conn.execute(
            "INSERT OR IGNORE INTO bookmarks (corpus, question_id, title, specialty, note, "
            "created_at, updated_at) SELECT :corpus, question_id, title, specialty, note, "
            f"created_at, updated_at FROM bookmarks WHERE {chosen} ORDER BY updated_at DESC",
            names,
        )
        conn.execute(
            "INSERT INTO history (corpus, question_id, title, specialty, opened_at) "
            f"SELECT :corpus, question_id, title, specialty, opened_at FROM history "
            f"WHERE {chosen} ORDER BY opened_at, id",
            names,
        )
        self._trim_history(conn, corpus)

    # -- read marks ---------------------------------------------------------------------------

    def mark_read(self, question_id: int, when: dt.datetime | None = None) -> None:
        """Mark a question read (again: the time is updated)."""
        self.mark_many_read([question_id], when)

    def mark_many_read(self, ids: Iterable[int], when: dt.datetime | None = None) -> None:
        stamp = self._now(when)
        with self._writing() as conn:
            conn.executemany(_MARK_READ, [(self._corpus, int(i), stamp) for i in ids])

    def mark_unread(self, question_id: int) -> bool:
        """Forget that a question was read; False if it was not marked."""
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM read_marks WHERE corpus = ? AND question_id = ?",
                (self._corpus, question_id),
            )
            return cursor.rowcount > 0

    def is_read(self, question_id: int) -> bool:
        return self.read_at(question_id) is not None

    def read_at(self, question_id: int) -> dt.datetime | None:
        """When the question was last marked read, or None."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT read_at FROM read_marks WHERE corpus = ? AND question_id = ?",
                (self._corpus, question_id),
            ).fetchone()
        return _time(row[0]) if row else None

    def read_among(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` marked read (for marking the visible rows of a list)."""
        return self._ids_among("read_marks", ids)

    def read_ids(self) -> set[int]:
        """Every question marked read."""
        return self._all_ids("read_marks")

    def clear_read_marks(self) -> int:
        """Mark everything unread; returns how many marks were removed."""
        with self._writing() as conn:
            return conn.execute("DELETE FROM read_marks WHERE corpus = ?", (self._corpus,)).rowcount

    # -- bookmarks ----------------------------------------------------------------------------

    def add_bookmark(
        self,
        question_id: int,
        title: str,
        specialty: str | None = None,
        note: str | None = None,
        when: dt.datetime | None = None,
    ) -> Bookmark:
        """Bookmark a question, keeping a snapshot of its title and specialty.

        Bookmarking it again refreshes the snapshot; the note changes only when given.
        """
        stamp = self._now(when)
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO bookmarks (corpus, question_id, title, specialty, note, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (corpus, question_id) "
                "DO UPDATE SET title = excluded.title, specialty = excluded.specialty, "
                "note = CASE WHEN ? THEN excluded.note ELSE note END, "
                "updated_at = excluded.updated_at",
                (
                    self._corpus,
                    question_id,
                    clean_line(title),
                    clean_line(specialty) if specialty is not None else None,
                    clean_text(note or ""),
                    stamp,
                    stamp,
                    note is not None,
                ),
            )
            row = conn.execute(_BOOKMARK_SELECT + _ONE_QUESTION, (self._corpus, question_id))
            return _bookmark(row.fetchone())

    def set_bookmark_note(
        self, question_id: int, note: str, when: dt.datetime | None = None
    ) -> bool:
        """Change a bookmark's note; False if the question is not bookmarked."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE bookmarks SET note = ?, updated_at = ?" + _ONE_QUESTION,
                (clean_text(note), self._now(when), self._corpus, question_id),
            )
            return cursor.rowcount > 0

    def remove_bookmark(self, question_id: int) -> bool:
        """Remove a bookmark; False if there was none."""
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM bookmarks WHERE corpus = ? AND question_id = ?",
                (self._corpus, question_id),
            )
            return cursor.rowcount > 0

    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Put back a removed bookmark as it was: its note and both of its times."""
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO bookmarks (corpus, question_id, title, specialty, note, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self._corpus,
                    bookmark.question_id,
                    clean_line(bookmark.title),
                    clean_line(bookmark.specialty) if bookmark.specialty is not None else None,
                    clean_text(bookmark.note),
                    _stamp(bookmark.created_at),
                    _stamp(bookmark.updated_at),
                ),
            )

    def bookmark(self, question_id: int) -> Bookmark | None:
        with self._reading() as conn:
            row = conn.execute(
                _BOOKMARK_SELECT + _ONE_QUESTION, (self._corpus, question_id)
            ).fetchone()
        return _bookmark(row) if row else None

    def is_bookmarked(self, question_id: int) -> bool:
        return self.bookmark(question_id) is not None

    def bookmarked_among(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` that are bookmarked."""
        return self._ids_among("bookmarks", ids)

    def bookmarked_ids(self) -> set[int]:
        """Every bookmarked question."""
        return self._all_ids("bookmarks")

    def bookmarks(self, search: str = "", limit: int = -1, offset: int = 0) -> list[Bookmark]:
        """Bookmarks, newest first; ``search`` words must all occur in title, specialty or note."""
        where, params = _search_clause(_BOOKMARK_TEXT, search)
        with self._reading() as conn:
            rows = conn.execute(
                f"{_BOOKMARK_SELECT} b WHERE b.corpus = ? AND {where} "
                "ORDER BY b.created_at DESC, b.question_id DESC LIMIT ? OFFSET ?",
                [self._corpus, *params, limit, offset],
            ).fetchall()
        return [_bookmark(row) for row in rows]

    def bookmark_count(self, search: str = "") -> int:
        where, params = _search_clause(_BOOKMARK_TEXT, search)
        with self._reading() as conn:
            return int(
                conn.execute(
                    f"SELECT count(*) FROM bookmarks b WHERE b.corpus = ? AND {where}",
                    [self._corpus, *params],
                ).fetchone()[0]
            )

    # -- history ------------------------------------------------------------------------------

    def record_open(
        self,
        question_id: int,
        title: str,
        specialty: str | None = None,
        *,
        mark_read: bool = True,
        when: dt.datetime | None = None,
    ) -> HistoryEntry:
        """Note that a question was opened (and, by default, mark it read).

        Opening the question that was opened last only moves its time.
        """
        stamp = self._now(when)
        title = clean_line(title)
        specialty = clean_line(specialty) if specialty is not None else None
        with self._writing() as conn:
            last = conn.execute(
                "SELECT id, question_id FROM history WHERE corpus = ? "
                "ORDER BY opened_at DESC, id DESC LIMIT 1",
                (self._corpus,),
            ).fetchone()
            if last is not None and last[1] == question_id:
                conn.execute(
                    "UPDATE history SET title = ?, specialty = ?, opened_at = ? WHERE id = ?",
                    (title, specialty, stamp, last[0]),
                )
            else:
                conn.execute(
                    "INSERT INTO history (corpus, question_id, title, specialty, opened_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (self._corpus, question_id, title, specialty, stamp),
                )
            self._trim_history(conn, self._corpus)
            if mark_read:
                conn.execute(_MARK_READ, (self._corpus, question_id, stamp))
        return HistoryEntry(question_id, title, specialty, _time(stamp))

    def history(
        self, search: str = "", limit: int = -1, offset: int = 0, *, distinct: bool = True
    ) -> list[HistoryEntry]:
        """Opened questions, newest first; ``distinct`` lists each question once (last open)."""
        sql, params = self._history_sql(search, distinct, self._corpus)
        with self._reading() as conn:
            rows = conn.execute(
                f"{sql} ORDER BY opened_at DESC, id DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return [HistoryEntry(int(row[0]), row[1], row[2], _time(row[3])) for row in rows]

    def history_count(self, search: str = "", *, distinct: bool = True) -> int:
        sql, params = self._history_sql(search, distinct, self._corpus)
        with self._reading() as conn:
            return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])

    @staticmethod
    def _history_sql(search: str, distinct: bool, corpus: int) -> tuple[str, list[object]]:
        where, words = _search_clause(_HISTORY_TEXT, search)
        params: list[object] = [corpus, *words]
        columns = "h.question_id, h.title, h.specialty, h.opened_at, h.id"
        rows = f"FROM history h WHERE h.corpus = ? AND {where}"
        if not distinct:
            return f"SELECT {columns} {rows}", params
        return (
            "SELECT question_id, title, specialty, opened_at, id FROM ("
            f"SELECT {columns}, row_number() OVER (PARTITION BY h.question_id "
            f"ORDER BY h.opened_at DESC, h.id DESC) AS n {rows}"
            ") WHERE n = 1",
            params,
        )

    def _trim_history(self, conn: sqlite3.Connection, corpus: int) -> None:
        """Keep the corpus's :attr:`history_limit` most recent openings."""
        conn.execute(
            "DELETE FROM history WHERE id IN (SELECT id FROM history WHERE corpus = ? "
            "ORDER BY opened_at DESC, id DESC LIMIT -1 OFFSET ?)",
            (corpus, self.history_limit),
        )

    def remove_from_history(self, question_id: int) -> int:
        """Forget every opening of one question; returns how many were removed."""
        with self._writing() as conn:
            return conn.execute(
                "DELETE FROM history WHERE corpus = ? AND question_id = ?",
                (self._corpus, question_id),
            ).rowcount

    def clear_history(self) -> int:
        """Forget every opening (read marks and bookmarks stay); returns how many."""
        with self._writing() as conn:
            return conn.execute("DELETE FROM history WHERE corpus = ?", (self._corpus,)).rowcount


_BOOKMARK_SELECT = (
    "SELECT question_id, title, specialty, note, created_at, updated_at FROM bookmarks"
)
_ONE_QUESTION = " WHERE corpus = ? AND question_id = ?"
_MARK_READ = (
    "INSERT INTO read_marks (corpus, question_id, read_at) VALUES (?, ?, ?) "
    "ON CONFLICT (corpus, question_id) DO UPDATE SET read_at = excluded.read_at"
)


def _bookmark(row: tuple[Any, ...]) -> Bookmark:
    return Bookmark(int(row[0]), row[1], row[2], row[3], _time(row[4]), _time(row[5]))
