"""Hostile corpus text in the reader: shown exactly as written, never acting, never raw."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.widgets import Static

from qatui.corpus.ingest.sanitize import clean_line, clean_text
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from qatui.tui.text import fit, one_line, plain
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.related_links import RelatedLinks
from tests.hostile import HOSTILE, MARKUP, build_hostile_database, forbidden_in_terminal_text

SVG_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


def screen_text(app: Any) -> str:
    """Every character the screen shows, read back from an SVG screenshot."""
    return "".join(html.unescape(part) for part in SVG_TEXT.findall(app.export_screenshot()))


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_any_text_becomes_inert_content(text: str) -> None:
    assert plain(text).plain == clean_text(text)
    assert one_line(text).plain == clean_line(text)
    assert not forbidden_in_terminal_text(plain(text).plain)
    assert "\n" not in one_line(text).plain


@given(st.text(), st.integers(min_value=0, max_value=120))
@settings(max_examples=300, deadline=None)
def test_fit_never_exceeds_its_width(text: str, width: int) -> None:
    cut = fit(clean_line(text), width)
    assert cell_len(cut) <= max(width, 0) or (width == 0 and cut == "")


@pytest.mark.hostile
async def test_every_hostile_page_shows_safely(tmp_path: Path, hostile_cases: Any) -> None:
    corpus = build_hostile_database(tmp_path / "hostile.db", raw=True)
    app = make_app(corpus.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not forbidden_in_terminal_text(screen_text(app))
        for name in hostile_cases.each(HOSTILE):
            app.reader.open_question(corpus.ids[name])
            await settle(pilot, rounds=2)
            title = str(app.query_one("#reader-title", Static).render())
            assert title.startswith(f"{name}: ")
            if name in MARKUP:
                assert title == f"{name}: {MARKUP[name]}"  # exactly as written
            shown = screen_text(app)
            assert not forbidden_in_terminal_text(shown), name
            related = app.query_one(RelatedLinks)
            assert related.option_count > 0
        assert app.is_running


@pytest.mark.hostile
async def test_clicking_hostile_rows_and_links_never_acts(tmp_path: Path) -> None:
    corpus = build_hostile_database(tmp_path / "hostile.db", raw=True)
    app = make_app(corpus.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.reader.open_question(corpus.ids["click_quit"])
        await settle(pilot)
        for target in ("#reader-title", "#reader-question", "#reader-replies", "#related"):
            await pilot.click(target)
            await settle(pilot)
        await pilot.click(QuestionList, offset=(3, 1))
        await settle(pilot)
        assert app.is_running  # [@click=app.quit] stayed text
        await pilot.press("1", "enter", "2", "G", "enter")
        await settle(pilot)
        assert app.is_running
