"""Databases as older qatui versions left them, written with plain SQL, for migration tests.

The schema comes from the migrations themselves (``MIGRATIONS[1..version]``); the rows are
written the way the writer before schema 4 wrote them: no ``identity`` column, ids the site's
number or :func:`derived_id` of specialty, title and ask date.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.ingest.identity import content_hash, derived_id
from qatui.corpus.model import Record, SimilarLink
from qatui.corpus.store.excerpts import TargetText, written_link
from qatui.corpus.store.schema import MIGRATIONS


def create_old_database(path: Path, version: int) -> sqlite3.Connection:
    """A new database at schema ``version`` (autocommit connection; close it when done)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for step in range(1, version + 1):
        MIGRATIONS[step](conn)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    return conn


def specialty_id(conn: sqlite3.Connection, name: str) -> int:
    conn.execute("INSERT OR IGNORE INTO specialties (name) VALUES (?)", (name,))
    return int(conn.execute("SELECT id FROM specialties WHERE name = ?", (name,)).fetchone()[0])


def insert_as_before(conn: sqlite3.Connection, record: Record) -> int:
    """Write a full question, its replies and links as before schema 4 (a link to a title not
    stored makes a partial question); its id. Pages must come before the links to them."""
    question_id = record.id or derived_id(record.specialty, record.title, record.asked_on)
    asker = record.asker
    conn.execute(
        "INSERT INTO questions (id, specialty_id, title, subject, question, asker_name, "
        "asker_age, asker_gender, asked_on, reply_text, doctor, more_info, source_url, "
        "is_partial, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (
            question_id,
            specialty_id(conn, record.specialty),
            record.title,
            record.subject,
            record.question,
            asker.name if asker else None,
            asker.age if asker else None,
            asker.gender if asker else None,
            record.asked_on,
            "\n\n".join(reply.body for reply in record.replies),
            record.reply.doctor if record.reply else None,
            record.more_info,
            record.source_url,
            content_hash(record.to_json()),
        ),
    )
    conn.executemany(
        "INSERT INTO replies (question_id, position, doctor, specialty, body, replied_on) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (question_id, n, r.doctor, r.specialty, r.body, r.replied_on)
            for n, r in enumerate(record.replies)
        ],
    )
    conn.executemany(
        "INSERT INTO faq_links (question_id, position, topic, specialty) VALUES (?, ?, ?, ?)",
        [(question_id, n, f.topic, f.specialty) for n, f in enumerate(record.related_faq)],
    )
    for n, link in enumerate(record.similar):
        conn.execute(
            "INSERT INTO similar_links (question_id, position, target_id, title, "
            "question_excerpt, doctor, specialty, reply_excerpt, read_more) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                question_id,
                n,
                _link_target(conn, link.specialty or record.specialty, link),
                link.title,
                link.question_excerpt,
                link.doctor,
                link.specialty,
                link.reply_excerpt,
                link.read_more,
            ),
        )
    return question_id


def _link_target(conn: sqlite3.Connection, specialty: str, link: SimilarLink) -> int:
    """The question with the link's title in its specialty, else a new partial one."""
    sid = specialty_id(conn, specialty)
    found = conn.execute(
        "SELECT id FROM questions WHERE specialty_id = ? AND title = ?", (sid, link.title)
    ).fetchone()
    if found:
        return int(found[0])
    partial_id = derived_id(specialty, link.title, None)
    conn.execute(
        "INSERT INTO questions (id, specialty_id, title, question, reply_text, doctor, "
        "is_partial) VALUES (?, ?, ?, ?, ?, ?, 1)",
        (partial_id, sid, link.title, link.question_excerpt or "", link.reply_excerpt or "",
         link.doctor),
    )  # fmt: skip
    conn.execute(
        "INSERT INTO replies (question_id, position, doctor, specialty, body) "
        "VALUES (?, 0, ?, ?, ?)",
        (partial_id, link.doctor, link.specialty, link.reply_excerpt or ""),
    )
    return partial_id


def rows_as_before(conn: sqlite3.Connection, table: str, columns: str) -> list[tuple[object, ...]]:
    """A table's rows as schema 5 held them (``columns`` of it, ordered by the first two),
    read from a database of schema 6 or later (an older one as it is): reply bodies from
    ``reply_bodies``, link excerpts the target gives filled in (qatui.corpus.store.excerpts)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] < 6:
        return conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
    if table == "replies":
        sql = f"SELECT {columns} FROM reply_bodies ORDER BY 1, 2"
        return conn.execute(sql).fetchall()
    if table != "similar_links":
        return conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
    names = [name.strip() for name in columns.split(",")]
    cursor = conn.execute(
        "SELECT l.*, t.is_partial AS t_partial, t.title AS t_title, t.doctor AS t_doctor, "
        "ts.name AS t_specialty, t.question AS t_question, t.reply_text AS t_reply "
        "FROM similar_links l LEFT JOIN questions t ON t.id = l.target_id "
        "LEFT JOIN specialties ts ON ts.id = t.specialty_id ORDER BY 1, 2"
    )
    fields = [column[0] for column in cursor.description]
    rows = []
    for values in cursor:
        row = dict(zip(fields, values, strict=True))
        target = None
        if row["t_partial"] == 0:
            target = TargetText(
                row["t_title"], row["t_doctor"], row["t_specialty"], row["t_question"],
                row["t_reply"],
            )  # fmt: skip
        stored = tuple(row[name] for name in STORED_LINK)
        row.update(written_link(stored, target).to_json())
        rows.append(tuple(row[name] for name in names))
    return rows


STORED_LINK = (
    "title",
    "question_excerpt",
    "doctor",
    "specialty",
    "reply_excerpt",
    "read_more",
    "derived",
)
