"""The doctor and hospital filters: questions with a reply by that doctor (or from that
hospital), combined with dates, search and facets; the doctor facet; the indexes they read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qatui.corpus.facets import histogram
from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import Record, Reply
from qatui.corpus.people import known_name, names_like, person_counts
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]


def asked(
    n: int,
    asked_on: str,
    question: str,
    *replies: tuple[str, str | None],
    specialty: str = "Urology",
) -> Record:
    """Question ``n``, with one reply per (doctor, hospital)."""
    return Record(
        id=n,
        title=f"Question {n}",
        specialty=specialty,
        question=question,
        asked_on=asked_on,
        replies=tuple(
            Reply(doctor, specialty, f"Reply {k} to {n}.", asked_on, hospital)
            for k, (doctor, hospital) in enumerate(replies)
        ),
    )


@pytest.fixture
def reader(make_store: MakeStore) -> CorpusReader:
    """Lin replies alone to 1 and 3 and with Wu to 2 (two replies); Wu alone, twice, to 4;
    nobody to 5;
    "Chen" exists only as a name typed by the test (no replies)."""
    store = make_store()
    with store.transaction():
        store.upsert(asked(1, "2016-03-05", "Kidney stones again.", ("Lin", "Taipei General")))
        store.upsert(
            asked(
                2,
                "2018-05-01",
                "Stones and fever.",
                ("Lin", "Taipei General"),
                ("Wu", "Kaohsiung Veterans"),
            )
        )
        store.upsert(
            asked(3, "2020-01-10", "A rash on the arm.", ("Lin", None), specialty="Dermatology")
        )
        # Wu replies twice to 4 (a follow-up): it is still one question of Wu's.
        wu = ("Wu", "Kaohsiung Veterans")
        store.upsert(asked(4, "2019-02-02", "Kidney pain at night.", wu, wu))
        store.upsert(asked(5, "2021-06-01", "Kidney cyst.", specialty="Urology"))
    return CorpusReader(store.conn)


def ids_of(reader: CorpusReader, filters: Filters) -> list[int]:
    query = ListQuery(filters)
    return sorted(row.id for row in query.rows(reader, 0, 100))


def test_a_doctor_lists_every_question_with_a_reply_of_theirs(reader: CorpusReader) -> None:
    assert ids_of(reader, Filters(doctor="Lin")) == [1, 2, 3]
    assert ids_of(reader, Filters(doctor="Wu")) == [2, 4]  # 2 counts for both of its doctors
    assert ids_of(reader, Filters(doctor="Chen")) == []
    assert ListQuery(Filters(doctor="Lin")).count(reader) == 3
    assert ListQuery(Filters(doctor="Chen")).count(reader) == 0


def test_the_doctor_filter_combines_with_specialty_dates_and_search(reader: CorpusReader) -> None:
    assert ids_of(reader, Filters(doctor="Lin", specialty="Urology")) == [1, 2]
    assert ids_of(reader, Filters(doctor="Lin", since="2017-01-01")) == [2, 3]
    assert ids_of(reader, Filters(doctor="Lin", until="2019-12-31", search="kidney")) == [1]
    assert ids_of(reader, Filters(doctor="Wu", search="kidney")) == [4]
    query = ListQuery(Filters(doctor="Lin", search="stones"), typed=False)
    assert query.count(reader) == 2
    assert histogram(reader.conn, query.selecting(reader.conn), "year") == [
        ("2016", 1),
        ("2017", 0),
        ("2018", 1),
    ]


def test_a_hospital_lists_the_questions_its_doctors_replied_to(reader: CorpusReader) -> None:
    assert ids_of(reader, Filters(hospital="Taipei General")) == [1, 2]
    assert ids_of(reader, Filters(hospital="Kaohsiung Veterans", doctor="Lin")) == [2]
    assert ids_of(reader, Filters(hospital="Kaohsiung Veterans", since="2019-01-01")) == [4]


def test_the_specialty_counts_follow_the_doctor(reader: CorpusReader) -> None:
    counts = dict(reader.specialty_counts(Filters(doctor="Lin")))
    assert counts == {"Dermatology": 1, "Urology": 2}


def test_the_doctor_facet_counts_questions_under_the_other_filters(reader: CorpusReader) -> None:
    assert person_counts(reader.conn, Filters(), "doctor") == [("Lin", 3), ("Wu", 2)]
    # Its own filter is ignored (the other doctors stay choosable); the others are honoured.
    assert person_counts(reader.conn, Filters(doctor="Lin"), "doctor") == [("Lin", 3), ("Wu", 2)]
    assert person_counts(reader.conn, Filters(since="2019-01-01"), "doctor") == [
        ("Lin", 1),
        ("Wu", 1),
    ]
    assert person_counts(reader.conn, Filters(hospital="Kaohsiung Veterans"), "doctor") == [
        ("Wu", 2),
        ("Lin", 1),
    ]
    assert person_counts(reader.conn, Filters(), "hospital") == [
        ("Kaohsiung Veterans", 2),
        ("Taipei General", 2),
    ]
    assert person_counts(reader.conn, Filters(), "doctor", limit=1) == [("Lin", 3)]


def test_names_are_found_in_any_case_and_suggested_by_a_part(reader: CorpusReader) -> None:
    assert known_name(reader.conn, "doctor", "lin") == "Lin"
    assert known_name(reader.conn, "doctor", "Chen") is None
    assert names_like(reader.conn, "hospital", "veterans") == ["Kaohsiung Veterans"]
    assert names_like(reader.conn, "doctor", "%") == []  # a LIKE wildcard is a character


def test_a_doctors_list_reads_the_doctor_index(reader: CorpusReader) -> None:
    where, params = reader.where(Filters(doctor="Lin"))
    plan = " ".join(
        str(row[-1])
        for row in reader.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT q.id FROM questions q{where} "
            "ORDER BY q.asked_on DESC LIMIT 50",
            params,
        )
    )
    assert "replies_by_doctor" in plan
