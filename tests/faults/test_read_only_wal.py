"""A WAL database in a folder this process cannot write, its ``-shm`` gone: SQLite can read it
only as immutable, which leaves out what the ``-wal`` holds. qatui says so instead of silently
showing fewer questions."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from qatui import cli
from tests.unprivileged import run_python

LEAVE_A_WAL = """
import os, sys
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store
store = Store.open(sys.argv[1])
store.conn.execute("PRAGMA wal_autocheckpoint = 0")
def add(first, last):
    with store.transaction():
        for number in range(first, last):
            store.upsert(Record(f"Question {number}", "Orthopedics", question="Text."))
add(0, 3)
store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
add(3, 5)  # committed to the -wal only
os._exit(0)  # no close: the -wal and -shm stay, as after a crash or a kill
"""


@pytest.fixture
def stranded(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "corpus.db"
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(path)], check=True, timeout=120)
    assert path.with_name("corpus.db-wal").stat().st_size > 0
    path.with_name("corpus.db-shm").unlink()
    return path


def test_a_read_only_folder_with_an_unread_wal_says_changes_are_not_shown(
    stranded: Path, tmp_path: Path
) -> None:
    stranded.parent.chmod(0o555)
    try:
        done = run_python(["-m", "qatui", "stats", "--db", str(stranded)], cwd=tmp_path)
    finally:
        stranded.parent.chmod(0o755)
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert "questions: 3 full" in done.stdout  # what the main file holds
    assert done.stderr.startswith(
        f"qatui: warning: {stranded}: changes committed to corpus.db-wal are not shown"
    )
    assert "copy both files to a writable folder" in done.stderr


def test_a_writable_folder_reads_the_wal_and_says_nothing(stranded: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["stats", "--db", str(stranded)], out, err) == cli.EXIT_OK
    assert err.getvalue() == ""
    assert "questions: 5 full" in out.getvalue()
