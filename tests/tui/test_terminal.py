"""The terminal: tiny sizes, resizing while loading, and a lost terminal (SIGHUP)."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from qatui.corpus.store.writer import Store
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import QuestionList
from tests.tui.corpus_builder import build_reader_corpus


async def test_tiny_terminal_does_not_crash(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(20, 5)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "4", "enter", "question_mark", "escape", "1", "down")
        await settle(pilot)
        assert app.is_running
        app.save_screenshot(filename="tiny.svg", path=str(reader_db.parent))


async def test_resizing_while_workers_load(tmp_path: Path) -> None:
    app = make_app(build_reader_corpus(tmp_path / "big.db", extra=3000))
    async with app.run_test(size=(120, 40)) as pilot:
        for size in ((80, 24), (20, 5), (200, 60), (120, 40)):
            await pilot.press("G", "enter")
            await pilot.resize_terminal(*size)
        await settle(pilot)
        listing = app.query_one(QuestionList)
        assert listing.matching == 3013
        assert listing.cursor == listing.matching - 1
        assert app.is_running


async def test_the_reader_sees_pages_an_import_commits_meanwhile(reader_db: Path) -> None:
    from tests.tui.corpus_builder import record

    app = make_app(reader_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one(QuestionList).matching == 13
        store = Store.open(reader_db)  # another writer, as `qatui import` would be
        with store.transaction():
            store.upsert(record("Newly imported question", "Urology", "2026-01-01"))
        store.close()
        await pilot.press("x")  # reloading the list reads the committed pages (WAL)
        await settle(pilot)
        assert app.query_one(QuestionList).matching == 14
        assert app.query_one(QuestionList).row_at(0).title == "Newly imported question"  # type: ignore[union-attr]


def test_sighup_ends_the_reader_cleanly(tmp_path: Path) -> None:
    db = build_reader_corpus(tmp_path / "hup.db")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real reader on a pseudo-terminal
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "qatui", "--db", str(db)])
    output = b""
    deadline = time.monotonic() + 30
    while b"Questions" not in output and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                output += os.read(fd, 65536)
            except OSError:
                break
    assert b"Questions" in output, "the reader did not start"
    os.kill(pid, signal.SIGHUP)
    status = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            with contextlib.suppress(OSError):
                output += os.read(fd, 65536)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("the reader did not stop after SIGHUP")
    os.close(fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert b"Traceback" not in output
    check = Store.open(db)
    assert check.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    check.close()


async def test_a_read_only_database_is_read_and_says_writing_is_disabled(
    reader_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root writes through file modes; the store's own probe says "read-only" here instead.
    monkeypatch.setattr("qatui.corpus.store.writer.writable", lambda path: False)
    monkeypatch.setattr("qatui.corpus.store.reading.writable", lambda path: False)  # current file
    app = make_app(reader_db, state_path=reader_db.parent / "state.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.corpus.read_only
        assert "writing is disabled" in app.sub_title
        assert any("read-only" in str(n.message) for n in app._notifications)
        assert app.query_one(QuestionList).matching == 13
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.page is not None
