"""Specialty counts: right under every filter, and read from the (specialty, date) index."""

from __future__ import annotations

import pytest

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import FaqLink
from qatui.corpus.store.database import connect
from qatui.corpus.store.reader import CorpusReader
from qatui.synthetic.bulk_load import build_database

FILTERS = [
    Filters(),
    Filters(since="2016-01-01", until="2016-12-31"),
    Filters(since="2010-01-01"),
    Filters(until="2005-06-30"),
    Filters(since="2015-01-01", gender="female"),
    Filters(age="30~39"),
    Filters(topic=FaqLink("Mitu Syndrome", "Hansen's Disease")),  # 9 pages link to it
    Filters(specialty="Urology", since="2020-01-01"),  # the specialty itself is left out
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> CorpusReader:
    path = tmp_path_factory.mktemp("counts") / "corpus.db"
    build_database(path, 400, seed=8, workers=0)
    return CorpusReader(connect(path, read_only=True))


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f.describe()) or "all")
def test_counts_match_counting_each_specialty(reader: CorpusReader, filters: Filters) -> None:
    counts = reader.specialty_counts(ListQuery(filters).selecting(reader.conn))
    assert [name for name, _ in counts] == sorted(reader.specialties())
    for name, count in counts:
        others = Filters(
            specialty=name,
            since=filters.since,
            until=filters.until,
            topic=filters.topic,
            age=filters.age,
            gender=filters.gender,
        )
        assert count == ListQuery(others).count(reader, cap=None), name
    assert sum(count for _, count in counts) > 0


def test_date_filtered_counts_read_the_specialty_date_index(reader: CorpusReader) -> None:
    """A date filter is answered from the index alone: at 1,000,000 questions the GROUP BY
    that read each matching row took 5 s for a wide range (see benchmarks/RESULTS.md)."""
    statements: list[str] = []
    reader.conn.set_trace_callback(statements.append)
    try:
        reader.specialty_counts(Filters(since="2001-01-01", until="2026-12-31"))
    finally:
        reader.conn.set_trace_callback(None)
    counting = next(sql for sql in statements if "count(*)" in sql)
    plan = " | ".join(row[3] for row in reader.conn.execute(f"EXPLAIN QUERY PLAN {counting}"))
    assert "COVERING INDEX questions_by_specialty_date" in plan
    assert "GROUP BY" not in plan
