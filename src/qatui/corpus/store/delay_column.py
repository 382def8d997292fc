"""The stored reply delay: ``questions.reply_delay``, its indexes and the triggers that keep it.

Sorting by reply delay computed per row in SQL took seconds per
window on a 275k corpus. Schema v3 stores the delay in days (NULL when unknown) in the question
row, indexes it, and keeps it in step with triggers, so every writer (``Store.upsert``, the bulk
loader, a hand-made UPDATE) leaves the right value without knowing about it. The same migration
adds indexes for the asker facets (age band and gender counts).
"""

from __future__ import annotations


def delay_of(question: str) -> str:
    """SQL for the delay of the question whose id is ``question``: first reply date minus the
    ask date in whole days, NULL when either is missing or not a date."""
    return (
        "(SELECT CAST(julianday(r.replied_on) - julianday(qd.asked_on) AS INTEGER) "
        "FROM questions qd JOIN replies r ON r.question_id = qd.id AND r.position = 0 "
        f"WHERE qd.id = {question})"
    )


def _refresh(question: str) -> str:
    return f"UPDATE questions SET reply_delay = {delay_of(question)} WHERE id = {question};"


INDEXES = (
    "CREATE INDEX questions_by_delay ON questions(reply_delay, id)",
    "CREATE INDEX questions_by_specialty_delay ON questions(specialty_id, reply_delay, id)",
    # The asker facets read these instead of whole rows (whole corpus / one specialty).
    "CREATE INDEX questions_by_asker ON questions(asker_age, asker_gender)",
    "CREATE INDEX questions_by_specialty_asker ON questions(specialty_id, asker_age, asker_gender)",
)

TRIGGERS = (
    "CREATE TRIGGER reply_delay_asked AFTER UPDATE OF asked_on ON questions "
    f"BEGIN {_refresh('new.id')} END",
    "CREATE TRIGGER reply_delay_reply_insert AFTER INSERT ON replies WHEN new.position = 0 "
    f"BEGIN {_refresh('new.question_id')} END",
    "CREATE TRIGGER reply_delay_reply_delete AFTER DELETE ON replies WHEN old.position = 0 "
    f"BEGIN {_refresh('old.question_id')} END",
    "CREATE TRIGGER reply_delay_reply_update AFTER UPDATE OF question_id, position, replied_on "
    f"ON replies BEGIN {_refresh('old.question_id')} {_refresh('new.question_id')} END",
)


def column_statements() -> list[str]:
    """The DDL and the fill of schema v3, in order (run inside the migration's transaction)."""
    return [
        "ALTER TABLE questions ADD COLUMN reply_delay INTEGER",
        # Only rows with an ask date can have a delay: partial questions are not rewritten.
        f"UPDATE questions SET reply_delay = {delay_of('questions.id')} WHERE asked_on IS NOT NULL",
        *INDEXES,
        *TRIGGERS,
    ]
