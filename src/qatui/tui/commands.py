"""Command-palette providers: jump to a specialty, a question by title, or a date range."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.reader import QuestionRow
from qatui.tui.widgets.filter_bar import quick_choices

if TYPE_CHECKING:
    from qatui.tui.app import QATuiApp


class SpecialtyCommands(Provider):
    """``Specialty: Oncology`` and friends."""

    @property
    def reader_app(self) -> QATuiApp:
        return self.app  # type: ignore[return-value]

    async def _names(self) -> list[str | None]:
        return [None, *self.reader_app.specialty_names]

    async def discover(self) -> Hits:
        for name in await self._names():
            label = f"Specialty: {clean_line(name or 'All')}"
            yield DiscoveryHit(Content(label), partial(self.reader_app.choose_specialty, name))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in await self._names():
            label = f"Specialty: {clean_line(name or 'All')}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), partial(self.reader_app.choose_specialty, name))


class DateCommands(Provider):
    """Quick date filters: last 12 months, a year, any time."""

    def _choices(self) -> list[tuple[str, str]]:
        return [
            (f"Date: year {value}" if value.isdigit() else f"Date: {label.lower()}", value)
            for label, value in quick_choices()
        ]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: QATuiApp = self.app  # type: ignore[assignment]
        for label, choice in self._choices():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), partial(app.choose_quick_date, choice))


class QuestionCommands(Provider):
    """Questions by title words, found with a full-text query in a thread (never the UI loop)."""

    async def search(self, query: str) -> Hits:
        app: QATuiApp = self.app  # type: ignore[assignment]
        if len(query.strip()) < 2:
            return
        rows: list[QuestionRow] = await asyncio.to_thread(app.find_titles, query)
        for row in rows:
            # Hit.help is parsed as markup, so the specialty and date go in the display Content.
            label = Content.assemble(
                clean_line(row.title),
                (clean_line(f"  {row.specialty} · {row.asked_on or 'partial'}"), "dim"),
            )
            yield Hit(1.0, label, partial(app.open_question, row.id))
