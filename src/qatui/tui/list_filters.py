"""The list's filters as plain SQL conditions, for code built on ``CorpusReader.where``.

The question list finds a search's (or a Related FAQ topic's) questions through the search
module; the timeline, the facets and the list export count and read with ``where()``. Turning the
words into an extra ``q.id IN (matches)`` condition makes them all see the same questions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from qatui.corpus.filters import Filters
from qatui.corpus.search.fulltext import match_filter


def selecting_filters(conn: sqlite3.Connection, filters: Filters) -> Filters:
    """``filters`` with their search words as an extra condition (run in the worker's thread)."""
    text = filters.query_text
    if text is None:
        return filters
    matched = match_filter(conn, text, as_you_type=bool(filters.search))
    return replace(filters.without_text(), extra=(*filters.extra, matched))
