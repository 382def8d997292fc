"""Schema v6, the lean database: dense row ids, the reply stored once, excerpts only where
they add something, counts kept by triggers, a full-text table other tools find.

- ``questions.rowid`` is an explicit ``INTEGER PRIMARY KEY``: dense, in date order after the
  migration, new rows appended. Both full-text tables are keyed by it. ``questions.id`` is the
  stable id (the site's number, or the content-key id), unique; the child tables, user state,
  URLs and exports use it. Filling a partial changes its ``id`` only, which no full-text
  trigger watches.
- ``replies`` keeps where each body lies in ``questions.reply_text`` (``body_start``,
  ``body_length``, in characters); the view ``reply_bodies`` gives the bodies back.
- ``similar_links.derived`` says which fields (title, excerpts, doctor, specialty) were left
  NULL because the full question the link leads to gives them (:mod:`~.excerpts`).
- ``specialty_counts`` holds questions and partials per specialty, ``month_counts`` questions
  per ask month, both kept by triggers.
- ``questions_fts`` is declared ``content="questions"`` (double quotes), the form sqlite-utils'
  ``detect_fts`` and Datasette look for.
"""

from __future__ import annotations

QUESTIONS_TABLE = """
CREATE TABLE questions (
    rowid INTEGER PRIMARY KEY,
    id INTEGER NOT NULL UNIQUE,
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
    content_hash TEXT NOT NULL DEFAULT '',
    identity BLOB,
    reply_delay INTEGER
)"""

QUESTION_COLUMNS = (
    "id, specialty_id, title, subject, question, asker_name, asker_age, asker_gender, "
    "asked_on, reply_text, doctor, more_info, source_url, is_partial, content_hash, identity, "
    "reply_delay"
)
"""Every column of ``questions`` but ``rowid``, in table order."""

CHILD_TABLES = (
    """
CREATE TABLE replies (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    doctor TEXT,
    specialty TEXT,
    body_start INTEGER NOT NULL,
    body_length INTEGER NOT NULL,
    replied_on TEXT,
    hospital TEXT,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID""",
    """
CREATE TABLE similar_links (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    target_id INTEGER REFERENCES questions(id) ON UPDATE CASCADE,
    title TEXT,
    question_excerpt TEXT,
    doctor TEXT,
    specialty TEXT,
    reply_excerpt TEXT,
    read_more TEXT,
    derived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID""",
    """
CREATE TABLE faq_links (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    specialty TEXT,
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID""",
)

COUNTS_TABLE = """
CREATE TABLE specialty_counts (
    specialty_id INTEGER PRIMARY KEY REFERENCES specialties(id),
    questions INTEGER NOT NULL DEFAULT 0,
    partials INTEGER NOT NULL DEFAULT 0
)"""

MONTHS_TABLE = """
CREATE TABLE month_counts (
    month TEXT PRIMARY KEY,
    questions INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID"""

DATED = "GLOB '[0-9][0-9][0-9][0-9]-*'"
"""The ask dates the timeline counts (as facets.histogram does): a year, a dash, more."""

INDEXES = (
    "CREATE INDEX questions_by_date ON questions(asked_on, id)",
    "CREATE INDEX questions_by_specialty_date ON questions(specialty_id, asked_on, id)",
    "CREATE INDEX questions_by_title ON questions(specialty_id, title)",
    "CREATE UNIQUE INDEX questions_by_identity ON questions(identity) WHERE identity IS NOT NULL",
    "CREATE INDEX similar_links_by_target ON similar_links(target_id)",
)

REPLY_BODIES_VIEW = """
CREATE VIEW reply_bodies AS
SELECT r.question_id, r.position, r.doctor, r.specialty,
       substr(q.reply_text, r.body_start + 1, r.body_length) AS body,
       r.replied_on, r.hospital
FROM replies r JOIN questions q ON q.id = r.question_id"""

FTS_COLUMNS = "title, subject, question, reply_text, more_info"

FTS_TABLE = f"""
CREATE VIRTUAL TABLE questions_fts USING fts5(
    {FTS_COLUMNS},
    content="questions",
    tokenize='unicode61 remove_diacritics 2'
)"""


def _fts_values(row: str) -> str:
    return ", ".join(f"{row}.{column.strip()}" for column in FTS_COLUMNS.split(","))


FTS_TRIGGERS = (
    f"""CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO questions_fts(rowid, {FTS_COLUMNS}) VALUES (new.rowid, {_fts_values("new")});
END""",
    f"""CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
    INSERT INTO questions_fts(questions_fts, rowid, {FTS_COLUMNS})
    VALUES ('delete', old.rowid, {_fts_values("old")});
END""",
    f"""CREATE TRIGGER questions_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON questions BEGIN
    INSERT INTO questions_fts(questions_fts, rowid, {FTS_COLUMNS})
    VALUES ('delete', old.rowid, {_fts_values("old")});
    INSERT INTO questions_fts(rowid, {FTS_COLUMNS}) VALUES (new.rowid, {_fts_values("new")});
END""",
)

COUNT_TRIGGERS = (
    """CREATE TRIGGER specialty_counts_insert AFTER INSERT ON questions BEGIN
    INSERT OR IGNORE INTO specialty_counts(specialty_id) VALUES (new.specialty_id);
    UPDATE specialty_counts SET questions = questions + 1, partials = partials + new.is_partial
    WHERE specialty_id = new.specialty_id;
END""",
    """CREATE TRIGGER specialty_counts_delete AFTER DELETE ON questions BEGIN
    UPDATE specialty_counts SET questions = questions - 1, partials = partials - old.is_partial
    WHERE specialty_id = old.specialty_id;
END""",
    """CREATE TRIGGER specialty_counts_update AFTER UPDATE OF specialty_id, is_partial
ON questions BEGIN
    UPDATE specialty_counts SET questions = questions - 1, partials = partials - old.is_partial
    WHERE specialty_id = old.specialty_id;
    INSERT OR IGNORE INTO specialty_counts(specialty_id) VALUES (new.specialty_id);
    UPDATE specialty_counts SET questions = questions + 1, partials = partials + new.is_partial
    WHERE specialty_id = new.specialty_id;
END""",
)


def _month_trigger(name: str, event: str, body: str) -> str:
    return f"CREATE TRIGGER month_counts_{name} AFTER {event} ON questions BEGIN {body} END"


def _add_month(row: str) -> str:
    month = f"substr({row}.asked_on, 1, 7)"
    return (
        f"INSERT OR IGNORE INTO month_counts(month) SELECT {month} WHERE {row}.asked_on {DATED}; "
        f"UPDATE month_counts SET questions = questions + 1 WHERE month = {month} "
        f"AND {row}.asked_on {DATED};"
    )


def _remove_month(row: str) -> str:
    return (
        "UPDATE month_counts SET questions = questions - 1 "
        f"WHERE month = substr({row}.asked_on, 1, 7) AND {row}.asked_on {DATED};"
    )


MONTH_TRIGGERS = (
    _month_trigger("insert", "INSERT", _add_month("new")),
    _month_trigger("delete", "DELETE", _remove_month("old")),
    _month_trigger("update", "UPDATE OF asked_on", _remove_month("old") + " " + _add_month("new")),
)
"""``month_counts``: questions per ask month (``substr(asked_on, 1, 7)``), for the timeline."""

FILL_MONTHS = (
    "INSERT INTO month_counts(month, questions) SELECT substr(asked_on, 1, 7), count(*) "
    f"FROM questions WHERE asked_on {DATED} GROUP BY 1"
)

FILL_COUNTS = (
    "INSERT INTO specialty_counts(specialty_id, questions, partials) "
    "SELECT specialty_id, count(*), sum(is_partial) FROM questions GROUP BY specialty_id"
)

REBUILD_FTS = "INSERT INTO questions_fts(questions_fts) VALUES ('rebuild')"
