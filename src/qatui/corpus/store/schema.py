"""The database schema and its migrations, keyed by ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from qatui.corpus.ingest.identity import DERIVED_ID_BASE, identity_of, kept_apart_key
from qatui.corpus.model import Asker, Record
from qatui.corpus.search.cjk import index_statements, populate_statement
from qatui.corpus.store.date_counts import add_date_counts
from qatui.corpus.store.delay_column import column_statements
from qatui.corpus.store.finding_aids import add_finding_aids
from qatui.corpus.store.lean_migration import lean_tables

SCHEMA_V1 = """
CREATE TABLE specialties (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    specialty_id INTEGER NOT NULL REFERENCES specialties(id),
    title TEXT NOT NULL,
    subject TEXT,
    question TEXT NOT NULL DEFAULT '',
    asker_name TEXT,
    asker_age TEXT,
    asker_gender TEXT,
    asked_on TEXT,
    reply_text TEXT NOT NULL DEFAULT '',
    doctor TEXT,
    more_info TEXT,
    source_url TEXT,
    is_partial INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_by_date ON questions(asked_on, id);
CREATE INDEX questions_by_specialty_date ON questions(specialty_id, asked_on, id);
CREATE INDEX questions_by_title ON questions(specialty_id, title);
CREATE TABLE replies (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    doctor TEXT,
    specialty TEXT,
    body TEXT NOT NULL,
    replied_on TEXT,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID;
CREATE TABLE similar_links (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    target_id INTEGER REFERENCES questions(id) ON UPDATE CASCADE,
    title TEXT NOT NULL,
    question_excerpt TEXT,
    doctor TEXT,
    specialty TEXT,
    reply_excerpt TEXT,
    read_more TEXT,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID;
CREATE INDEX similar_links_by_target ON similar_links(target_id);
CREATE TABLE faq_links (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    specialty TEXT,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE questions_fts USING fts5(
    title, subject, question, reply_text, more_info,
    content='questions', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO questions_fts(rowid, title, subject, question, reply_text, more_info)
    VALUES (new.id, new.title, new.subject, new.question, new.reply_text, new.more_info);
END;
CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
    INSERT INTO questions_fts(questions_fts, rowid, title, subject, question, reply_text, more_info)
    VALUES ('delete', old.id, old.title, old.subject, old.question, old.reply_text, old.more_info);
END;
CREATE TRIGGER questions_fts_update AFTER UPDATE OF
    id, title, subject, question, reply_text, more_info ON questions BEGIN
    INSERT INTO questions_fts(questions_fts, rowid, title, subject, question, reply_text, more_info)
    VALUES ('delete', old.id, old.title, old.subject, old.question, old.reply_text, old.more_info);
    INSERT INTO questions_fts(rowid, title, subject, question, reply_text, more_info)
    VALUES (new.id, new.title, new.subject, new.question, new.reply_text, new.more_info);
END;
"""


def _create_v1(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(SCHEMA_V1):
        conn.execute(statement)


def _split_statements(script: str) -> list[str]:
    """Split a schema script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements


def _add_cjk_index(conn: sqlite3.Connection) -> None:
    """v2: a trigram index for CJK text (see corpus/cjk.py), filled from the rows already here."""
    for statement in index_statements():
        conn.execute(statement)
    conn.execute(populate_statement())


def _add_reply_delay(conn: sqlite3.Connection) -> None:
    """v3: the stored, indexed reply delay and an asker index (see corpus/delay_column.py)."""
    for statement in column_statements():
        conn.execute(statement)


def _row_identity(
    question_id: int,
    specialty: str,
    title: str,
    subject: str | None,
    question: str,
    asked_on: str | None,
    asker_name: str | None,
    asker_age: str | None,
    asker_gender: str | None,
    source_url: str | None,
) -> bytes | None:
    """The identity the writer gives the record this stored row came from."""
    asker = Asker(asker_name, asker_age, asker_gender)
    record = Record(
        id=question_id,
        title=title,
        specialty=specialty,
        subject=subject,
        question=question,
        asked_on=asked_on,
        asker=asker if any((asker_name, asker_age, asker_gender)) else None,
        source_url=source_url,
    )
    identity = identity_of(record)
    return identity if isinstance(identity, bytes) else None


def _add_identity(conn: sqlite3.Connection) -> None:
    """v4: each question's identity (see ingest/identity.py), unique, and the corpus's own
    random id (user state belongs to a corpus by it). Ids stay as they are.

    Questions with a site number need no key (the number is their identity); partial ones
    have none (they are found by title). Two questions an older qatui kept apart that now
    have the same identity stay apart: the later one gets a key of its own.
    """
    import uuid  # not at import: opening an existing corpus never makes an id

    conn.execute("ALTER TABLE questions ADD COLUMN identity BLOB")
    conn.execute(
        "CREATE UNIQUE INDEX questions_by_identity ON questions(identity) "
        "WHERE identity IS NOT NULL"
    )
    conn.create_function("qatui_row_identity", 10, _row_identity, deterministic=True)
    conn.create_function("qatui_kept_apart_key", 2, kept_apart_key, deterministic=True)
    row_identity = (
        "qatui_row_identity(id, (SELECT name FROM specialties WHERE id = specialty_id), "
        "title, subject, question, asked_on, asker_name, asker_age, asker_gender, source_url)"
    )
    derived = f"is_partial = 0 AND id >= {DERIVED_ID_BASE}"
    conn.execute(f"UPDATE OR IGNORE questions SET identity = {row_identity} WHERE {derived}")
    conn.execute(
        f"UPDATE questions SET identity = qatui_kept_apart_key({row_identity}, id) "
        f"WHERE {derived} AND identity IS NULL"
    )
    conn.execute(
        "CREATE TABLE corpus_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO corpus_meta (key, value) VALUES ('corpus_id', ?)", (uuid.uuid4().hex,)
    )


def _add_reply_hospital(conn: sqlite3.Connection) -> None:
    """v5: the replying doctor's hospital (``reply.hospital``; the spider's ``doctor_hospital``),
    a nullable column: every reply already stored keeps its values and gets NULL."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(replies)")}
    if "hospital" not in columns:
        conn.execute("ALTER TABLE replies ADD COLUMN hospital TEXT")


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, Migration] = {
    1: _create_v1,
    2: _add_cjk_index,
    3: _add_reply_delay,
    4: _add_identity,
    5: _add_reply_hospital,
    6: lean_tables,
    7: add_finding_aids,
    8: add_date_counts,
}
"""``MIGRATIONS[n]`` takes a database at version n-1 to version n, inside a transaction."""

SCHEMA_VERSION = max(MIGRATIONS)
