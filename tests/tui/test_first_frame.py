"""The reader's first frame: it shows the list's rows, and it stays small (what it does not show
is built when first used), so that start-up stays near a bare Textual app's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.store.read_pool import Corpus
from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.filter_bar import FilterBar
from qatui.tui.widgets.first_page import FirstPage
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from tests.faults.damage import flip_bytes_in
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.waiting import MessageLog, wait_until

SIZE = (120, 40)

FIRST_FRAME_WIDGETS = 17
"""What the first frame is made of, under the screen: the filter bar (the bar and the plain-text
previews of its search field, two date fields and quick-date picker: 5), the panes' rows (2
containers), the four panes, the reading pane's hint, the status line, the footer, and
Textual's toast rack and tooltip. The filter bar's fields (10 widgets: three inputs and the
picker with its current value, label, two arrows and overlay) are built right after the first
frame; the reading pane's parts (15 widgets), the dialogs and the timeline when first used.
Raise this only for a widget the first frame shows."""


def top_line(app: QATuiApp) -> list[tuple[str, str]]:
    """The screen's top line (the filter bar) cell by cell: its character, and its colours
    where the cell shows a character (a blank cell's foreground is never seen)."""
    (strip, *_) = app.screen._compositor.render_strips()
    cells = []
    for segment in strip:
        style = segment.style
        background = str(style.bgcolor) if style and style.bgcolor else ""
        for character in segment.text:
            seen = str(style.color) if style and style.color and character != " " else ""
            bold = bool(style and style.bold) and character != " "
            cells.append((character, f"{seen} {bold} on {background}"))
    return cells


class FramesSeen:
    """For each frame the app paints: whether it shows the question list's first row, and how
    many widgets the screen holds.

    Textual hands every rendered frame to ``App._display`` (headless too): the same hook the
    start-up benchmark (benchmarks/bench_app.py) watches."""

    def __init__(self, app: QATuiApp) -> None:
        self.with_rows: list[bool] = []
        self.widgets: list[int] = []
        self.screen_classes: list[set[str]] = []
        self.fields: list[int] = []
        self.filter_bar_line: list[list[tuple[str, str]]] = []
        display = app._display

        def seen(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                questions = app.query(QuestionList)
                self.with_rows.append(bool(questions) and questions.first().row_at(0) is not None)
                self.widgets.append(len(list(app.screen.walk_children())))
                self.screen_classes.append(set(app.screen.classes))
                self.fields.append(len(app.screen.query(Input)) + len(app.screen.query(Select)))
                self.filter_bar_line.append(top_line(app))
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
    async with app.run_test(size=(210, 40)) as pilot:
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


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_the_first_frame_draws_the_filter_bar_without_its_fields(
    reader_db: Path, tmp_path: Path, width: int
) -> None:
    """The search and date fields and the quick-date picker are built after the first frame,
    which draws them as plain text: the same characters in the same colours as the fields."""
    app = make_app(reader_db, state_path=tmp_path / "state.db")
    frames = FramesSeen(app)
    async with app.run_test(size=(width, 40)) as pilot:
        await wait_until(pilot, lambda: bool(frames.widgets), "a frame")
        await wait_until(pilot, lambda: app.query_one(FilterBar).fields_built, "the fields")
        assert frames.fields[0] == 0
        assert len(app.screen.query(Input)) == 3 and len(app.screen.query(Select)) == 1
        assert frames.filter_bar_line[0] == top_line(app)
        assert "/ search words" in "".join(character for character, _ in top_line(app))


@pytest.fixture
def unbuilt_app(reader_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QATuiApp:
    """A reader whose filter bar keeps its previews until something asks for a field (as a
    key pressed before the fields' frame would)."""
    monkeypatch.setattr(FilterBar, "on_mount", lambda self: None)
    return make_app(reader_db, state_path=tmp_path / "state.db")


async def test_slash_before_the_fields_are_built_builds_them_and_searches(
    unbuilt_app: QATuiApp,
) -> None:
    app = unbuilt_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query_one(FilterBar).fields_built
        assert not app.screen.query(Input)
        await pilot.press("slash")
        search = app.query_one("#search", Input)
        assert app.focused is search
        await pilot.press(*"pain", "enter")
        await settle(pilot)
        assert app.reader.filters.search == "pain"
        assert search.value == "pain"


async def test_d_before_the_fields_are_built_builds_them_and_filters_by_date(
    unbuilt_app: QATuiApp,
) -> None:
    app = unbuilt_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        since = app.query_one("#since", Input)
        assert app.focused is since
        await pilot.press(*"2016", "enter")
        await settle(pilot)
        assert app.reader.filters.since == "2016-01-01"
        assert app.query_one("#quick-date", Select).value == "custom"


async def test_filters_set_before_the_fields_are_built_show_in_them(unbuilt_app: QATuiApp) -> None:
    """What the bar was asked to show meanwhile is in the fields once built, and building them
    changes no filter (the quick-date picker's first value is not taken for a choice)."""
    app = unbuilt_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = Filters(since="2016-01-01", until="2016-12-31", search="pain")
        app.reader.filters = shown
        await settle(pilot)
        assert "2016" in "".join(character for character, _ in top_line(app))
        await app.query_one(FilterBar).build_fields()
        await settle(pilot)
        assert app.reader.filters == shown
        assert app.query_one("#search", Input).value == "pain"
        assert app.query_one("#since", Input).value == "2016-01-01"
        assert app.query_one("#until", Input).value == "2016-12-31"
        assert app.query_one("#quick-date", Select).value == "2016"


async def test_a_click_on_a_field_before_it_is_built_builds_it_and_goes_there(
    unbuilt_app: QATuiApp,
) -> None:
    app = unbuilt_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#until")
        await settle(pilot)
        assert app.focused is app.query_one("#until", Input)
        await pilot.press(*"2016", "enter")
        await settle(pilot)
        assert app.reader.filters.until == "2016-12-31"
        await pilot.click("#quick-date")
        await settle(pilot)
        assert app.query_one("#quick-date", Select).expanded
