"""The state filters the corpus's question list, and survives a full re-import of the corpus."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from qatui.corpus.filters import Filters
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.userstate import (
    UserState,
    UserStateError,
    attach_state,
    detach_state,
    only_bookmarked,
    only_read,
    only_unread,
    use_state_of_corpus,
)


def page(title: str, specialty: str, asked_on: str, number: int | None = None) -> Record:
    return Record(
        title=title,
        specialty=specialty,
        question=f"About {title}.",
        asker=Asker("Mei", "30~39", "female"),
        asked_on=asked_on,
        replies=(Reply("Lin Wei", specialty, "A reply.", asked_on),),
        id=number,
    )


PAGES = [
    page("Knee pain", "Orthopedics", "2016-03-05", 101),
    page("Ankle sprain", "Orthopedics", "2017-07-10", 102),
    page("Rash on arms", "Dermatology", "2018-01-01"),  # no site number: derived id
    page("Hair loss", "Dermatology", "2019-09-09"),
    page("Kidney stone", "Urology", "2020-02-02", 105),
]


def build(path: Path, records: list[Record]) -> dict[str, int]:
    """Import ``records`` into a new corpus at ``path``; returns title -> id."""
    store = Store.open(path)
    try:
        with store.transaction():
            for record in records:
                store.upsert(record)
        return {title: qid for qid, title in store.conn.execute("SELECT id, title FROM questions")}
    finally:
        store.close()


def titles(reader: CorpusReader, filters: Filters) -> list[str]:
    return [row.title for row in reader.window(filters, 0, 100)]


def test_only_unread_read_and_bookmarked(tmp_path: Path, state: UserState) -> None:
    ids = build(tmp_path / "corpus.db", PAGES)
    state.record_open(ids["Knee pain"], "Knee pain")
    state.mark_read(ids["Hair loss"])
    state.add_bookmark(ids["Rash on arms"], "Rash on arms")
    corpus = Corpus.open(tmp_path / "corpus.db")
    try:
        with corpus.reader() as reader:
            attach_state(reader.conn, state.path)
            unread = Filters(extra=(only_unread(),))
            assert titles(reader, unread) == ["Kidney stone", "Rash on arms", "Ankle sprain"]
            assert reader.count(unread) == 3
            read = Filters(extra=(only_read(),))
            assert titles(reader, read) == ["Hair loss", "Knee pain"]
            marked = Filters(specialty="Dermatology", extra=(only_bookmarked(),))
            assert titles(reader, marked) == ["Rash on arms"]
            assert dict(reader.specialty_counts(Filters(extra=(only_unread(),)))) == {
                "Dermatology": 1,
                "Orthopedics": 1,
                "Urology": 1,
            }
            assert unread.describe() == ["unread"]
            assert unread.active
            assert unread.cleared().extra == ()
    finally:
        corpus.close()


def test_marks_made_after_attaching_show_at_the_next_query(
    tmp_path: Path, state: UserState
) -> None:
    build(tmp_path / "corpus.db", PAGES)
    store = Store.open(tmp_path / "corpus.db")
    try:
        reader = CorpusReader(store.conn)
        attach_state(reader.conn, state.path)
        bookmarked = Filters(extra=(only_bookmarked(),))
        assert reader.count(bookmarked) == 0
        state.add_bookmark(105, "Kidney stone")
        assert titles(reader, bookmarked) == ["Kidney stone"]
        attach_state(reader.conn, state.path)  # again: a no-op
        names = [row[1] for row in reader.conn.execute("PRAGMA database_list")]
        assert names.count("state") == 1
    finally:
        store.close()


def test_attached_state_is_read_only(tmp_path: Path, state: UserState) -> None:
    build(tmp_path / "corpus.db", PAGES)
    conn = sqlite3.connect(tmp_path / "corpus.db", isolation_level=None)
    try:
        attach_state(conn, state.path)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO state.read_marks VALUES (0, 1, 'x')")
        detach_state(conn)
        detach_state(conn)
        assert [row[1] for row in conn.execute("PRAGMA database_list")] == ["main"]
    finally:
        conn.close()


def test_attach_refuses_a_missing_file_and_odd_names(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        with pytest.raises(UserStateError, match="does not exist"):
            attach_state(conn, tmp_path / "missing.db")
        with pytest.raises(ValueError):
            only_unread("state; DROP TABLE questions")
    finally:
        conn.close()


def use_corpus_at(state: UserState, path: Path) -> None:
    """Make ``state`` the state of the corpus at ``path`` (as the reader does)."""
    store = Store.open(path)
    try:
        use_state_of_corpus(state, CorpusReader(store.conn), path)
    finally:
        store.close()


def test_state_survives_a_full_reimport(tmp_path: Path, state: UserState) -> None:
    first = build(tmp_path / "corpus.db", PAGES)
    use_corpus_at(state, tmp_path / "corpus.db")
    state.record_open(first["Rash on arms"], "Rash on arms", "Dermatology")
    state.record_open(first["Knee pain"], "Knee pain", "Orthopedics")
    state.add_bookmark(first["Rash on arms"], "Rash on arms", "Dermatology", note="show doctor")
    state.add_bookmark(first["Kidney stone"], "Kidney stone", "Urology")

    # The corpus file is thrown away and rebuilt, from the same pages in another order,
    # with one page changed and one new page: a new corpus at the same place.
    (tmp_path / "corpus.db").unlink()
    changed = [*reversed(PAGES), page("Shoulder stiffness", "Orthopedics", "2021-01-01")]
    changed[0] = replace(changed[0], question="Reworded question about the stone.")
    second = build(tmp_path / "corpus.db", changed)
    assert {title: second[title] for title in first} == first
    use_corpus_at(state, tmp_path / "corpus.db")

    store = Store.open(tmp_path / "corpus.db")
    try:
        reader = CorpusReader(store.conn)
        attach_state(reader.conn, state.path)
        assert titles(reader, Filters(extra=(only_bookmarked(),))) == [
            "Kidney stone",
            "Rash on arms",
        ]
        assert titles(reader, Filters(extra=(only_read(),))) == ["Rash on arms", "Knee pain"]
        assert state.read_among(second.values()) == {first["Rash on arms"], first["Knee pain"]}
        note = state.bookmark(second["Rash on arms"])
        assert note is not None and note.note == "show doctor"
        record = reader.record(second["Kidney stone"])
        assert record is not None and record.question == "Reworded question about the stone."
    finally:
        store.close()


def test_bookmarks_list_without_the_corpus(tmp_path: Path, state: UserState) -> None:
    """The title snapshot lets the list show bookmarks the current corpus does not hold."""
    state.add_bookmark(999_999, "A page from another corpus", "Urology")
    build(tmp_path / "corpus.db", PAGES)
    store = Store.open(tmp_path / "corpus.db")
    try:
        assert CorpusReader(store.conn).record(999_999) is None
    finally:
        store.close()
    assert [(b.title, b.specialty) for b in state.bookmarks()] == [
        ("A page from another corpus", "Urology")
    ]
