"""Pilot tests: a page with a field far beyond the import cap opens showing its first part and a
notice; ``+`` or a click shows the rest, ``n`` reaches a match in the hidden part, ``i`` still
folds More Info. The long field is written with SQL, as a database made before the cap holds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.widgets.reading_pane import (
    CURRENT_MATCH_STYLE,
    FIRST_CHARS,
    MORE_CHARS,
    MoreNotice,
    ReadingPane,
)
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.waiting import wait_until

SIZE = (120, 40)
LONG_TITLE = "Knee pain when climbing stairs"
LONG_CHARS = 2_000_000
LINE = "The [bold]knee[/] still aches after the stairs, day after day.\n"
FAR_WORD = "zebracrossing"


def long_text(chars: int, *, far_word_at: int | None = None) -> str:
    """``chars`` characters of corpus text (markup-like, to stay literal), ``FAR_WORD`` once."""
    text = (LINE * (chars // len(LINE) + 1))[:chars]
    if far_word_at is None:
        return text
    word = f" {FAR_WORD} "
    return text[:far_word_at] + word + text[far_word_at + len(word) :]


@pytest.fixture
def long_db(tmp_path: Path) -> Path:
    """The reader corpus, one page's question and More Info 2,000,000 characters long each."""
    path = build_reader_corpus(tmp_path / "long.db")
    question = long_text(LONG_CHARS, far_word_at=LONG_CHARS - 500)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE questions SET question = ?, more_info = ? WHERE title = ?",
            (question, long_text(LONG_CHARS), LONG_TITLE),
        )
    return path


def question_id(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (found,) = conn.execute(
            "SELECT id FROM questions WHERE title = ?", (LONG_TITLE,)
        ).fetchone()
    return int(found)


def shown(app: QATuiApp, part_id: str) -> Content:
    """What a part shows: its own widget, then the chunks ``+`` added to it."""
    widgets = [app.query_one(f"#{part_id}", Static), *app.query(f".{part_id}-chunk")]
    rendered = [widget.render() for widget in widgets if isinstance(widget, Static)]
    assert all(isinstance(content, Content) for content in rendered)
    return Content("").join(content for content in rendered if isinstance(content, Content))


def notice(app: QATuiApp, part_id: str) -> MoreNotice:
    return app.query_one(f"#{part_id}-more", MoreNotice)


async def open_long_page(app: QATuiApp, pilot: Pilot[int], path: Path) -> None:
    app.reader.open_question(question_id(path))
    await wait_until(
        pilot,
        lambda: app.reader.page is not None and app.reader.page.record.title == LONG_TITLE,
        "the long page open",
    )


async def test_a_long_field_opens_cut_with_a_notice_and_plus_shows_the_rest(
    long_db: Path,
) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_long_page(app, pilot, long_db)
        question = shown(app, "reader-question").plain
        assert 0 < len(question) <= FIRST_CHARS
        assert question.endswith("\n")  # cut at a line break, not mid-word
        assert question.startswith(LINE)  # corpus text stays text: the markup is literal
        more = notice(app, "reader-question")
        assert more.display
        assert f"{LONG_CHARS - len(question):,} more characters" in str(more.render())
        assert f"next {MORE_CHARS:,}" in str(more.render())
        more_info = len(shown(app, "reader-more-info").plain)
        app.query_one(ReadingPane).focus()
        await pilot.press("plus")
        await settle(pilot)
        grown = len(shown(app, "reader-question").plain)
        assert len(question) + MORE_CHARS - 2_000 <= grown <= len(question) + MORE_CHARS
        assert len(shown(app, "reader-more-info").plain) == more_info  # only the part being read
        for _ in range(LONG_CHARS // MORE_CHARS):
            if not more.display:
                break
            await pilot.press("plus")
            await settle(pilot)
        assert not more.display
        assert shown(app, "reader-question").plain == app.reader.page.record.question


async def test_a_click_on_the_notice_shows_more_of_that_part_only(long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_long_page(app, pilot, long_db)
        first = len(shown(app, "reader-question").plain)
        more_info = len(shown(app, "reader-more-info").plain)
        more = notice(app, "reader-question")
        app.query_one(ReadingPane).scroll_to_widget(more, animate=False)
        await settle(pilot)
        await pilot.click(f"#{more.id}")
        await settle(pilot)
        assert len(shown(app, "reader-question").plain) > first + MORE_CHARS // 2
        assert len(shown(app, "reader-more-info").plain) == more_info


async def test_plus_past_the_question_shows_more_of_more_info(long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_long_page(app, pilot, long_db)
        question = len(shown(app, "reader-question").plain)
        more_info = len(shown(app, "reader-more-info").plain)
        reader = app.query_one(ReadingPane)
        reader.focus()
        reader.scroll_to_widget(notice(app, "reader-more-info"), animate=False)
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        assert len(shown(app, "reader-question").plain) == question
        assert len(shown(app, "reader-more-info").plain) > more_info + MORE_CHARS // 2


async def test_n_shows_the_hidden_part_to_reach_a_match_near_its_end(long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *FAR_WORD)
        await wait_until(pilot, lambda: app.reader.filters.search == FAR_WORD, "the search")
        await open_long_page(app, pilot, long_db)
        reader = app.query_one(ReadingPane)
        assert FAR_WORD not in shown(app, "reader-question").plain
        reader.focus()
        await pilot.press("n")
        await settle(pilot)
        match = reader.matches[reader.match_index]
        assert match.static_id == "reader-question"
        question = shown(app, "reader-question")
        assert question.plain[match.start : match.end] == FAR_WORD
        assert any(
            span.style == CURRENT_MATCH_STYLE and (span.start, span.end) == (match.start, match.end)
            for span in question.spans
        )
        assert not notice(app, "reader-question").display  # the match was 500 from the end
        assert reader.scroll_y > 1_000  # scrolled down to the match


async def test_i_folds_a_cut_more_info_and_its_notice(long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_long_page(app, pilot, long_db)
        more = notice(app, "reader-more-info")
        assert more.display
        assert app.query_one(ReadingPane).show_more("reader-more-info")
        await settle(pilot)
        chunks = list(app.query(".reader-more-info-chunk"))
        assert chunks
        await pilot.press("i")
        assert not app.query_one("#reader-more-info").display
        assert not any(chunk.display for chunk in chunks)
        assert not more.display
        await pilot.press("i")
        assert app.query_one("#reader-more-info").display
        assert all(chunk.display for chunk in chunks)
        assert more.display
