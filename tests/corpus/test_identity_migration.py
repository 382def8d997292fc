"""Schema 4 (question identities, the corpus id): a schema-3 database keeps every row and id."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.ingest.identity import derived_id, identity_of
from qatui.corpus.ingest.importer import import_records
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Store
from tests.corpus.old_schema import create_old_database, insert_as_before, rows_as_before

URL = "https://questiondoctors.com/can-i-swim/"


def record(title: str, **fields: object) -> Record:
    base: dict[str, object] = {
        "title": title,
        "specialty": "Oncology",
        "question": f"The question of {title}.",
        "asker": Asker("Ada", "30~39", "female"),
        "asked_on": "2016-01-03",
        "replies": (Reply("Lai", "Oncology", f"The reply to {title}.", "2016-01-04"),),
    }
    return Record(**{**base, **fields})  # type: ignore[arg-type]


RECORDS = [
    record(
        "With a site number",
        id=4021,
        similar=(SimilarLink("Only linked", "Excerpt...", "Lai", "Oncology", "Reply..."),),
        related_faq=(FaqLink("Breast Cancer", "Oncology"),),
    ),
    record(
        "Without a number",
        replies=(Reply("Lai", None, "One."), Reply("Wu", None, "Two.")),
        similar=(SimilarLink("With a site number"),),
    ),
    record("With a URL", source_url=URL, asked_on=None),
    record("With a URL, retitled", source_url=URL, asked_on=None),  # kept apart by schema 3
    record("Exported once", id=derived_id("Surgery", "Elsewhere", None)),
]
TABLES = ("specialties", "questions", "replies", "similar_links", "faq_links")


def snapshot(
    conn: sqlite3.Connection, columns: dict[str, str]
) -> dict[str, list[tuple[object, ...]]]:
    return {table: rows_as_before(conn, table, columns[table]) for table in TABLES}


def test_a_schema_3_database_keeps_every_question_link_reply_and_id(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    old = create_old_database(path, 3)
    old_ids = [insert_as_before(old, item) for item in RECORDS]
    columns = {
        table: ", ".join(row[1] for row in old.execute(f"PRAGMA table_info({table})"))
        for table in TABLES
    }
    before = snapshot(old, columns)
    assert len(before["questions"]) == 6  # five pages and the partial one
    old.close()

    store = Store.open(path)
    try:
        assert store.info.migrated_from == 3
        assert store.info.backup is not None and store.info.backup.exists()
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert snapshot(conn, columns) == before
        identities = dict(conn.execute("SELECT id, identity FROM questions").fetchall())
        assert identities[4021] is None  # the site number is its identity
        partial = conn.execute("SELECT id FROM questions WHERE is_partial = 1").fetchone()[0]
        assert identities[partial] is None
        derived = [identities[qid] for qid in old_ids[1:]]
        assert derived[0] == identity_of(RECORDS[1])
        assert derived[3] == identity_of(RECORDS[4])
        # One URL, two questions: still two. The first by id has the URL's identity.
        by_url = sorted(zip(old_ids[2:4], RECORDS[2:4], derived[1:3], strict=True))
        assert by_url[0][2] == identity_of(by_url[0][1])
        assert by_url[1][2] not in (None, by_url[0][2])
        (corpus_id,) = conn.execute("SELECT value FROM corpus_meta WHERE key = 'corpus_id'")
        assert len(corpus_id[0]) == 32

        again = import_records(store, [RECORDS[0], RECORDS[1], by_url[0][1], RECORDS[4]])
        assert (again.unchanged, again.total) == (4, 4)
        assert snapshot(conn, columns) == before
        added = import_records(store, [record("New after the upgrade")])
        assert added.new == 1
    finally:
        store.close()
    backup = sqlite3.connect(store.info.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 3
    backup.close()
