"""Stored term counts: filled from the indexes, read when present, counted by MATCH when not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from qatui.corpus.model import Record
from qatui.corpus.search.term_counts import (
    TABLE,
    TRIGRAMS,
    WORDS,
    document_counts,
    has_stored_counts,
    refresh_term_counts,
)
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]

BASE = Record(id=1, title="Title", specialty="Surgery", question="", asked_on="2020-01-01")


def filled(make_store: MakeStore, *questions: str) -> Store:
    store = make_store()
    with store.transaction():
        for n, text in enumerate(questions, start=1):
            store.upsert(replace(BASE, id=n, title=f"Question {n}", question=text))
    return store


def test_counts_agree_with_and_without_the_table(make_store: MakeStore) -> None:
    store = filled(make_store, "Sarcoidosis of the lung", "Sarcoidosis again", "Other 偏頭痛")
    terms = ["sarcoidosis", "lung", "absent"]
    before = document_counts(store.conn, WORDS, terms, cap=10)
    assert before == {"sarcoidosis": 2, "lung": 1, "absent": 0}
    assert not has_stored_counts(store.conn)
    with store.transaction():
        refresh_term_counts(store.conn)
    assert has_stored_counts(store.conn)
    assert document_counts(store.conn, WORDS, terms, cap=10) == before
    assert document_counts(store.conn, TRIGRAMS, ["偏頭痛", "頭痛 "], cap=10) == {
        "偏頭痛": 1,
        "頭痛 ": 1,
    }


def test_the_stored_count_is_the_one_read(make_store: MakeStore) -> None:
    store = filled(make_store, "Sarcoidosis of the lung")
    with store.transaction():
        refresh_term_counts(store.conn)
        store.conn.execute(f"UPDATE {TABLE} SET documents = 999 WHERE term = 'sarcoidosis'")
    assert document_counts(store.conn, WORDS, ["sarcoidosis"], cap=10) == {"sarcoidosis": 999}


def test_a_word_newer_than_the_table_is_counted(make_store: MakeStore) -> None:
    store = filled(make_store, "Sarcoidosis of the lung")
    with store.transaction():
        refresh_term_counts(store.conn)
        store.upsert(replace(BASE, id=9, question="Keloid, keloid"))
    assert document_counts(store.conn, WORDS, ["keloid"], cap=10) == {"keloid": 1}


def test_rare_trigrams_are_not_stored(make_store: MakeStore) -> None:
    store = filled(make_store, "偏頭痛")
    with store.transaction():
        refresh_term_counts(store.conn)
    stored = store.conn.execute(f"SELECT count(*) FROM {TABLE} WHERE source = ?", (TRIGRAMS,))
    assert stored.fetchone()[0] == 0
    words = store.conn.execute(f"SELECT count(*) FROM {TABLE} WHERE source = ?", (WORDS,))
    assert words.fetchone()[0] > 0


def test_absent_is_zero_trusts_the_table(make_store: MakeStore) -> None:
    store = filled(make_store, "Sarcoidosis of the lung")
    with store.transaction():
        refresh_term_counts(store.conn)
        store.upsert(replace(BASE, id=9, question="Keloid"))
    counted = document_counts(store.conn, WORDS, ["keloid"], cap=10, absent_is_zero=True)
    assert counted == {"keloid": 0}
