"""The reader's main states, reached by key presses: used by ``qatui screenshots`` and tests."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let every worker finish (or be cancelled) and its messages be handled."""
    for _ in range(rounds):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@dataclass(frozen=True)
class Scene:
    """A named state of the reader and how to get there from start-up."""

    name: str
    description: str
    keys: tuple[str, ...] = ()
    size: tuple[int, int] = (120, 40)

    async def reach(self, pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _press(pilot, *self.keys)
        await pilot.pause(0.05)


SCENES: tuple[Scene, ...] = (
    Scene("startup", "Start-up on the sample corpus: every specialty, newest questions first"),
    Scene("specialty", "A specialty chosen: Urology's questions", ("1", *["down"] * 14, "enter")),
    Scene("question", "A question open in the reading pane", ("down", "down", "enter")),
    Scene("related", "The related links of the open question", ("down", "down", "enter", "4")),
    Scene(
        "search",
        "A search: ranked results with snippets, the words highlighted in the page",
        ("slash", *"fever", "enter", "enter", "n"),
    ),
    Scene("help", "The help screen with every binding", ("question_mark",)),
    Scene("narrow", "The same reader at 80x24: panes stacked", ("enter",), (80, 24)),
)

SceneRunner = Callable[[Pilot[Any]], Awaitable[None]]
