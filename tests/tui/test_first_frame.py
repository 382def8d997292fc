"""The reader's first frame: it shows the list's rows, and it stays small (what it does not show
is built when first used), so that start-up stays near a bare Textual app's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.store.read_pool import Corpus
from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.first_page import FirstPage
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from tests.faults.damage import flip_bytes_in
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.waiting import MessageLog, wait_until

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
        self.screen_classes: list[set[str]] = []
        display = app._display

        def seen(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                questions = app.query(QuestionList)
                self.with_rows.append(bool(questions) and questions.first().row_at(0) is not None)
                self.widgets.append(len(list(app.screen.walk_children())))
                self.screen_classes.append(set(app.screen.classes))
            display(screen, renderable)

        app._display = seen  # type: ignore[method-assign]


async def test_the_first_frame_shows_the_rows(
    reader_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    """The first rows are on hand when the list first loads, read while the screen was built:
    not left to a worker whose answer may come frames later (here it may win the race, so
    the test also checks that no worker was asked)."""
    app = make_app(reader_db, state_path=tmp_path / "state.db")
    frames = FramesSeen(app)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await wait_until(pilot, lambda: bool(frames.with_rows), "a frame")
        await settle(pilot)
        assert frames.with_rows[0], "the first frame had no rows: they came a frame later"
        assert message_log.of(QuestionList.RowsLoaded) == []
        assert message_log.of(QuestionList.CountLoaded) == []
        with app.corpus.reader() as reader:
            total = reader.total()
        assert str(app.query_one(QuestionList).border_title) == f"Questions {total}"


async def test_the_first_frame_is_laid_out_for_its_width(reader_db: Path, tmp_path: Path) -> None:
    """The width class (here "-roomy") is on before the first layout: the panes are not styled
    and laid out again once the first frame is out."""
    app = make_app(reader_db, state_path=tmp_path / "state.db")
    frames = FramesSeen(app)
    async with app.run_test(size=(170, 40)) as pilot:
        await wait_until(pilot, lambda: bool(frames.screen_classes), "a frame")
        assert "-roomy" in frames.screen_classes[0]
        assert not {"-wide", "-narrow"} & frames.screen_classes[0]


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


async def test_the_first_page_read_ahead_serves_only_its_own_list(reader_db: Path) -> None:
    corpus = Corpus.open(reader_db)
    try:
        everything = ListQuery(Filters())
        read = FirstPage(corpus, everything, page_size=3)
        assert read.take(ListQuery(Filters(newest_first=False)), wait_s=5) is None
        read = FirstPage(corpus, everything, page_size=3)
        answer = read.take(everything, wait_s=5)
        assert answer is not None
        with corpus.reader() as reader:
            assert answer.rows == everything.rows(reader, 0, 3)
            assert answer.everything == answer.matching == reader.total()
    finally:
        corpus.close()


async def test_a_failed_first_page_read_lets_the_list_load_and_report(tmp_path: Path) -> None:
    """Rows the read ahead cannot read: the list's own load reads again and says why, once."""
    path = build_reader_corpus(tmp_path / "reader.db")
    flip_bytes_in(path, "questions")
    app = make_app(path, state_path=tmp_path / "state.db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(app._notifications), "a notice")
        await settle(pilot)
        notices = [notice.message for notice in app._notifications]
        assert len(notices) == 1
        assert notices[0].startswith("loading questions failed: ")
        assert "is damaged" in notices[0]
        assert app.query_one(QuestionList).row_at(0) is None
