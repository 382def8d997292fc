"""Command-palette providers: jump to a specialty, a question by title, or a date range.

Each hit posts to the reader screen the same message the panes post for that choice.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.message import Message

from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import QuestionRow
from qatui.corpus.topics import TopicQuery, TopicRow
from qatui.tui.messages import DateRangeChanged, QuestionChosen, SpecialtyChosen, TopicChosen
from qatui.tui.widgets.filter_bar import quick_choices, quick_range


class PaletteSource(Protocol):
    """What the providers read from the screen the palette was opened on."""

    corpus: Corpus
    specialty_names: list[str]

    def post_message(self, message: Message) -> bool: ...


EARLIER_WORD = 0.01
"""How much a hit whose word starts earlier gains: enough to order equal fuzzy scores, too
little to reorder different ones."""
FUZZY_ONLY = 0.5
"""How a hit that matches only fuzzily (letters scattered, not the start of a word) is scaled:
below any title or name that starts with the typed words."""


def word_start(text: str, query: str) -> int | None:
    """Where the first word of ``text`` that starts with the typed ``query`` starts (any case),
    or None when none does."""
    text, query = text.casefold(), query.strip().casefold()
    if not query:
        return None
    if text.startswith(query):
        return 0
    found = f" {text}".find(f" {query}")
    return found if found >= 0 else None


def ranked_score(score: float, text: str, query: str) -> float:
    """A hit's score: the fuzzy matcher's (unbounded: runs of letters and word starts count
    more), scaled down unless a word of ``text`` starts with the typed words. Specialties,
    dates and titles are ranked alike, so "Rash" puts "Rash [Urgent]…" above "Breast and
    Thyroid"; between equal scores the earlier word wins ("su": "Surgery" above "Plastic
    Surgery")."""
    start = word_start(text, query)
    if start is None:
        return score * FUZZY_ONLY
    return score * (1 + EARLIER_WORD / (1 + start))


class ReaderCommands(Provider):
    """A provider over the reader screen."""

    @property
    def source(self) -> PaletteSource:
        return cast(PaletteSource, self.screen)

    def choose(self, message: Message) -> partial[bool]:
        """The hit's action: post ``message`` to the reader screen."""
        return partial(self.source.post_message, message)


class SpecialtyCommands(ReaderCommands):
    """``Specialty: Oncology`` and friends."""

    def _hits(self) -> list[tuple[Content, SpecialtyChosen]]:
        return [
            (Content(f"Specialty: {clean_line(name or 'All')}"), SpecialtyChosen(name))
            for name in [None, *self.source.specialty_names]
        ]

    async def discover(self) -> Hits:
        for label, message in self._hits():
            yield DiscoveryHit(label, self.choose(message))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, message in self._hits():
            score = matcher.match(label.plain)
            if score > 0:
                yield Hit(ranked_score(score, label.plain, query), label, self.choose(message))


class DateCommands(ReaderCommands):
    """Quick date filters: last 12 months, a year, any time."""

    def _choices(self) -> list[tuple[str, str]]:
        return [
            (f"Date: year {value}" if value.isdigit() else f"Date: {label.lower()}", value)
            for label, value in quick_choices()
        ]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, choice in self._choices():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    ranked_score(score, label, query),
                    Content(label),
                    self.choose(DateRangeChanged(*quick_range(choice))),
                )


def find_titles(corpus: Corpus, words: str, limit: int = 20) -> list[QuestionRow]:
    """Questions by title words (prefix of the last): run it in a thread, never the UI loop."""
    with corpus.reader() as reader:
        return reader.titles_like(words, limit=limit)


class QuestionCommands(ReaderCommands):
    """Questions by title words, found with a full-text query in a thread (never the UI loop)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        rows = await asyncio.to_thread(find_titles, self.source.corpus, query)
        matcher = self.matcher(query)
        for row in rows:
            # Hit.help is parsed as markup, so the specialty and date go in the display Content.
            label = Content.assemble(
                clean_line(row.title),
                (clean_line(f"  {row.specialty} · {row.asked_on or 'partial'}"), "dim"),
            )
            # The full-text index found it by its words: never below a scattered-letter match.
            score = max(matcher.match(row.title), 1.0)
            yield Hit(
                ranked_score(score, row.title, query), label, self.choose(QuestionChosen(row.id))
            )


TOPICS_FOUND = 20
"""Topics the palette lists for typed words."""


def find_topics(corpus: Corpus, words: str, limit: int = TOPICS_FOUND) -> list[TopicRow]:
    """Topics holding the typed words: run it in a thread, never the UI loop."""
    with corpus.reader() as reader:
        return TopicQuery(contains=words).rows(reader.conn, 0, limit)


class TopicCommands(ReaderCommands):
    """``Topic: Kidney stones (Urology) · 12 pages``: a topic's questions, as in Related."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        rows = await asyncio.to_thread(find_topics, self.source.corpus, query.strip())
        matcher = self.matcher(query)
        for row in rows:
            label = Content.assemble(
                clean_line(f"Topic: {row.link.label}"),
                (f"  {row.pages:,} page{'s' if row.pages != 1 else ''}", "dim"),
            )
            score = max(matcher.match(row.topic), 1.0)  # found by its words
            yield Hit(
                ranked_score(score, row.topic, query),
                label,
                self.choose(TopicChosen(row.topic, row.specialty)),
            )
