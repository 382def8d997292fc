"""The v7 finding aids: indexes the doctor and topic lists read, and term counts imports keep."""

from __future__ import annotations

from pathlib import Path

from qatui.corpus.ingest.importer import import_records
from qatui.corpus.model import Record, Reply
from qatui.corpus.search.term_counts import COUNTED_OVER, TABLE
from qatui.corpus.store.writer import Store


def _record(number: int, word: str) -> Record:
    return Record(
        id=number,
        title=f"Question {number} about {word}",
        specialty="Dermatology",
        question=f"My skin shows {word} since last week.",
        asked_on="2020-01-02",
        replies=(Reply("Dr. Lin", "Dermatology", f"It sounds like {word}."),),
    )


def _documents(store: Store, term: str) -> int | None:
    row = store.conn.execute(
        f"SELECT documents FROM {TABLE} WHERE source = 0 AND term = ?", (term,)
    ).fetchone()
    return None if row is None else int(row[0])


def test_a_new_database_has_the_indexes_and_the_counts_table(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    names = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_schema")}
    assert {"replies_by_doctor", "replies_by_hospital", "faq_links_by_topic", TABLE} <= names


def test_an_import_counts_the_terms_it_brought(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    import_records(store, [_record(n, "eczema") for n in range(1, 5)])
    assert _documents(store, "eczema") == 4
    meta = store.conn.execute("SELECT value FROM corpus_meta WHERE key = ?", (COUNTED_OVER,))
    assert meta.fetchone()[0] == "4"


def test_a_small_import_into_a_large_corpus_leaves_the_counts(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    import_records(store, [_record(n, "eczema") for n in range(1, 41)])
    import_records(store, [_record(41, "psoriasis")])  # 1 of 40: under the 5% share
    assert _documents(store, "psoriasis") is None
    import_records(store, [_record(n, "psoriasis") for n in range(42, 45)])  # 3 more: 4 of 40
    assert _documents(store, "psoriasis") == 4
