"""A bulk batch writes its index entries as new segments without merging the old ones, and
leaves the tables' FTS5 settings as they were."""

from __future__ import annotations

from pathlib import Path

from qatui.corpus.ingest.importer import import_records
from qatui.corpus.model import Record, Reply
from qatui.corpus.search.cjk import CJK_TABLE
from qatui.corpus.store.bulk_index import FTS_TABLE
from qatui.corpus.store.writer import Store


def page(number: int) -> Record:
    """A page of 300 words found nowhere else: many index pages for one row."""
    words = " ".join(f"w{number}x{i}" for i in range(300))
    return Record(
        title=f"Question {number}",
        specialty="Orthopedics",
        question=f"My knee hurts, case {number}. 膝蓋痛得厲害 {words}",
        asked_on="2020-01-02",
        replies=(Reply("Lin", "Orthopedics", f"rest the knee {number}", "2020-02-01"),),
    )


def segments(store: Store, table: str = FTS_TABLE) -> int:
    return int(store.conn.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()[0])


def config(store: Store, table: str) -> list[tuple[str, object]]:
    return list(store.conn.execute(f"SELECT k, v FROM {table}_config ORDER BY k"))


def three_segments(tmp_path: Path) -> Store:
    """Three incremental imports: three level-0 segments, one short of an automerge. Small
    index pages (64 bytes), so that FTS5 (which merges as it writes, 64 pages at a time)
    has the work to do."""
    store = Store.open(tmp_path / "c.db")
    store.conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('pgsz', 64)")
    store.conn.commit()
    for number in range(3):
        import_records(store, [page(number)], bulk=False)
    assert segments(store) == 3
    return store


def test_a_bulk_batch_adds_a_segment_and_merges_none(tmp_path: Path) -> None:
    store = three_segments(tmp_path)
    import_records(store, [page(n) for n in range(10, 14)], bulk=True, batch_size=100)
    assert segments(store) == 4
    store.close()


def test_an_incremental_import_still_merges(tmp_path: Path) -> None:
    store = three_segments(tmp_path)
    import_records(store, [page(10)], bulk=False)
    assert segments(store) != 4  # the fourth segment starts a merge (a fifth, or one left)
    store.close()


def test_the_settings_are_as_before_after_a_bulk_import(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    store.conn.execute(f"INSERT INTO {CJK_TABLE}({CJK_TABLE}, rank) VALUES ('automerge', 8)")
    store.conn.commit()
    before = {table: config(store, table) for table in (FTS_TABLE, CJK_TABLE)}
    import_records(store, [page(n) for n in range(20)], bulk=True, batch_size=5)
    assert {table: config(store, table) for table in (FTS_TABLE, CJK_TABLE)} == before
    assert ("automerge", 8) in before[CJK_TABLE]
    store.close()


def test_the_index_write_reads_only_the_rows_the_batch_noted(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    import_records(store, [page(n) for n in range(40)], bulk=False)
    store.conn.execute("ANALYZE")  # statistics on questions, none on the temp table: as at 230k
    store.conn.commit()
    writes: list[str] = []
    store.conn.set_trace_callback(
        lambda sql: writes.append(sql) if "(rowid," in sql and "SELECT q.rowid" in sql else None
    )
    import_records(store, [page(n) for n in range(40, 44)], bulk=True)
    store.conn.set_trace_callback(None)
    assert len(writes) == 2  # questions_fts and questions_cjk
    # the batch's temporary table went with the import's settings; an empty one plans alike
    store.conn.execute("CREATE TEMP TABLE bulk_seen_rows (question_rowid INTEGER PRIMARY KEY)")
    for sql in writes:
        select = sql[sql.index("SELECT") :]
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {select}")]
        assert not any(step.startswith("SCAN q") for step in plan), plan
    store.close()
