"""Dates in the corpus: the site writes ``YYYY/MM/DD``; records hold ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DATE = re.compile(r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*$")


def parse_date(text: str) -> str:
    """Return the ISO form of a ``YYYY/MM/DD``, ``YYYY-MM-DD`` or ``YYYY.MM.DD`` date.

    Raises ValueError naming what was wrong.
    """
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"expected a date YYYY/MM/DD, got {text.strip()[:40]!r}")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as error:
        raise ValueError(f"not a real date: {text.strip()!r} ({error})") from None


def site_date(iso: str) -> str:
    """The site's own ``YYYY/MM/DD`` form of an ISO date."""
    return iso.replace("-", "/")


_BOUND = re.compile(r"^\s*(\d{4})(?:[/.\-](\d{1,2}))?(?:[/.\-](\d{1,2}))?\s*$")


def parse_bound(text: str, *, end: bool = False) -> str:
    """A date-filter bound: a year, a year-month or a full date, as an inclusive ISO date.

    ``end=True`` gives the last day the bound covers (``2016`` -> ``2016-12-31``).
    Raises ValueError with a message fit for the filter field.
    """
    match = _BOUND.match(text)
    if not match:
        raise ValueError(f"{text.strip()!r} is not a year, year-month or date (e.g. 2016-03-05)")
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        day = int(match[3])
    elif end:
        day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
    else:
        day = 1
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a real date") from None
