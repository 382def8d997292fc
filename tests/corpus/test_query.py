"""Reading the corpus: filters, windows of the list, counts, one question's page, stats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.corpus.topics import TopicQuery

MakeStore = Callable[..., Store]

SPECIALTIES = ("Oncology", "Surgery", "Urology")


def record(n: int, specialty: str, asked_on: str, **changes: Any) -> Record:
    base = Record(
        id=n,
        title=f"Question {n}",
        specialty=specialty,
        subject=f"Subject {n}",
        question=f"Question text {n} about knees.",
        asker=Asker(f"Asker {n}", "30~39", "female"),
        asked_on=asked_on,
        replies=(Reply("Lai", specialty, f"Reply {n}.", asked_on),),
        more_info=None,
    )
    return replace(base, **changes)


@pytest.fixture
def corpus(make_store: MakeStore) -> CorpusReader:
    """30 questions over three specialties and the years 2014-2023, plus links and a partial."""
    store = make_store()
    with store.transaction():
        for n in range(1, 31):
            year = 2014 + (n % 10)
            store.upsert(record(n, SPECIALTIES[n % 3], f"{year}-{(n % 12) + 1:02d}-15"))
        # Pages that link to "Breast Cancer" of several specialties (or none), from specialties
        # of their own; question 8 only names it.
        for n, faq_specialty in ((4, "Oncology"), (5, "Oncology"), (6, None), (7, "Surgery")):
            link = FaqLink("Breast Cancer", faq_specialty)
            store.upsert(record(n, SPECIALTIES[n % 3], f"2019-0{n}-15", related_faq=(link,)))
        store.upsert(record(8, "Urology", "2019-08-15", title="Breast cancer in men"))
        store.upsert(
            record(
                100,
                "Oncology",
                "2016-01-03",
                title="Metastasis risks",
                more_info="HER2 positive zebra article",
                similar=(
                    SimilarLink("Question 3", "q...", "Lai", "Oncology", "r...", "Question 3"),
                    SimilarLink("Unknown page", "uq...", "Fan", "Surgery", "ur...", "Unknown"),
                ),
                related_faq=(FaqLink("Breast Cancer", "Oncology"),),
            )
        )
    return CorpusReader(store.conn)


def all_ids(reader: CorpusReader, filters: Filters) -> list[int]:
    return [row.id for row in reader.window(filters, 0, 10_000)]


def test_count_and_total(corpus: CorpusReader) -> None:
    assert corpus.total() == 32
    assert corpus.count(Filters()) == 32
    assert corpus.count(Filters(specialty="Oncology")) == 10 + 1
    assert corpus.count(Filters(specialty="No such")) == 0


def test_window_is_newest_first_with_id_as_tie_break(corpus: CorpusReader) -> None:
    rows = corpus.window(Filters(), 0, 40)
    keys = [(row.asked_on or "", row.id) for row in rows]
    assert keys == sorted(keys, reverse=True)
    # Oldest first reverses the dated rows; undated (partial) pages stay last either way.
    dated = [row.id for row in rows if row.asked_on]
    undated = [row.id for row in rows if not row.asked_on]
    assert undated and [row.id for row in rows] == dated + undated
    oldest = corpus.window(Filters(newest_first=False), 0, 40)
    assert [row.id for row in oldest] == dated[::-1] + undated[::-1]
    # Read from the far end (the total known), the same order comes back.
    total = len(rows)
    tail = corpus.window(Filters(newest_first=False), total - 5, 5, total)
    assert [row.id for row in tail] == [row.id for row in oldest][-5:]


@pytest.mark.parametrize("newest_first", [True, False])
@pytest.mark.parametrize("offset", [0, 5, 15, 16, 17, 25, 30, 31, 32, 40])
def test_window_from_the_end_matches_the_start(
    corpus: CorpusReader, offset: int, newest_first: bool
) -> None:
    filters = Filters(newest_first=newest_first)
    expected = all_ids(corpus, filters)[offset : offset + 7]
    total = corpus.count(filters)
    assert [row.id for row in corpus.window(filters, offset, 7, total)] == expected
    assert [row.id for row in corpus.window(filters, offset, 7)] == expected


def test_date_bounds_are_inclusive(corpus: CorpusReader) -> None:
    rows = corpus.window(Filters(since="2016-01-03", until="2017-12-31"), 0, 100)
    dates = {row.asked_on for row in rows}
    assert "2016-01-03" in dates
    assert all("2016-01-03" <= (d or "") <= "2017-12-31" for d in dates)
    assert len(rows) == corpus.count(Filters(since="2016-01-03", until="2017-12-31"))


def listed_ids(reader: CorpusReader, filters: Filters) -> list[int]:
    return [row.id for row in ListQuery(filters).rows(reader, 0, 10_000)]


def test_a_topic_lists_the_pages_that_link_to_it(corpus: CorpusReader) -> None:
    """The pages that link to the topic of that specialty, whatever their own specialty; not
    the pages that only hold its words."""
    assert listed_ids(corpus, Filters(topic=FaqLink("Breast Cancer", "Oncology"))) == [5, 4, 100]
    assert listed_ids(corpus, Filters(topic=FaqLink("Breast Cancer"))) == [6]
    assert listed_ids(corpus, Filters(topic=FaqLink("Breast Cancer", "Surgery"))) == [7]
    assert listed_ids(corpus, Filters(topic=FaqLink("Breast", "Oncology"))) == []


def test_a_topics_list_holds_what_the_topic_index_counts(corpus: CorpusReader) -> None:
    topics = TopicQuery().rows(corpus.conn)
    assert len(topics) == 3
    for row in topics:
        filters = Filters(topic=FaqLink(row.topic, row.specialty))
        assert ListQuery(filters).count(corpus) == row.pages == len(listed_ids(corpus, filters))


def test_a_topic_and_the_other_filters_combine(corpus: CorpusReader) -> None:
    topic = FaqLink("Breast Cancer", "Oncology")
    assert listed_ids(corpus, Filters(topic=topic, specialty="Urology")) == [5]
    assert listed_ids(corpus, Filters(topic=topic, since="2019-01-01")) == [5, 4]
    assert listed_ids(corpus, Filters(topic=topic, search="metastasis")) == [100]
    assert ListQuery(Filters(topic=topic, search="knees")).count(corpus) == 3


def test_words_are_read_only_through_the_list_query(corpus: CorpusReader) -> None:
    """One rule turns words into rows: plain reads refuse filters that carry words."""
    with pytest.raises(ValueError, match="ListQuery"):
        corpus.count(Filters(search="knees"))
    with pytest.raises(ValueError, match="ListQuery"):
        corpus.window(Filters(search="knees"), 0, 5)


def test_filters_combine(corpus: CorpusReader) -> None:
    filters = Filters(specialty="Surgery", since="2018-01-01", search="knees")
    rows = ListQuery(filters).rows(corpus, 0, 100)
    assert rows
    assert all(row.specialty == "Surgery" and (row.asked_on or "") >= "2018" for row in rows)
    assert filters.active
    assert not filters.cleared().active
    assert filters.describe()[0] == "Surgery"


def test_specialty_counts_follow_the_other_filters(corpus: CorpusReader) -> None:
    counts = dict(corpus.specialty_counts(Filters(specialty="Urology", since="2020-01-01")))
    expected = dict(corpus.specialty_counts(Filters(since="2020-01-01")))
    assert counts == expected
    assert sum(counts.values()) == corpus.count(Filters(since="2020-01-01"))
    assert set(corpus.specialties()) == set(SPECIALTIES)


def test_titles_like_matches_a_prefix(corpus: CorpusReader) -> None:
    assert [row.id for row in corpus.titles_like("metas")] == [100]
    assert corpus.titles_like("") == []


def test_record_round_trips_what_was_stored(corpus: CorpusReader) -> None:
    stored = corpus.record(100)
    assert stored is not None
    assert stored.title == "Metastasis risks"
    assert stored.related_faq == (FaqLink("Breast Cancer", "Oncology"),)
    assert [link.title for link in stored.similar] == ["Question 3", "Unknown page"]
    assert corpus.record(999_999) is None


def test_page_resolves_links(corpus: CorpusReader) -> None:
    page = corpus.page(100)
    assert page is not None
    assert not page.is_partial
    (known, unknown) = page.similar
    assert (known.target_id, known.target_is_partial) == (3, False)
    assert unknown.target_is_partial
    assert unknown.target_id is not None
    partial = corpus.page(unknown.target_id)
    assert partial is not None
    assert partial.is_partial
    assert partial.record.question == "uq..."
    assert [row.id for row in partial.listed_by] == [100]
    three = corpus.page(3)
    assert three is not None
    assert [row.id for row in three.listed_by] == [100]


def test_iter_records_leaves_out_partials_unless_asked(corpus: CorpusReader) -> None:
    full = [r.id for r in corpus.iter_records() if r.id is not None]
    assert full == sorted(full)
    assert len(full) == 31
    assert len(list(corpus.iter_records(include_partial=True))) == 32


def test_stats(corpus: CorpusReader) -> None:
    stats = corpus.stats()
    assert (stats.questions, stats.partial) == (32, 1)
    assert stats.first_date == "2014-07-15"
    assert stats.last_date == "2023-10-15"
    assert dict(stats.by_specialty) == {"Oncology": 11, "Surgery": 10, "Urology": 10}
    assert sum(n for _, n in stats.by_year) == 31
    assert [year for year, _ in stats.by_year] == [str(y) for y in range(2014, 2024)]
