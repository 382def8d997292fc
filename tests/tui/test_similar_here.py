"""Pilot tests: the Related pane's computed section ("Similar here"), loaded by a worker."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from qatui.tui.app import QATuiApp
from qatui.tui.messages import QuestionPageLoaded, SimilarQuestionsLoaded
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.related_links import COMPUTED_HEADING, NOTHING_COMPUTED, RelatedLinks
from tests.tui.state_helpers import related_prompts
from tests.tui.waiting import MessageLog, wait_until

SIZE = (120, 40)
KNEE = "Knee pain when climbing stairs"


async def open_titled(pilot, app: QATuiApp, title: str) -> int:  # type: ignore[no-untyped-def]
    """Open the question with this title from the list; its id."""
    listing = app.query_one(QuestionList)
    rows = [row for i in range(listing.row_count) if (row := listing.row_at(i))]
    listing.cursor = [row.title for row in rows].index(title)
    await pilot.press("enter")
    await settle(pilot)
    return next(row.id for row in rows if row.title == title)


async def test_computed_questions_arrive_under_the_sites_own(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        knee = await open_titled(pilot, app, KNEE)
        await wait_until(
            pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "similar questions"
        )
        loaded = message_log.of(SimilarQuestionsLoaded)[-1]
        assert loaded.question_id == knee
        titles = [row.title for row in loaded.rows]
        assert titles[0] == "Back pain after lifting"  # "knee pain" too, same specialty
        assert KNEE not in titles
        assert "Ankle sprain that does not heal" not in titles  # already a Similar Q&A link
        shown = related_prompts(app)
        headings = [
            text for text in shown if text in ("Similar Q&A", COMPUTED_HEADING, "Related FAQ")
        ]
        assert headings == ["Similar Q&A", COMPUTED_HEADING, "Related FAQ"]
        computed = shown.index(COMPUTED_HEADING)
        assert shown[computed + 1].startswith("Back pain after lifting\n  Orthopedics · 2019-01-20")


async def test_a_computed_link_opens_in_place(reader_db: Path, message_log: MessageLog) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_titled(pilot, app, KNEE)
        await wait_until(
            pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "similar questions"
        )
        target = message_log.of(SimilarQuestionsLoaded)[-1].rows[0]
        await pilot.press("4")
        related = app.query_one(RelatedLinks)
        related.highlighted = related.get_option_index("computed-0")
        message_log.clear()
        await pilot.press("enter")
        await settle(pilot)
        opened = message_log.of(QuestionPageLoaded)
        assert [m.question_id for m in opened] == [target.id]
        assert str(app.query_one("#reader-title", Static).render()) == target.title


async def test_a_page_with_nothing_similar_says_so(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_titled(pilot, app, "Hair loss after stress")
        await wait_until(
            pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "similar questions"
        )
        assert message_log.of(SimilarQuestionsLoaded)[-1].rows == []
        assert NOTHING_COMPUTED in related_prompts(app)


async def test_an_answer_for_a_page_no_longer_open_is_ignored(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_titled(pilot, app, KNEE)
        before = related_prompts(app)
        app.query_one(RelatedLinks).show_similar(-1, [])
        await pilot.pause()
        assert related_prompts(app) == before


async def open_with_computed(  # type: ignore[no-untyped-def]
    pilot, app: QATuiApp, message_log: MessageLog, question_id: int
) -> None:
    """Open the question and wait for its computed similar questions."""
    app.reader.open_question(question_id)
    loaded = message_log.of
    await wait_until(
        pilot,
        lambda: any(m.question_id == question_id for m in loaded(SimilarQuestionsLoaded)),
        "the computed links",
    )


def first_linked_partial(path: Path) -> int:
    """A partial question of the corpus that a full page lists as similar."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT id FROM questions WHERE is_partial AND id IN "
            "(SELECT target_id FROM similar_links) ORDER BY id LIMIT 1"
        ).fetchone()
    return int(row[0])


async def test_a_page_whose_first_links_are_computed_opens_at_them(
    sample_db: Path, message_log: MessageLog
) -> None:
    """A partial page has no Similar Q&A of its own: its first link is a computed one, which
    arrives after the page. The list used to keep the highlight on the link that was first
    before (a page that lists it as similar) and scroll to it, past the computed ones."""
    partial_id = first_linked_partial(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_with_computed(pilot, app, message_log, partial_id)
        related = app.query_one(RelatedLinks)
        shown = related_prompts(app)
        assert shown[0] == COMPUTED_HEADING
        assert "Listed as similar by" in shown
        assert related.highlighted == 1  # the first computed link
        assert related.scroll_y == 0  # under its heading


async def test_a_link_moved_to_keeps_the_highlight_when_the_computed_ones_arrive(
    sample_db: Path, message_log: MessageLog
) -> None:
    partial_id = first_linked_partial(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_with_computed(pilot, app, message_log, partial_id)
        related = app.query_one(RelatedLinks)
        await pilot.press("4", "G")  # the last link, chosen with keys
        await settle(pilot)
        chosen = related.highlighted_option
        assert chosen is not None and chosen.id != "computed-0"
        computed = message_log.of(SimilarQuestionsLoaded)[-1]
        related.show_similar(partial_id, computed.rows[:1])  # they come again, fewer
        await settle(pilot)
        assert related.highlighted_option is not None
        assert related.highlighted_option.id == chosen.id
