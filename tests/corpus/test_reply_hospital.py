"""The replying doctor's hospital (``reply.hospital``, schema v4): stored, read back, exported
only when known, and added to an older database by a migration that keeps every reply."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.export import record_markdown
from qatui.corpus.ingest.identity import content_hash
from qatui.corpus.model import Record, Reply
from qatui.corpus.store import schema
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Outcome, Store

WITH_HOSPITAL = Record(
    id=4,
    title="T",
    specialty="神經外科",
    question="Q",
    replies=(Reply("丁賢偉", "神經外科", "Body", "2000-08-24", hospital="成大醫院"),),
)


def test_a_hospital_is_stored_and_read_back(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        assert store.upsert(WITH_HOSPITAL) is Outcome.NEW
    record = CorpusReader(store.conn).record(4)
    assert record is not None and record.replies == WITH_HOSPITAL.replies
    assert record.to_json()["reply"]["hospital"] == "成大醫院"
    store.close()


def test_a_reply_without_a_hospital_keeps_its_json_and_its_hash() -> None:
    reply = Reply("Dr Lin", "ENT", "Rest.", "2016-01-03")
    assert reply.to_json() == {
        "doctor": "Dr Lin",
        "specialty": "ENT",
        "body": "Rest.",
        "replied_on": "2016-01-03",
    }
    record = Record(title="T", specialty="S", question="Q", replies=(reply,))
    before: dict[str, object] = {
        "title": "T",
        "specialty": "S",
        "subject": None,
        "question": "Q",
        "asker": None,
        "asked_on": None,
        "reply": reply.to_json(),
        "more_info": None,
        "similar": [],
        "related_faq": [],
    }  # the record's JSON before reply.hospital existed
    assert content_hash(record.to_json()) == content_hash(before)


def test_a_v3_database_gets_the_column_and_keeps_every_reply(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for version in (1, 2, 3):
        schema.MIGRATIONS[version](conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO specialties (id, name) VALUES (1, 'ENT')")
    conn.execute(
        "INSERT INTO questions (id, specialty_id, title, question, asked_on, content_hash) "
        "VALUES (9, 1, 'Old', 'Q', '2016-01-02', 'h')"
    )
    conn.execute(
        "INSERT INTO replies (question_id, position, doctor, specialty, body, replied_on) "
        "VALUES (9, 0, 'Dr Lin', 'ENT', 'Rest.', '2016-01-03')"
    )
    conn.execute("COMMIT")
    before = conn.execute("SELECT * FROM replies").fetchall()
    conn.close()
    store = Store.open(path)
    assert store.info.migrated_from == 3 and store.info.backup is not None
    after = store.conn.execute("SELECT * FROM reply_bodies").fetchall()
    assert after == [(*row, None) for row in before]
    record = CorpusReader(store.conn).record(9)
    assert record is not None
    assert record.replies == (Reply("Dr Lin", "ENT", "Rest.", "2016-01-03"),)
    store.close()


def test_the_markdown_export_names_the_hospital() -> None:
    markdown = record_markdown(WITH_HOSPITAL)
    assert "Reply from Dr. 丁賢偉 (神經外科, 成大醫院), 2000-08-24" in markdown
