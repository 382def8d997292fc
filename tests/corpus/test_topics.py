"""The topic index: every Related FAQ topic with its specialty and how many pages link to it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from qatui.corpus.model import FaqLink, Record
from qatui.corpus.store.writer import Store
from qatui.corpus.topics import TopicQuery, TopicRow, topic_specialties

MakeStore = Callable[..., Store]


def linking(n: int, *topics: tuple[str, str | None]) -> Record:
    return Record(
        id=n,
        title=f"Question {n}",
        specialty="Urology",
        question="A question.",
        related_faq=tuple(FaqLink(topic, specialty) for topic, specialty in topics),
    )


@pytest.fixture
def conn(make_store: MakeStore) -> sqlite3.Connection:
    store = make_store()
    with store.transaction():
        store.upsert(linking(1, ("Kidney stones", "Urology"), ("Rash", "Dermatology")))
        store.upsert(linking(2, ("Kidney stones", "Urology"), ("Kidney stones", "Nephrology")))
        # The same topic twice on one page counts that page once.
        store.upsert(linking(3, ("Kidney stones", "Urology"), ("Kidney stones", "Urology")))
        store.upsert(linking(4, ("100% cure?", None)))
        store.upsert(linking(5))
    return store.conn


def test_every_topic_with_its_specialty_and_pages(conn: sqlite3.Connection) -> None:
    query = TopicQuery()
    assert query.rows(conn) == [
        TopicRow("100% cure?", None, 1),
        TopicRow("Kidney stones", "Nephrology", 1),
        TopicRow("Kidney stones", "Urology", 3),
        TopicRow("Rash", "Dermatology", 1),
    ]
    assert query.count(conn) == 4
    assert [row.topic for row in query.rows(conn, offset=1, limit=2)] == [
        "Kidney stones",
        "Kidney stones",
    ]


def test_topics_of_a_specialty_and_holding_words(conn: sqlite3.Connection) -> None:
    assert TopicQuery(specialty="Urology").rows(conn) == [TopicRow("Kidney stones", "Urology", 3)]
    assert TopicQuery(contains="KIDNEY").count(conn) == 2
    assert TopicQuery(contains="%").rows(conn) == [TopicRow("100% cure?", None, 1)]
    assert TopicQuery(contains="_").rows(conn) == []
    assert TopicQuery(specialty="Urology", contains="rash").count(conn) == 0
    assert topic_specialties(conn) == ["Dermatology", "Nephrology", "Urology"]


def test_the_topic_list_reads_its_index(conn: sqlite3.Connection) -> None:
    plan = " ".join(
        str(row[-1])
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT topic, specialty, count(DISTINCT question_id) "
            "FROM faq_links GROUP BY topic, specialty ORDER BY topic, specialty LIMIT 10"
        )
    )
    assert "faq_links_by_topic" in plan and "TEMP B-TREE" not in plan
