"""Waiting in Pilot tests for what happened, never for a fixed time: the messages the app saw
(recorded through ``run_test(message_hook=...)``) and conditions polled a frame at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot

from qatui.tui.scenes import settle

M = TypeVar("M", bound=Message)

FRAMES = 1_000
"""Frames (of 10 ms) a condition may take before the test fails: far beyond any real wait."""


class MessageLog:
    """Every message the app handled, in order; pass :meth:`record` as the message hook."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def record(self, message: Message) -> None:
        # The hook sees a bubbling message at every node it reaches: keep it once.
        if not any(seen is message for seen in self.messages):
            self.messages.append(message)

    def of(self, kind: type[M]) -> list[M]:
        """The messages of one type, in order."""
        return [message for message in self.messages if isinstance(message, kind)]

    def clear(self) -> None:
        self.messages.clear()


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Pause a frame at a time until ``condition()`` holds, then let the workers settle."""
    for _ in range(FRAMES):
        if condition():
            await settle(pilot)
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def typed_in_a_burst(app: App[Any], *keys: str) -> None:
    """Hand ``keys`` to the app as its terminal driver does, all before any is handled: each
    goes to the widget focused as the app takes it."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        driver.send_message(events.Key(key, None if len(key) > 1 else key))
