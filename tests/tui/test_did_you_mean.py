"""Pilot tests: did you mean, in the list's empty state, taken with one key or a click."""

from __future__ import annotations

from pathlib import Path

from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import SUGGESTION_KEY, QuestionList
from tests.tui.waiting import MessageLog, wait_until

SIZE = (120, 40)


def notice(app: QATuiApp) -> str:
    """The list's first lines as one line of text."""
    listing = app.query_one(QuestionList)
    return " ".join(" ".join(listing.render_line(y).text.split()) for y in range(8)).strip()


async def search_for(pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", *words, "enter")
    await settle(pilot)


async def test_a_misspelt_search_suggests_the_corpus_word_and_its_key_takes_it(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await search_for(pilot, "urinaton")
        found = message_log.of(QuestionList.SuggestionFound)
        await wait_until(pilot, lambda: bool(found), "a suggestion")
        assert found[-1].suggestion is not None
        assert found[-1].suggestion.text == "urination"
        assert "Did you mean: urination? Press a or click here" in notice(app)
        assert app.focused is app.query_one(QuestionList)
        await pilot.press(SUGGESTION_KEY)
        await settle(pilot)
        assert [m.text for m in message_log.of(QuestionList.SuggestionTaken)] == ["urination"]
        assert app.reader.filters.search == "urination"
        listing = app.query_one(QuestionList)
        assert [listing.row_at(i).title for i in range(listing.row_count)] == [  # type: ignore[union-attr]
            "Frequent urination at night"
        ]
        assert app.query_one("#search").value == "urination"  # type: ignore[attr-defined]


async def test_a_click_on_the_suggestion_takes_it(reader_db: Path, message_log: MessageLog) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await search_for(pilot, "urinaton")
        found = message_log.of(QuestionList.SuggestionFound)
        await wait_until(pilot, lambda: bool(found), "a suggestion")
        await pilot.click(QuestionList, offset=(10, 3))
        await settle(pilot)
        assert app.reader.filters.search == "urination"


async def test_a_search_that_finds_enough_asks_for_no_suggestion(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await search_for(pilot, "pain")
        assert app.query_one(QuestionList).matching == 4
        assert message_log.of(QuestionList.SuggestionFound) == []
        await pilot.press(SUGGESTION_KEY)
        await settle(pilot)
        assert app.reader.filters.search == "pain"


async def test_a_word_the_corpus_holds_gets_no_suggestion(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await search_for(pilot, "urination")
        found = message_log.of(QuestionList.SuggestionFound)
        await wait_until(pilot, lambda: bool(found), "the suggestion worker's answer")
        assert found[-1].suggestion is None
        assert "Did you mean" not in notice(app)
