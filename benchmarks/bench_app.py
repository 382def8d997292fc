"""The reader, headless: start-up to first rows painted, and list actions through Pilot.

``python benchmarks/bench_app.py DB [--runs N]`` prints one JSON object:

- ``startup_s``: from starting a new ``python`` process to the first frame that shows rows of
  the question list (headless, 120x40), and ``bare_startup_s``: the same for a bare Textual app
  whose one widget paints a blank line, measured alternately in the same run;
- ``actions_ms``: in this process, through ``App.run_test`` (Pilot), from the key press (or the
  call the pane makes) until a frame shows the result: the list's new rows, or for opening a
  question the reading pane and related links of that question;
- ``peak_rss_mib``: this process's peak RSS (the reader with every action done).

"Painted" is observed by wrapping the app's ``_display``, which Textual calls with every
rendered frame (headless too, where the frame is then dropped): a frame counts once the state
it was rendered from holds the result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from qatui.tui.messages import SpecialtyChosen

SIZE = (120, 40)
TIMEOUT_S = 5
STARTUP_RUNS = 5
DATE_RANGES = (
    ("2016-01-01", "2016-12-31"),
    ("2010-01-01", "2014-12-31"),
    ("2020-06-01", "2021-05-31"),
    ("2024-03-01", "2024-03-31"),
)


class PaintProbe:
    """Records when a frame is displayed while ``condition()`` holds."""

    def __init__(self, app: Any) -> None:
        self.condition: Callable[[], bool] | None = None
        self.painted_at: float | None = None
        display = app._display

        def probe(screen: Any, renderable: Any) -> None:
            ready = renderable is not None and self.condition is not None and self.condition()
            display(screen, renderable)
            if ready:
                self.painted_at = time.perf_counter()
                self.condition = None

        app._display = probe

    async def wait(self, condition: Callable[[], bool], action: Callable[[], Any]) -> float:
        """Run ``action`` and wait for a frame showing ``condition``: milliseconds."""
        self.painted_at = None
        self.condition = condition
        started = time.perf_counter()
        result = action()
        if asyncio.iscoroutine(result):
            await result
        deadline = started + TIMEOUT_S
        while self.painted_at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"nothing within {TIMEOUT_S} s")
            await asyncio.sleep(0.0005)
        return (self.painted_at - started) * 1000


# -- start-up, in a child process ---------------------------------------------------------------


def _painted_and_exit() -> None:
    print("painted", flush=True)
    os._exit(0)


def child_reader(db: str) -> None:
    """Run the reader until its first frame with question rows, then exit at once (started
    as ``run_reader`` starts it)."""
    from qatui.tui.startup import keep_what_is_loaded, make_app
    from qatui.tui.widgets.question_list import QuestionList

    app = make_app(Path(db))
    display = app._display

    def first_rows(screen: Any, renderable: Any) -> None:
        questions = app.query(QuestionList)
        ready = renderable is not None and bool(questions) and questions.first().row_at(0)
        display(screen, renderable)
        if ready:
            _painted_and_exit()

    app._display = first_rows  # type: ignore[method-assign]
    keep_what_is_loaded()
    app.run(headless=True, size=SIZE)


def child_bare() -> None:
    """A bare Textual app with one widget: exit at its first frame."""
    from textual.app import App, ComposeResult
    from textual.strip import Strip
    from textual.widget import Widget

    class Blank(Widget):
        def render_line(self, y: int) -> Strip:
            return Strip.blank(self.size.width)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Blank()

    app = Bare()
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            _painted_and_exit()

    app._display = first_frame  # type: ignore[method-assign]
    app.run(headless=True, size=SIZE)


def bytecode_env() -> dict[str, str]:
    """The environment with bytecode caching on: Textual runs from the .pyc files pip wrote, so
    an editable qatui under PYTHONDONTWRITEBYTECODE would pay the compiler on every start."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_startup(arguments: list[str]) -> float:
    """Seconds from starting the child process to its "painted" line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *arguments],
        stdout=subprocess.PIPE,
        text=True,
        env=bytecode_env(),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    seconds = time.perf_counter() - started
    process.wait()
    if line.strip() != "painted":
        raise RuntimeError(f"start-up child failed: {arguments}")
    return seconds


# -- actions through Pilot ----------------------------------------------------------------------


async def measure_actions(db: Path, runs: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Milliseconds per action, and how many times an action never showed its result."""
    from qatui.corpus.filters import Filters
    from qatui.tui.startup import keep_what_is_loaded, make_app
    from qatui.tui.widgets.question_list import QuestionList

    app = make_app(db)
    keep_what_is_loaded()  # as run_reader does before the reader runs (this process's one app)
    results: dict[str, list[float]] = {}
    stuck: dict[str, int] = {}
    rng = random.Random(0)
    async with app.run_test(size=SIZE) as pilot:
        probe = PaintProbe(app)
        questions = app.query_one(QuestionList)

        def top_row() -> int:
            return int(questions.scroll_offset.y) // questions.lines_per_row

        def showing(filters: Filters) -> Callable[[], bool]:
            def ready() -> bool:
                if questions.list_query.filters != filters:
                    return False
                if questions.matching == 0:
                    return True
                return questions.row_at(top_row()) is not None

            return ready

        def cursor_row_shown() -> bool:
            return questions.row_at(questions.cursor) is not None

        def moved_past(before: int) -> bool:
            return questions.cursor > before and cursor_row_shown()

        def opened(question_id: int) -> bool:
            return app.reader.page is not None and app.reader.page.id == question_id

        def show(filters: Filters) -> None:
            app.reader.filters = filters

        async def reset() -> None:
            await probe.wait(showing(Filters()), partial(show, Filters()))
            questions.focus()
            await pilot.pause()
            while not app.reader.specialty_names or questions.matching is None:
                await pilot.pause(0.01)

        await reset()
        names = sorted(
            app.reader.specialty_names, key=lambda name: name != "Obstetrics and Gynecology"
        )

        async def timed(
            name: str, condition: Callable[[], bool], action: Callable[[], Any]
        ) -> None:
            try:
                results.setdefault(name, []).append(await probe.wait(condition, action))
            except TimeoutError:
                stuck[name] = stuck.get(name, 0) + 1
                probe.condition = None

        for run in range(-1, runs):  # run -1 warms up
            name = names[run % len(names)] if run >= 0 else names[0]
            target = replace(app.reader.filters, specialty=name)
            chosen = SpecialtyChosen(name)
            await timed(
                "specialty switch", showing(target), partial(app.reader.post_message, chosen)
            )
            await reset()
            since, until = DATE_RANGES[run % len(DATE_RANGES)]
            target = replace(app.reader.filters, since=since, until=until)
            await timed("date-range filter", showing(target), partial(show, target))
            await reset()
            target = replace(app.reader.filters, newest_first=not app.reader.filters.newest_first)
            await timed("flip order", showing(target), lambda: pilot.press("o"))
            await reset()
            await timed(
                "jump to end",
                lambda: questions.cursor == questions.row_count - 1 and cursor_row_shown(),
                lambda: pilot.press("G"),
            )
            await pilot.press("g")
            await pilot.pause()
            for _ in range(3):
                before = questions.cursor
                await timed(
                    "page down",
                    partial(moved_past, before),
                    lambda: pilot.press("pagedown"),
                )
            await pilot.press("g")
            for _ in range(rng.randrange(0, 30)):
                await pilot.press("down")
            await pilot.pause()
            row = questions.row_at(questions.cursor)
            if row is not None:
                await timed(
                    "open a question", partial(opened, row.id), lambda: pilot.press("enter")
                )
            questions.focus()
            await pilot.pause()  # Textual repaints a widget on focus(): not the next action's
            if run < 0:
                results.clear()
                stuck.clear()
    return results, stuck


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--child", choices=["reader", "bare"])
    args = parser.parse_args(argv)
    if args.child == "reader":
        child_reader(args.db)
        return 1  # only reached if the reader exited before painting rows
    if args.child == "bare":
        child_bare()
        return 1
    startup, bare = [], []
    for _ in range(min(args.runs, STARTUP_RUNS) + 1):  # the first pair warms the disk cache
        startup.append(time_startup(["--child", "reader", args.db]))
        bare.append(time_startup(["--child", "bare"]))
    actions, stuck = asyncio.run(measure_actions(Path(args.db), args.runs))
    json.dump(
        {
            "db": args.db,
            "startup_s": startup[1:],
            "bare_startup_s": bare[1:],
            "actions_ms": actions,
            "stuck": stuck,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
