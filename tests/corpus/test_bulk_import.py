"""The bulk import path (full-text index deferred to the end of each batch) writes what the
incremental path writes, leaves an index that passes FTS5's integrity-check, and is chosen
by size."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qatui.corpus.ingest import importer
from qatui.corpus.ingest.importer import import_records
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.search.cjk import CJK_TABLE
from qatui.corpus.store.bulk_index import FTS_TABLE, deferred_index, index_triggers
from qatui.corpus.store.health import Verdict, check_database
from qatui.corpus.store.writer import Store

TABLES = ("questions", "replies", "similar_links", "faq_links", "specialties")
TERMS = ("knee", "ankle", "partial", "excerpt", "revised", "gone")
CJK_TERMS = ("膝蓋痛", "蓋痛得", "功能訓")


def page(number: int, *, reply: str = "rest the knee", links: tuple[str, ...] = ()) -> Record:
    """A page; its question text (and so its identity) depends on ``number`` alone."""
    cjk = f" 膝蓋痛得厲害 {number}" if number % 3 == 0 else ""
    return Record(
        title=f"Question {number}",
        specialty="Orthopedics",
        question=f"My knee hurts, case {number}.{cjk}",
        asked_on=f"2020-01-{number % 28 + 1:02d}",
        replies=(Reply("Lin", "Orthopedics", f"{reply} {number}", "2020-02-01"),),
        more_info="功能訓練 exercises" if number % 4 == 0 else None,
        similar=tuple(
            SimilarLink(title, f"partial excerpt of {title}", "Wu", "Orthopedics", "an excerpt")
            for title in links
        ),
    )


def first_import() -> list[Record]:
    """Pages, some linking to pages not imported yet (partials) and to each other."""
    return [
        page(n, links=(f"Question {n + 20}", f"Question {n + 1}") if n % 2 else ())
        for n in range(12)
    ]


def second_import() -> list[Record]:
    """Updates of indexed rows, partials filled, a partial dropped, new pages."""
    updated = [page(n, reply="revised: the ankle too") for n in range(0, 12, 3)]
    unlinked = [page(n) for n in range(1, 12, 4)]  # their links (and a partial or two) go
    filled = [page(n + 20, reply="the partial is now a page") for n in range(1, 12, 2)]
    again = [page(5, reply="revised: the ankle too", links=("Question 7",))]
    return [*updated, *unlinked, *filled, *again, *(page(n) for n in range(40, 46))]


def import_all(store: Store, *, bulk: bool, batch_size: int) -> None:
    for records in (first_import(), second_import()):
        import_records(store, records, bulk=bulk, batch_size=batch_size)


def rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: list(store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")) for table in TABLES
    }


def matches(store: Store) -> dict[str, list[int]]:
    found = {
        term: [
            r[0]
            for r in store.conn.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rowid", (term,)
            )
        ]
        for term in TERMS
    }
    for term in CJK_TERMS:
        found[term] = [
            r[0]
            for r in store.conn.execute(
                f"SELECT rowid FROM {CJK_TABLE} WHERE {CJK_TABLE} MATCH ? ORDER BY rowid",
                (f'"{term}"',),
            )
        ]
    return found


def assert_index_sound(store: Store) -> None:
    for table in (FTS_TABLE, CJK_TABLE):
        store.conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    findings = list(check_database(store.conn, writable=True))
    assert [f for f in findings if f.verdict is not Verdict.OK] == []


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    bulk, incremental = Store.open(tmp_path / "bulk.db"), Store.open(tmp_path / "row.db")
    yield bulk, incremental
    bulk.close()
    incremental.close()


@pytest.mark.parametrize("batch_size", [1, 4, 100])
def test_bulk_and_incremental_imports_give_the_same_rows_and_search_results(
    stores: tuple[Store, Store], batch_size: int
) -> None:
    bulk, incremental = stores
    import_all(bulk, bulk=True, batch_size=batch_size)
    import_all(incremental, bulk=False, batch_size=batch_size)
    assert rows(bulk) == rows(incremental)
    found = matches(bulk)
    assert found == matches(incremental)
    assert all(found[term] for term in ("knee", "revised", "partial", "膝蓋痛", "功能訓"))
    assert_index_sound(bulk)
    assert_index_sound(incremental)


def test_the_summary_counts_are_the_same_on_both_paths(stores: tuple[Store, Store]) -> None:
    bulk, incremental = stores
    reports = []
    for store, is_bulk in ((bulk, True), (incremental, False)):
        import_records(store, first_import(), bulk=is_bulk, batch_size=5)
        reports.append(import_records(store, second_import(), bulk=is_bulk, batch_size=5))
    assert reports[0].counts() == reports[1].counts()
    assert reports[0].updated and reports[0].new


def test_a_row_changed_twice_in_a_batch_is_unindexed_with_the_values_the_index_held(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "c.db")
    import_records(store, [page(3)], bulk=False)
    with store.transaction(), deferred_index(store.conn):
        store.conn.execute(
            "UPDATE questions SET more_info = 'gone once' WHERE title = 'Question 3'"
        )
        store.conn.execute(
            "UPDATE questions SET more_info = 'gone twice' WHERE title = 'Question 3'"
        )
        store.conn.execute("DELETE FROM questions WHERE title = 'Question 3'")
        store.upsert(page(6))
        store.conn.execute("UPDATE questions SET more_info = 'ankle' WHERE title = 'Question 6'")
    assert matches(store)["ankle"] == [
        store.conn.execute("SELECT rowid FROM questions WHERE title = 'Question 6'").fetchone()[0]
    ]
    assert matches(store)["gone"] == []
    assert_index_sound(store)
    store.close()


def test_a_batch_that_fails_leaves_the_triggers_and_the_index_as_they_were(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "c.db")
    import_records(store, first_import(), bulk=False)
    triggers = index_triggers(store.conn)
    assert len(triggers) == 6
    before = matches(store)
    with pytest.raises(RuntimeError), store.transaction(), deferred_index(store.conn):
        store.upsert(page(0, reply="revised: the ankle too"))
        raise RuntimeError("the disk went away")
    assert index_triggers(store.conn) == triggers
    assert matches(store) == before
    import_records(store, [page(50)], bulk=False)  # the triggers index a row again
    assert len(matches(store)["knee"]) == len(before["knee"]) + 1
    assert_index_sound(store)
    store.close()


def test_the_triggers_are_back_after_every_bulk_batch(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    triggers = index_triggers(store.conn)
    import_records(store, first_import(), bulk=True, batch_size=3)
    assert index_triggers(store.conn) == triggers
    assert store.conn.execute(
        "SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger'"
    ).fetchone() == (0,)
    store.close()


def deferred_batches(store: Store, records: list[Record], **options: object) -> int:
    """How many batches of this import dropped the index triggers (went the bulk way)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        import_records(store, records, **options)  # type: ignore[arg-type]
    finally:
        store.conn.set_trace_callback(None)
    return sum(
        1 for sql in statements if sql.startswith("DROP TRIGGER") and "questions_fts_insert" in sql
    )


def test_the_bulk_path_is_chosen_by_size_and_by_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "c.db")
    records = [page(n) for n in range(60, 80)]
    assert deferred_batches(store, records, batch_size=5) == 0  # small: incremental
    assert deferred_batches(store, records, batch_size=5, bulk=True) == 4
    more = [page(n) for n in range(80, 100)]
    monkeypatch.setattr(importer, "BULK_AUTO_TEXT", sum(map(importer.record_text_size, more[:10])))
    assert deferred_batches(store, more, batch_size=5) == 3  # from the batch reaching 10 pages
    assert deferred_batches(store, [page(n) for n in range(100, 120)], bulk=False) == 0
    store.close()


def test_batches_are_sized_by_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(tmp_path / "c.db")
    records = [page(n) for n in range(30)]
    size = max(importer.record_text_size(record) for record in records)
    commits: list[str] = []
    store.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    import_records(store, records, batch_text=size * 10, bulk=False)
    store.conn.set_trace_callback(None)
    assert 3 <= len(commits) <= 4
    store.close()


def test_import_settings_hold_during_the_import_and_are_restored_after(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    names = ("cache_size", "temp_store", "wal_autocheckpoint")

    def settings() -> list[int]:
        return [store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names]

    before = settings()
    seen: list[list[int]] = []
    import_records(store, [page(1)], progress=lambda _: seen.append(settings()))
    cache, temp_store, wal_pages = seen[0]
    assert cache <= -200_000  # KiB: at least ~200 MiB
    assert temp_store == 2  # memory
    assert wal_pages > before[2]
    assert settings() == before
    store.close()


def test_deferral_needs_a_transaction() -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(RuntimeError), deferred_index(conn):
        pass


@pytest.mark.parametrize("bulk", [True, False])
def test_a_partial_is_filled_and_moved_to_its_id_in_one_write(tmp_path: Path, bulk: bool) -> None:
    store = Store.open(tmp_path / "c.db")
    import_records(store, [page(1, links=("Question 2",))], bulk=bulk)
    (partial,) = store.conn.execute("SELECT id FROM questions WHERE is_partial = 1").fetchone()
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    import_records(store, [page(2)], bulk=bulk)
    store.conn.set_trace_callback(None)
    updates = {sql for sql in statements if sql.startswith("UPDATE questions")}
    assert len(updates) == 1  # (the trace repeats a statement for its triggers)
    (filled,) = store.conn.execute(
        "SELECT id FROM questions WHERE title = 'Question 2' AND is_partial = 0"
    ).fetchone()
    assert filled != partial
    assert store.conn.execute("SELECT target_id FROM similar_links").fetchall() == [(filled,)]
    assert matches(store)["knee"] == sorted(
        r[0] for r in store.conn.execute("SELECT rowid FROM questions")
    )
    assert_index_sound(store)
    store.close()
