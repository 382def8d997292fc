"""The stored reply delay (schema v3): filled by the migration, kept in step, used by the sort."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from qatui.corpus.delay import record_reply_delay
from qatui.corpus.facets import asker_facets
from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import Asker, Record, Reply, SimilarLink
from qatui.corpus.store import schema
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from tests.corpus.old_schema import create_old_database, insert_as_before, rows_as_before

V3 = 3


def page(number: int, asked: str | None, *replied: str | None, **changes: object) -> Record:
    base = Record(
        title=f"Question {number}",
        specialty="Urology" if number % 2 else "Dermatology",
        question="What now?",
        asker=Asker("Mei", "30~39", "female"),
        asked_on=asked,
        replies=tuple(Reply("Lin", "Urology", f"reply {n}", day) for n, day in enumerate(replied)),
        id=number,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


PAGES = [
    page(1, "2020-01-01", "2020-01-01"),  # same day
    page(2, "2020-01-01", "2020-01-08", "2020-03-01"),  # a week; the second reply is ignored
    page(3, "2016-02-28", "2016-03-01"),  # over a leap day
    page(4, "2020-01-10", "2020-01-03"),  # reply dated before the question
    page(5, "2020-01-01", None),  # reply without a date
    page(6, None, "2020-01-01"),  # question without a date
    page(7, "2020-01-01"),  # no reply yet
    page(8, "2019-05-05", "2019-06-04"),  # thirty days
]


def stored_delays(conn: sqlite3.Connection) -> dict[int, int | None]:
    return dict(conn.execute("SELECT id, reply_delay FROM questions ORDER BY id").fetchall())


def expected_delays(records: list[Record]) -> dict[int, int | None]:
    return {record.id: record_reply_delay(record) for record in records if record.id is not None}


def test_new_database_is_at_v3_with_the_column_and_indexes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    conn = store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= V3
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(questions)")}
    assert {
        "questions_by_delay",
        "questions_by_specialty_delay",
        "questions_by_asker",
        "questions_by_specialty_asker",
    } <= indexes
    store.close()


def test_upsert_stores_the_delay_of_the_first_reply(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for record in PAGES:
            store.upsert(record)
    assert stored_delays(store.conn) == expected_delays(PAGES)
    assert stored_delays(store.conn)[3] == 2 and stored_delays(store.conn)[4] == -7
    store.close()


def test_the_delay_follows_changed_dates_and_replies(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for record in PAGES:
            store.upsert(record)
    changed = [
        page(1, "2019-12-25", "2020-01-01"),  # ask date moved
        page(2, "2020-01-01", "2020-01-03"),  # reply date moved
        page(5, "2020-01-01", "2020-01-11"),  # the reply got a date
        page(7, "2020-01-01", "2020-01-02"),  # a reply came
        page(8, "2019-05-05"),  # the reply went
    ]
    with store.transaction():
        for record in changed:
            store.upsert(record)
    now = {**{r.id: r for r in PAGES}, **{r.id: r for r in changed}}
    assert stored_delays(store.conn) == expected_delays(list(now.values()))
    store.conn.execute("UPDATE questions SET asked_on = '2020-01-05' WHERE id = 7")
    assert stored_delays(store.conn)[7] == -3
    store.conn.execute("UPDATE replies SET replied_on = '2020-02-04' WHERE question_id = 7")
    assert stored_delays(store.conn)[7] == 30
    store.close()


def test_a_partial_question_filled_in_place_gets_its_delay(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    linking = page(1, "2020-01-01", "2020-01-02", similar=(SimilarLink("Question 3"),))
    with store.transaction():
        store.upsert(replace(linking, specialty="Urology"))
    partial = store.conn.execute("SELECT id, reply_delay FROM questions WHERE is_partial = 1")
    assert [row[1] for row in partial] == [None]
    with store.transaction():
        store.upsert(page(3, "2016-02-28", "2016-03-01", specialty="Urology"))
    assert stored_delays(store.conn) == {1: 1, 3: 2}
    store.close()


def test_a_v2_database_is_migrated_keeping_everything(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    old = create_old_database(path, V3 - 1)
    for record in PAGES:
        insert_as_before(old, record)
    columns = {row[1] for row in old.execute("PRAGMA table_info(questions)")}
    assert "reply_delay" not in columns
    tables = ("questions", "replies", "similar_links", "faq_links", "specialties")
    old_columns = {
        table: ", ".join(row[1] for row in old.execute(f"PRAGMA table_info({table})"))
        for table in tables
    }
    before = {
        table: old.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in tables
    }
    old.close()

    migrated = Store.open(path)
    assert migrated.info.migrated_from == V3 - 1
    assert migrated.info.backup is not None and migrated.info.backup.exists()
    conn = migrated.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert stored_delays(conn) == expected_delays(PAGES)
    for table, rows in before.items():  # less the columns added since (reply_delay, ...)
        assert rows_as_before(conn, table, old_columns[table]) == rows, table
    reader = CorpusReader(conn)
    assert [row.id for row in ListQuery(Filters(search="now")).rows(reader, 0, 20)] != []
    # Later writes keep the column in step in the migrated database too.
    with migrated.transaction():
        migrated.upsert(page(7, "2020-01-01", "2020-01-31"))
    assert stored_delays(conn)[7] == 30
    migrated.close()
    backup = sqlite3.connect(migrated.info.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == V3 - 1
    backup.close()


def _plan(conn: sqlite3.Connection, filters: Filters, offset: int, total: int | None) -> str:
    """The query plan of the list window ``window`` runs for these arguments."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    CorpusReader(conn).window(filters, offset, 5, total)
    conn.set_trace_callback(None)
    ordered = next(sql for sql in statements if "ORDER BY" in sql)
    return " | ".join(str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + ordered))


@pytest.mark.parametrize("newest_first", [True, False])
@pytest.mark.parametrize("from_end", [False, True])
def test_the_delay_sort_reads_an_index_without_sorting(
    tmp_path: Path, newest_first: bool, from_end: bool
) -> None:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for record in PAGES:
            store.upsert(record)
    total = len(PAGES) if from_end else None
    offset = len(PAGES) - 2 if from_end else 0
    whole = _plan(store.conn, Filters(order="delay", newest_first=newest_first), offset, total)
    assert "questions_by_delay" in whole and "TEMP B-TREE" not in whole
    one = Filters(order="delay", newest_first=newest_first, specialty="Urology")
    in_specialty = _plan(store.conn, one, offset, total)
    assert "questions_by_specialty_delay" in in_specialty and "TEMP B-TREE" not in in_specialty
    store.close()


@pytest.mark.parametrize("specialty", [None, "Urology"])
def test_the_asker_facets_read_an_index_not_the_rows(tmp_path: Path, specialty: str | None) -> None:
    store = Store.open(tmp_path / "corpus.db")
    with store.transaction():
        for record in PAGES:
            store.upsert(record)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    asker_facets(store.conn, Filters(specialty=specialty))
    store.conn.set_trace_callback(None)
    grouped = next(sql for sql in statements if "GROUP BY" in sql)
    plan = " | ".join(str(row[3]) for row in store.conn.execute("EXPLAIN QUERY PLAN " + grouped))
    assert "COVERING INDEX questions_by" in plan and "asker" in plan
    store.close()
