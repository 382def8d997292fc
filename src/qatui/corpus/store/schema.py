"""The database schema and its migrations, keyed by ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from qatui.corpus.search.cjk import index_statements, populate_statement
from qatui.corpus.store.delay_column import column_statements

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


def _add_reply_hospital(conn: sqlite3.Connection) -> None:
    """v4: the replying doctor's hospital (``reply.hospital``; the spider's ``doctor_hospital``),
    a nullable column: every reply already stored keeps its values and gets NULL."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(replies)")}
    if "hospital" not in columns:
        conn.execute("ALTER TABLE replies ADD COLUMN hospital TEXT")


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, Migration] = {
    1: _create_v1,
    2: _add_cjk_index,
    3: _add_reply_delay,
    4: _add_reply_hospital,
}
"""``MIGRATIONS[n]`` takes a database at version n-1 to version n, inside a transaction."""

SCHEMA_VERSION = max(MIGRATIONS)
