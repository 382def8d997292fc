"""Migration v6: the tables rebuilt into the lean schema (see schema_v6.py), keeping every row.

Questions are renumbered in date order (``rowid``; the stable ``id`` is kept), each reply's body
becomes a place in ``reply_text``, links to full questions drop the excerpts their target gives,
and both full-text indexes are built once at the end. It runs inside the migration's one
transaction: a failure or a kill leaves the v5 database as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextvars import ContextVar

from qatui.corpus.model import SimilarLink
from qatui.corpus.search.cjk import index_statements, populate_statement
from qatui.corpus.store import delay_column
from qatui.corpus.store.excerpts import TargetText, stored_link
from qatui.corpus.store.schema_v6 import (
    CHILD_TABLES,
    COUNT_TRIGGERS,
    COUNTS_TABLE,
    FILL_COUNTS,
    FILL_MONTHS,
    FTS_TABLE,
    FTS_TRIGGERS,
    INDEXES,
    MONTH_TRIGGERS,
    MONTHS_TABLE,
    QUESTION_COLUMNS,
    QUESTIONS_TABLE,
    REBUILD_FTS,
    REPLY_BODIES_VIEW,
)

MigrationProgress = Callable[[int, int], None]
"""Called with (questions copied, questions in all) as the migration goes."""

MIGRATION_PROGRESS: ContextVar[MigrationProgress | None] = ContextVar(
    "MIGRATION_PROGRESS", default=None
)
"""Who hears the progress of a migration running in this context (set by ``migrate``)."""

MIGRATION_NOTICE: ContextVar[Callable[[str], None] | None] = ContextVar(
    "MIGRATION_NOTICE", default=None
)
"""Who hears which step a migration running in this context has reached (set by ``migrate``)."""


def announce(step: str) -> None:
    """Tell whoever listens (see :data:`MIGRATION_NOTICE`) that the migration reached ``step``."""
    notice = MIGRATION_NOTICE.get()
    if notice is not None:
        notice(f"migrating: {step}")


BATCH = 20_000
"""Questions copied per statement (one progress report each)."""

REBUILT = ("questions", "replies", "similar_links", "faq_links")
OLD = "_v5"


def lean_tables(conn: sqlite3.Connection) -> None:
    """v6: rebuild questions (dense rowids in date order), replies, links, both indexes."""
    progress = MIGRATION_PROGRESS.get()
    # Freed pages are not overwritten with zeros here (this SQLite's default): dropping the old
    # tables would write every page of them to the log once more.
    secure_delete = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = FAST")
    try:
        _number_in_date_order(conn)  # while the date index is there to read
        _drop_derived_objects(conn)
        for table in REBUILT:
            conn.execute(f"ALTER TABLE {table} RENAME TO {table}{OLD}")
        for statement in (QUESTIONS_TABLE, *CHILD_TABLES, COUNTS_TABLE, MONTHS_TABLE):
            conn.execute(statement)
        _copy_questions(conn, progress)
        announce("the replies")
        _copy_replies(conn)
        announce("the Similar Q&A links")
        _copy_links(conn)
        conn.execute(
            "INSERT INTO faq_links (question_id, position, topic, specialty) "
            f"SELECT question_id, position, topic, specialty FROM faq_links{OLD}"
        )
        announce("dropping the old tables")
        for table in reversed(REBUILT):
            conn.execute(f"DROP TABLE {table}{OLD}")
        announce("the full-text indexes and the other indexes (the longest step)")
        _create_derived_objects(conn)
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure_delete)}")


def _number_in_date_order(conn: sqlite3.Connection) -> None:
    """``temp.v6_order``: each question's new row id (its place in date order, undated last)."""
    conn.execute("CREATE TEMP TABLE v6_order (rowid INTEGER PRIMARY KEY, id INTEGER NOT NULL)")
    conn.execute(
        "INSERT INTO v6_order (id) SELECT id FROM questions ORDER BY asked_on IS NULL, asked_on, id"
    )


def _drop_derived_objects(conn: sqlite3.Connection) -> None:
    """Triggers, explicit indexes and the full-text tables: all made again at the end."""
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index') "
        "AND sql IS NOT NULL"
    ).fetchall()
    for kind, name in rows:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    for table in ("questions_cjk_vocab", "questions_cjk", "questions_fts"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def _copy_questions(conn: sqlite3.Connection, progress: MigrationProgress | None) -> None:
    total = int(conn.execute("SELECT count(*) FROM v6_order").fetchone()[0])
    columns = ", ".join(f"q.{column.strip()}" for column in QUESTION_COLUMNS.split(","))
    for start in range(1, total + 1, BATCH):
        conn.execute(
            f"INSERT INTO questions (rowid, {QUESTION_COLUMNS}) SELECT o.rowid, {columns} "
            f"FROM v6_order o JOIN questions{OLD} q ON q.id = o.id "
            "WHERE o.rowid BETWEEN ? AND ? ORDER BY o.rowid",
            (start, start + BATCH - 1),
        )
        if progress is not None:
            progress(min(total, start + BATCH - 1), total)
    conn.execute("DROP TABLE temp.v6_order")


def _copy_replies(conn: sqlite3.Connection) -> None:
    """Each reply as its place in ``reply_text``; a question whose ``reply_text`` is not its
    replies joined gets that text (the replies are what a record shows)."""
    conn.execute(
        "INSERT INTO replies (question_id, position, doctor, specialty, body_start, "
        "body_length, replied_on, hospital) "
        "SELECT question_id, position, doctor, specialty, "
        "coalesce(sum(length(body) + 2) OVER (PARTITION BY question_id ORDER BY position "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0), length(body), replied_on, "
        f"hospital FROM replies{OLD}"
    )
    differing = [
        int(row[0])
        for row in conn.execute(
            f"SELECT DISTINCT o.question_id FROM replies{OLD} o JOIN replies r "
            "USING (question_id, position) JOIN questions q ON q.id = o.question_id "
            "WHERE substr(q.reply_text, r.body_start + 1, r.body_length) IS NOT o.body"
        )
    ]
    if differing:
        shown = ", ".join(str(number) for number in differing[:5])
        more = f" and {len(differing) - 5:,} more" if len(differing) > 5 else ""
        announce(
            f"{len(differing):,} questions' reply text did not match their replies and was "
            f"rebuilt from them (ids {shown}{more})"
        )
    for question_id in differing:
        bodies = [
            str(row[0])
            for row in conn.execute(
                f"SELECT body FROM replies{OLD} WHERE question_id = ? ORDER BY position",
                (question_id,),
            )
        ]
        conn.execute(
            "UPDATE questions SET reply_text = ? WHERE id = ?", ("\n\n".join(bodies), question_id)
        )


def _first_paragraph(text: str | None) -> str | None:
    """What :func:`~qatui.corpus.store.excerpts.excerpt_of` reads of a text."""
    return None if text is None else text.strip().split("\n\n", 1)[0]


def _copy_links(conn: sqlite3.Connection) -> None:
    """Links, their fields left NULL where the full question they lead to gives them.

    What each target gives is read once, in one pass over the questions in row order (a
    temp table of first paragraphs), not once per link by random reads of whole rows."""
    conn.create_function("qatui_first_paragraph", 1, _first_paragraph, deterministic=True)
    conn.execute(
        "CREATE TEMP TABLE v6_targets AS SELECT q.id AS id, q.title AS title, "
        "q.doctor AS doctor, s.name AS specialty, qatui_first_paragraph(q.question) AS question, "
        "qatui_first_paragraph(q.reply_text) AS reply FROM questions q "
        "JOIN specialties s ON s.id = q.specialty_id WHERE q.is_partial = 0"
    )
    conn.execute("CREATE UNIQUE INDEX temp.v6_targets_by_id ON v6_targets(id)")
    rows = conn.execute(
        "SELECT l.question_id, l.position, l.target_id, l.title, l.question_excerpt, l.doctor, "
        "l.specialty, l.reply_excerpt, l.read_more, t.id IS NULL, t.title, t.doctor, "
        f"t.specialty, t.question, t.reply FROM similar_links{OLD} l "
        "LEFT JOIN v6_targets t ON t.id = l.target_id"
    )
    insert = (
        "INSERT INTO similar_links (question_id, position, target_id, title, question_excerpt, "
        "doctor, specialty, reply_excerpt, read_more, derived) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    while batch := rows.fetchmany(BATCH):
        written = []
        for row in batch:
            target = TargetText(*row[10:15]) if row[9] == 0 else None
            stored = stored_link(SimilarLink(*row[3:9]), target)
            written.append((row[0], row[1], row[2], *stored))
        conn.cursor().executemany(insert, written)
    conn.execute("DROP TABLE temp.v6_targets")


def _create_derived_objects(conn: sqlite3.Connection) -> None:
    """Indexes, the view, both full-text tables built once, counts, then every trigger."""
    for statement in (*INDEXES, *delay_column.INDEXES, REPLY_BODIES_VIEW, FTS_TABLE):
        conn.execute(statement)
    conn.execute(REBUILD_FTS)
    for statement in index_statements():
        conn.execute(statement)
    conn.execute(populate_statement())
    conn.execute(FILL_COUNTS)
    conn.execute(FILL_MONTHS)
    triggers = (*FTS_TRIGGERS, *COUNT_TRIGGERS, *MONTH_TRIGGERS, *delay_column.TRIGGERS)
    for statement in triggers:
        conn.execute(statement)
