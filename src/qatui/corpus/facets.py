"""A picture of the filtered corpus: counts by asker age band and gender, questions per period.

Every function takes a connection (e.g. ``reader.conn`` inside ``corpus.reader(cancelled)``)
and the list's :class:`Filters`, so a worker can compute them and be cancelled like any query.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

from qatui.corpus.filters import Filters
from qatui.corpus.ingest.dates import parse_bound
from qatui.corpus.store.reader import CorpusReader

Period = Literal["month", "year"]
FacetCounts = list[tuple[str | None, int]]
"""(value, questions) pairs; the value None counts questions that do not say."""

_LEADING_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class AskerFacets:
    """Question counts by asker age band (youngest first) and gender (largest first)."""

    age_bands: FacetCounts
    genders: FacetCounts


def _sorted_ages(counts: Counter[str | None]) -> FacetCounts:
    return sorted(counts.items(), key=_age_key)


def _sorted_genders(counts: Counter[str | None]) -> FacetCounts:
    return sorted(counts.items(), key=lambda item: (item[0] is None, -item[1], item[0] or ""))


def _age_key(item: tuple[str | None, int]) -> tuple[int, int, str]:
    band = item[0]
    if band is None:
        return (2, 0, "")
    if band.casefold().startswith("under"):
        return (0, -1, band)  # "Under 10" comes before "10~19"
    number = _LEADING_NUMBER.search(band)
    return (0, int(number.group()), band) if number else (1, 0, band)


def asker_facets(conn: sqlite3.Connection, filters: Filters) -> AskerFacets:
    """Both facets in one pass. Each ignores its own filter (so other values stay choosable)
    but honours every other one, the other facet's included.
    """
    where, params = CorpusReader(conn).where(replace(filters, age=None, gender=None))
    ages: Counter[str | None] = Counter()
    genders: Counter[str | None] = Counter()
    for age, gender, count in conn.execute(
        f"SELECT q.asker_age, q.asker_gender, count(*) FROM questions q{where} GROUP BY 1, 2",
        params,
    ):
        if not filters.gender or gender == filters.gender:
            ages[age] += count
        if not filters.age or age == filters.age:
            genders[gender] += count
    return AskerFacets(_sorted_ages(ages), _sorted_genders(genders))


def age_band_counts(conn: sqlite3.Connection, filters: Filters) -> FacetCounts:
    """Counts per age band, youngest first, unknown last (see :func:`asker_facets`)."""
    return asker_facets(conn, filters).age_bands


def gender_counts(conn: sqlite3.Connection, filters: Filters) -> FacetCounts:
    """Counts per gender, largest first, unknown last (see :func:`asker_facets`)."""
    return asker_facets(conn, filters).genders


def histogram(
    conn: sqlite3.Connection, filters: Filters, period: Period = "month", *, fill_gaps: bool = True
) -> list[tuple[str, int]]:
    """Questions per month (``2016-01``) or year (``2016``) under the filters, oldest first.

    Undated questions are left out. With ``fill_gaps`` every period between the first and the
    last appears, with 0 where nothing was asked, so bars line up with time.
    """
    width = 7 if period == "month" else 4
    where, params = CorpusReader(conn).where(filters)
    if where:
        sql = (
            f"SELECT substr(q.asked_on, 1, {width}) AS period, count(*) FROM questions q{where} "
            "AND q.asked_on GLOB '[0-9][0-9][0-9][0-9]-*' GROUP BY period ORDER BY period"
        )
    else:  # the counts per month the triggers keep (schema_v6.py), not a count over the rows
        sql = (
            f"SELECT substr(month, 1, {width}) AS period, sum(questions) FROM month_counts "
            "WHERE questions != 0 GROUP BY period ORDER BY period"
        )
    rows = [
        (key, int(count))
        for key, count in conn.execute(sql, params)
        if _PERIOD[period].fullmatch(str(key))  # a hand-made database may hold anything
    ]
    if not fill_gaps or len(rows) < 2:
        return rows
    first, last = _number(rows[0][0]), _number(rows[-1][0])
    if last - first >= MAX_FILLED_PERIODS:
        return rows  # centuries apart (a date typed wrong): only the periods that have questions
    found = dict(rows)
    return [(key, found.get(key, 0)) for key in _periods(first, last, period)]


MAX_FILLED_PERIODS = 2_400
"""Gaps are filled between periods at most this many apart (200 years of months)."""

_PERIOD: dict[Period, re.Pattern[str]] = {
    "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "year": re.compile(r"\d{4}"),
}


def _number(key: str) -> int:
    """A period as a count: years, or months since year 0 (compared as numbers, not text)."""
    if len(key) == 4:
        return int(key)
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def _periods(first: int, last: int, period: Period) -> list[str]:
    if period == "year":
        return [f"{year:04d}" for year in range(first, last + 1)]
    return [f"{number // 12:04d}-{number % 12 + 1:02d}" for number in range(first, last + 1)]


def period_bounds(period: str) -> tuple[str, str]:
    """The inclusive date filter for a histogram bar: ``2016-02`` -> 2016-02-01 .. 2016-02-29."""
    return parse_bound(period), parse_bound(period, end=True)


def choose_period(first: str | None, last: str | None, max_bars: int) -> Period:
    """Months if the dates ``first`` .. ``last`` fit in ``max_bars`` months, else years."""
    if not first or not last:
        return "month"
    months = _number(last[:7]) - _number(first[:7]) + 1
    return "month" if months <= max_bars else "year"
