"""The status line: which database, whether it is read-only, where the cursor is, and every
active filter as a short chip."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.listing import ListQuery

CHIP_STYLE = "reverse"
READ_ONLY_STYLE = "bold"


@dataclass(frozen=True)
class Position:
    """The list cursor: row ``index`` (from 0) of ``matching`` (None: still counting)."""

    index: int
    matching: int | None
    capped: bool = False

    def describe(self) -> str:
        """``12 of 1,204``; ``counting…`` before the count; ``none`` for an empty list."""
        if self.matching is None:
            return "counting…"
        if self.matching == 0:
            return "no questions"
        plus = "+" if self.capped else ""
        return f"{self.index + 1:,} of {self.matching:,}{plus}"


def chips(filters: Filters) -> list[str]:
    """One short word group per active filter: specialty, dates, topic, facets, view, search,
    and the order when it is not the default: the one the list is in (search results are
    ranked best first, or by date)."""
    words = list(filters.describe())
    query = ListQuery(filters)
    if not query.ranked:  # ranked results have no other order
        if query.by_delay:  # (a search is sorted by date, never by delay)
            words.append("by reply delay")
        if not filters.newest_first:
            words.append("shortest first" if query.by_delay else "oldest first")
    return [clean_line(word) for word in words]


class StatusLine(Static):
    """``sample.db · read-only · 12 of 1,204 · [Urology] [search: fever]``."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, database: str, *, read_only: bool, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.database = clean_line(database)
        self.read_only = read_only
        self.position = Position(0, None)
        self.filters = Filters()

    def on_mount(self) -> None:
        self._paint()

    def show_position(self, position: Position) -> None:
        """Where the list cursor is now."""
        if position != self.position:
            self.position = position
            self._paint()

    def show_filters(self, filters: Filters) -> None:
        """The filters the list shows now."""
        if filters != self.filters:
            self.filters = filters
            self._paint()

    @property
    def text(self) -> str:
        """The line as plain text (for tests and screen readers)."""
        return self.content_of().plain

    def content_of(self, width: int | None = None) -> Content:
        """The whole line; within ``width`` cells, the chips that fit and ``+2 more`` for the
        rest (a filter is never hidden without a word)."""
        parts: list[Content | str | tuple[str, str]] = [(self.database, "bold")]
        if self.read_only:
            parts += [" · ", ("read-only", READ_ONLY_STYLE)]
        parts += [" · ", self.position.describe()]
        line = Content.assemble(*parts)
        pieces = [Content.assemble(" ", (f" {chip} ", CHIP_STYLE)) for chip in chips(self.filters)]
        whole = Content("").join([line, *pieces])
        if width is None or whole.cell_length <= width:
            return whole
        for keep in range(len(pieces) - 1, -1, -1):
            more = Content.styled(f" +{len(pieces) - keep} more", "italic")
            fitted = Content("").join([line, *pieces[:keep], more])
            if fitted.cell_length <= width:
                return fitted
        return whole  # not even the position fits: the line is cut, as any text

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        # One line of a fixed height and width: a repaint, never a layout of the screen.
        width = self.content_region.width or None
        self.update(self.content_of(width), layout=False)
