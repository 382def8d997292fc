"""The reader's first frame stays small (what it does not show is built when first used), so
that start-up stays near a bare Textual app's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qatui.tui.app import QATuiApp
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from tests.tui.waiting import wait_until

SIZE = (120, 40)

FIRST_FRAME_WIDGETS = 22
"""What the first frame is made of, under the screen: the filter bar (the bar, the search and
two date fields, the quick-date picker with its current value, label, two arrows and overlay:
10), the panes' rows (2 containers), the four panes, the reading pane's hint, the status line,
the footer, and Textual's toast rack and tooltip. The reading pane's parts (15 widgets), the
dialogs and the timeline are built when first used. Raise this only for a widget the first
frame shows."""


class FramesSeen:
    """For each frame the app paints: whether it shows the question list's first row, and how
    many widgets the screen holds.

    Textual hands every rendered frame to ``App._display`` (headless too): the same hook the
    start-up benchmark (benchmarks/bench_app.py) watches."""

    def __init__(self, app: QATuiApp) -> None:
        self.with_rows: list[bool] = []
        self.widgets: list[int] = []
        display = app._display

        def seen(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                questions = app.query(QuestionList)
                self.with_rows.append(bool(questions) and questions.first().row_at(0) is not None)
                self.widgets.append(len(list(app.screen.walk_children())))
            display(screen, renderable)

        app._display = seen  # type: ignore[method-assign]


async def test_the_first_frame_builds_only_what_it_shows(reader_db: Path, tmp_path: Path) -> None:
    app = make_app(reader_db, state_path=tmp_path / "state.db")
    frames = FramesSeen(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(frames.widgets), "a frame")
        assert frames.widgets[0] <= FIRST_FRAME_WIDGETS
        reading = app.query_one(ReadingPane)
        assert [child.id for child in reading.children] == ["reader-title"]
        # The parts come with the first page, and show it.
        questions = app.query_one(QuestionList)
        await wait_until(pilot, lambda: questions.row_at(0) is not None, "the first rows")
        questions.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.reader.page is not None, "the page")
        assert app.query_one("#reader-question").display
