"""Filtering the corpus's question list by user state ("only unread", "only bookmarked").

The state lives in its own file, so it is ATTACHed (read-only) to a corpus connection and the
list's query tests ``q.id`` against it. In a worker::

    with corpus.reader(cancelled) as reader:
        attach_state(reader.conn, state.path)        # cheap when already attached
        filters = replace(filters, extra=(only_unread(),))
        rows = reader.window(filters, offset, limit)

Counts, specialty counts and facets honour the same ``Filters.extra``.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from qatui.corpus.filters import SqlFilter
from qatui.userstate.store import UserStateError

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


def only_unread(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Questions without a read mark."""
    return SqlFilter("unread", f"q.id NOT IN (SELECT question_id FROM {_schema(alias)}.read_marks)")


def only_read(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Questions with a read mark."""
    return SqlFilter("read", f"q.id IN (SELECT question_id FROM {_schema(alias)}.read_marks)")


def only_bookmarked(alias: str = STATE_SCHEMA) -> SqlFilter:
    """Bookmarked questions."""
    return SqlFilter("bookmarked", f"q.id IN (SELECT question_id FROM {_schema(alias)}.bookmarks)")
