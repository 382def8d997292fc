"""Facets (age band, gender) and the questions-per-period histogram, on a small corpus."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qatui.corpus.facets import (
    age_band_counts,
    asker_facets,
    choose_period,
    gender_counts,
    histogram,
    period_bounds,
)
from qatui.corpus.filters import Filters
from qatui.corpus.model import Asker, Record, Reply, SimilarLink
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store


def page(title: str, specialty: str, asked_on: str, age: str | None, gender: str | None) -> Record:
    return Record(
        title=title,
        specialty=specialty,
        question="Q",
        asker=Asker("X", age, gender) if age or gender else None,
        asked_on=asked_on,
        replies=(Reply("Lin", specialty, "R", asked_on),),
    )


PAGES = [
    page("a", "Urology", "2016-01-10", "30~39", "male"),
    page("b", "Urology", "2016-01-20", "30~39", "female"),
    page("c", "Urology", "2016-04-02", "20~29", "male"),
    page("d", "Dermatology", "2016-04-03", "100~109", "female"),
    page("e", "Dermatology", "2018-12-31", "0~9", "female"),
    page("f", "Dermatology", "2018-12-01", None, None),
    page("g", "Dermatology", "2019-02-14", "30~39", "female"),
]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for record in PAGES:
            store.upsert(record)
    yield store.conn
    store.close()


def test_age_bands_youngest_first_unknown_last(conn: sqlite3.Connection) -> None:
    assert age_band_counts(conn, Filters()) == [
        ("0~9", 1),
        ("20~29", 1),
        ("30~39", 3),
        ("100~109", 1),
        (None, 1),
    ]


def test_genders_largest_first(conn: sqlite3.Connection) -> None:
    assert gender_counts(conn, Filters()) == [("female", 4), ("male", 2), (None, 1)]


def test_facets_follow_the_other_filters(conn: sqlite3.Connection) -> None:
    urology_2016 = Filters(specialty="Urology", since="2016-01-01", until="2016-01-31")
    facets = asker_facets(conn, urology_2016)
    assert facets.age_bands == [("30~39", 2)]
    assert facets.genders == [("female", 1), ("male", 1)]


def test_a_facet_ignores_its_own_filter_but_not_the_other(conn: sqlite3.Connection) -> None:
    chosen = Filters(age="30~39", gender="female")
    # Every band stays visible (choosable) under the gender filter ...
    assert age_band_counts(conn, chosen) == [("0~9", 1), ("30~39", 2), ("100~109", 1)]
    # ... and every gender under the age filter.
    assert gender_counts(conn, chosen) == [("female", 2), ("male", 1)]


def test_facet_counts_add_up_to_the_list_count(conn: sqlite3.Connection) -> None:
    reader = CorpusReader(conn)
    for filters in (Filters(), Filters(specialty="Dermatology"), Filters(since="2017-01-01")):
        total = reader.count(filters)
        assert sum(n for _, n in age_band_counts(conn, filters)) == total
        assert sum(n for _, n in gender_counts(conn, filters)) == total


def test_age_and_gender_are_list_filters(conn: sqlite3.Connection) -> None:
    reader = CorpusReader(conn)
    chosen = Filters(age="30~39", gender="female")
    assert [row.title for row in reader.window(chosen, 0, 10)] == ["g", "b"]
    assert reader.count(chosen) == 2
    assert chosen.describe() == ["age 30~39", "gender: female"]
    assert chosen.active
    assert not chosen.cleared().active


def test_month_histogram_fills_the_gaps(conn: sqlite3.Connection) -> None:
    bars = histogram(conn, Filters(until="2016-12-31"))
    assert bars == [("2016-01", 2), ("2016-02", 0), ("2016-03", 0), ("2016-04", 2)]
    assert histogram(conn, Filters(until="2016-12-31"), fill_gaps=False) == [
        ("2016-01", 2),
        ("2016-04", 2),
    ]


def test_month_histogram_crosses_years(conn: sqlite3.Connection) -> None:
    bars = histogram(conn, Filters(since="2018-01-01"))
    assert bars == [("2018-12", 2), ("2019-01", 0), ("2019-02", 1)]


def test_year_histogram_under_filters(conn: sqlite3.Connection) -> None:
    assert histogram(conn, Filters(), "year") == [
        ("2016", 4),
        ("2017", 0),
        ("2018", 2),
        ("2019", 1),
    ]
    assert histogram(conn, Filters(specialty="Urology"), "year") == [("2016", 3)]
    assert histogram(conn, Filters(specialty="Nowhere"), "year") == []


def test_histogram_leaves_out_undated_questions(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "links.db")
    try:
        with store.transaction():
            # The Similar Q&A link makes an undated partial question.
            store.upsert(
                Record(
                    title="dated",
                    specialty="Urology",
                    question="Q",
                    asked_on="2020-05-05",
                    similar=(SimilarLink("undated partial page"),),
                )
            )
        assert CorpusReader(store.conn).count(Filters()) == 2
        assert histogram(store.conn, Filters(), "year") == [("2020", 1)]
    finally:
        store.close()


def test_period_bounds_make_a_date_filter() -> None:
    assert period_bounds("2016-02") == ("2016-02-01", "2016-02-29")
    assert period_bounds("2018") == ("2018-01-01", "2018-12-31")


def test_choosing_a_bar_filters_to_its_questions(conn: sqlite3.Connection) -> None:
    since, until = period_bounds("2016-04")
    reader = CorpusReader(conn)
    assert sorted(row.title for row in reader.window(Filters(since=since, until=until), 0, 9)) == [
        "c",
        "d",
    ]


def test_choose_period() -> None:
    assert choose_period("2016-01-01", "2016-12-31", 12) == "month"
    assert choose_period("2016-01-01", "2017-01-01", 12) == "year"
    assert choose_period(None, None, 12) == "month"


def test_the_sites_under_10_band_sorts_first() -> None:
    from qatui.corpus.facets import _age_key

    bands = [("10~19", 1), (None, 1), ("80 above", 1), ("Under 10", 1), ("20~29", 1)]
    assert [band for band, _ in sorted(bands, key=_age_key)] == [
        "Under 10",
        "10~19",
        "20~29",
        "80 above",
        None,
    ]


def test_dates_centuries_apart_or_malformed_never_break_the_histogram(tmp_path: Path) -> None:
    """Issue 15 #4: a question dated 9999-12-31 built ~1.2 million months (compared as text,
    "10000-01" < "9999-12") and a bar that could not be chosen. Whatever a hand-made
    database holds, the bars stay few, in time order, and every bar can be chosen."""
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for n, asked in enumerate(("2000-08-16", "2001-03-02", "2016-05-05")):
            store.upsert(page(f"q{n}", "Urology", asked, None, None))
        conn = store.conn
        for n, odd in enumerate(("9999-12-31", "10000-01-01", "2016-13-40", "soon", "")):
            conn.execute(
                "INSERT INTO questions (id, specialty_id, title, question, reply_text, "
                "asked_on) VALUES (?, 1, ?, 'Q', '', ?)",
                (9_000 + n, f"odd {n}", odd),
            )
    conn = store.conn
    months = histogram(conn, Filters(), "month")
    years = histogram(conn, Filters(), "year")
    assert [key for key, _ in months] == sorted(key for key, _ in months)
    assert months[0] == ("2000-08", 1) and months[-1] == ("9999-12", 1)
    assert len(months) == 4  # too far apart to fill every month between: only those asked
    assert sum(count for _, count in months) == 4
    assert years == [("2000", 1), ("2001", 1), ("2016", 2), ("9999", 1)]
    for key, _ in months + years:
        since, until = period_bounds(key)
        assert since <= until
    assert choose_period("2000-08-16", "9999-12-31", 120) == "year"
    filled = histogram(conn, Filters(until="2016-12-31"), "month")
    assert len(filled) == (2016 - 2000) * 12 + 5 - 8 + 1  # gaps filled, 2000-08 .. 2016-05
    store.close()
