"""Read marks, bookmarks and history: behaviour, persistence, errors, migrations, threads."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from qatui.paths import state_db_path
from qatui.userstate import STATE_DB_ENV, UserState, UserStateError
from qatui.userstate import schema as state_schema

from .conftest import START, SteppingClock

# -- read marks -----------------------------------------------------------------------------


def test_mark_read_and_unread(state: UserState) -> None:
    assert not state.is_read(7)
    state.mark_read(7)
    assert state.is_read(7)
    assert state.read_at(7) == START + dt.timedelta(minutes=1)
    assert state.mark_unread(7) is True
    assert not state.is_read(7)
    assert state.read_at(7) is None
    assert state.mark_unread(7) is False


def test_marking_again_moves_the_time(state: UserState) -> None:
    state.mark_read(7)
    state.mark_read(7)
    assert state.read_at(7) == START + dt.timedelta(minutes=2)


def test_explicit_time_is_kept_in_utc(state: UserState) -> None:
    taipei = dt.timezone(dt.timedelta(hours=8))
    state.mark_read(1, when=dt.datetime(2024, 1, 1, 8, 0, tzinfo=taipei))
    assert state.read_at(1) == dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC)


def test_read_among_and_read_ids(state: UserState) -> None:
    big = (1 << 51) + 12345  # a derived id
    state.mark_many_read([1, 3, big])
    assert state.read_among([1, 2, 3, 4, big]) == {1, 3, big}
    assert state.read_among([]) == set()
    assert state.read_ids() == {1, 3, big}
    assert state.clear_read_marks() == 3
    assert state.read_ids() == set()


# -- bookmarks ------------------------------------------------------------------------------


def test_bookmark_add_update_remove(state: UserState) -> None:
    added = state.add_bookmark(5, "Knee pain", "Orthopedics", note="ask about stairs")
    assert (added.question_id, added.title, added.specialty, added.note) == (
        5,
        "Knee pain",
        "Orthopedics",
        "ask about stairs",
    )
    assert added.created_at == added.updated_at == START + dt.timedelta(minutes=1)
    assert state.is_bookmarked(5)

    assert state.set_bookmark_note(5, "new note") is True
    changed = state.bookmark(5)
    assert changed is not None
    assert changed.note == "new note"
    assert changed.created_at == added.created_at
    assert changed.updated_at == START + dt.timedelta(minutes=2)

    assert state.remove_bookmark(5) is True
    assert state.bookmark(5) is None
    assert state.remove_bookmark(5) is False
    assert state.set_bookmark_note(5, "x") is False


def test_bookmarking_again_refreshes_the_snapshot_and_keeps_the_note(state: UserState) -> None:
    state.add_bookmark(5, "Old title", "Orthopedics", note="mine")
    again = state.add_bookmark(5, "New title", "Rehabilitation")
    assert (again.title, again.specialty, again.note) == ("New title", "Rehabilitation", "mine")
    assert state.add_bookmark(5, "New title", note="").note == ""
    assert state.bookmark_count() == 1


def test_bookmarks_newest_first_with_paging(state: UserState) -> None:
    for question_id in (10, 20, 30):
        state.add_bookmark(question_id, f"Question {question_id}")
    assert [b.question_id for b in state.bookmarks()] == [30, 20, 10]
    assert [b.question_id for b in state.bookmarks(limit=1, offset=1)] == [20]
    assert state.bookmarked_ids() == {10, 20, 30}
    assert state.bookmarked_among([10, 11, 30]) == {10, 30}


def test_bookmark_search_by_note_title_and_specialty(state: UserState) -> None:
    state.add_bookmark(1, "Knee pain when climbing", "Orthopedics", note="Show to physio")
    state.add_bookmark(2, "Rash on arms", "Dermatology", note="")
    state.add_bookmark(3, "膝蓋痛 after running", "Orthopedics", note="ＣＪＫ width")
    assert [b.question_id for b in state.bookmarks("physio")] == [1]
    assert [b.question_id for b in state.bookmarks("KNEE climbing")] == [1]
    assert [b.question_id for b in state.bookmarks("dermatology")] == [2]
    assert [b.question_id for b in state.bookmarks("orthopedics")] == [3, 1]
    assert [b.question_id for b in state.bookmarks("膝蓋")] == [3]
    assert [b.question_id for b in state.bookmarks("cjk")] == [3]  # full-width folds
    assert state.bookmarks("knee rash") == []
    assert state.bookmark_count("orthopedics") == 2
    assert state.bookmark_count("  ") == 3


def test_bookmark_text_is_cleaned_of_control_characters(state: UserState) -> None:
    saved = state.add_bookmark(1, "Title\x1b]52;c;SGVsbG8=\x07 x", "Onc\x00ology", note="a\x1b[2Jb")
    assert (saved.title, saved.specialty, saved.note) == ("Title x", "Oncology", "ab")


def test_bookmark_json(state: UserState) -> None:
    saved = state.add_bookmark(9, "T", "S", note="n")
    assert saved.to_json() == {
        "id": 9,
        "title": "T",
        "specialty": "S",
        "note": "n",
        "bookmarked_at": "2024-05-01T12:01:00+00:00",
        "updated_at": "2024-05-01T12:01:00+00:00",
    }


# -- history --------------------------------------------------------------------------------


def test_opening_records_history_and_marks_read(state: UserState) -> None:
    entry = state.record_open(4, "Back pain", "Orthopedics")
    assert (entry.question_id, entry.title, entry.specialty) == (4, "Back pain", "Orthopedics")
    assert entry.opened_at == START + dt.timedelta(minutes=1)
    assert state.is_read(4)
    state.record_open(5, "Rash", mark_read=False)
    assert not state.is_read(5)


def test_history_newest_first_each_question_once(state: UserState) -> None:
    for question_id in (1, 2, 1, 3):
        state.record_open(question_id, f"Q{question_id}")
    assert [e.question_id for e in state.history()] == [3, 1, 2]
    assert [e.question_id for e in state.history(distinct=False)] == [3, 1, 2, 1]
    assert state.history_count() == 3
    assert state.history_count(distinct=False) == 4
    assert [e.question_id for e in state.history(limit=2, offset=1)] == [1, 2]


def test_reopening_the_last_question_moves_its_time_only(state: UserState) -> None:
    state.record_open(1, "Q1")
    state.record_open(1, "Q1 renamed")
    entries = state.history(distinct=False)
    assert len(entries) == 1
    assert entries[0].title == "Q1 renamed"
    assert entries[0].opened_at == START + dt.timedelta(minutes=2)


def test_history_search_clear_and_remove(state: UserState) -> None:
    state.record_open(1, "Knee pain", "Orthopedics")
    state.record_open(2, "Rash on arms", "Dermatology")
    state.record_open(3, "Knee swelling", "Orthopedics")
    assert [e.question_id for e in state.history("knee")] == [3, 1]
    assert [e.question_id for e in state.history("dermatology")] == [2]
    assert state.history_count("knee") == 2
    assert state.remove_from_history(3) == 1
    assert [e.question_id for e in state.history()] == [2, 1]
    assert state.clear_history() == 2
    assert state.history() == []
    assert state.read_ids() == {1, 2, 3}  # clearing history keeps read marks


def test_history_keeps_only_the_newest(state_path: Path, clock: SteppingClock) -> None:
    with UserState.open(state_path, clock=clock, history_limit=3) as state:
        for question_id in range(1, 7):
            state.record_open(question_id, f"Q{question_id}")
        assert [e.question_id for e in state.history(distinct=False)] == [6, 5, 4]


def test_history_orders_by_time_not_by_insertion(state: UserState) -> None:
    state.record_open(1, "late", when=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    state.record_open(2, "early", when=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert [e.question_id for e in state.history()] == [1, 2]


# -- the file -------------------------------------------------------------------------------


def test_state_persists_across_reopening(state_path: Path, clock: SteppingClock) -> None:
    with UserState.open(state_path, clock=clock) as state:
        state.mark_read(1)
        state.add_bookmark(2, "B", note="n")
        state.record_open(3, "H")
    with UserState.open(state_path) as again:
        assert again.read_ids() == {1, 3}
        assert [(b.question_id, b.note) for b in again.bookmarks()] == [(2, "n")]
        assert [e.question_id for e in again.history()] == [3]


def test_new_file_is_wal_with_schema_version(state: UserState, state_path: Path) -> None:
    conn = sqlite3.connect(state_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == state_schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == state_schema.APPLICATION_ID
    finally:
        conn.close()


def test_path_from_environment_then_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UserState.open() as default:
        assert default.path == state_db_path()
    monkeypatch.setenv(STATE_DB_ENV, str(tmp_path / "env.db"))
    with UserState.open() as from_env:
        assert from_env.path == tmp_path / "env.db"
    with UserState.open(tmp_path / "arg.db") as from_argument:
        assert from_argument.path == tmp_path / "arg.db"
    assert (tmp_path / "env.db").exists() and (tmp_path / "arg.db").exists()


def test_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_text("my notes, not a database")
    with pytest.raises(UserStateError, match="not a qatui state database"):
        UserState.open(path)
    assert path.read_text() == "my notes, not a database"


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(UserStateError, match="not a qatui state database"):
        UserState.open(path)


def test_newer_schema_is_refused(state_path: Path) -> None:
    UserState.open(state_path).close()
    conn = sqlite3.connect(state_path)
    conn.execute(f"PRAGMA user_version = {state_schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(UserStateError, match="newer qatui"):
        UserState.open(state_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_is_refused(state_path: Path) -> None:
    UserState.open(state_path).close()
    state_path.chmod(0o444)
    try:
        with pytest.raises(UserStateError, match="read-only"):
            UserState.open(state_path)
    finally:
        state_path.chmod(0o644)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserStateError, match="folder"):
        UserState.open(tmp_path)


def test_temporary_state_works_and_is_removed(clock: SteppingClock) -> None:
    state = UserState.temporary(clock=clock)
    state.add_bookmark(1, "B")
    assert state.bookmarked_ids() == {1}
    folder = state.path.parent
    assert folder.is_dir()
    state.close()
    assert not folder.exists()


def test_migration_keeps_data_and_backs_up(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = state_schema.SCHEMA_VERSION
    with UserState.open(state_path) as state:
        state.add_bookmark(1, "Kept", note="note")
        state.mark_read(2)

    def add_colour(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE bookmarks ADD COLUMN colour TEXT")

    monkeypatch.setitem(state_schema.MIGRATIONS, current + 1, add_colour)
    with UserState.open(state_path) as migrated:
        assert [(b.question_id, b.note) for b in migrated.bookmarks()] == [(1, "note")]
        assert migrated.read_ids() == {2}
        columns = {row[1] for row in migrated.conn.execute("PRAGMA table_info(bookmarks)")}
        assert "colour" in columns
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
    assert state_path.with_name(f"state.db.v{current}.bak").exists()


def test_a_second_migration_keeps_the_first_backup(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state once copied itself over ``.bak``: the backup of an earlier migration was lost."""
    current = state_schema.SCHEMA_VERSION
    with UserState.open(state_path) as state:
        state.add_bookmark(1, "First")
    monkeypatch.setitem(state_schema.MIGRATIONS, current + 1, lambda conn: None)
    UserState.open(state_path).close()
    first_backup = state_path.with_name(f"state.db.v{current}.bak")
    kept = first_backup.read_bytes()
    shutil.copyfile(first_backup, state_path)  # the user goes back to the old file
    for leftover in state_path.parent.glob("state.db-*"):
        leftover.unlink()
    with UserState.open(state_path) as state:  # ... and it is migrated again
        assert state.bookmarked_ids() == {1}
    assert first_backup.read_bytes() == kept
    assert state_path.with_name(f"state.db.v{current}.2.bak").exists()


def test_failed_migration_changes_nothing(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UserState.open(state_path) as state:
        state.add_bookmark(1, "Kept")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("DROP TABLE bookmarks")
        raise RuntimeError("migration bug")

    with monkeypatch.context() as patch:
        patch.setitem(state_schema.MIGRATIONS, state_schema.SCHEMA_VERSION + 1, broken)
        with pytest.raises(RuntimeError):
            UserState.open(state_path)
    with UserState.open(state_path) as state:
        assert state.bookmarked_ids() == {1}
    assert not list(state_path.parent.glob("*.bak"))


def test_workers_in_threads_share_one_state(state: UserState) -> None:
    errors: list[BaseException] = []

    def work(base: int) -> None:
        try:
            for n in range(50):
                question_id = base * 1000 + n
                state.record_open(question_id, f"Q{question_id}")
                state.add_bookmark(question_id, "B")
                assert state.is_read(question_id)
                state.read_among(range(base * 1000, base * 1000 + 50))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(base,)) for base in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(state.read_ids()) == 200
    assert state.bookmark_count() == 200
    assert state.history_count() == 200
