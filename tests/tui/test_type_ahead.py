"""The list's keys typed while a new list's rows are on their way act on the new rows, in the
order they were typed: never on the old list, never lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.tui.messages import QuestionChosen
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import QuestionList
from tests.tui.state_helpers import SIZE
from tests.tui.waiting import MessageLog, typed_in_a_burst, wait_until


async def test_enter_then_j_enter_typed_at_once_opens_the_second_result(
    reader_db: Path, message_log: MessageLog
) -> None:
    """``/knee`` Enter ``j`` Enter in one burst: the second knee result opens (the old list's
    second question did: its keys arrived before the search was answered)."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        typed_in_a_burst(app, "slash", *"knee", "enter", "j", "enter")
        await wait_until(pilot, lambda: bool(message_log.of(QuestionChosen)), "a question opened")
        listing = app.query_one(QuestionList)
        assert app.reader.filters.search == "knee"
        second = listing.row_at(1)
        assert second is not None
        assert [m.question_id for m in message_log.of(QuestionChosen)] == [second.id]
        assert listing.cursor == 1


@pytest.fixture
def slow_rows(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Rows for the list wait until the returned event is set (the first page before it)."""
    arrive = threading.Event()
    fetch = QuestionList._fetch

    def waiting_fetch(self: QuestionList, *args: object) -> None:
        arrive.wait(timeout=30)
        fetch(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QuestionList, "_fetch", waiting_fetch)
    return arrive


async def test_keys_typed_before_the_rows_arrive_act_on_them_in_order(
    reader_db: Path, message_log: MessageLog, slow_rows: threading.Event
) -> None:
    """A specialty's list asked for, then ``j j k j`` Enter before its rows: nothing moves or
    opens on the old rows, and once they arrive the cursor is on the new list's third row,
    which opens."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        slow_rows.set()
        await settle(pilot)
        slow_rows.clear()
        listing = app.query_one(QuestionList)
        listing.load(ListQuery(Filters(specialty="Urology")))
        await pilot.press("j", "j", "k", "j", "enter")
        await pilot.pause(0.2)  # (not settle: it would wait for the held rows)
        assert listing.holds_keys
        assert not message_log.of(QuestionChosen)
        assert listing.cursor == 0
        slow_rows.set()
        await wait_until(pilot, lambda: bool(message_log.of(QuestionChosen)), "a question opened")
        assert listing.cursor == 2
        third = listing.row_at(2)
        assert third is not None and third.specialty == "Urology"
        assert [m.question_id for m in message_log.of(QuestionChosen)] == [third.id]
        assert not listing.holds_keys


async def test_enter_on_an_unchanged_search_holds_no_key(reader_db: Path) -> None:
    """Enter on the search already shown asks for no new list: ``j`` moves at once."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"pain", "enter")
        await wait_until(pilot, lambda: app.reader.filters.search_whole, "pain searched")
        listing = app.query_one(QuestionList)
        await pilot.press("slash", "end", "enter")
        await settle(pilot)
        assert not listing.holds_keys
        await pilot.press("j")
        assert listing.cursor == 1
