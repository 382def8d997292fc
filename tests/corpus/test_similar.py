"""Similar questions computed from the corpus: nearest first, same specialty first, CJK too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.search.similar import distinctive_terms, page_terms, similar_questions
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]

FILLER = (
    "I have a question about my health and would like some advice from a doctor please",
    "My family asked me to write here because the clinic was closed this week",
    "The doctor said to rest and drink water and come back if it gets worse",
)


def record(n: int, text: str, **fields: Any) -> Record:
    base = Record(
        id=n,
        title=f"Question {n}",
        specialty="Surgery",
        subject=None,
        question=f"{text}. {FILLER[n % len(FILLER)]}.",
        asked_on="2020-01-01",
        replies=(Reply("Lin", "Surgery", f"Thank you for asking. {FILLER[(n + 1) % 3]}.", None),),
    )
    return replace(base, **fields)


def corpus(make_store: MakeStore, *records: Record) -> CorpusReader:
    store = make_store()
    with store.transaction():
        for item in records:
            store.upsert(item)
        for n in range(100, 130):  # background pages, so that the filler words are common
            store.upsert(record(n, "general wellbeing checkup routine"))
    return CorpusReader(store.conn)


def ids(reader: CorpusReader, question_id: int, limit: int = 5) -> list[int]:
    found = similar_questions(reader, question_id, limit=limit)
    assert found is not None
    return [row.id for row in found]


def test_the_nearest_page_comes_first_and_the_page_itself_never(make_store: MakeStore) -> None:
    reader = corpus(
        make_store,
        record(1, "Gallbladder stones with jaundice and pancreatitis after fatty meals"),
        record(2, "Gallbladder stones, jaundice and pancreatitis since last spring"),
        record(3, "Gallbladder stones found on an ultrasound"),
        record(4, "A sprained ankle from running"),
    )
    found = ids(reader, 1)
    assert found[:2] == [2, 3]
    assert 1 not in found
    assert 4 not in found


def test_same_specialty_comes_first(make_store: MakeStore) -> None:
    reader = corpus(
        make_store,
        record(1, "Tinnitus and vertigo with hearing loss"),
        record(2, "Tinnitus and vertigo with hearing loss in both ears", specialty="Neurology"),
        record(3, "Tinnitus at night"),
    )
    assert ids(reader, 1)[:2] == [3, 2]


def test_its_own_similar_links_are_left_out(make_store: MakeStore) -> None:
    link = SimilarLink("Question 2", None, None, "Surgery", None, "Question 2")
    reader = corpus(
        make_store,
        record(1, "Keloid scar itching after surgery", similar=(link,)),
        record(2, "Keloid scar itching after surgery, also red"),
        record(3, "Keloid scar on the shoulder"),
    )
    assert reader.record(1) is not None
    targets = [
        row[0]
        for row in reader.conn.execute("SELECT target_id FROM similar_links WHERE question_id = 1")
    ]
    assert targets == [2]
    assert ids(reader, 1) == [3]


def test_cjk_pages_find_cjk_neighbours(make_store: MakeStore) -> None:
    reader = corpus(
        make_store,
        record(1, "", title="偏頭痛與噁心", question="最近偏頭痛很嚴重，常常噁心想吐。"),
        record(2, "", title="偏頭痛怎麼辦", question="我的偏頭痛持續三天，伴隨噁心。"),
        record(3, "", title="膝蓋疼痛", question="跑步後膝蓋疼痛，上下樓梯更痛。"),
        record(4, "Migraine with nausea for three days"),
    )
    assert ids(reader, 1) == [2]
    assert ids(reader, 3) == []


def test_a_page_with_nothing_distinctive_finds_nothing(make_store: MakeStore) -> None:
    reader = corpus(make_store, record(1, "Zygomycosis"))
    assert ids(reader, 1) == []


def test_an_unknown_question_is_none(make_store: MakeStore) -> None:
    reader = corpus(make_store, record(1, "Anything"))
    assert similar_questions(reader, 999) is None


def test_the_limit_is_kept(make_store: MakeStore) -> None:
    pages = [record(n, f"Psoriasis plaques on the elbows case {n}") for n in range(1, 9)]
    reader = corpus(make_store, *pages)
    assert len(ids(reader, 1, limit=3)) == 3
    assert len(ids(reader, 1)) == 5


def test_distinctive_terms_prefer_rare_words_and_skip_common_ones(make_store: MakeStore) -> None:
    reader = corpus(
        make_store,
        record(1, "Sarcoidosis of the lungs"),
        record(2, "Sarcoidosis again"),
    )
    fields: dict[str, str | None] = {"question": "Sarcoidosis general wellbeing"}
    terms = [term for term, _ in distinctive_terms(reader.conn, fields, 32, cjk=False)]
    assert terms == ["sarcoidosis"]


def test_page_terms_weigh_the_title_above_the_body() -> None:
    weights = page_terms({"title": "Eczema", "question": "eczema, dermatitis"}, cjk=False)
    assert weights["eczema"] > weights["dermatitis"] > 0
    trigrams = page_terms({"question": "偏頭痛。噁心"}, cjk=True)
    assert set(trigrams) == {"偏頭痛"}


def test_partial_questions_are_left_out(make_store: MakeStore) -> None:
    link = SimilarLink("Keloid scar itching", None, None, "Surgery", None, "Keloid scar itching")
    reader = corpus(
        make_store,
        record(1, "Keloid scar itching after surgery"),
        record(2, "Keloid scar itching again", similar=(link,)),
    )
    partial = reader.conn.execute("SELECT id FROM questions WHERE is_partial = 1").fetchall()
    assert len(partial) == 1
    assert ids(reader, 1) == [2]
