"""Signals that end the reader cleanly: a lost terminal (SIGHUP) and a polite kill (SIGTERM).

Either one left to its default kills the process mid-frame: the terminal stays in the alternate
screen with the mouse reporting on, and the databases are closed by the kernel rather than by
qatui. Handled, each asks the app to exit as ``q`` would. In ``App.on_mount``::

    handle_exit_signals(asyncio.get_running_loop(), self.exit)

and in ``App.on_unmount``::

    release_exit_signals(asyncio.get_running_loop())
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

EXIT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)
"""The signals that end the reader (SIGHUP does not exist on Windows)."""

_UNSUPPORTED = (NotImplementedError, RuntimeError, ValueError)
"""What ``add_signal_handler`` raises off the main thread, on Windows, or in a closed loop."""


def handle_exit_signals(loop: asyncio.AbstractEventLoop, exit_app: Callable[[], object]) -> None:
    """Call ``exit_app`` on the event loop when one of :data:`EXIT_SIGNALS` arrives."""
    for number in EXIT_SIGNALS:
        with contextlib.suppress(*_UNSUPPORTED):
            loop.add_signal_handler(number, exit_app)


def release_exit_signals(loop: asyncio.AbstractEventLoop) -> None:
    """Give :data:`EXIT_SIGNALS` back their default meaning."""
    for number in EXIT_SIGNALS:
        with contextlib.suppress(*_UNSUPPORTED):
            loop.remove_signal_handler(number)
