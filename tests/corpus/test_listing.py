"""ListQuery: one filtered list, asked the same questions by every caller (the reader, the
timeline, the exports, ``qatui search``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from qatui.corpus.facets import histogram
from qatui.corpus.filters import Filters
from qatui.corpus.listing import Highlight, ListQuery
from qatui.corpus.model import FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.reader import CorpusReader, QuestionRow
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]


KNEE_PAIN = FaqLink("Knee Pain", "Orthopedics")


def record(n: int, title: str, specialty: str, asked_on: str, question: str) -> Record:
    return Record(
        id=n,
        title=title,
        specialty=specialty,
        question=question,
        asked_on=asked_on,
        replies=(Reply("Lai", specialty, f"Reply {n}.", asked_on),),
    )


@pytest.fixture
def reader(make_store: MakeStore) -> CorpusReader:
    """Six questions, three about knees (two linking to the topic "Knee Pain"), and one partial
    known only from a link."""
    store = make_store()
    with store.transaction():
        knee_pain = (KNEE_PAIN,)
        store.upsert(
            replace(
                record(1, "Knee pain", "Orthopedics", "2016-03-05", "My knee hurts."),
                related_faq=knee_pain,
            )
        )
        store.upsert(record(2, "Kneeling at work", "Orthopedics", "2018-05-01", "Kneel all day."))
        store.upsert(
            replace(
                record(3, "Knee after surgery", "Surgery", "2020-01-10", "Knee swelling."),
                related_faq=knee_pain,
            )
        )
        store.upsert(record(4, "Kidney stones", "Urology", "2019-02-02", "Flank pain."))
        store.upsert(record(5, "Rash", "Dermatology", "2021-06-01", "An itchy rash."))
        store.upsert(
            replace(
                record(6, "Ankle sprain", "Orthopedics", "2022-12-30", "A sprain."),
                similar=(SimilarLink("Knee brace", "A knee question", "Lai", None, None, None),),
            )
        )
    return CorpusReader(store.conn)


def ids(rows: list[QuestionRow]) -> list[int]:
    return [row.id for row in rows]


def test_a_list_without_words_reads_the_date_order(reader: CorpusReader) -> None:
    query = ListQuery(Filters(specialty="Orthopedics"))
    assert not query.is_search and query.highlight is None and not query.ranked
    rows = query.rows(reader, 0, 10)
    assert [row.title for row in rows] == [
        "Ankle sprain",
        "Kneeling at work",
        "Knee pain",
        "Knee brace",  # the partial: no date, last
    ]
    assert all(row.snippet.text == "" for row in rows)
    assert query.count(reader) == 4


def test_typed_words_match_a_prefix_and_given_words_do_not(reader: CorpusReader) -> None:
    typed = ListQuery(Filters(search="kne"))
    given = ListQuery(Filters(search="kne"), typed=False)
    assert typed.as_you_type and not given.as_you_type
    titles = {row.title for row in typed.rows(reader, 0, 10)}
    assert titles == {"Knee pain", "Kneeling at work", "Knee after surgery", "Knee brace"}
    assert typed.count(reader) == 4
    assert given.count(reader) == 0
    assert typed.highlight == Highlight("kne", as_you_type=True)


def test_search_rows_share_the_list_row_shape(reader: CorpusReader) -> None:
    rows = ListQuery(Filters(search="knee")).rows(reader, 0, 10)
    assert rows and all(row.snippet.text for row in rows)
    assert {row.is_partial for row in rows} == {True, False}  # the partial keeps its mark


def test_ranked_only_for_a_search(reader: CorpusReader) -> None:
    assert ListQuery(Filters(search="knee")).ranked
    assert not ListQuery(Filters(search="knee", ranked=False)).ranked
    assert not ListQuery(Filters(topic=KNEE_PAIN)).ranked  # a topic's list is by date
    assert ListQuery(Filters(order="delay")).by_delay
    assert not ListQuery(Filters(order="delay", search="knee")).by_delay


def test_a_topic_and_a_search_combine(reader: CorpusReader) -> None:
    assert ids(ListQuery(Filters(topic=KNEE_PAIN)).rows(reader, 0, 10)) == [3, 1]
    query = ListQuery(Filters(topic=KNEE_PAIN, search="surgery"))
    assert query.text == "surgery"
    assert ids(query.rows(reader, 0, 10)) == [3]


def test_counts_stop_at_the_cap(reader: CorpusReader) -> None:
    query = ListQuery(Filters(search="knee"))
    assert query.count(reader, cap=2) == 2 and query.is_capped(2, cap=2)
    assert query.count(reader, cap=None) == 4 and not query.is_capped(4, cap=5)
    assert not ListQuery(Filters()).is_capped(10**6, cap=2)  # only a search is capped


def test_the_specialty_counts_ignore_the_specialty_the_words_and_the_order() -> None:
    """They keep the topic: how many of the pages that link to it each specialty holds."""
    filters = Filters(
        specialty="Urology", since="2018-01-01", search="knee", topic=KNEE_PAIN, order="delay"
    )
    counted = ListQuery(filters).counts_filters
    assert counted == Filters(since="2018-01-01", topic=KNEE_PAIN)
    assert ListQuery(replace(filters, newest_first=False)).counts_filters == counted


def test_selecting_gives_plain_filters_for_the_same_questions(reader: CorpusReader) -> None:
    for filters in (
        Filters(search="knee"),
        Filters(topic=KNEE_PAIN, since="2017-01-01"),
        Filters(topic=KNEE_PAIN, search="knee"),
        Filters(search="kne", specialty="Orthopedics"),
        Filters(since="2019-01-01"),
    ):
        query = ListQuery(filters)
        plain = query.selecting(reader.conn)
        assert plain.query_text is None
        assert reader.count(plain) == query.count(reader, cap=None), filters
        listed = set(ids(query.rows(reader, 0, 100)))
        assert {r.id for r in query.records(reader)} == listed - {
            row.id for row in query.rows(reader, 0, 100) if row.is_partial
        }
        per_year = sum(count for _, count in histogram(reader.conn, plain, "year"))
        assert per_year == len([r for r in query.rows(reader, 0, 100) if r.asked_on])


def timed(n: int, asked_on: str | None, replied_on: str | None, *, knee: bool) -> Record:
    """Question ``n``, asked and replied on these days (either unknown), about knees or not."""
    words = "My knee hurts." if knee else "A cough."
    return Record(
        id=n,
        title=f"Question {n}",
        specialty="Orthopedics" if n % 2 else "Urology",
        question=words,
        asked_on=asked_on,
        replies=(Reply("Lai", None, f"Reply {n}.", replied_on),),
        similar=(SimilarLink(f"Linked knee {n}"),) if n % 3 == 0 else (),
        related_faq=(KNEE_PAIN,) if n % 3 != 1 else (),
    )


@pytest.fixture
def tied(make_store: MakeStore) -> CorpusReader:
    """Questions sharing ask dates and reply delays, some with neither known, and partials
    (undated, from links) among them."""
    days = [
        ("2020-01-01", "2020-01-03"),
        ("2020-01-01", "2020-01-02"),
        ("2019-05-05", "2019-05-07"),
        ("2020-01-01", None),
        (None, None),
        ("2021-07-07", "2021-07-08"),
        ("2019-05-05", "2019-05-06"),
        (None, "2020-02-02"),
        ("2018-01-01", "2018-01-03"),
        ("2021-07-07", None),
    ]
    store = make_store()
    with store.transaction():
        for n, (asked, replied) in enumerate(days, start=1):
            store.upsert(timed(n, asked, replied, knee=n % 4 != 0))
    return CorpusReader(store.conn)


ORDERS = [
    Filters(newest_first=newest, order=order)
    for newest in (True, False)
    for order in ("date", "delay")
]


@pytest.mark.parametrize("base", ORDERS)
@pytest.mark.parametrize(
    "narrowing",
    [
        {},
        {"specialty": "Orthopedics"},
        {"search": "knee", "ranked": False},
        {"topic": KNEE_PAIN},
        {"search": "kne", "ranked": False, "specialty": "Urology"},
    ],
)
def test_a_questions_position_is_where_the_rows_put_it(
    tied: CorpusReader, base: Filters, narrowing: dict[str, object]
) -> None:
    query = ListQuery(replace(base, **narrowing))  # type: ignore[arg-type]
    listed = ids(query.rows(tied, 0, 100))
    assert len(listed) >= 3
    every_id = [row[0] for row in tied.conn.execute("SELECT id FROM questions")]
    for question_id in every_id:
        expected = listed.index(question_id) if question_id in listed else None
        assert query.position(tied, question_id) == expected, question_id


def test_a_ranked_search_gives_no_position(tied: CorpusReader) -> None:
    query = ListQuery(Filters(search="knee"))
    assert query.ranked
    assert ids(query.rows(tied, 0, 100))
    assert query.position(tied, ids(query.rows(tied, 0, 100))[0]) is None


@pytest.mark.parametrize("newest_first", [True, False])
def test_a_date_ordered_search_keeps_the_lists_order_undated_last(
    tied: CorpusReader, newest_first: bool
) -> None:
    base = Filters(newest_first=newest_first)
    searched = ids(ListQuery(replace(base, search="knee", ranked=False)).rows(tied, 0, 100))
    listed = ids(ListQuery(base).rows(tied, 0, 100))
    assert [i for i in listed if i in searched] == searched
    dates = {row.id: row.asked_on for row in ListQuery(base).rows(tied, 0, 100)}
    assert dates[searched[-1]] is None and dates[searched[0]] is not None
