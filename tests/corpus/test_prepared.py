"""A record prepared for writing elsewhere (cleaned, its identity and content hash) is written
as the plain record would be; prepared for the other identity rule, it is prepared again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.ingest.identity import content_hash, identity_of
from qatui.corpus.ingest.prepared import prepare_record, prepared
from qatui.corpus.model import Record, Reply
from qatui.corpus.store.writer import Outcome, Store


def _record(title: str, question: str = "Why?\x1b[31m") -> Record:
    return Record(
        title=title,
        specialty="Oncology",
        question=question,
        replies=(Reply(doctor="Lin", specialty="Oncology", body="Because."),),
    )


def test_a_prepared_record_is_cleaned_with_its_identity_and_hash() -> None:
    ready = prepare_record(_record("A"))
    assert ready.record.question == "Why?"
    assert ready.identity == identity_of(ready.record)
    assert ready.content_hash == content_hash(ready.record.to_json())
    assert prepared(ready, by_question_text=False) is ready
    again = prepared(ready, by_question_text=True)
    assert again.by_question_text and again.identity == identity_of(
        ready.record, by_question_text=True
    )
    assert again.identity != ready.identity


def _rows(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, title, question, content_hash FROM questions").fetchall()
    finally:
        conn.close()


def test_writing_a_prepared_record_is_writing_the_record(tmp_path: Path) -> None:
    outcomes = []
    for name, items in (("plain.db", [_record("A")]), ("ready.db", [prepare_record(_record("A"))])):
        store = Store.open(tmp_path / name)
        try:
            with store.transaction():
                outcomes += [store.upsert(item) for item in items]
        finally:
            store.close()
    assert outcomes == [Outcome.NEW, Outcome.NEW]
    assert _rows(tmp_path / "plain.db") == _rows(tmp_path / "ready.db")
    assert _rows(tmp_path / "plain.db")[0][2] == "Why?"
