"""v8's ``date_counts``: kept by triggers, filled by the migration, and date-range counts read
from it that equal counting the rows, for any ask-date text and any bounds."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.filters import Filters
from qatui.corpus.store.date_counts import COUNTED, KEPT
from qatui.corpus.store.date_ranges import split_range
from qatui.corpus.store.health import check_database
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import MIGRATIONS
from qatui.corpus.store.writer import Store

SPECIALTIES = ("Cardiology", "Dermatology", "Urology")

ODD_DATES = [
    None,
    "",
    "2016",
    "2016-05",
    "2016-05-31",
    "2016-05-31 23:59:59",
    "2016-06-01",
    "2016/05/03",
    "089/08/16",
    "2016年8月16日",
    "unknown",
    "2016-05\U0010ffff",
    "\U0010ffff" * 8,
    "2016-1",
]
"""Ask-date texts a corpus might hold besides ISO dates (older files, other tools' writes)."""


def _dates(rng: random.Random, count: int) -> list[str | None]:
    iso = [
        f"{rng.randint(2000, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        for _ in range(count)
    ]
    return [*iso, *ODD_DATES, *(rng.choice(ODD_DATES) for _ in range(count // 10))]


def _insert(conn: sqlite3.Connection, dates: list[str | None], rng: random.Random) -> None:
    """Questions written straight into the table (the importer would refuse the odd dates)."""
    start = int(conn.execute("SELECT coalesce(max(id), 0) FROM questions").fetchone()[0])
    for number, asked_on in enumerate(dates, start + 1):
        conn.execute(
            "INSERT INTO questions (id, specialty_id, title, asked_on) VALUES "
            "(?, (SELECT id FROM specialties WHERE name = ?), ?, ?)",
            (number, rng.choice(SPECIALTIES), f"Question {number}", asked_on),
        )


def _kept(conn: sqlite3.Connection) -> set[tuple[object, ...]]:
    return set(conn.execute(KEPT).fetchall())


def _counted(conn: sqlite3.Connection) -> set[tuple[object, ...]]:
    return set(conn.execute(COUNTED).fetchall())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    store = Store.open(tmp_path_factory.mktemp("dates") / "c.db")
    rng = random.Random(8)
    with store.transaction():
        for name in SPECIALTIES:
            store.conn.execute("INSERT INTO specialties (name) VALUES (?)", (name,))
        _insert(store.conn, _dates(rng, 400), rng)
    return store.conn


def _rows(conn: sqlite3.Connection, filters: Filters) -> int:
    """The count as the rows give it, with the same conditions as the reader's filter."""
    sql = "SELECT count(*) FROM questions q WHERE 1"
    args: list[object] = []
    if filters.specialty:
        sql += " AND specialty_id = (SELECT id FROM specialties WHERE name = ?)"
        args.append(filters.specialty)
    if filters.since:
        sql += " AND asked_on >= ?"
        args.append(filters.since)
    if filters.until:
        sql += " AND asked_on <= ?"
        args.append(filters.until)
    return int(conn.execute(sql, args).fetchone()[0])


BOUND = st.one_of(
    st.none(),
    st.sampled_from([d for d in ODD_DATES if d]),
    st.builds(
        lambda y, m, d, cut: f"{y}-{m:02d}-{d:02d}"[:cut],
        st.integers(1999, 2027),
        st.integers(1, 12),
        st.integers(1, 31),
        st.integers(1, 10),
    ),
    st.text(max_size=9),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(since=BOUND, until=BOUND, specialty=st.sampled_from([None, *SPECIALTIES]))
def test_date_counts_equal_counting_the_rows(
    corpus: sqlite3.Connection, since: str | None, until: str | None, specialty: str | None
) -> None:
    reader = CorpusReader(corpus)
    filters = Filters(specialty=specialty, since=since, until=until)
    assert reader.count(filters) == _rows(corpus, filters)
    by_name = dict(reader.specialty_counts(filters))
    for name in SPECIALTIES:
        assert by_name[name] == _rows(corpus, Filters(specialty=name, since=since, until=until))


def test_a_range_of_months_is_read_from_the_kept_counts(corpus: sqlite3.Connection) -> None:
    reader = CorpusReader(corpus)
    filters = Filters(since="2001-01-01", until="2024-12-31")
    expected = _rows(corpus, filters)
    assert split_range(filters.since, filters.until) is not None
    # Change the kept table by one and the answer follows it: it was read, not counted.
    specialty_id, prefix = corpus.execute(
        "SELECT specialty_id, prefix FROM date_counts WHERE prefix >= '2010-06' "
        "AND prefix < '2024' ORDER BY prefix LIMIT 1"
    ).fetchone()
    corpus.execute("SAVEPOINT tamper")
    corpus.execute(
        "UPDATE date_counts SET questions = questions + 1 WHERE specialty_id = ? AND prefix = ?",
        (specialty_id, prefix),
    )
    try:
        assert reader.count(filters) == expected + 1
        assert sum(count for _, count in reader.specialty_counts(filters)) == expected + 1
    finally:
        corpus.execute("ROLLBACK TO tamper")
        corpus.execute("RELEASE tamper")
    assert reader.count(filters) == expected


def test_triggers_keep_the_counts_through_every_write(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    rng = random.Random(3)
    conn = store.conn
    with store.transaction():
        for name in SPECIALTIES:
            conn.execute("INSERT INTO specialties (name) VALUES (?)", (name,))
        _insert(conn, _dates(rng, 60), rng)
    assert _kept(conn) == _counted(conn)
    with store.transaction():
        conn.execute("UPDATE questions SET asked_on = '2020-02-02' WHERE id % 3 = 0")
        conn.execute("UPDATE questions SET asked_on = NULL WHERE id % 7 = 0")
        conn.execute("UPDATE questions SET specialty_id = 1 WHERE id % 5 = 0")
        conn.execute("DELETE FROM questions WHERE id % 11 = 0")
    assert _kept(conn) == _counted(conn)
    assert {row[1] for row in conn.execute(KEPT)} >= {"2020-02"}
    store.close()


def test_the_migration_counts_what_an_older_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version in range(1, 8):
        MIGRATIONS[version](conn)
    conn.execute("PRAGMA user_version = 7")
    rng = random.Random(5)
    for name in SPECIALTIES:
        conn.execute("INSERT INTO specialties (name) VALUES (?)", (name,))
    _insert(conn, _dates(rng, 80), rng)
    conn.commit()
    conn.close()
    store = Store.open(path)
    assert store.info.migrated_from == 7
    assert _kept(store.conn) == _counted(store.conn) != set()
    store.close()


def test_check_finds_kept_month_counts_changed_by_hand(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    rng = random.Random(4)
    with store.transaction():
        for name in SPECIALTIES:
            store.conn.execute("INSERT INTO specialties (name) VALUES (?)", (name,))
        _insert(store.conn, _dates(rng, 30), rng)
    counts = [f for f in check_database(store.conn, writable=True) if f.check == "counts"]
    assert [f.verdict.name for f in counts] == ["OK"]
    with store.transaction():
        store.conn.execute("UPDATE date_counts SET questions = questions + 2")
    counts = [f for f in check_database(store.conn, writable=True) if f.check == "counts"]
    assert counts[0].verdict.name == "PROBLEM"
    assert "date_counts" in counts[0].detail
    store.close()
