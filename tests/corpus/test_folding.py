"""Chinese in either script: search folds Simplified and Traditional both ways."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from qatui.corpus.model import Record
from qatui.corpus.search.folding import script_variants, term_variants
from qatui.corpus.search.fulltext import count_matches, search
from qatui.corpus.search.highlight import highlight_spans, make_snippet
from qatui.corpus.search.syntax import Kind, Term, parse_query
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]

BASE = Record(id=1, title="Title", specialty="Surgery", question="", asked_on="2020-01-01")


def corpus(make_store: MakeStore) -> Store:
    store = make_store()
    pages = {
        1: ("頭痛三天", "最近偏頭痛，還有發燒。"),  # Traditional
        2: ("头痛怎么办", "偏头痛和发烧"),  # Simplified
        3: ("膝蓋疼痛", "跑步後膝蓋痛。"),
        4: ("Headache", "Plain English."),
    }
    with store.transaction():
        for n, (title, question) in pages.items():
            store.upsert(replace(BASE, id=n, title=title, question=question))
    return store


def found(store: Store, query: str, *, fold_scripts: bool = True) -> set[int]:
    return {hit.id for hit in search(store.conn, query, fold_scripts=fold_scripts)}


def test_variants_go_both_ways() -> None:
    assert script_variants("头痛") == ("头痛", "頭痛")
    assert script_variants("頭痛") == ("頭痛", "头痛")
    assert script_variants("pain") == ("pain",)
    phrase = Term(("头痛", "发烧"), Kind.PHRASE)
    assert term_variants(phrase) == (phrase, Term(("頭痛", "發燒"), Kind.PHRASE))


def test_a_two_character_term_finds_both_scripts(make_store: MakeStore) -> None:
    store = corpus(make_store)
    assert found(store, "头痛") == {1, 2}
    assert found(store, "頭痛") == {1, 2}
    assert found(store, "头痛", fold_scripts=False) == {2}
    assert found(store, "頭痛", fold_scripts=False) == {1}


def test_longer_terms_and_phrases_fold(make_store: MakeStore) -> None:
    store = corpus(make_store)
    assert found(store, "偏头痛") == {1, 2}
    assert found(store, "偏頭痛") == {1, 2}
    assert found(store, '"偏头痛 发烧"') == {1, 2}
    assert found(store, "發燒 OR 膝蓋") == {1, 2, 3}


def test_exclusions_fold_too(make_store: MakeStore) -> None:
    store = corpus(make_store)
    assert found(store, "痛 -头痛") == {3}
    assert count_matches(store.conn, "-頭痛 痛") == 1


def test_counts_fold(make_store: MakeStore) -> None:
    store = corpus(make_store)
    assert count_matches(store.conn, "发烧") == 2
    assert count_matches(store.conn, "发烧", fold_scripts=False) == 1


def test_highlighting_marks_the_text_as_written() -> None:
    text = "我頭痛，他头痛"
    assert highlight_spans(text, "头痛") == [(1, 3), (5, 7)]
    assert highlight_spans(text, "頭痛") == [(1, 3), (5, 7)]
    snippet = make_snippet(["最近偏頭痛，還有發燒。"], parse_query("偏头痛"))
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["偏頭痛"]
