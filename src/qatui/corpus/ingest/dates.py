"""Dates in the corpus: records hold ISO ``YYYY-MM-DD``; inputs write them in many ways.

Read: ``YYYY/MM/DD`` (also with ``-`` or ``.``, and with a time after it: ``2000-08-16T00:00:00``,
``2000-08-16 00:00:00``), ``20000816``, ``2000年8月16日``, and the Republic of China calendar the
Taiwanese site uses (``089/08/16``, ``89/08/16``, ``民國89年8月16日``: year + 1911), plus any
``strptime`` formats the user names. A date outside :data:`EARLIEST` .. a year from today is
refused like a malformed one: no Q&A page was written then, and such a date is a typo or an attack.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

EARLIEST = dt.date(1990, 1, 1)
"""The earliest date a record may carry (the web's Q&A sites start in the late 1990s)."""

ROC_OFFSET = 1911
"""Year 1 of the Republic of China calendar is 1912."""

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_SEPARATED = re.compile(rf"(\d{{4}})([/.\-])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_ROC = re.compile(r"(?:民國)?(\d{2,3})([/.\-])(\d{1,2})\2(\d{1,2})")
_HAN = re.compile(r"(?:民國)?(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def latest() -> dt.date:
    """The latest date a record may carry: a year from today (time zones and typos aside)."""
    return dt.date.today() + dt.timedelta(days=366)


def _ymd(text: str) -> tuple[int, int, int] | None:
    if match := _SEPARATED.fullmatch(text):
        return int(match[1]), int(match[3]), int(match[4])
    if match := _ROC.fullmatch(text):
        return int(match[1]) + ROC_OFFSET, int(match[3]), int(match[4])
    if match := _HAN.fullmatch(text):
        year = int(match[1])
        return year + ROC_OFFSET if year < 1000 else year, int(match[2]), int(match[3])
    if match := _COMPACT.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3])
    return None


def _in_range(date: dt.date, shown: str) -> str:
    if not EARLIEST <= date <= latest():
        raise ValueError(f"date {shown!r} is outside {EARLIEST.isoformat()} .. a year from today")
    return date.isoformat()


def parse_date(text: str, formats: Sequence[str] = ()) -> str:
    """The ISO form of a date in any form this module reads; ``formats`` (``strptime``) first.

    Raises ValueError naming what was wrong (malformed, not a real date, or out of range).
    """
    shown = text.strip()[:40]
    plain = unicodedata.normalize("NFKC", text).strip()
    for form in formats:
        try:
            return _in_range(dt.datetime.strptime(plain, form).date(), shown)
        except ValueError as error:
            if "outside" in str(error):
                raise
    parts = _ymd(plain)
    if parts is None:
        raise ValueError(
            f"expected a date such as 2000/08/16, 2000-08-16 00:00:00, 089/08/16 or "
            f"2000年8月16日, got {shown!r}"
        )
    try:
        date = dt.date(*parts)
    except ValueError as error:
        raise ValueError(f"not a real date: {shown!r} ({error})") from None
    return _in_range(date, shown)


def check_date_format(form: str) -> str:
    """A ``--date-format`` checked for use: a ``strptime`` format that names a year."""
    if not any(code in form for code in ("%Y", "%y")):
        raise ValueError(f"date format {form!r} needs a year (%Y or %y), e.g. %d.%m.%Y")
    return form


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
