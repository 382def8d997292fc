"""SQLite files as an input (the e-Hospital spider writes one): a table or a query, read with
sqlite-utils one row at a time, through the same mapping as JSON and CSV."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.mapping import RecordMapping
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.records import FieldMap, Parsed, Row, records_from_rows

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db3")

_FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content", "_segments", "_segdir")


def is_sqlite(head: bytes) -> bool:
    """True when the first bytes of a file are an SQLite database header."""
    return head.startswith(SQLITE_MAGIC)


def _open(path: str) -> sqlite3.Connection:
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.execute("PRAGMA query_only = 1")
    return conn


def _data_tables(names: list[str]) -> list[str]:
    """The tables that hold data: not SQLite's own, not a full-text index's shadow tables."""
    fts = {name for name in names if any(f"{name}{suffix}" in names for suffix in _FTS_SHADOWS)}
    return [
        name
        for name in names
        if not name.startswith("sqlite_")
        and not any(name == f"{base}{suffix}" for base in fts for suffix in _FTS_SHADOWS)
    ]


def _choose_table(tables: list[str], wanted: str | None, source: str) -> str:
    if wanted is not None:
        if wanted not in tables:
            raise CorpusInputError(
                source,
                None,
                f"no table {wanted!r}; its tables are: {', '.join(tables) or '(none)'}",
            )
        return wanted
    if len(tables) == 1:
        return tables[0]
    if not tables:
        raise CorpusInputError(source, None, "an SQLite database with no tables: nothing to import")
    raise CorpusInputError(
        source,
        None,
        f"an SQLite database with tables {', '.join(tables)}: choose one with --table "
        "(or give --query)",
    )


@contextlib.contextmanager
def sqlite_table(
    path: str, mapping: RecordMapping, source: str
) -> Iterator[tuple[list[str], Iterator[Row | CorpusInputError]]]:
    """The columns and numbered rows (``row N``) of the mapping's ``query``, else of its
    ``table``, else of the file's only table; CorpusInputError when there is none to read."""
    import sqlite_utils

    try:
        conn = _open(path)
    except sqlite3.Error as error:
        raise CorpusInputError(source, None, f"cannot open as SQLite ({error})") from None
    try:
        try:
            db = sqlite_utils.Database(conn)
            if mapping.query:
                cursor = conn.execute(mapping.query)
                columns = [str(column[0]) for column in cursor.description or ()]
                rows: Iterator[dict[str, Any]] = (
                    dict(zip(columns, row, strict=True)) for row in cursor
                )
            else:
                table = _choose_table(_data_tables(db.table_names()), mapping.table, source)
                columns = [column.name for column in db[table].columns]
                rows = iter(db[table].rows)
        except sqlite3.Error as error:
            raise CorpusInputError(source, None, f"cannot read as SQLite ({error})") from None
        yield columns, _numbered(rows, source)
    finally:
        conn.close()


def read_sqlite(
    path: str,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
    *,
    source: str | None = None,
) -> Iterator[Parsed]:
    """Records from one table of an SQLite file or from the mapping's query (see
    :func:`sqlite_table`)."""
    chosen = RecordMapping.of(mapping)
    name = source or path
    try:
        with sqlite_table(path, chosen, name) as (columns, rows):
            yield from records_from_rows(rows, name, chosen, log, columns)
    except CorpusInputError as error:
        yield error


def _numbered(rows: Iterator[dict[str, Any]], source: str) -> Iterator[Row | CorpusInputError]:
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            yield number, "row", row
    except sqlite3.Error as error:
        yield CorpusInputError(
            source, number + 1, f"cannot read this row or any after it ({error})", unit="row"
        )
