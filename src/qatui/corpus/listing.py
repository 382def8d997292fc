"""One filtered list of questions, and everything its users ask of it.

The reader's question list, its specialty counts, the timeline and facets, the in-app list export
and ``qatui search``/``qatui export`` all go through :class:`ListQuery`: it is the one place that
decides whether a list is a full-text search (typed or given whole, ranked or by date), which rows
a window holds, how they are counted, which words a page highlights, and which filters the
specialty counts use. Everything else sees plain :class:`~qatui.corpus.filters.Filters`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace

from qatui.corpus.filters import Filters
from qatui.corpus.model import Record
from qatui.corpus.search.fulltext import Order, count_matches, match_filter, search
from qatui.corpus.store.reader import CorpusReader, QuestionRow

COUNT_CAP = 100_000
"""Search matches are counted up to this many ("100,000+"): a cheaper count for common words."""


@dataclass(frozen=True)
class Highlight:
    """The words a page marks: the list's full-text query, and whether its last word is a
    prefix still being typed."""

    query: str
    as_you_type: bool


@dataclass(frozen=True)
class ListQuery:
    """The questions ``filters`` select, in their order.

    ``typed`` says the search words come from the reader's search field, where the last word is
    still being typed (a prefix); ``qatui search`` gives its query whole (``typed=False``).
    """

    filters: Filters
    typed: bool = True

    # -- what kind of list it is -----------------------------------------------------------------

    @property
    def text(self) -> str | None:
        """The full-text query: the search words, or None."""
        return self.filters.query_text

    @property
    def is_search(self) -> bool:
        """Rows come from the full-text index (with snippets), not from the date index."""
        return self.text is not None

    @property
    def as_you_type(self) -> bool:
        """The last search word is a prefix (the words are being typed, not yet submitted)."""
        return self.typed and bool(self.filters.search) and not self.filters.search_whole

    @property
    def ranked(self) -> bool:
        """Best matches first (a search asked for it); else the list's own order."""
        return bool(self.filters.search) and self.filters.ranked

    @property
    def by_delay(self) -> bool:
        """Sorted by reply delay (a search keeps its own order)."""
        return self.filters.order == "delay" and not self.is_search

    @property
    def highlight(self) -> Highlight | None:
        """The words an opened page marks, or None."""
        text = self.text
        return Highlight(text, self.as_you_type) if text is not None else None

    @property
    def counts_filters(self) -> Filters:
        """The filters the specialty counts follow: these less the specialty, the words and the
        order (so choosing a specialty or typing a search does not recount)."""
        return replace(
            self.filters.without_text(),
            specialty=None,
            newest_first=True,
            ranked=True,
            order="date",
        )

    # -- its rows and counts ---------------------------------------------------------------------

    def rows(
        self, reader: CorpusReader, offset: int, limit: int, total: int | None = None
    ) -> list[QuestionRow]:
        """Rows ``offset .. offset+limit`` in the list's order (``total``, once known, lets a
        window near the end of a long date-ordered list be read from the other end)."""
        text = self.text
        if text is None:
            return reader.window(self.filters, offset, limit, total)
        order: Order = "rank" if self.ranked else "date"
        return search(
            reader.conn,
            text,
            self.filters.without_text(),
            order=order,
            limit=limit,
            offset=offset,
            as_you_type=self.as_you_type,
        )

    def count(self, reader: CorpusReader, cap: int | None = COUNT_CAP) -> int:
        """How many questions the list holds; a search counts at most ``cap`` (None: all)."""
        text = self.text
        if text is None:
            return reader.count(self.filters) if self.filters.active else reader.total()
        return count_matches(
            reader.conn, text, self.filters.without_text(), as_you_type=self.as_you_type, cap=cap
        )

    def position(self, reader: CorpusReader, question_id: int) -> int | None:
        """Where question ``question_id`` stands in the list (0 first), in one SQL count of the
        rows before it; None when the list does not hold it or is ranked (best matches first:
        a rank is only known by scoring every match)."""
        if self.ranked:
            return None
        filters = self.selecting(reader.conn)
        # Undated (or unknown delay) rows come last in either direction, searched or not.
        if self.is_search:
            column = "q.asked_on"
        else:
            column = "q.reply_delay" if filters.order == "delay" else "q.asked_on"
        after = ">" if filters.newest_first else "<"
        before_undated = f"q.id {after} t.id OR {column} IS NOT NULL"
        before_dated = f"{column} {after} t.v"
        before = (
            f"CASE WHEN t.v IS NULL THEN ({before_undated}) ELSE ({before_dated} "
            f"OR ({column} = t.v AND q.id {after} t.id)) END"
        )
        where, params = reader.where(filters)
        condition = where.removeprefix(" WHERE ") or "1"
        found = reader.conn.execute(
            f"WITH t AS (SELECT q.id AS id, {column} AS v FROM questions q "
            f"WHERE q.id = ? AND {condition}) "
            f"SELECT (SELECT count(*) FROM questions q WHERE {condition} AND ({before})) FROM t",
            [question_id, *params, *params],
        ).fetchone()
        return None if found is None else int(found[0])

    def is_capped(self, count: int, cap: int = COUNT_CAP) -> bool:
        """Whether ``count`` (from :meth:`count`) stopped at the cap ("100,000+")."""
        return self.is_search and count >= cap

    # -- the same questions for code built on plain filters ----------------------------------------

    def selecting(self, conn: sqlite3.Connection) -> Filters:
        """The filters with the full-text query turned into an SQL condition, so that counts by
        period and facet (built on ``CorpusReader.where``) see exactly this list's questions."""
        text = self.text
        if text is None:
            return self.filters
        matched = match_filter(conn, text, as_you_type=self.as_you_type)
        return replace(self.filters.without_text(), extra=(*self.filters.extra, matched))

    def records(self, reader: CorpusReader) -> Iterator[Record]:
        """Every full question of the list as a record, by id (for exports)."""
        from qatui.corpus.export import iter_filtered_records  # only exports need it

        return iter_filtered_records(reader, self.selecting(reader.conn))

    def records_as_listed(self, reader: CorpusReader, page: int = 500) -> Iterator[Record]:
        """Every question the list shows, partial ones too, as records in the list's order:
        what the reader's list holds, row for row (its count is what this yields)."""
        offset = 0
        while True:
            rows = self.rows(reader, offset, page)
            for row in rows:
                record = reader.record(row.id)
                if record is not None:
                    yield record
            if len(rows) < page:
                return
            offset += page
