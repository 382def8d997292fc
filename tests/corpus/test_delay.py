"""Reply delay: the function, its words, and the question list sorted by it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qatui.corpus.delay import describe_delay, record_reply_delay, reply_delay_days
from qatui.corpus.filters import Filters
from qatui.corpus.model import Record, Reply
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store


def test_reply_delay_days() -> None:
    assert reply_delay_days("2016-01-03", "2016-01-03") == 0
    assert reply_delay_days("2016-02-28", "2016-03-01") == 2  # leap year
    assert reply_delay_days("2016-01-10", "2016-01-03") == -7
    assert reply_delay_days(None, "2016-01-03") is None
    assert reply_delay_days("2016-01-03", None) is None
    assert reply_delay_days("2016-01-03", "not a date") is None


def test_record_reply_delay_uses_the_first_reply() -> None:
    record = Record(
        title="t",
        specialty="s",
        question="q",
        asked_on="2020-01-01",
        replies=(Reply("a", "s", "b", "2020-01-05"), Reply("c", "s", "d", "2020-02-01")),
    )
    assert record_reply_delay(record) == 4
    assert record_reply_delay(replace(record, replies=())) is None


def test_describe_delay() -> None:
    assert describe_delay(None) == "unknown"
    assert describe_delay(0) == "same day"
    assert describe_delay(1) == "1 day"
    assert describe_delay(12) == "12 days"
    assert "before the question" in describe_delay(-2)


DELAYS = {"same": 0, "week": 7, "long": 30, "day": 1, "unknown": None, "also-week": 7}


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[CorpusReader]:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for number, (title, days) in enumerate(DELAYS.items(), start=1):
            replied = None if days is None else f"2020-01-{1 + days:02d}"
            store.upsert(
                Record(
                    title=title,
                    specialty="Urology",
                    question="q",
                    asked_on="2020-01-01",
                    replies=(Reply("Lin", "Urology", "r", replied),),
                    id=number,
                )
            )
    yield CorpusReader(store.conn)
    store.close()


def titles(reader: CorpusReader, filters: Filters, offset: int = 0, limit: int = 10,
           total: int | None = None) -> list[str]:  # fmt: skip
    return [row.title for row in reader.window(filters, offset, limit, total)]


def test_sort_by_delay_longest_first_unknown_last(reader: CorpusReader) -> None:
    filters = Filters(order="delay")
    assert titles(reader, filters) == ["long", "also-week", "week", "day", "same", "unknown"]


def test_sort_by_delay_shortest_first_unknown_still_last(reader: CorpusReader) -> None:
    filters = Filters(order="delay", newest_first=False)
    assert titles(reader, filters) == ["same", "day", "week", "also-week", "long", "unknown"]


@pytest.mark.parametrize("newest_first", [True, False])
def test_windows_read_from_the_end_match_the_start(
    reader: CorpusReader, newest_first: bool
) -> None:
    filters = Filters(order="delay", newest_first=newest_first)
    whole = titles(reader, filters)
    total = len(whole)
    for offset in range(total):
        for limit in (1, 2, 4):
            assert titles(reader, filters, offset, limit, total) == whole[offset : offset + limit]


def test_clearing_filters_keeps_the_order(reader: CorpusReader) -> None:
    filters = Filters(specialty="Urology", order="delay", newest_first=False)
    assert filters.cleared() == Filters(order="delay", newest_first=False)


def test_date_order_is_unchanged(reader: CorpusReader) -> None:
    conn: sqlite3.Connection = reader.conn
    conn.execute("UPDATE questions SET asked_on = '2019-12-31' WHERE title = 'day'")
    assert titles(reader, Filters())[-1] == "day"
    assert titles(reader, Filters(newest_first=False))[0] == "day"
