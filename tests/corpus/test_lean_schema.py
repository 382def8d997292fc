"""Schema v6, the lean database: dense row ids, the reply once, excerpts only where they add
something, kept counts, a full-text table sqlite-utils finds, and the migration from v5."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections import namedtuple
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from qatui.cli import EXIT_OK, main
from qatui.corpus.errors import StoreError
from qatui.corpus.facets import histogram
from qatui.corpus.filters import Filters, SqlFilter
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.search.fulltext import search
from qatui.corpus.store.excerpts import (
    DOCTOR_DERIVED,
    QUESTION_DERIVED,
    READ_MORE_IS_TITLE,
    REPLY_DERIVED,
    SPECIALTY_DERIVED,
    TITLE_DERIVED,
    excerpt_of,
)
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Store
from qatui.synthetic.generate import generate_records
from qatui.userstate import UserState, use_state_of_corpus
from tests.corpus.old_schema import create_old_database, insert_as_before, rows_as_before

INTEGRITY_CHECK = "INSERT INTO questions_fts(questions_fts, rank) VALUES ('integrity-check', 1)"
LONG = " ".join(f"Sentence {n} about the knee and its swelling." for n in range(12))


def page(
    title: str, number: int, asked_on: str, *, similar: tuple[SimilarLink, ...] = ()
) -> Record:
    return Record(
        id=number,
        title=title,
        specialty="Orthopedics",
        question=f"{title}: {LONG}\n\nA second paragraph.",
        asked_on=asked_on,
        replies=(
            Reply("Lin", "Orthopedics", f"Rest the {title.lower()}.", asked_on),
            Reply("Wu", "Orthopedics", "Ice it too.\nTwice a day.", None, hospital="NTUH"),
        ),
        similar=similar,
    )


def link_to(target: Record) -> SimilarLink:
    """The entry the site shows for ``target``: excerpts cut from its own text."""
    reply_text = "\n\n".join(reply.body for reply in target.replies)
    return SimilarLink(
        target.title,
        excerpt_of(target.question),
        "Lin",
        target.specialty,
        excerpt_of(reply_text),
        target.title,
    )


KNEE = page("Knee pain", 101, "2016-03-05")
HIP = page("Hip pain", 102, "2015-01-01")
ANKLE = page(
    "Ankle sprain",
    103,
    "2017-07-07",
    similar=(
        link_to(KNEE),
        SimilarLink("Elbow pain", "An elbow excerpt...", "Wu", "Orthopedics", "Rest...", "More"),
        SimilarLink("Hip pain", "Quoted otherwise", "Lin", "Orthopedics", None, None),
    ),
)


FROM_PAGE = TITLE_DERIVED | DOCTOR_DERIVED | SPECIALTY_DERIVED
EVERYTHING = FROM_PAGE | QUESTION_DERIVED | REPLY_DERIVED | READ_MORE_IS_TITLE


def links(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        "SELECT title, question_excerpt, doctor, specialty, reply_excerpt, read_more, derived "
        "FROM similar_links ORDER BY question_id, position"
    ).fetchall()


def test_links_to_full_questions_keep_only_what_their_target_does_not_give(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        for written in (KNEE, HIP, ANKLE):
            store.upsert(written)
    assert links(store) == [
        (None, None, None, None, None, None, EVERYTHING),
        ("Elbow pain", "An elbow excerpt...", "Wu", "Orthopedics", "Rest...", "More", 0),
        (None, "Quoted otherwise", None, None, None, None, FROM_PAGE),  # differs: kept
    ]
    record = CorpusReader(store.conn).record(103)
    assert record is not None and record.similar == ANKLE.similar
    store.close()


def test_a_partial_filled_later_drops_the_excerpts_its_page_gives(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        store.upsert(ANKLE)  # Knee pain is a partial made from the link
    knee = link_to(KNEE)
    assert links(store)[0] == (knee.title, knee.question_excerpt, knee.doctor, knee.specialty,
                               knee.reply_excerpt, None, READ_MORE_IS_TITLE)  # fmt: skip
    with store.transaction():
        store.upsert(KNEE)
    assert links(store)[0] == (None, None, None, None, None, None, EVERYTHING)
    record = CorpusReader(store.conn).record(103)
    assert record is not None and record.similar == ANKLE.similar
    store.close()


def test_a_target_rewritten_keeps_what_its_links_quoted(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    changed = replace(KNEE, question="Quite another question now.")
    with store.transaction():
        store.upsert(KNEE)
        store.upsert(ANKLE)
        store.upsert(changed)
    assert links(store)[0][1] == link_to(KNEE).question_excerpt  # stored now
    assert links(store)[0][6] == EVERYTHING & ~QUESTION_DERIVED
    record = CorpusReader(store.conn).record(103)
    assert record is not None and record.similar == ANKLE.similar
    store.close()


def test_replies_are_places_in_the_reply_text(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        store.upsert(KNEE)
    columns = {row[1] for row in store.conn.execute("PRAGMA table_info(replies)")}
    assert "body" not in columns and {"body_start", "body_length"} <= columns
    bodies = store.conn.execute(
        "SELECT body, hospital FROM reply_bodies WHERE question_id = 101 ORDER BY position"
    ).fetchall()
    assert bodies == [(KNEE.replies[0].body, None), (KNEE.replies[1].body, "NTUH")]
    record = CorpusReader(store.conn).record(101)
    assert record is not None and record.replies == KNEE.replies
    store.close()


FtsWork = namedtuple("FtsWork", "inserts updates deletes renumbered")


def count_fts_work(conn: sqlite3.Connection) -> None:
    """Temp triggers that fire whenever the full-text triggers do (on the very events the
    schema's triggers name), and on every change of a stable id."""
    conn.execute("CREATE TEMP TABLE fts_work (kind TEXT)")
    sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'questions_fts_update'"
    ).fetchone()[0]
    update_event = sql[sql.index("AFTER ") + len("AFTER ") : sql.index(" ON questions")]
    for kind, event in (("inserts", "INSERT"), ("updates", update_event), ("deletes", "DELETE")):
        conn.execute(
            f"CREATE TEMP TRIGGER fts_work_{kind} AFTER {event} ON main.questions "
            f"BEGIN INSERT INTO fts_work VALUES ('{kind}'); END"
        )
    # A fill is one UPDATE: the id changes in the statement that makes the row a full page.
    conn.execute(
        "CREATE TEMP TRIGGER fts_work_renumber AFTER UPDATE OF id ON main.questions "
        "WHEN old.id != new.id BEGIN INSERT INTO fts_work "
        "SELECT CASE WHEN old.is_partial != new.is_partial THEN 'renumbered' END; END"
    )


def fts_work(conn: sqlite3.Connection) -> FtsWork:
    rows = conn.execute("SELECT kind, count(*) FROM fts_work GROUP BY kind").fetchall()
    counts = {str(kind): int(n) for kind, n in rows}
    conn.execute("DELETE FROM fts_work")
    return FtsWork(*(counts.get(kind, 0) for kind in FtsWork._fields))


def test_filling_a_partial_is_one_write_of_its_row_and_keeps_its_rowid(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        store.upsert(ANKLE)
    (partial_rowid, partial_id) = store.conn.execute(
        "SELECT rowid, id FROM questions WHERE title = 'Knee pain'"
    ).fetchone()
    count_fts_work(store.conn)
    with store.transaction():
        store.upsert(KNEE)
    assert fts_work(store.conn) == FtsWork(inserts=0, updates=1, deletes=0, renumbered=1)
    assert partial_id != 101
    row = store.conn.execute("SELECT rowid, is_partial FROM questions WHERE id = 101").fetchone()
    assert row == (partial_rowid, 0)
    store.conn.execute(INTEGRITY_CHECK)
    assert [hit.id for hit in search(store.conn, '"rest the knee"')] == [101]
    store.close()


def test_specialty_counts_are_kept_by_triggers(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")

    def kept() -> list[tuple[object, ...]]:
        return store.conn.execute(
            "SELECT specialty_id, questions, partials FROM specialty_counts "
            "WHERE questions > 0 ORDER BY 1"
        ).fetchall()

    def counted() -> list[tuple[object, ...]]:
        return store.conn.execute(
            "SELECT specialty_id, count(*), sum(is_partial) FROM questions GROUP BY 1 ORDER BY 1"
        ).fetchall()

    with store.transaction():
        store.upsert(ANKLE)  # a page and three partials
    assert kept() == counted() == [(1, 4, 3)]
    with store.transaction():
        store.upsert(KNEE)  # fills a partial
        store.upsert(replace(HIP, specialty="Rheumatology"))
    assert kept() == counted()
    with store.transaction():
        store.conn.execute("UPDATE questions SET specialty_id = 2 WHERE id = 101")
        store.conn.execute("UPDATE questions SET is_partial = 0 WHERE title = 'Elbow pain'")
        store.conn.execute("DELETE FROM questions WHERE id = 103")
    assert kept() == counted()
    reader = CorpusReader(store.conn)
    total, partial = store.conn.execute(
        "SELECT count(*), sum(is_partial) FROM questions"
    ).fetchone()
    assert reader.total() == total
    stats = reader.stats()
    assert (stats.questions, stats.partial) == (total, partial)
    by_name = store.conn.execute(
        "SELECT s.name, count(q.id) FROM specialties s LEFT JOIN questions q "
        "ON q.specialty_id = s.id GROUP BY s.id ORDER BY s.name"
    ).fetchall()
    assert reader.specialty_counts(Filters()) == by_name
    store.close()


def test_a_specialty_alone_is_counted_from_the_kept_counts(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    with store.transaction():
        store.upsert(ANKLE)  # a page and three partials
        store.upsert(replace(HIP, specialty="Rheumatology"))
    reader = CorpusReader(store.conn)
    for name, rows in store.conn.execute(
        "SELECT s.name, count(q.id) FROM specialties s LEFT JOIN questions q "
        "ON q.specialty_id = s.id GROUP BY s.id"
    ).fetchall():
        assert reader.count(Filters(specialty=name)) == rows
    assert reader.count(Filters(specialty="No such specialty")) == 0
    # The answer is the kept table's, not a count over the rows: change the table and see it.
    store.conn.execute("UPDATE specialty_counts SET questions = 999")
    assert reader.count(Filters(specialty="Rheumatology")) == 999
    # With any other filter the rows are counted.
    assert reader.count(Filters(specialty="Rheumatology", since="1900-01-01")) == 1
    store.close()


def test_sqlite_utils_finds_and_searches_the_full_text_table(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = Store.open(path)
    with store.transaction():
        for written in (KNEE, HIP, ANKLE):
            store.upsert(written)
    store.close()
    db = sqlite_utils.Database(path)
    try:
        table = db["questions"]
        assert isinstance(table, sqlite_utils.db.Table)
        assert table.detect_fts() == "questions_fts"
        found = list(table.search("hip"))
        assert [(row["id"], row["title"]) for row in found] == [(102, "Hip pain")]
        assert {fk.other_table for fk in table.foreign_keys} == {"specialties"}
    finally:
        db.close()


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert code == EXIT_OK, err.getvalue()
    return code, out.getvalue()


def test_export_import_export_with_resolved_links_is_byte_identical(tmp_path: Path) -> None:
    first = tmp_path / "first.db"
    store = Store.open(first)
    with store.transaction():
        for generated in generate_records(60, seed=3):
            store.upsert(generated)
    derived = store.conn.execute("SELECT count(*) FROM similar_links WHERE derived & 3").fetchone()
    store.close()
    assert derived[0] > 0  # links to pages of the corpus, their excerpts not stored
    _, exported = run("export", "--db", str(first))
    (tmp_path / "export.jsonl").write_text(exported, encoding="utf-8")
    run("import", "--db", str(tmp_path / "second.db"), str(tmp_path / "export.jsonl"))
    _, again = run("export", "--db", str(tmp_path / "second.db"))
    assert again == exported


# -- the migration from schema 5 ------------------------------------------------------------


def v5_corpus(path: Path) -> sqlite3.Connection:
    """A schema 5 database written as the v5 writer did (bodies in replies, every excerpt)."""
    conn = create_old_database(path, 5)
    conn.execute("BEGIN")
    for record in (KNEE, HIP, ANKLE):
        insert_as_before(conn, record)
    conn.execute("COMMIT")
    return conn


TABLES = ("specialties", "questions", "replies", "similar_links", "faq_links", "corpus_meta")


def test_a_v5_database_keeps_every_row_and_bookmark(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    old = v5_corpus(path)
    columns = {
        table: ", ".join(row[1] for row in old.execute(f"PRAGMA table_info({table})"))
        for table in TABLES
    }
    before = {table: rows_as_before(old, table, columns[table]) for table in TABLES}
    state = UserState.open(tmp_path / "state.db")
    use_state_of_corpus(state, CorpusReader(old), path)
    state.add_bookmark(101, "Knee pain", note="before the upgrade")
    old.close()

    heard: list[tuple[int, int]] = []
    store = Store.open(path, progress=lambda done, total: heard.append((done, total)))
    try:
        assert store.info.migrated_from == 5 and store.info.backup is not None
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {t: rows_as_before(conn, t, columns[t]) for t in TABLES} == before
        assert heard == [(4, 4)]  # three pages and a partial
        # Dense row ids in date order (undated partials last); the stable ids kept.
        order = conn.execute("SELECT rowid, id FROM questions ORDER BY rowid").fetchall()
        assert [rowid for rowid, _ in order] == [1, 2, 3, 4]
        assert [qid for _, qid in order][:3] == [102, 101, 103]
        assert links_derived(conn) == [EVERYTHING, 0, FROM_PAGE]
        conn.execute(INTEGRITY_CHECK)
        assert [hit.id for hit in search(conn, "ankle")] == [103]
        assert CorpusReader(conn).record(103) is not None
        use_state_of_corpus(state, CorpusReader(conn), path)
        assert [(b.question_id, b.note) for b in state.bookmarks()] == [(101, "before the upgrade")]
        record = CorpusReader(conn).record(101)
        assert record is not None and record.title == "Knee pain"
        # (the v5 rows of insert_as_before carry no hospital)
        assert record.replies == tuple(replace(reply, hospital=None) for reply in KNEE.replies)
    finally:
        store.close()
        state.close()


def test_the_migration_gives_the_old_tables_pages_back(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    old = create_old_database(path, 5)
    old.execute("BEGIN")
    for generated in generate_records(150, seed=2):
        insert_as_before(old, generated)
    old.execute("COMMIT")
    old.close()
    store = Store.open(path)
    try:
        assert store.info.migrated_from == 5
        assert store.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    finally:
        store.close()


def links_derived(conn: sqlite3.Connection) -> list[int]:
    return [row[0] for row in conn.execute("SELECT derived FROM similar_links ORDER BY position")]


def test_a_migration_the_disk_cannot_hold_is_refused_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.db"
    v5_corpus(path).close()
    size = path.stat().st_size
    free = size * 2  # the backup fits, the rebuilt tables beside the old ones do not
    usage = shutil.disk_usage(tmp_path)._replace(free=free)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage)
    with pytest.raises(StoreError, match="free space") as refused:
        Store.open(path)
    assert "MiB" in str(refused.value) and "Nothing was changed" in str(refused.value)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    conn.close()
    assert list(tmp_path.glob("*.bak")) == []


def test_month_counts_are_kept_and_read_by_the_unfiltered_timeline(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    counted_over_rows = Filters(extra=(SqlFilter("every question", "1"),))

    def kept() -> list[tuple[object, ...]]:
        return store.conn.execute(
            "SELECT month, questions FROM month_counts WHERE questions != 0 ORDER BY 1"
        ).fetchall()

    def counted() -> list[tuple[object, ...]]:
        return store.conn.execute(
            "SELECT substr(asked_on, 1, 7), count(*) FROM questions "
            "WHERE asked_on GLOB '[0-9][0-9][0-9][0-9]-*' GROUP BY 1 ORDER BY 1"
        ).fetchall()

    with store.transaction():
        for written in (KNEE, HIP, ANKLE, replace(HIP, id=104, title="Hip again")):
            store.upsert(written)
    assert kept() == counted() and len(kept()) == 3
    with store.transaction():
        store.conn.execute("UPDATE questions SET asked_on = '2015-02-03' WHERE id = 101")
        store.conn.execute("DELETE FROM questions WHERE id = 103")
    assert kept() == counted()
    for period in ("month", "year"):
        unfiltered = histogram(store.conn, Filters(), period)
        assert unfiltered == histogram(store.conn, counted_over_rows, period)
    store.close()


def test_the_cli_says_how_the_migration_goes_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "corpus.db"
    v5_corpus(path).close()
    run("stats", "--db", str(path))
    err = capsys.readouterr().err
    assert "migrating: 4 of 4 questions\n" in err
    first = err.splitlines()[0]  # before the migration starts: what it needs and what is free
    assert first.startswith(f"qatui: upgrading {path} from schema 5 to {SCHEMA_VERSION}: ")
    assert "of free space (a backup copy of the file and the rebuilt tables)" in first
    assert first.endswith(" is free")
    steps = [line for line in err.splitlines() if line.startswith("qatui: migrating: ")]
    assert steps[0] == "qatui: migrating: the replies"
    assert steps[-2:] == [
        "qatui: migrating: counting the search terms",
        "qatui: migrating: counting questions by specialty and month",
    ]


def test_a_new_database_is_made_without_migration_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "one.jsonl"
    record = {"title": "Knee pain", "specialty": "Orthopedics", "question": "It hurts."}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run("import", str(source), "--db", str(tmp_path / "new.db"))
    err = capsys.readouterr().err
    assert "migrating" not in err and "upgrading" not in err


def test_the_migration_says_which_reply_texts_it_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "corpus.db"
    v5 = v5_corpus(path)
    question_id = v5.execute("SELECT question_id FROM replies LIMIT 1").fetchone()[0]
    with v5:
        v5.execute("UPDATE questions SET reply_text = 'other' WHERE id = ?", (question_id,))
    v5.close()
    run("stats", "--db", str(path))
    err = capsys.readouterr().err
    assert (
        "qatui: migrating: 1 questions' reply text did not match their replies and was rebuilt "
        f"from them (ids {question_id})"
    ) in err
