"""A terminal that disappears mid-draw must not leave the reader running for ever.

Textual's Linux driver writes the screen from a thread through a queue of 30 writes. When the
terminal goes away (its tmux session killed, the ssh link dropped), a write raises ``OSError``
and that thread ends; the queue then fills and the next write, or the driver's ``close``
(``WriterThread.stop`` puts a last item), blocks for ever: the reader is orphaned, holding both
databases (3 of 8 trials with a burst of keys just before the terminal went). The writer here
keeps emptying its queue once the terminal is gone, so every write and the stop return.
"""

from __future__ import annotations

from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread


class TolerantWriterThread(WriterThread):
    """Textual's writer thread, which drops what is left to write once the terminal is gone."""

    def run(self) -> None:
        try:
            super().run()
        except OSError:  # EIO or EPIPE: nothing to write to any more
            while self._queue.get() is not None:
                pass


def install_tolerant_writer() -> None:
    """Make Textual's Linux driver write through :class:`TolerantWriterThread`."""
    # The driver looks the class up by this module-level name each time it starts.
    vars(linux_driver)["WriterThread"] = TolerantWriterThread
