"""A terminal lost mid-draw (issue 15 #12): the screen writer never blocks the reader's exit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.drivers import linux_driver
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

from qatui.tui.terminal_writer import TolerantWriterThread, install_tolerant_writer


class LostTerminal:
    """A terminal that takes two writes, then is gone (every write raises EIO)."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> int:
        if len(self.written) >= 2:
            raise OSError(5, "Input/output error")
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return 1


def finishes(action: Any, timeout: float = 20) -> bool:
    """Whether ``action()`` returns (run in a daemon thread given ``timeout`` seconds): a hang
    test, not a speed test."""
    done = threading.Event()

    def run() -> None:
        action()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(timeout=timeout)


def burst_then_stop(writer: WriterThread) -> None:
    writer.start()
    for frame in range(3 * MAX_QUEUED_WRITES):  # a burst of frames after the terminal went
        writer.write(f"frame {frame}")
    writer.stop()


def test_the_writer_drains_its_queue_once_the_terminal_is_gone() -> None:
    terminal = LostTerminal()
    assert finishes(lambda: burst_then_stop(TolerantWriterThread(terminal)))  # type: ignore[arg-type]
    assert terminal.written == ["frame 0", "frame 1"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_textuals_own_writer_blocks_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cause, shown: Textual's writer thread dies on the first failed write, its queue fills
    and the next write blocks for ever (the thread left behind is a daemon)."""
    monkeypatch.setattr(threading, "excepthook", lambda args: None)
    blocked = WriterThread(LostTerminal())  # type: ignore[arg-type]
    assert not finishes(lambda: burst_then_stop(blocked), timeout=2)  # a blocked put never returns


def test_the_reader_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linux_driver, "WriterThread", WriterThread)
    install_tolerant_writer()
    assert vars(linux_driver)["WriterThread"] is TolerantWriterThread
