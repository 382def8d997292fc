"""How many times an action lays out the screen: opening a question is one layout (its page's
parts change size), and its computed links and read mark, arriving after it, are repaints."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen

from qatui.corpus.store.writer import Store
from qatui.tui.messages import SimilarQuestionsLoaded
from qatui.tui.scenes import settle
from qatui.tui.startup import make_app
from tests.tui.corpus_builder import record
from tests.tui.state_helpers import SIZE
from tests.tui.waiting import MessageLog, wait_until


def two_pages(path: Path) -> Path:
    """Two pages with the same parts, of other lengths, both longer than the pane."""
    store = Store.open(path)
    with store.transaction():
        for title, asked_on, words in (("Short", "2020-01-01", 150), ("Long", "2021-01-01", 400)):
            text = " ".join(["ache"] * words)
            store.upsert(
                record(title, "Orthopedics", asked_on, question=text, more_info=text + " info")
            )
    store.close()
    return path


async def test_opening_a_question_lays_out_the_screen_once(
    tmp_path: Path, message_log: MessageLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(two_pages(tmp_path / "two.db"))
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first page mounts the pane's parts: layouts of its own
        await wait_until(pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "links")
        await settle(pilot)
        layouts: list[Screen[object]] = []
        refresh_layout = Screen._refresh_layout

        def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(screen)
            refresh_layout(screen, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        message_log.clear()
        await pilot.press("j", "enter")  # the other page: its parts change size, not the scroll bar
        await wait_until(pilot, lambda: bool(message_log.of(SimilarQuestionsLoaded)), "links")
        await settle(pilot)
        page = app.reader.page
        assert page is not None and page.record.title == "Short"
        assert len(layouts) == 1, f"{len(layouts)} layouts"
