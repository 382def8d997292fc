"""A date range as the counts ``date_counts`` keeps plus the rows at its two ends.

See :mod:`qatui.corpus.store.date_counts` (the table, keyed by the first :data:`PREFIX`
characters of ``asked_on``). Kept apart from it so that reading needs no migration code.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = 7
"""How many characters of ``asked_on`` a kept count is keyed by: a month, ``YYYY-MM``."""


@dataclass(frozen=True)
class RangeSplit:
    """A date range (inclusive bounds) as kept prefixes plus rows counted at its ends.

    The rows in the range are exactly those of the kept prefixes ``kept_from <= prefix <
    kept_below`` (a None bound is open) and those matching one of ``ends``: SQL conditions on
    ``asked_on`` (written for a table aliased ``q``), each a range of a date index, disjoint.
    """

    kept_from: str | None
    kept_below: str | None
    ends: tuple[tuple[str, tuple[str, ...]], ...]

    def kept_condition(self) -> tuple[str, list[str]]:
        """``prefix`` bounds for ``date_counts`` (an SQL condition, possibly empty)."""
        clauses: list[str] = []
        params: list[str] = []
        if self.kept_from is not None:
            clauses.append("prefix >= ?")
            params.append(self.kept_from)
        if self.kept_below is not None:
            clauses.append("prefix < ?")
            params.append(self.kept_below)
        return " AND ".join(clauses), params


def _after(prefix: str) -> str | None:
    """The smallest text above every text starting with ``prefix`` (its last character
    stepped up), or None when there is none to write."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:
        code = 0xE000  # no text holds a surrogate
    if code > 0x10FFFF:
        return None
    return prefix[:-1] + chr(code)


def split_range(since: str | None, until: str | None) -> RangeSplit | None:
    """Split ``since <= asked_on <= until`` into kept prefixes and end rows; None when no
    prefix lies wholly inside (a range within one month: count its rows).

    Text compares by code point (SQLite's BINARY collation on UTF-8 does the same). A prefix
    ``k`` is wholly inside exactly when ``since <= k`` (then every text starting with ``k`` is
    at least ``since``) and ``k < until[:PREFIX]`` (then they differ before the end of ``k``,
    so every text starting with ``k`` is below ``until``). The rows in the range left out are
    those starting with ``since[:PREFIX]`` (when ``since`` is longer than that) and those
    starting with ``until[:PREFIX]``.
    """
    if since is None and until is None:
        return None
    kept_below = until[:PREFIX] if until is not None else None
    if since is not None and kept_below is not None and not since < kept_below:
        return None
    ends: list[tuple[str, tuple[str, ...]]] = []
    if since is not None and len(since) > PREFIX:
        above = _after(since[:PREFIX])
        if above is None:
            return None
        low = ("q.asked_on >= ? AND q.asked_on < ?", (since, above))
        ends.append(low if until is None else (low[0] + " AND q.asked_on <= ?", (*low[1], until)))
    if until is not None and kept_below is not None:
        high = ("q.asked_on >= ? AND q.asked_on <= ?", (kept_below, until))
        ends.append(
            high if since is None else (high[0] + " AND q.asked_on >= ?", (*high[1], since))
        )
    return RangeSplit(since, kept_below, tuple(ends))
