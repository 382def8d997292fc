"""Did you mean: close words from the corpus's vocabulary, none for words it holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from qatui.corpus.model import Record
from qatui.corpus.search.suggest import Suggestion, closest_word, suggest
from qatui.corpus.search.term_counts import refresh_term_counts
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]

BASE = Record(id=1, title="Title", specialty="Oncology", question="", asked_on="2020-01-01")
TEXTS = (
    "Metastasis to the liver",
    "Bone metastasis and pain",
    "Is this metastasis?",
    "Metastatic cancer",
    "Migraine at night",
    "Pain in the knee",
)


@pytest.fixture(params=["stored", "vocabulary"])
def store(request: pytest.FixtureRequest, make_store: MakeStore) -> Store:
    """The same corpus with stored term counts, and without (read from fts5vocab)."""
    built = make_store()
    with built.transaction():
        for n, text in enumerate(TEXTS, start=1):
            built.upsert(replace(BASE, id=n, title=f"Question {n}", question=text))
        if request.param == "stored":
            refresh_term_counts(built.conn)
    return built


def test_a_misspelling_gets_the_corpus_word(store: Store) -> None:
    assert suggest(store.conn, "metastasys") == Suggestion(
        "metastasis", (("metastasys", "metastasis"),)
    )


def test_only_the_unknown_word_is_replaced_as_typed(store: Store) -> None:
    found = suggest(store.conn, 'bone "metsatasis" -knee')
    assert found is not None
    assert found.text == 'bone "metastasis" -knee'


def test_a_word_the_corpus_holds_gets_no_suggestion(store: Store) -> None:
    assert suggest(store.conn, "metastatic") is None
    assert suggest(store.conn, "migraine") is None


def test_a_word_with_nothing_close_gets_none(store: Store) -> None:
    assert suggest(store.conn, "zzyzx") is None
    assert closest_word(store.conn, "metastasys", documents=1) is None  # 3 is not 20x more


def test_prefixes_short_words_and_cjk_are_left_alone(store: Store) -> None:
    assert suggest(store.conn, "metastasys*") is None
    assert suggest(store.conn, "pian") is not None  # four letters: one edit
    assert suggest(store.conn, "kn") is None
    assert suggest(store.conn, "頭痛") is None


def test_the_closest_and_most_common_wins(store: Store) -> None:
    assert closest_word(store.conn, "metastasus") == "metastasis"
    assert closest_word(store.conn, "migrain") == "migraine"


def test_a_large_corpus_without_stored_counts_gets_no_suggestion(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qatui.corpus.search import suggest as module

    built = make_store()
    with built.transaction():
        for n, text in enumerate(TEXTS, start=1):
            built.upsert(replace(BASE, id=n, title=f"Question {n}", question=text))
    assert suggest(built.conn, "metastasys") is not None
    monkeypatch.setattr(module, "VOCABULARY_SCAN_MAX", len(TEXTS) - 1)
    assert suggest(built.conn, "metastasys") is None
    with built.transaction():
        refresh_term_counts(built.conn)
    assert suggest(built.conn, "metastasys") is not None
