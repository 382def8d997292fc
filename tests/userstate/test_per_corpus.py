"""User state per corpus: each corpus sees its own marks, bookmarks and history; a state made
before (state schema 1) is kept, and each corpus takes a copy of the rows of its questions."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from qatui.corpus.filters import Filters
from qatui.corpus.model import Record, Reply
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.userstate import UserState, attach_state, only_bookmarked, only_unread
from qatui.userstate import schema as state_schema
from qatui.userstate.schema import NO_CORPUS
from tests.userstate.conftest import SteppingClock
from tests.userstate.test_corpus_filter import build, titles, use_corpus_at


def page(title: str, number: int | None = None) -> Record:
    return Record(
        title=title,
        specialty="Orthopedics",
        question=f"About {title}.",
        asked_on="2016-03-05",
        replies=(Reply("Lin", None, "A reply."),),
        id=number,
    )


# Two corpora from the same site: question 101 is in both.
SAMPLE = [page("Knee pain", 101), page("Ankle sprain", 102), page("Sample only")]
MINE = [page("Knee pain", 101), page("Hip pain", 103), page("Mine only")]


def test_two_corpora_keep_their_own_state(tmp_path: Path, state: UserState) -> None:
    """One state.db held every corpus's bookmarks: one corpus's showed in another's reader."""
    sample = build(tmp_path / "sample.db", SAMPLE)
    mine = build(tmp_path / "mine.db", MINE)
    use_corpus_at(state, tmp_path / "sample.db")
    state.add_bookmark(sample["Sample only"], "Sample only")
    state.add_bookmark(101, "Knee pain", note="from the sample")
    state.record_open(102, "Ankle sprain")
    use_corpus_at(state, tmp_path / "mine.db")
    assert state.bookmarks() == [] and state.history() == [] and state.read_ids() == set()
    state.add_bookmark(mine["Mine only"], "Mine only")
    store = Store.open(tmp_path / "mine.db")
    try:
        reader = CorpusReader(store.conn)
        attach_state(reader.conn, state.path)
        assert titles(reader, Filters(extra=(only_bookmarked(),))) == ["Mine only"]
        assert len(titles(reader, Filters(extra=(only_unread(),)))) == 3
    finally:
        store.close()
    use_corpus_at(state, tmp_path / "sample.db")
    assert {b.title for b in state.bookmarks()} == {"Sample only", "Knee pain"}
    assert state.read_ids() == {102}


def test_state_follows_a_corpus_reimported_or_moved(tmp_path: Path, state: UserState) -> None:
    build(tmp_path / "mine.db", MINE)
    use_corpus_at(state, tmp_path / "mine.db")
    state.add_bookmark(103, "Hip pain")
    build(tmp_path / "mine.db", [*MINE, page("New page", 104)])  # imported into again
    use_corpus_at(state, tmp_path / "mine.db")
    assert state.bookmarked_ids() == {103}
    shutil.move(tmp_path / "mine.db", tmp_path / "moved.db")
    use_corpus_at(state, tmp_path / "moved.db")
    assert state.bookmarked_ids() == {103}


def test_another_corpus_at_the_same_path_takes_only_its_questions(
    tmp_path: Path, state: UserState
) -> None:
    build(tmp_path / "corpus.db", SAMPLE)
    use_corpus_at(state, tmp_path / "corpus.db")
    state.add_bookmark(101, "Knee pain")
    state.add_bookmark(102, "Ankle sprain")
    (tmp_path / "corpus.db").unlink()
    build(tmp_path / "corpus.db", MINE)  # another corpus where the old one was
    use_corpus_at(state, tmp_path / "corpus.db")
    assert state.bookmarked_ids() == {101}


def old_state(path: Path) -> None:
    """A state database as state schema 1 made it (before state belonged to a corpus)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    state_schema.MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 1")
    stamp = dt.datetime(2024, 5, 1, tzinfo=dt.UTC).isoformat()
    for question_id in (101, 102, 103, 999):
        conn.execute("INSERT INTO read_marks VALUES (?, ?)", (question_id, stamp))
        conn.execute(
            "INSERT INTO bookmarks VALUES (?, ?, NULL, 'note', ?, ?)",
            (question_id, f"Q{question_id}", stamp, stamp),
        )
        conn.execute(
            "INSERT INTO history (question_id, title, opened_at) VALUES (?, ?, ?)",
            (question_id, f"Q{question_id}", stamp),
        )
    conn.execute("COMMIT")
    conn.close()


def test_a_state_made_before_is_kept_and_shared_out(tmp_path: Path) -> None:
    state_path = tmp_path / "state.db"
    old_state(state_path)
    build(tmp_path / "sample.db", SAMPLE)
    build(tmp_path / "mine.db", MINE)
    with UserState.open(state_path, clock=SteppingClock()) as state:
        assert state_path.with_name("state.db.v1.bak").exists()
        assert state.bookmarked_ids() == {101, 102, 103, 999}  # of no corpus: all kept
        use_corpus_at(state, tmp_path / "sample.db")
        assert state.bookmarked_ids() == state.read_ids() == {101, 102}
        assert [e.question_id for e in state.history()] == [102, 101]
        bookmark = state.bookmark(101)
        assert bookmark is not None and bookmark.note == "note"
        state.remove_bookmark(102)
        use_corpus_at(state, tmp_path / "mine.db")
        assert state.bookmarked_ids() == state.read_ids() == {101, 103}
        use_corpus_at(state, tmp_path / "sample.db")  # taken once: removed stays removed
        assert state.bookmarked_ids() == {101}
    conn = sqlite3.connect(state_path)
    kept = conn.execute(
        "SELECT question_id FROM bookmarks WHERE corpus = ? ORDER BY 1", (NO_CORPUS,)
    ).fetchall()
    conn.close()
    assert kept == [(101,), (102,), (103,), (999,)]
