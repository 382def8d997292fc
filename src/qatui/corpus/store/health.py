"""How sound a corpus database is: qatui's tables, SQLite's integrity checks, links and counts.

:func:`check_before_opening` is cheap (one look at ``sqlite_master``) and runs whenever a command
or the reader opens a corpus: a database missing a table is refused in words, untouched, instead
of failing later with a traceback. :func:`check_database` is ``qatui check``: it reads the whole
file, so it runs on request, never on the way to something else.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.search.cjk import CJK_TABLE
from qatui.corpus.store.database import connect, damaged_message
from qatui.corpus.store.expected_schema import objects_of
from qatui.corpus.store.schema_objects import OBJECTS, SCHEMA_VERSION
from qatui.corpus.store.schema_version import schema_version_of

FTS_TABLE = "questions_fts"
PROBLEM_LIMIT = 10
"""``PRAGMA integrity_check`` stops after this many problems (one is enough to know)."""
SHOWN_PROBLEMS = 3


def expected_objects() -> frozenset[tuple[str, str]]:
    """The (type, name) of every table and trigger the current schema has (checked in:
    :mod:`qatui.corpus.store.expected_schema` says how it is kept true)."""
    return OBJECTS


def missing_objects(conn: sqlite3.Connection) -> list[str]:
    """What the schema lacks, in words ("the table faq_links"), in name order; the tables behind
    a missing full-text table (``questions_fts_data``, ...) go without saying."""
    missing = expected_objects() - objects_of(conn)
    names = {name for _, name in missing}
    return [
        f"the {kind} {name}"
        for kind, name in sorted(missing, key=lambda item: item[1])
        if name.rpartition("_")[0] not in names
    ]


def check_schema(conn: sqlite3.Connection, path: Path) -> None:
    """StoreError (damaged, and what to do) when a table or trigger of qatui's schema is missing."""
    missing = missing_objects(conn)
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        verb = "is" if len(missing) == 1 else "are"
        raise StoreError(damaged_message(path, f"{', '.join(missing[:5])}{more} {verb} missing"))


def check_before_opening(path: Path) -> bool:
    """Refuse, before anything in it changes, an existing database that lacks part of the
    current schema: StoreError in words (an older schema is left to the migrations). True when
    the file is at the current schema with all of it (nothing to create or migrate)."""
    if str(path) == ":memory:" or not path.exists():
        return False
    conn = connect(path, read_only=True)
    try:
        conn.execute("BEGIN")  # one snapshot: another process may be creating the schema now
        if schema_version_of(conn, path, SCHEMA_VERSION) != SCHEMA_VERSION:
            return False
        check_schema(conn, path)
        return True
    except sqlite3.DatabaseError:
        return False  # damage SQLite meets here is met, and described, by Store.open too
    finally:
        conn.close()


# -- qatui check ------------------------------------------------------------------------------


class Verdict(enum.Enum):
    OK = "ok"
    PROBLEM = "PROBLEM"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Finding:
    """One check's outcome: what was checked, the verdict, and what it found, in words."""

    check: str
    verdict: Verdict
    detail: str


def check_database(conn: sqlite3.Connection, *, writable: bool) -> Iterator[Finding]:
    """Every check in turn; a check that meets an SQLite error says so and the next one runs.

    The full-text checks are SQLite's FTS5 ``integrity-check`` commands, which need write access:
    on a read-only file the index is only counted against the questions.
    """
    steps: list[tuple[str, Callable[[], Finding]]] = [
        ("file structure", lambda: _structure(conn)),
        ("tables and triggers", lambda: _schema(conn)),
        ("full-text index", lambda: _fts(conn, FTS_TABLE, writable=writable)),
        ("CJK index", lambda: _fts(conn, CJK_TABLE, writable=writable)),
        ("links", lambda: _links(conn)),
        ("counts", lambda: _counts(conn)),
    ]
    for name, step in steps:
        try:
            yield step()
        except sqlite3.DatabaseError as error:
            yield Finding(name, Verdict.PROBLEM, f"SQLite could not read it ({error})")


def _structure(conn: sqlite3.Connection) -> Finding:
    problems = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({PROBLEM_LIMIT})")]
    if problems == ["ok"]:
        return Finding("file structure", Verdict.OK, "PRAGMA integrity_check found no problem")
    shown = [line for problem in problems for line in problem.splitlines() if "***" not in line]
    more = len(shown) - SHOWN_PROBLEMS
    detail = "; ".join(shown[:SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
    return Finding("file structure", Verdict.PROBLEM, detail)


def _schema(conn: sqlite3.Connection) -> Finding:
    missing = missing_objects(conn)
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        return Finding(
            "tables and triggers", Verdict.PROBLEM, f"{', '.join(missing)} {verb} missing"
        )
    return Finding("tables and triggers", Verdict.OK, f"all {len(expected_objects())} present")


def _fts(conn: sqlite3.Connection, table: str, *, writable: bool) -> Finding:
    name = "full-text index" if table == FTS_TABLE else "CJK index"
    if ("table", table) not in objects_of(conn):
        return Finding(name, Verdict.PROBLEM, f"the table {table} is missing")
    if table == FTS_TABLE:
        indexed = _count(conn, f"{table}_docsize")
        questions = _count(conn, "questions")
        if indexed != questions:
            return Finding(
                name, Verdict.PROBLEM, f"{indexed:,} rows indexed, {questions:,} questions"
            )
    if not writable:
        return Finding(
            name,
            Verdict.SKIPPED,
            "read-only file: SQLite's FTS5 integrity-check needs write access",
        )
    try:
        # rank 1: also compare the index with the questions it was built from
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        return Finding(name, Verdict.PROBLEM, f"FTS5 integrity-check failed ({error})")
    return Finding(name, Verdict.OK, "FTS5 integrity-check found no problem")


def _links(conn: sqlite3.Connection) -> Finding:
    broken: dict[str, int] = {}
    for table, *_ in conn.execute("PRAGMA foreign_key_check"):
        broken[str(table)] = broken.get(str(table), 0) + 1
    if broken:
        shown = ", ".join(f"{count:,} in {table}" for table, count in sorted(broken.items()))
        return Finding("links", Verdict.PROBLEM, f"rows pointing at nothing: {shown}")
    return Finding("links", Verdict.OK, "every reply and link belongs to a question")


def _count(conn: sqlite3.Connection, table: str, where: str = "") -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])


def _counts(conn: sqlite3.Connection) -> Finding:
    questions = _count(conn, "questions")
    partial = _count(conn, "questions", "WHERE is_partial = 1")
    detail = (
        f"{questions:,} questions ({questions - partial:,} full, {partial:,} partial), "
        f"{_count(conn, 'replies'):,} replies, {_count(conn, 'similar_links'):,} Similar Q&A "
        f"links, {_count(conn, 'faq_links'):,} Related FAQ links, "
        f"{_count(conn, 'specialties'):,} specialties"
    )
    kept = (
        "SELECT specialty_id, questions, partials FROM specialty_counts "
        "WHERE questions != 0 OR partials != 0"
    )
    counted = "SELECT specialty_id, count(*), sum(is_partial) FROM questions GROUP BY specialty_id"
    differing = int(
        conn.execute(
            "SELECT count(DISTINCT specialty_id) FROM ("
            f"SELECT * FROM ({kept} EXCEPT {counted}) "
            f"UNION ALL SELECT * FROM ({counted} EXCEPT {kept}))"
        ).fetchone()[0]
    )
    if differing:
        return Finding(
            "counts",
            Verdict.PROBLEM,
            f"{detail}; the kept counts (specialty_counts) are wrong for {differing:,} "
            "specialties: qatui keeps them with triggers, so the file was changed by hand",
        )
    months = _differing_date_counts(conn)
    if months:
        return Finding(
            "counts",
            Verdict.PROBLEM,
            f"{detail}; the kept counts by month (date_counts) are wrong for {months:,} "
            "specialty months: qatui keeps them with triggers, so the file was changed by hand",
        )
    return Finding("counts", Verdict.OK, detail)


def _differing_date_counts(conn: sqlite3.Connection) -> int:
    """How many (specialty, month) pairs ``date_counts`` holds wrongly (0 where the table
    does not exist yet)."""
    from qatui.corpus.store.date_counts import COUNTED, KEPT

    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'date_counts'"
    ).fetchone():
        return 0
    return int(
        conn.execute(
            f"SELECT count(*) FROM (SELECT * FROM ({KEPT} EXCEPT {COUNTED}) "
            f"UNION SELECT * FROM ({COUNTED} EXCEPT {KEPT}))"
        ).fetchone()[0]
    )
