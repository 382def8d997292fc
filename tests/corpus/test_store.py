"""The SQLite store: migrations, upsert outcomes, stable ids, partial questions, transactions."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.identity import DERIVED_ID_BASE, content_hash, derived_id, normalise
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store import writer
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Outcome, Store

MakeStore = Callable[..., Store]
"""The ``make_store`` fixture (see conftest.py)."""


def page(
    title: str,
    specialty: str = "Oncology",
    similar: Iterable[str | SimilarLink] = (),
    **changes: Any,
) -> Record:
    """A full record; ``similar`` given as titles links to pages of the same specialty."""
    links = tuple(
        link
        if isinstance(link, SimilarLink)
        else SimilarLink(
            title=str(link),
            question_excerpt=f"Excerpt of {link}...",
            doctor="Lai",
            specialty=specialty,
            reply_excerpt="Ask your doctor...",
            read_more=str(link),
        )
        for link in similar
    )
    record = Record(
        title=title,
        specialty=specialty,
        subject=f"Subject of {title}",
        question=f"The question of {title}.",
        asker=Asker("Ada", "30~39", "female"),
        asked_on="2016-01-03",
        replies=(Reply("Lai", specialty, f"The reply to {title}.", "2016-01-04"),),
        more_info=f"More about {title}.",
        similar=links,
        related_faq=(FaqLink("Breast Cancer", specialty),),
    )
    return replace(record, **changes)


def rows(store: Store, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.conn.execute(sql, params)]


def question_ids(store: Store) -> dict[str, tuple[int, int]]:
    """title -> (id, is_partial) for every question."""
    return {
        str(title): (int(qid), int(partial))
        for qid, title, partial in rows(store, "SELECT id, title, is_partial FROM questions")
    }


def fts_ids(store: Store, words: str) -> list[int]:
    return [
        int(row[0])
        for row in rows(
            store,
            "SELECT q.id FROM questions_fts f JOIN questions q ON q.rowid = f.rowid "
            "WHERE questions_fts MATCH ? ORDER BY q.id",
            words,
        )
    ]


# -- opening and migrations -----------------------------------------------------------------


def test_new_database_gets_the_schema_and_wal(make_store: MakeStore) -> None:
    store = make_store()
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"specialties", "questions", "replies", "similar_links", "faq_links"} <= tables
    assert {"questions_fts", "questions_by_specialty_date", "questions_by_date"} <= tables


def test_empty_v0_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.upsert(page("A")) is Outcome.NEW
        assert store.info.migrated_from is None
    finally:
        store.close()


def test_v0_sqlite_database_gets_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "v0.db"
    sqlite3.connect(path).close()
    store = Store.open(path)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM questions").fetchone()[0] == 0
    conn.close()


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    store.upsert(page("A"))
    store.close()
    store = Store.open(tmp_path / "c.db")
    assert list(question_ids(store)) == ["A"]
    store.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(path) in str(caught.value)
    assert "newer" in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database\n")
    with pytest.raises(StoreError, match="not a qatui database"):
        Store.open(path)
    assert path.read_text() == "my notes, not a database\n"


def test_read_only_file_opens_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    Store.open(folder / "c.db").close()
    (folder / "c.db").chmod(0o444)
    folder.chmod(0o555)
    try:
        if (folder / "c.db").stat().st_mode & 0o200 or _can_write(folder):
            pytest.skip("running as a user who can write anyway")
        store = Store.open(folder / "c.db")
        assert store.info.read_only
        store.close()
    finally:
        folder.chmod(0o755)


def _can_write(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)


def _open_and_write(path: Path, start: float, title: str, answers: Any) -> None:
    """In a child process: wait for ``start``, open the new database and write one page."""
    import time

    while time.time() < start:
        pass
    try:
        store = Store.open(path)
        try:
            with store.transaction():
                store.upsert(page(title))
        finally:
            store.close()
        answers.put("ok")
    except Exception as error:  # reported to the test
        answers.put(f"{type(error).__name__}: {error}")


def test_first_opens_at_once_all_succeed(tmp_path: Path) -> None:
    """First-time imports into one new database at once: each created the schema again once
    the first had committed ("damaged (table specialties already exists)"), read the version
    and the tables at two moments ("not a qatui one"), or lost the race to switch to WAL
    ("busy")."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("fork")
    titles = [f"T{n}" for n in range(6)]
    for trial in range(4):
        path = tmp_path / f"new{trial}.db"
        answers = context.Queue()
        start = time.time() + 0.3
        workers = [
            context.Process(target=_open_and_write, args=(path, start, title, answers))
            for title in titles
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert sorted(answers.get(timeout=5) for _ in workers) == ["ok"] * len(titles)
        store = Store.open(path)
        try:
            assert sorted(question_ids(store)) == titles
            assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        finally:
            store.close()


# -- ids ------------------------------------------------------------------------------------


def test_derived_ids_are_stable() -> None:
    """Ids are stored in users' databases and bookmarks: the derivation must never change."""
    assert derived_id("Oncology", "Metastasis Risks", "2016-01-03") == 2862580398099780
    assert derived_id("Oncology", "Metastasis Risks", None) == 3081733312737828
    assert derived_id(" oncology ", "METASTASIS  risks", "2016-01-03") == 2862580398099780
    assert derived_id("Oncology", "Metastasis Risks", "2016-01-04") != 2862580398099780


def test_derived_ids_are_above_site_numbers() -> None:
    for n in range(200):
        value = derived_id("S", f"title {n}", None)
        assert DERIVED_ID_BASE <= value < 2 * DERIVED_ID_BASE


def test_normalise() -> None:
    assert normalise("  Ｏｎｃｏｌｏｇｙ \n ") == "oncology"
    assert normalise(None) == ""


def test_content_hash_ignores_the_id() -> None:
    data = page("A").to_json()
    assert content_hash(data) == content_hash({**data, "id": 7})
    assert content_hash(data) != content_hash({**data, "question": "other"})


def test_site_number_is_the_id(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", id=4021))
    assert question_ids(store) == {"A": (4021, 0)}


def test_page_without_number_gets_its_derived_id(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A"))
    assert question_ids(store)["A"][0] == derived_id("Oncology", "A", "2016-01-03")


# -- upsert outcomes ------------------------------------------------------------------------


def test_reimport_is_unchanged_and_changes_nothing(make_store: MakeStore) -> None:
    store = make_store()
    record = page("A", similar=["B"])
    assert store.upsert(record) is Outcome.NEW
    before = rows(store, "SELECT * FROM questions ORDER BY id")
    links = rows(store, "SELECT * FROM similar_links")
    assert store.upsert(record) is Outcome.UNCHANGED
    assert rows(store, "SELECT * FROM questions ORDER BY id") == before
    assert rows(store, "SELECT * FROM similar_links") == links


def test_changed_page_is_updated_in_place(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A"))
    (qid, _) = question_ids(store)["A"]
    changed = page("A", replies=(Reply("Lai", "Oncology", "A better reply.", "2016-01-05"),))
    assert store.upsert(changed) is Outcome.UPDATED
    assert question_ids(store) == {"A": (qid, 0)}
    record = CorpusReader(store.conn).record(qid)
    assert record is not None
    assert record.replies[0].body == "A better reply."
    assert fts_ids(store, "better") == [qid]
    assert store.upsert(changed) is Outcome.UNCHANGED


def test_full_text_index_follows_every_write(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("Alpha", id=10, more_info="zebra crossing"))
    assert fts_ids(store, "zebra") == [10]
    store.upsert(page("Alpha", id=10, more_info="giraffe"))
    assert fts_ids(store, "zebra") == []
    assert fts_ids(store, "giraffe") == [10]
    assert fts_ids(store, "title:alpha") == [10]
    assert rows(store, "INSERT INTO questions_fts(questions_fts) VALUES ('integrity-check')") == []


def test_several_replies_are_kept_in_order(make_store: MakeStore) -> None:
    store = make_store()
    replies = (Reply("A", "S", "one", "2016-01-04"), Reply("B", "S", "two", None))
    store.upsert(page("A", id=5, replies=replies))
    record = CorpusReader(store.conn).record(5)
    assert record is not None
    assert record.replies == replies


def test_specialties_match_by_normalised_name(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", "Oncology"))
    store.upsert(page("B", "oncology "))
    assert rows(store, "SELECT name FROM specialties") == [("Oncology",)]


# -- partial questions from Similar Q&A -----------------------------------------------------


def test_similar_link_to_unknown_page_makes_a_partial_question(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", similar=["B"]))
    ids = question_ids(store)
    assert ids["B"] == (derived_id("Oncology", "B", None), 1)
    (target,) = rows(store, "SELECT target_id FROM similar_links")
    assert target == (ids["B"][0],)
    partial = CorpusReader(store.conn).record(ids["B"][0])
    assert partial is not None
    assert partial.question == "Excerpt of B..."
    assert partial.replies[0].body == "Ask your doctor..."
    assert partial.replies[0].doctor == "Lai"


def test_partial_is_filled_in_place_when_the_full_page_arrives(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", similar=["B"]))
    store.upsert(page("C", similar=["B"]))
    assert store.upsert(page("B")) is Outcome.NEW
    ids = question_ids(store)
    full_b = derived_id("Oncology", "B", "2016-01-03")
    assert ids["B"] == (full_b, 0)
    assert len(ids) == 3
    assert rows(store, "SELECT DISTINCT target_id FROM similar_links") == [(full_b,)]
    assert rows(store, "SELECT count(*) FROM replies WHERE question_id = ?", full_b) == [(1,)]
    assert fts_ids(store, "title:B") == [full_b]
    assert fts_ids(store, "excerpt") == []
    page_b = CorpusReader(store.conn).page(full_b)
    assert page_b is not None
    assert not page_b.is_partial
    assert {row.title for row in page_b.listed_by} == {"A", "C"}


def test_full_page_first_then_the_link_points_at_it(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("B", id=77))
    store.upsert(page("A", similar=["B"]))
    assert question_ids(store)["B"] == (77, 0)
    assert len(question_ids(store)) == 2
    assert rows(store, "SELECT target_id FROM similar_links") == [(77,)]


def test_full_page_with_site_number_fills_the_partial(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", similar=["B"]))
    store.upsert(page("B", id=77))
    assert question_ids(store)["B"] == (77, 0)
    assert rows(store, "SELECT target_id FROM similar_links") == [(77,)]
    store.upsert(page("D", similar=["B"]))
    assert rows(store, "SELECT DISTINCT target_id FROM similar_links") == [(77,)]


def test_link_in_another_specialty(make_store: MakeStore) -> None:
    store = make_store()
    link = SimilarLink(title="B", doctor="Yuan", specialty="Surgery", read_more="B")
    store.upsert(page("A", similar=[link]))
    store.upsert(page("B", "Oncology"))
    listing = (
        "SELECT q.title, s.name, q.is_partial FROM questions q "
        "JOIN specialties s ON s.id = q.specialty_id ORDER BY q.title, s.name"
    )
    assert rows(store, listing) == [("A", "Oncology", 0), ("B", "Oncology", 0), ("B", "Surgery", 1)]
    store.upsert(page("B", "Surgery"))
    assert rows(store, listing) == [("A", "Oncology", 0), ("B", "Oncology", 0), ("B", "Surgery", 0)]
    assert rows(store, "SELECT target_id FROM similar_links") == [
        (derived_id("Surgery", "B", "2016-01-03"),)
    ]


def test_orphan_partials_are_dropped(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", similar=["B", "C"]))
    store.upsert(page("D", similar=["C"]))
    assert store.upsert(page("A", similar=["E"])) is Outcome.UPDATED
    ids = question_ids(store)
    assert "B" not in ids
    assert ids["C"][1] == 1
    assert ids["E"][1] == 1
    assert rows(
        store, "SELECT count(*) FROM replies WHERE question_id NOT IN (SELECT id FROM questions)"
    ) == [(0,)]
    assert fts_ids(store, "title:B") == []


def test_full_pages_are_never_dropped_as_orphans(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("B"))
    store.upsert(page("A", similar=["B"]))
    store.upsert(page("A", similar=[]))
    assert "B" in question_ids(store)


# -- transactions ---------------------------------------------------------------------------


def test_transaction_rolls_back_everything(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A"))
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert(page("B", "Surgery", similar=["C"]))
        raise RuntimeError("boom")
    assert list(question_ids(store)) == ["A"]
    assert rows(store, "SELECT name FROM specialties") == [("Oncology",)]


def test_savepoint_undoes_one_record(make_store: MakeStore) -> None:
    store = make_store()
    with store.transaction():
        store.upsert(page("A"))
        with pytest.raises(ValueError), store.savepoint():
            store.upsert(page("B"))
            raise ValueError("bad record")
        store.upsert(page("C"))
    assert sorted(question_ids(store)) == ["A", "C"]


def test_specialty_created_in_a_rolled_back_transaction_is_made_again(
    make_store: MakeStore,
) -> None:
    store = make_store()
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert(page("A", "Surgery"))
        raise RuntimeError("boom")
    store.upsert(page("B", "Urology"))
    store.upsert(page("C", "Surgery"))
    filed = rows(
        store,
        "SELECT q.title, s.name FROM questions q JOIN specialties s ON s.id = q.specialty_id "
        "ORDER BY q.title",
    )
    assert filed == [("B", "Urology"), ("C", "Surgery")]


def test_specialty_created_in_a_rolled_back_savepoint_is_made_again(make_store: MakeStore) -> None:
    store = make_store()
    with store.transaction():
        with pytest.raises(ValueError), store.savepoint():
            store.upsert(page("A", "Surgery"))
            raise ValueError("bad record")
        store.upsert(page("B", "Urology"))
        store.upsert(page("C", "Surgery"))
    filed = rows(
        store,
        "SELECT q.title, s.name FROM questions q JOIN specialties s ON s.id = q.specialty_id "
        "ORDER BY q.title",
    )
    assert filed == [("B", "Urology"), ("C", "Surgery")]


# -- one question per page, whatever the order ----------------------------------------------


def test_updated_page_absorbs_the_partial_of_its_new_title(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("Old title", id=5))
    store.upsert(page("A", similar=["New title"]))
    assert store.upsert(page("New title", id=5)) is Outcome.UPDATED
    ids = question_ids(store)
    assert ids["New title"] == (5, 0)
    assert "Old title" not in ids
    assert len(ids) == 2
    assert rows(store, "SELECT target_id FROM similar_links") == [(5,)]


def test_page_moved_to_another_specialty_absorbs_its_partial(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", "Surgery", id=5))
    store.upsert(page("B", "Oncology", similar=["A"]))
    store.upsert(page("A", "Oncology", id=5))
    listing = (
        "SELECT q.id, q.title, s.name, q.is_partial FROM questions q "
        "JOIN specialties s ON s.id = q.specialty_id WHERE q.title = 'A'"
    )
    assert rows(store, listing) == [(5, "A", "Oncology", 0)]
    assert rows(store, "SELECT target_id FROM similar_links") == [(5,)]


def test_links_written_with_other_case_and_spacing_share_one_partial(
    make_store: MakeStore,
) -> None:
    store = make_store()
    assert store.upsert(page("A", similar=["Knee Pain"])) is Outcome.NEW
    assert store.upsert(page("B", similar=["knee  pain"])) is Outcome.NEW
    partials = rows(store, "SELECT id FROM questions WHERE is_partial = 1")
    assert len(partials) == 1
    assert rows(store, "SELECT DISTINCT target_id FROM similar_links") == partials


@pytest.mark.parametrize("chunk", [200, 2, 1])
def test_one_pages_links_resolve_together_as_one_by_one(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A page's links are looked up together (``chunk`` at a time): an unknown title named
    twice (or with other case and spacing) makes one partial, from its first entry; a known
    full page, a known partial and the page itself are found."""
    monkeypatch.setattr(writer, "LOOKUP_CHUNK", chunk)
    store = make_store()
    store.upsert(page("Known", id=77))
    store.upsert(page("Other", similar=["Stub", "Back Pain", "Neck Pain", "Hip Pain"]))
    stub = question_ids(store)["Stub"][0]
    spaced = ["back  pain", "neck  pain", "hip  pain"]  # the partials' titles, spaced otherwise
    first = SimilarLink(title="Knee Pain", question_excerpt="First excerpt", specialty="X")
    again = SimilarLink(title="knee  pain", question_excerpt="Second excerpt", specialty="X")
    third = SimilarLink(title="KNEE PAIN", question_excerpt="Third excerpt", specialty="x")
    links: list[str | SimilarLink] = [first, "Known", again, "Stub", "A", first, third, "Fresh"]
    links += spaced
    assert store.upsert(page("A", similar=links)) is Outcome.NEW
    ids = question_ids(store)
    knee = derived_id("X", "Knee Pain", None)
    expected = [knee, 77, knee, stub, ids["A"][0], knee, knee, ids["Fresh"][0]]
    expected += [ids[title.replace("  ", " ").title()][0] for title in spaced]
    targets = rows(
        store,
        "SELECT target_id FROM similar_links WHERE question_id = ? ORDER BY position",
        ids["A"][0],
    )
    assert targets == [(target,) for target in expected]
    assert ids["Knee Pain"] == (knee, 1)
    assert ids["Fresh"][1] == 1
    knee_page = CorpusReader(store.conn).record(knee)
    assert knee_page is not None
    assert knee_page.question == "First excerpt"
    assert rows(store, "SELECT count(*) FROM questions WHERE is_partial = 1") == [(6,)]
    assert rows(store, "SELECT count(*) FROM replies WHERE question_id = ?", knee) == [(1,)]


def test_a_page_with_more_links_than_one_query_binds(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("Known", id=77))
    titles = [f"Link {n}" for n in range(3 * writer.LOOKUP_CHUNK + 7)]
    assert store.upsert(page("A", similar=[*titles, "Known"])) is Outcome.NEW
    partials = rows(store, "SELECT count(*) FROM questions WHERE is_partial = 1")
    assert partials == [(len(titles),)]
    last = rows(store, "SELECT target_id FROM similar_links ORDER BY position DESC LIMIT 1")
    assert last == [(77,)]


def test_full_page_fills_a_partial_written_with_other_spacing(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(page("A", similar=["Knee  pain"]))
    store.upsert(page("Knee Pain"))
    assert rows(store, "SELECT count(*) FROM questions WHERE is_partial = 1") == [(0,)]
    (target,) = rows(store, "SELECT target_id FROM similar_links")
    assert rows(store, "SELECT title FROM questions WHERE id = ?", target[0]) == [("Knee Pain",)]


SMALL_TITLES = st.sampled_from(["A", "B", "C", "a ", "B  "])
SMALL_SPECIALTIES = st.sampled_from(["X", "Y"])
SMALL_LINKS = st.builds(
    lambda title, specialty: SimilarLink(title=title.strip(), specialty=specialty),
    SMALL_TITLES,
    st.one_of(st.none(), SMALL_SPECIALTIES),
)
SMALL_RECORDS = st.builds(
    lambda title, specialty, asked_on, links, site_id, body: Record(
        title=title.strip(),
        specialty=specialty,
        question="q",
        asked_on=asked_on,
        replies=(Reply("d", specialty, body),),
        similar=tuple(links),
        id=site_id,
    ),
    SMALL_TITLES,
    SMALL_SPECIALTIES,
    st.sampled_from([None, "2016-01-01", "2017-01-01"]),
    st.lists(SMALL_LINKS, max_size=3),
    st.sampled_from([None, None, 5, 6]),
    st.sampled_from(["one", "two"]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SMALL_RECORDS, min_size=1, max_size=8))
def test_any_import_order_keeps_the_store_consistent(records: list[Record]) -> None:
    """No partial beside its full page, no dangling link, indexes in step, re-import unchanged.

    (A link whose title differs from a full page's only in case still makes a partial: links
    are resolved by exact title, partials by their normalised derived id.)
    """
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "fuzz.db")
        try:
            for record in records:
                with store.transaction():
                    store.upsert(record)
                beside_full = rows(
                    store,
                    "SELECT p.id FROM questions p JOIN questions f ON f.specialty_id = "
                    "p.specialty_id AND f.title = p.title "
                    "WHERE p.is_partial = 1 AND f.is_partial = 0",
                )
                assert beside_full == []
                assert rows(store, "PRAGMA foreign_key_check") == []
                store.conn.execute(
                    "INSERT INTO questions_fts(questions_fts) VALUES ('integrity-check')"
                )
            with store.transaction():
                assert store.upsert(records[-1]) is Outcome.UNCHANGED
        finally:
            store.close()
