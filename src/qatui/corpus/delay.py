"""Reply delay: how many days the doctor's (first) reply came after the question was asked."""

from __future__ import annotations

import datetime as dt

from qatui.corpus.model import Record


def reply_delay_days(asked_on: str | None, replied_on: str | None) -> int | None:
    """Reply date minus ask date in days (ISO dates), or None when either is missing or invalid.

    A negative value means the data dates the reply before the question.
    """
    if not asked_on or not replied_on:
        return None
    try:
        return (dt.date.fromisoformat(replied_on) - dt.date.fromisoformat(asked_on)).days
    except ValueError:
        return None


def record_reply_delay(record: Record) -> int | None:
    """The delay of the record's first reply."""
    reply = record.reply
    return reply_delay_days(record.asked_on, reply.replied_on if reply else None)


def describe_delay(days: int | None) -> str:
    """Short words for a delay: ``same day``, ``1 day``, ``12 days``, ``unknown``."""
    if days is None:
        return "unknown"
    if days == 0:
        return "same day"
    if days < 0:
        return f"{days} days (reply dated before the question)"
    return "1 day" if days == 1 else f"{days} days"
