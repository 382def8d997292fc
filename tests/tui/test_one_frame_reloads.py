"""A list action paints its result in one frame: nothing is painted between the action and the
list's new rows (the other panes change with them), and the rows a page down or ``G`` reaches
are read before the key. Textual paints at most one frame per 1/60 s, so a frame painted early
(the status line, the specialty mark, the date fields) makes the rows wait for the next one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from qatui.corpus.listing import ListQuery
from qatui.corpus.store.reader import CorpusReader, QuestionRow
from qatui.tui.app import QATuiApp
from qatui.tui.messages import SpecialtyChosen
from qatui.tui.reader_screen import ReaderScreen
from qatui.tui.scenes import settle
from qatui.tui.widgets import question_list
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.tui.widgets.status_line import StatusLine
from tests.tui.state_helpers import SIZE, rows, state_app
from tests.tui.test_reader_screen import long_corpus
from tests.tui.waiting import FRAMES, wait_until


class HeldRows:
    """Holds every list-rows query until :meth:`release` (counts and other queries go on)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = 0
        rows_of = ListQuery.rows

        def held(
            query: ListQuery,
            reader: CorpusReader,
            offset: int,
            limit: int,
            total: int | None = None,
        ) -> list[QuestionRow]:
            self.waiting += 1
            self.gate.wait(timeout=30)
            return rows_of(query, reader, offset, limit, total)

        monkeypatch.setattr(ListQuery, "rows", held)

    def hold(self) -> None:
        self.waiting = 0
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()


class Frames:
    """Counts the frames the app paints (Textual calls ``_display`` with each one)."""

    def __init__(self, app: QATuiApp) -> None:
        self.painted = 0
        display = app._display

        def counted(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.painted += 1
            display(screen, renderable)

        app._display = counted  # type: ignore[method-assign]


async def poll(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Pause a frame at a time until ``condition()`` holds (without waiting for the workers:
    the held one would not finish)."""
    for _ in range(FRAMES):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def held_rows(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldRows]:
    # The "loading…" fallback must not fire while the test holds the rows.
    monkeypatch.setattr(question_list, "SHOW_LOADING_AFTER_S", 30.0)
    held = HeldRows(monkeypatch)
    yield held
    held.release()


def flip_order(app: QATuiApp) -> Callable[[], Any]:
    return lambda: app.reader.action_flip_order()


def choose_specialty(app: QATuiApp) -> Callable[[], Any]:
    return lambda: app.reader.post_message(SpecialtyChosen("Orthopedics"))


def set_dates(app: QATuiApp) -> Callable[[], Any]:
    filters = replace(app.reader.filters, since="2016-01-01", until="2019-12-31")
    return lambda: setattr(app.reader, "filters", filters)


@pytest.mark.parametrize("action", [flip_order, choose_specialty, set_dates])
async def test_nothing_is_painted_until_the_new_rows_arrive_then_every_pane_at_once(
    reader_db: Path,
    tmp_path: Path,
    held_rows: HeldRows,
    action: Callable[[QATuiApp], Callable[[], Any]],
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = rows(app)
        status = app.query_one(StatusLine)
        status_before = status.text
        nav = app.query_one(SpecialtyNav)
        nav_before = [str(option.prompt) for option in nav.options]
        since = app.query_one("#since", Input)
        frames = Frames(app)
        held_rows.hold()
        action(app)()
        await poll(pilot, lambda: held_rows.waiting > 0, "the rows asked for")
        for _ in range(5):
            await pilot.pause(0.01)
        assert frames.painted == 0  # the old list, status line and panes stay as they were
        assert (status.text, since.value) == (status_before, "")
        assert [str(option.prompt) for option in nav.options] == nav_before
        held_rows.release()
        await wait_until(pilot, lambda: frames.painted > 0, "a frame with the new rows")
        await settle(pilot)
        assert rows(app) != before
        filters = app.reader.filters
        assert status.text != status_before  # the new chip (and position)
        assert since.value == (filters.since or "")
        assert nav.applied == filters.specialty


async def test_specialty_counts_that_come_first_wait_for_the_rows(
    reader_db: Path, tmp_path: Path, held_rows: HeldRows
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        nav = app.query_one(SpecialtyNav)
        counts_before = list(nav.counts)
        held_rows.hold()
        set_dates(app)()
        # The counts query is not held: it answers while the rows wait.
        await poll(pilot, lambda: app.reader._held_counts is not None, "the counts held")
        assert nav.counts == counts_before
        held_rows.release()
        await wait_until(pilot, lambda: nav.counts != counts_before, "the new counts shown")
        assert app.reader._held_counts is None


async def test_a_date_field_edited_while_the_list_loads_keeps_what_was_typed(
    reader_db: Path, tmp_path: Path, held_rows: HeldRows
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        held_rows.hold()
        set_dates(app)()
        await poll(pilot, lambda: held_rows.waiting > 0, "the rows asked for")
        app.query_one("#until", Input).focus()
        await pilot.press(*"2030")
        held_rows.release()
        await wait_until(pilot, lambda: not app.query_one(QuestionList).awaiting_rows, "shown")
        await settle(pilot)
        assert app.query_one("#since", Input).value == "2016-01-01"  # filled in
        assert app.query_one("#until", Input).value == "2030"  # as typed


async def test_the_last_page_is_read_ahead_so_jumping_to_the_end_shows_its_row(
    tmp_path: Path,
) -> None:
    app = state_app(long_corpus(tmp_path / "long.db", 600), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        assert listing.row_count == 601
        assert 600 // listing.page_size in listing._pages  # read before any key
        listing.focus()
        await pilot.press("G")
        assert listing.cursor == 600
        assert listing.current_row is not None


async def test_the_pages_a_screen_below_are_read_before_page_down_reaches_them(
    tmp_path: Path,
) -> None:
    app = state_app(long_corpus(tmp_path / "long.db", 600), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        listing.focus()
        screen_rows = listing.scrollable_content_region.height
        for _ in range(8):  # across pages 0 to 2
            await pilot.press("pagedown")
            await settle(pilot)
            bottom = int(listing.scroll_offset.y) + screen_rows - 1
            below = min(listing.row_count - 1, bottom + screen_rows)
            assert below // listing.page_size in listing._pages, (bottom, sorted(listing._pages))


async def test_choosing_a_specialty_from_the_palette_does_not_refocus_the_focused_list(
    reader_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is focused only when it is not (``Widget.focus`` repaints the widget even
    when it is focused), and then at once (``Screen.set_focus``)."""
    focused: list[str] = []
    focus, set_focus = QuestionList.focus, ReaderScreen.set_focus

    def counted(self: QuestionList, scroll_visible: bool = True) -> QuestionList:
        focused.append("focus()")
        return focus(self, scroll_visible)

    def counted_set(self: ReaderScreen, widget: Widget | None, *args: Any, **kwargs: Any) -> None:
        if isinstance(widget, QuestionList) and widget is not self.focused:
            focused.append("list")
        set_focus(self, widget, *args, **kwargs)

    monkeypatch.setattr(QuestionList, "focus", counted)
    monkeypatch.setattr(ReaderScreen, "set_focus", counted_set)
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reader.focused is app.query_one(QuestionList)
        focused.clear()
        app.reader.post_message(SpecialtyChosen("Orthopedics"))
        await settle(pilot)
        assert app.reader.filters.specialty == "Orthopedics"
        assert focused == []
        app.query_one(SpecialtyNav).focus()
        await settle(pilot)
        app.reader.post_message(SpecialtyChosen(None))
        await settle(pilot)
        assert focused == ["list"] and app.reader.focused is app.query_one(QuestionList)
