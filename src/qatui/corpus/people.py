"""Who replied: the doctor and hospital names and facet counts (indexes: store/finding_aids.py).

A question belongs to every doctor (and hospital) among its replies, so a multi-reply question
counts once for each of them. The filters themselves are ``Filters.doctor`` and
``Filters.hospital`` (see ``CorpusReader.where``); this module holds what they need around them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Literal

from qatui.corpus.filters import Filters
from qatui.corpus.store.reader import CorpusReader

Person = Literal["doctor", "hospital"]
PersonCounts = list[tuple[str, int]]
"""(name, questions) pairs, most questions first."""

FACET_LIMIT = 50
"""How many doctors (or hospitals) a facet lists: the busiest."""


def person_counts(
    conn: sqlite3.Connection, filters: Filters, person: Person, limit: int = FACET_LIMIT
) -> PersonCounts:
    """The doctors (or hospitals) replying to the filtered questions, with how many each
    replied to, busiest first. The facet ignores its own filter (so other names stay
    choosable) but honours every other one."""
    own = replace(filters, doctor=None) if person == "doctor" else replace(filters, hospital=None)
    where, params = CorpusReader(conn).where(own)
    # Unfiltered, the replies alone answer (a walk of their index, no join to the questions).
    joined = f" JOIN questions q ON q.id = r.question_id{where} AND " if where else " WHERE "
    return [
        (str(name), int(count))
        for name, count in conn.execute(
            f"SELECT r.{person}, count(DISTINCT r.question_id) FROM replies r{joined}"
            f"r.{person} IS NOT NULL AND r.{person} != '' GROUP BY r.{person} "
            "ORDER BY 2 DESC, 1 LIMIT ?",
            [*params, limit],
        )
    ]


def known_name(conn: sqlite3.Connection, person: Person, name: str) -> str | None:
    """The stored spelling of a doctor's (or hospital's) name given in any case, or None."""
    found = conn.execute(
        f"SELECT {person} FROM replies WHERE {person} = ? LIMIT 1", (name,)
    ).fetchone()
    if found is None:
        found = conn.execute(
            f"SELECT {person} FROM replies WHERE {person} = ? COLLATE NOCASE LIMIT 1", (name,)
        ).fetchone()
    return None if found is None else str(found[0])


def names_like(conn: sqlite3.Connection, person: Person, words: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` stored names holding ``words`` (any case): what an error suggests."""
    pattern = "%" + _escape_like(words.strip()) + "%"
    return [
        str(row[0])
        for row in conn.execute(
            f"SELECT DISTINCT {person} FROM replies WHERE {person} LIKE ? ESCAPE '\\' "
            f"ORDER BY 1 LIMIT ?",
            (pattern, limit),
        )
    ]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
