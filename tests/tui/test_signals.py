"""SIGTERM and SIGHUP end a Textual app cleanly once :mod:`qatui.tui.signals` handles them: the
process exits 0 and the terminal is taken out of the alternate screen."""

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

from tests.tui.corpus_builder import build_reader_corpus

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"

SMALL_APP = """
import asyncio, sys
from textual.app import App
from textual.widgets import Static
from qatui.tui.signals import handle_exit_signals, release_exit_signals

class Small(App[None]):
    def compose(self):
        yield Static("ready to be signalled")

    def on_mount(self) -> None:
        if sys.argv[1] == "handled":
            handle_exit_signals(asyncio.get_running_loop(), self.exit)

    def on_unmount(self) -> None:
        release_exit_signals(asyncio.get_running_loop())

Small().run()
"""


def signal_in_a_terminal(argv: list[str], ready: bytes, number: int) -> tuple[int, bytes]:
    """Run ``argv`` on a pseudo-terminal, send ``number`` once ``ready`` shows; its wait status
    and everything it wrote."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    output = b""
    deadline = time.monotonic() + 60
    while ready not in output and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            try:
                output += os.read(fd, 65536)
            except OSError:
                break
    assert ready in output, f"{argv} did not start: {output[-500:]!r}"
    os.kill(pid, number)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            with contextlib.suppress(OSError):
                output += os.read(fd, 65536)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            with contextlib.suppress(OSError):
                while select.select([fd], [], [], 0.2)[0]:
                    output += os.read(fd, 65536)
            os.close(fd)
            return status, output
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    raise AssertionError(f"{argv} did not stop after signal {number}")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_handled_signal_ends_the_app_and_restores_the_terminal(number: int) -> None:
    status, output = signal_in_a_terminal(
        [sys.executable, "-c", SMALL_APP, "handled"], b"ready to be signalled", number
    )
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert LEAVE_ALTERNATE_SCREEN in output
    assert b"Traceback" not in output


def test_an_unhandled_sigterm_leaves_the_terminal_in_the_alternate_screen() -> None:
    """What the handling is for (and proof that the test above can fail)."""
    status, output = signal_in_a_terminal(
        [sys.executable, "-c", SMALL_APP, "unhandled"], b"ready to be signalled", signal.SIGTERM
    )
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    assert LEAVE_ALTERNATE_SCREEN not in output


def test_sigterm_ends_the_reader_cleanly(tmp_path: Path) -> None:
    db = build_reader_corpus(tmp_path / "term.db")
    status, output = signal_in_a_terminal(
        [sys.executable, "-m", "qatui", "--db", str(db)], b"Questions", signal.SIGTERM
    )
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert LEAVE_ALTERNATE_SCREEN in output
