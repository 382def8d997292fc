"""A list action repaints the panes it changes and never lays the screen out again: the list
keeps its size (only its scrollable height changes), and so do the status line and the panes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual import messages

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.tui.messages import SpecialtyChosen
from qatui.tui.scenes import settle
from qatui.tui.widgets.question_list import QuestionList
from tests.tui.state_helpers import SIZE, rows, state_app
from tests.tui.waiting import MessageLog


async def test_flip_order_specialty_switch_and_moving_lay_nothing_out(
    reader_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        newest = rows(app)
        message_log.clear()
        await pilot.press("o")
        await settle(pilot)
        assert rows(app) != newest and sorted(rows(app)) == sorted(newest)  # reloaded
        await pilot.press("j", "j", "k")
        await settle(pilot)
        assert listing.cursor == 1
        app.reader.post_message(SpecialtyChosen("Orthopedics"))
        await settle(pilot)
        assert app.reader.filters.specialty == "Orthopedics" and 0 < len(rows(app)) < len(newest)
        laid_out = [type(m.widget).__name__ for m in message_log.of(messages.Layout)]
        assert laid_out == []


async def test_new_dates_lay_out_only_the_date_fields_they_fill(
    reader_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        everything = rows(app)
        message_log.clear()
        app.reader.filters = replace(app.reader.filters, since="2016-01-01", until="2019-12-31")
        await settle(pilot)
        assert 0 < len(rows(app)) < len(everything)  # the list and the counts were reread
        laid_out = {type(m.widget).__name__ for m in message_log.of(messages.Layout)}
        assert laid_out.isdisjoint({"QuestionList", "SpecialtyNav", "StatusLine"}), laid_out


async def test_starting_the_reader_loads_the_list_once(
    reader_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[ListQuery] = []
    load = QuestionList.load

    def counted(self: QuestionList, query: ListQuery, **shown: Any) -> None:
        loads.append(query)
        load(self, query, **shown)

    monkeypatch.setattr(QuestionList, "load", counted)
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(app)
        assert [query.filters for query in loads] == [Filters()]
