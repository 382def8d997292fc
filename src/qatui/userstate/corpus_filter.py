"""Filtering the corpus's question list by user state ("only unread", "only bookmarked").

The state lives in its own file, so it is ATTACHed (read-only) to a corpus connection and the
list's query tests ``q.id`` against it. In a worker::

    with corpus.reader(cancelled) as reader:
        attach_state(reader.conn, state.path)        # cheap when already attached
        filters = replace(filters, extra=(only_unread(),))
        rows = reader.window(filters, offset, limit)

Counts, specialty counts and facets honour the same ``Filters.extra``. The filters see the rows
of the corpus being read only (the state holds every corpus's, see ``UserState.use_corpus``).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from qatui.corpus.filters import SqlFilter
from qatui.corpus.store.reader import CorpusReader
from qatui.userstate.schema import NO_CORPUS
from qatui.userstate.store import UserState, UserStateError

STATE_SCHEMA = "state"
"""The schema name the state database is attached under."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _schema(alias: str) -> str:
    if not _IDENTIFIER.match(alias):
        raise ValueError(f"not a schema name: {alias!r}")
    return alias


def attach_state(conn: sqlite3.Connection, path: Path, alias: str = STATE_SCHEMA) -> None:
    """ATTACH the state database read-only as ``alias`` (no-op when already attached there).

    Raises :class:`UserStateError` when it cannot be attached (missing file, open transaction).
    """
    schema = _schema(alias)
    target = Path(path).resolve()
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == schema:
            if file and Path(file).resolve() == target:
                return
            conn.execute(f"DETACH DATABASE {schema}")
    if not target.is_file():
        raise UserStateError(f"{target} does not exist: open the state with UserState.open first")
    try:
        conn.execute(f"ATTACH DATABASE ? AS {schema}", (f"{target.as_uri()}?mode=ro",))
    except sqlite3.OperationalError as error:
        raise UserStateError(f"cannot attach {target} to the corpus connection: {error}") from None


def detach_state(conn: sqlite3.Connection, alias: str = STATE_SCHEMA) -> None:
    """Undo :func:`attach_state` (no-op when not attached)."""
    schema = _schema(alias)
    names = {row[1] for row in conn.execute("PRAGMA database_list")}
    if schema in names:
        conn.execute(f"DETACH DATABASE {schema}")


def _rows_of_this_corpus(table: str, alias: str) -> str:
    """The question ids of ``table`` that belong to the corpus being read: the state's
    corpus whose id the corpus database holds, else (a corpus the state has not met yet) the
    rows from before state belonged to a corpus."""
    schema = _schema(alias)
    corpus = (
        f"coalesce((SELECT c.id FROM {schema}.corpora c WHERE c.corpus_id = "
        f"(SELECT value FROM main.corpus_meta WHERE key = 'corpus_id')), {NO_CORPUS})"
    )
    return f"SELECT question_id FROM {schema}.{table} WHERE corpus = {corpus}"


def only_unread(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Questions without a read mark."""
    return SqlFilter("unread", f"q.id NOT IN ({_rows_of_this_corpus('read_marks', alias)})")


def only_read(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Questions with a read mark."""
    return SqlFilter("read", f"q.id IN ({_rows_of_this_corpus('read_marks', alias)})")


def only_bookmarked(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Bookmarked questions."""
    return SqlFilter("bookmarked", f"q.id IN ({_rows_of_this_corpus('bookmarks', alias)})")


def use_state_of_corpus(state: UserState, reader: CorpusReader, path: Path) -> None:
    """Make ``state`` the state of the corpus ``reader`` reads, found at ``path`` (see
    :meth:`UserState.use_corpus`); a database without a corpus id leaves it as it is."""
    corpus_id = reader.corpus_id()
    if corpus_id is not None:
        state.use_corpus(corpus_id, path, reader.held_ids)
