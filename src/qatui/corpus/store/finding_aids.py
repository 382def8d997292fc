"""v7: what the doctor filter, the topic index, similar questions and "did you mean" read.

The indexes by reply doctor and hospital and by Related FAQ topic (without them each of those
lists reads every reply or link), and the stored term counts (``search_terms``, see
:mod:`qatui.corpus.search.term_counts`), counted once here from the rows already stored.
"""

from __future__ import annotations

import sqlite3

from qatui.corpus.search.term_counts import refresh_term_counts
from qatui.corpus.store.lean_migration import announce
from qatui.corpus.topics import INDEX_STATEMENT as TOPIC_INDEX

PERSON_INDEXES = (
    "CREATE INDEX IF NOT EXISTS replies_by_doctor ON replies(doctor, question_id)",
    "CREATE INDEX IF NOT EXISTS replies_by_hospital ON replies(hospital, question_id)",
)
"""The indexes the doctor and hospital filters read."""


def add_finding_indexes(conn: sqlite3.Connection) -> None:
    """Create the doctor, hospital and topic indexes (kept, and cheap to repeat, when they
    exist)."""
    for statement in (*PERSON_INDEXES, TOPIC_INDEX):
        conn.execute(statement)


def add_finding_aids(conn: sqlite3.Connection) -> None:
    """Create the indexes and fill the term counts (seconds at 230,000 questions)."""
    announce("the doctor, hospital and topic indexes")
    add_finding_indexes(conn)
    announce("counting the search terms")
    refresh_term_counts(conn)
