"""The reader screen owns the filters: every pane shows them, every change is one assignment,
and failed work is reported once, by the app. Assertions are on the messages the panes, the
palette and the workers post (``run_test(message_hook=...)``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from qatui.corpus.filters import Filters
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.tui.messages import (
    DateRangeChanged,
    QuestionChosen,
    QuestionPageLoaded,
    SpecialtyChosen,
    WorkFailed,
)
from qatui.tui.scenes import settle
from qatui.tui.screens.bookmarks import BookmarksScreen
from qatui.tui.widgets.filter_bar import FilterBar
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from qatui.userstate import UserState
from tests.tui.corpus_builder import record
from tests.tui.state_helpers import notices, state_app
from tests.tui.waiting import MessageLog, wait_until

SIZE = (120, 40)


def has_options(hits: CommandList) -> bool:
    return hits.option_count > 0


def field(app: object, field_id: str) -> Input:
    return app.query_one(f"#{field_id}", Input)  # type: ignore[attr-defined, no-any-return]


async def test_back_shows_the_restored_dates_in_the_date_fields(
    reader_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    """The bug this design fixes: since=2020, open, x, open another, b. The filters came back
    but the since field stayed empty, and editing the until field then dropped the bound."""
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("d", *"2020", "escape")  # escape: back to the list
        await settle(pilot)
        assert app.reader.filters.since == "2020-01-01"
        await pilot.press("enter")  # open the first of 2020's questions
        await settle(pilot)
        await pilot.press("x", "j", "enter")  # clear, open another
        await settle(pilot)
        assert app.reader.filters == Filters()
        assert field(app, "since").value == ""
        await pilot.press("b")  # back to the first question and its filters
        await settle(pilot)
        assert app.reader.filters.since == "2020-01-01"
        assert field(app, "since").value == "2020-01-01"
        message_log.clear()
        field(app, "until").focus()
        await pilot.press(*"2021", "enter")
        await settle(pilot)
        assert message_log.of(DateRangeChanged)[-1] == DateRangeChanged(
            "2020-01-01", "2021-12-31", submitted=True
        )
        assert (app.reader.filters.since, app.reader.filters.until) == (
            "2020-01-01",
            "2021-12-31",
        )


async def test_typed_dates_stay_as_typed_while_the_filters_follow(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("d", *"2020", "enter")
        await settle(pilot)
        assert message_log.of(DateRangeChanged)[-1] == DateRangeChanged(
            "2020-01-01", None, submitted=True
        )
        assert field(app, "since").value == "2020"  # not rewritten to 2020-01-01 under the cursor
        assert app.query_one(QuestionList).matching == 5


async def test_x_empties_half_typed_fields_even_when_no_filter_is_on(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d", *"20x", "enter")  # not a date: no filter, the field marked
        await settle(pilot)
        assert app.reader.filters == Filters()
        assert field(app, "since").has_class("-invalid")
        await pilot.press("escape", "x")
        await settle(pilot)
        assert field(app, "since").value == ""
        assert not field(app, "since").has_class("-invalid")


async def test_enter_posts_the_chosen_question_and_its_page_arrives(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        row = app.query_one(QuestionList).current_row
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        assert [m.question_id for m in message_log.of(QuestionChosen)] == [row.id]
        loaded = message_log.of(QuestionPageLoaded)
        assert [m.question_id for m in loaded] == [row.id]
        assert loaded[0].page is not None and app.reader.page == loaded[0].page


async def test_the_palette_posts_what_the_panes_post(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        for typed in ("Specialty: Urol", "Date: year 2019", "kidney sto"):
            await pilot.press("ctrl+p", *typed)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            hits = palette.query_one(CommandList)
            await wait_until(pilot, partial(has_options, hits), f"a hit for {typed!r}")
            await pilot.press("enter")
            await settle(pilot)
        assert message_log.of(SpecialtyChosen)[-1] == SpecialtyChosen("Urology")
        assert message_log.of(DateRangeChanged)[-1] == DateRangeChanged("2019-01-01", "2019-12-31")
        assert message_log.of(QuestionChosen), "the title hit opens the question"
        assert app.reader.filters.specialty == "Urology"
        assert app.reader.page is not None and app.reader.page.record.title == "Kidney stone pain"


async def test_a_failed_query_is_reported_once_and_stops_the_loading_indicator(
    reader_db: Path, message_log: MessageLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: CorpusReader, question_id: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CorpusReader, "page", broken)
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [m.reason for m in message_log.of(WorkFailed)] == [
            "opening the question failed: disk on fire"
        ]
        assert notices(app).count("opening the question failed: disk on fire") == 1
        assert not app.query_one(ReadingPane).loading
        assert app.is_running


async def test_a_failed_bookmark_edit_is_reported(
    reader_db: Path, tmp_path: Path, message_log: MessageLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("m", *"a note", "enter")
        await settle(pilot)

        def broken(self: UserState, question_id: int) -> bool:
            raise OSError("read-only file system")

        monkeypatch.setattr(UserState, "remove_bookmark", broken)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("d", "y")
        await settle(pilot)
        assert [m.reason for m in message_log.of(WorkFailed)] == [
            "removing the bookmark failed: read-only file system"
        ]
        assert "removing the bookmark failed: read-only file system" in notices(app)


async def test_a_debounced_search_is_posted_once_typing_pauses(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"knee")
        await wait_until(
            pilot, lambda: bool(message_log.of(FilterBar.SearchChanged)), "the search posted"
        )
        assert [m.text for m in message_log.of(FilterBar.SearchChanged)] == ["knee"]
        assert app.reader.filters.search == "knee"
        assert app.query_one(QuestionList).matching == 3


class HeldTimer:
    """A timer that never fires on its own: the test runs its callback when it chooses."""

    def __init__(self, callback: Callable[[], object]) -> None:
        self.callback = callback

    def stop(self) -> None:
        pass


async def test_keys_typed_while_a_search_is_answered_stay_in_the_field(
    reader_db: Path, message_log: MessageLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot run that typed ``fever`` and searched ``fevr``: the debounced search for
    ``fev`` was answered after the next ``e`` was typed, and showing its filters set the field
    back to ``fev`` (and dropped the pending search for ``feve``)."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        timers: list[HeldTimer] = []
        bar = app.query_one(FilterBar)

        def hold(delay: float, callback: Callable[[], object]) -> HeldTimer:
            timers.append(HeldTimer(callback))
            return timers[-1]

        monkeypatch.setattr(bar, "set_timer", hold)
        await pilot.press("slash", *"kne")
        assert field(app, "search").value == "kne"
        timers[1].callback()  # the search for "kn", posted just before "e" was handled
        await wait_until(pilot, lambda: app.reader.filters.search == "kn", "kn searched")
        assert field(app, "search").value == "kne"
        timers[-1].callback()
        await wait_until(pilot, lambda: app.reader.filters.search == "kne", "kne searched")
        assert field(app, "search").value == "kne"
        assert [m.text for m in message_log.of(FilterBar.SearchChanged)] == ["kn", "kne"]


def long_corpus(path: Path, fillers: int) -> Path:
    """``fillers`` questions two days apart from 2001 on, and one asked amid them: the newer
    half of them comes first in the list (newest first), then it at index ``fillers // 2``."""
    store = Store.open(path)
    start = dt.date(2001, 1, 1)
    older = fillers - fillers // 2
    with store.transaction():
        for n in range(fillers):
            day = (start + dt.timedelta(days=2 * n)).isoformat()
            store.upsert(record(f"Routine check-up {n:03d}", "Orthopedics", day))
        day = (start + dt.timedelta(days=2 * older - 1)).isoformat()
        store.upsert(record("Persistent hiccups", "Orthopedics", day))
    store.close()
    return path


async def test_a_question_opened_from_the_palette_far_down_the_list_gets_the_cursor(
    tmp_path: Path,
) -> None:
    app = state_app(long_corpus(tmp_path / "long.db", 600), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        assert listing.matching == 601
        its_page = 300 // listing.page_size
        assert its_page not in listing._pages  # its row is not loaded
        await pilot.press("ctrl+p", *"persistent hicc")
        hits = app.screen.query_one(CommandList)
        await wait_until(pilot, partial(has_options, hits), "a hit in the palette")
        await pilot.press("enter")
        await wait_until(pilot, lambda: listing.cursor == 300, "the cursor on its row")
        await wait_until(pilot, lambda: listing.current_row is not None, "its row loaded")
        assert listing.current_row is not None
        assert listing.current_row.title == "Persistent hiccups"
