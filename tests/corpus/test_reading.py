"""Opening a corpus at the current schema for reading (store/reading.py), as reading commands
do, without the writer: the same connection Store.open makes; anything else is Store.open's."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path

import pytest

from qatui import cli
from qatui.corpus.errors import StoreError
from qatui.corpus.model import Record
from qatui.corpus.store import database
from qatui.corpus.store.database import writable
from qatui.corpus.store.reading import open_current
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Store
from tests.corpus.old_schema import create_old_database, insert_as_before


def corpus(path: Path) -> Path:
    store = Store.open(path)
    with store.transaction():
        store.upsert(Record(id=1, title="Sciatica", specialty="Neurology", question="leg pain"))
    store.close()
    return path


def version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_current_corpus_opens_as_store_open_opens_it(tmp_path: Path) -> None:
    path = corpus(tmp_path / "corpus.db")
    opened = open_current(path)
    assert opened is not None
    store = Store.open(path)
    try:
        assert opened.info == store.info
        mode = "PRAGMA journal_mode"
        assert opened.conn.execute(mode).fetchone() == store.conn.execute(mode).fetchone()
        assert opened.conn.execute("SELECT title FROM questions").fetchall() == [("Sciatica",)]
    finally:
        store.close()
        opened.close()


def test_closing_leaves_no_journal_files_behind(tmp_path: Path) -> None:
    path = corpus(tmp_path / "corpus.db")
    opened = open_current(path)
    assert opened is not None
    opened.conn.execute("SELECT count(*) FROM questions").fetchone()
    opened.close()
    assert sorted(os.listdir(tmp_path)) == ["corpus.db"]  # a read-only open would leave -wal


def test_an_absent_or_older_corpus_is_left_to_store_open(tmp_path: Path) -> None:
    assert open_current(tmp_path / "none.db") is None
    old = tmp_path / "old.db"
    create_old_database(old, SCHEMA_VERSION - 1).close()
    before = old.read_bytes()
    assert open_current(old) is None
    assert old.read_bytes() == before


def test_a_current_corpus_missing_a_trigger_is_refused_in_words(tmp_path: Path) -> None:
    path = corpus(tmp_path / "corpus.db")
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER specialty_counts_insert")
    conn.close()
    with pytest.raises(StoreError, match="the trigger specialty_counts_insert is missing"):
        open_current(path)


def test_search_still_migrates_an_older_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "older.db"
    conn = create_old_database(older, 3)  # rows as the writer of schema 3 wrote them
    insert_as_before(conn, Record(id=7, title="Sciatica", specialty="Neurology", question="pain"))
    conn.close()
    out = io.StringIO()
    assert cli.main(["search", "--db", str(older), "pain", "--json"], out) == cli.EXIT_OK
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [7]
    assert version(older) == SCHEMA_VERSION
    assert f"upgrading {older} from schema 3 to {SCHEMA_VERSION}" in capsys.readouterr().err


@pytest.mark.parametrize("unnamed_files", [True, False])
def test_the_writability_probe_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed_files: bool
) -> None:
    if not unnamed_files:  # a system without O_TMPFILE: the named temporary file is tried
        monkeypatch.setattr(database, "O_TMPFILE", None)
    path = corpus(tmp_path / "corpus.db")
    assert writable(path)
    assert not writable(path / "inside a file.db")  # no file can be made in a file
    assert sorted(os.listdir(tmp_path)) == ["corpus.db"]
