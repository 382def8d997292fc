"""A corpus opened for reading from worker threads: pooled connections that can be interrupted."""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.store.database import (
    DatabaseInfo,
    check_integrity,
    connect,
    describe_database_error,
    is_database_problem,
)
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.reading import open_current

PROGRESS_STEPS = 2_000
"""SQLite virtual-machine steps between two cancellation checks."""


class QueryCancelled(Exception):
    """A query was interrupted because a newer request replaced it."""


class Corpus:
    """The app's way into the database: ``with corpus.reader(cancelled) as reader: ...``.

    Each call takes a connection from a small pool (connections are not shared between two
    threads at once) and arms SQLite's progress handler so that a cancelled worker's query
    stops at once instead of running to the end.
    """

    def __init__(self, path: Path, info: DatabaseInfo, pool_size: int = 4) -> None:
        self.path = path
        self.info = info
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._pool_size = pool_size
        self._created = 0

    @classmethod
    def open(cls, path: Path | str) -> Corpus:
        """Open (creating or migrating) the database, then read through a pool; StoreError when
        a table is missing.

        A file at the current schema (the usual case) is opened without the writer and its
        migrations (:func:`open_current`), and that connection is the pool's first."""
        opened = open_current(Path(path))
        if opened is not None:
            corpus = cls(Path(path), opened.info)
            corpus._created = 1
            corpus._pool.put(opened.conn)
            return corpus
        from qatui.corpus.store.writer import Store  # to create or migrate the file

        store = Store.open(path)
        info = store.info
        store.close()
        return cls(Path(path), info)

    @property
    def read_only(self) -> bool:
        return self.info.read_only

    def _acquire(self) -> sqlite3.Connection:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        if self._created < self._pool_size:
            self._created += 1
            return connect(self.path, read_only=self.info.read_only)
        return self._pool.get()

    @contextmanager
    def reader(self, cancelled: Callable[[], bool] | None = None) -> Iterator[CorpusReader]:
        """A reader on a pooled connection; raises QueryCancelled if ``cancelled()`` turns true,
        and StoreError (saying what to do) when the database file fails: damaged, unreadable."""
        conn = self._acquire()
        if cancelled is not None:
            conn.set_progress_handler(lambda: 1 if cancelled() else 0, PROGRESS_STEPS)
        try:
            yield CorpusReader(conn)
        except sqlite3.DatabaseError as error:
            if "interrupted" in str(error) and cancelled is not None and cancelled():
                raise QueryCancelled() from None
            if is_database_problem(error):
                raise StoreError(describe_database_error(self.path, error)) from None
            raise
        finally:
            conn.set_progress_handler(None, 0)
            if conn.in_transaction:
                conn.rollback()
            self._pool.put(conn)

    def check_integrity(self) -> None:
        """Read the whole file (``PRAGMA quick_check``, seconds for a big corpus: run it in a
        worker); StoreError when it is damaged."""
        conn = self._acquire()
        try:
            check_integrity(conn, self.path)
        finally:
            self._pool.put(conn)

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return
