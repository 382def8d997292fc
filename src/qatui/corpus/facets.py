"""A picture of the filtered corpus: counts by asker age band and gender, questions per period.

Every function takes a connection (e.g. ``reader.conn`` inside ``corpus.reader(cancelled)``)
and the list's :class:`Filters`, so a worker can compute them and be cancelled like any query.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from typing import Literal

from qatui.corpus.dates import parse_bound
from qatui.corpus.query import CorpusReader, Filters

Period = Literal["month", "year"]
FacetCounts = list[tuple[str | None, int]]
"""(value, questions) pairs; the value None counts questions that do not say."""

_LEADING_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class AskerFacets:
    """Question counts by asker age band (youngest first) and gender (largest first)."""

    age_bands: FacetCounts
    genders: FacetCounts


def _counts(conn: sqlite3.Connection, column: str, filters: Filters) -> FacetCounts:
    where, params = CorpusReader(conn).where(filters)
    return [
        (value, int(count))
        for value, count in conn.execute(
            f"SELECT q.{column}, count(*) FROM questions q{where} GROUP BY q.{column}", params
        )
    ]


def _age_key(item: tuple[str | None, int]) -> tuple[int, int, str]:
    band = item[0]
    if band is None:
        return (2, 0, "")
    number = _LEADING_NUMBER.search(band)
    return (0, int(number.group()), band) if number else (1, 0, band)


def age_band_counts(conn: sqlite3.Connection, filters: Filters) -> FacetCounts:
    """Counts per age band under every filter but the age one (so other bands stay choosable)."""
    return sorted(_counts(conn, "asker_age", replace(filters, age=None)), key=_age_key)


def gender_counts(conn: sqlite3.Connection, filters: Filters) -> FacetCounts:
    """Counts per gender under every filter but the gender one."""
    counts = _counts(conn, "asker_gender", replace(filters, gender=None))
    return sorted(counts, key=lambda item: (item[0] is None, -item[1], item[0] or ""))


def asker_facets(conn: sqlite3.Connection, filters: Filters) -> AskerFacets:
    return AskerFacets(age_band_counts(conn, filters), gender_counts(conn, filters))


def histogram(
    conn: sqlite3.Connection, filters: Filters, period: Period = "month", *, fill_gaps: bool = True
) -> list[tuple[str, int]]:
    """Questions per month (``2016-01``) or year (``2016``) under the filters, oldest first.

    Undated questions are left out. With ``fill_gaps`` every period between the first and the
    last appears, with 0 where nothing was asked, so bars line up with time.
    """
    width = 7 if period == "month" else 4
    where, params = CorpusReader(conn).where(filters)
    where += " AND " if where else " WHERE "
    rows = [
        (key, int(count))
        for key, count in conn.execute(
            f"SELECT substr(q.asked_on, 1, {width}) AS period, count(*) FROM questions q{where}"
            "q.asked_on IS NOT NULL GROUP BY period ORDER BY period",
            params,
        )
    ]
    if not fill_gaps or len(rows) < 2:
        return rows
    found = dict(rows)
    return [(key, found.get(key, 0)) for key in _periods(rows[0][0], rows[-1][0], period)]


def _periods(first: str, last: str, period: Period) -> list[str]:
    if period == "year":
        return [str(year) for year in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    keys: list[str] = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        keys.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def period_bounds(period: str) -> tuple[str, str]:
    """The inclusive date filter for a histogram bar: ``2016-02`` -> 2016-02-01 .. 2016-02-29."""
    return parse_bound(period), parse_bound(period, end=True)


def choose_period(first: str | None, last: str | None, max_bars: int) -> Period:
    """Months if the dates ``first`` .. ``last`` fit in ``max_bars`` months, else years."""
    if not first or not last:
        return "month"
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
    return "month" if months <= max_bars else "year"
