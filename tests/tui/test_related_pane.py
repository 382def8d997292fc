"""The related pane drawn line by line: keys skip headings, a click opens a link, long titles
are cut at the edge, and new links repaint the pane without laying out the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from qatui.tui.app import QATuiApp
from qatui.tui.messages import QuestionChosen, SimilarQuestionsLoaded
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.related_links import COMPUTED_HEADING, RelatedLinks
from tests.tui.state_helpers import SIZE, move_to, related_prompts
from tests.tui.waiting import MessageLog, wait_until

KNEE = "Knee pain when climbing stairs"


def first_line_of(related: RelatedLinks, index: int) -> int:
    """The pane line an entry starts on."""
    return sum(len(related.get_option_at_index(i).lines) for i in range(index))


async def open_knee(pilot: Pilot[Any], app: QATuiApp, message_log: MessageLog) -> RelatedLinks:
    await settle(pilot)
    move_to(app, KNEE)
    await pilot.press("enter")
    await wait_until(pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "similar")
    return app.query_one(RelatedLinks)


async def test_j_and_k_skip_headings_and_notes(reader_db: Path, message_log: MessageLog) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        related = await open_knee(pilot, app, message_log)
        listed = related_prompts(app)
        computed = listed.index(COMPUTED_HEADING)
        assert related.highlighted == 1  # the first link, under "Similar Q&A"
        await pilot.press("4", "k")
        assert related.highlighted == 1  # nothing above it but its heading
        related.highlighted = computed - 1  # the last Similar Q&A link
        await pilot.press("j")
        assert related.highlighted == computed + 1  # past the heading, at the first computed
        await pilot.press("k")
        assert related.highlighted == computed - 1


async def test_a_click_opens_the_link_and_a_click_on_a_heading_nothing(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        related = await open_knee(pilot, app, message_log)
        message_log.clear()
        await pilot.click(RelatedLinks, offset=(3, 1))  # the border, then "Similar Q&A"
        await settle(pilot)
        assert not message_log.of(QuestionChosen)
        link = next(
            i
            for i in range(related.option_count)
            if related.get_option_at_index(i).id == "similar-0"
        )
        second_line = 1 + first_line_of(related, link) + 1  # under the border: the link's facts
        await pilot.click(RelatedLinks, offset=(3, second_line))
        await wait_until(pilot, lambda: bool(message_log.of(QuestionChosen)), "a link opened")
        assert related.highlighted == link
        opened = message_log.of(QuestionChosen)[0].question_id
        await wait_until(
            pilot,
            lambda: app.reader.page is not None and app.reader.page.id == opened,
            "the linked page",
        )
        assert app.reader.page is not None
        assert app.reader.page.record.title == "Ankle sprain that does not heal"


async def test_a_long_line_is_cut_at_the_edge_with_an_ellipsis(
    reader_db: Path, message_log: MessageLog
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(34, 30), message_hook=message_log.record) as pilot:
        related = await open_knee(pilot, app, message_log)
        await pilot.press("4")  # the pane, focused, takes the room
        await settle(pilot)
        width = related.scrollable_content_region.width
        lines = [line for text in related_prompts(app) for line in text.split("\n")]
        long = [n for n, line in enumerate(lines) if len(line) > width]
        assert long, (width, lines)  # "  Dr. Zhou Ping · Orthopedics · not in the local corpus"
        y = long[0] - int(related.scroll_y)
        assert 0 <= y < related.scrollable_content_region.height
        drawn = related.render_line(y).text
        assert drawn == lines[long[0]][: width - 1] + "…", drawn
        assert len(drawn) == width


async def test_new_links_repaint_the_pane_and_lay_out_nothing(
    reader_db: Path, message_log: MessageLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The computed links arriving (and a page's links) change the pane's lines, not its size:
    no layout of the screen (an OptionList laid it out again, a second frame's work)."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        related = await open_knee(pilot, app, message_log)
        await settle(pilot)
        page = app.reader.page
        assert page is not None
        rows = message_log.of(SimilarQuestionsLoaded)[-1].rows
        assert rows
        layouts: list[object] = []
        refresh = RelatedLinks.refresh

        def spy(self: RelatedLinks, *regions: object, **options: bool) -> RelatedLinks:
            if options.get("layout"):
                layouts.append(options)
            return refresh(self, *regions, **options)  # type: ignore[arg-type]

        monkeypatch.setattr(RelatedLinks, "refresh", spy)
        before = related_prompts(app)
        related.show_page(page)  # the computed links still to come: a note for them
        assert related_prompts(app) != before
        related.show_similar(page.id, rows[:1])
        related.show_similar(page.id, rows)
        assert related_prompts(app) == before
        await settle(pilot)
        assert layouts == []


async def test_at_80x24_a_focused_pane_shows_the_heading_above_its_first_link(
    sample_db: Path, message_log: MessageLog
) -> None:
    """Two lines high before it is focused, the pane scrolled the heading away to show the first
    link whole, and grown on focus it kept it away (with more links than the grown pane holds:
    the sample's first question)."""
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24), message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "similar")
        await settle(pilot)
        related = app.query_one(RelatedLinks)
        assert related.scrollable_content_region.height == 2
        await pilot.press("2", "tab", "tab")  # list, page, then the links
        await settle(pilot)
        assert app.focused is related
        height = related.scrollable_content_region.height
        assert 4 < height < related.virtual_size.height
        assert related.highlighted == 1
        assert int(related.scroll_offset.y) == 0  # "Similar Q&A" on the first line
        assert related.render_line(0).text.strip() == "Similar Q&A"
