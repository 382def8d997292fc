"""The topic index: every Related FAQ topic with its specialty and how many pages link to it.

Topics are read a page at a time in the index's order (topic, then specialty), so a screen or
a script never holds more than it shows: 230,000 pages can link thousands of topics.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.model import FaqLink

INDEX_STATEMENT = (
    "CREATE INDEX IF NOT EXISTS faq_links_by_topic ON faq_links(topic, specialty, question_id)"
)
"""The index the topic list reads in order (made by the v7 migration, store/finding_aids.py):
without it every page of topics groups every link again."""


@dataclass(frozen=True)
class TopicRow:
    """One topic of the index: its name, its specialty (None: the link names none) and how many
    pages link to it."""

    topic: str
    specialty: str | None
    pages: int

    @property
    def link(self) -> FaqLink:
        """The topic as a Related FAQ link names it."""
        return FaqLink(self.topic, self.specialty)


@dataclass(frozen=True)
class TopicQuery:
    """Which topics: of one specialty (None: all), holding some words (any case; None: all)."""

    specialty: str | None = None
    contains: str | None = None

    def _where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.specialty is not None:
            clauses.append("specialty = ?")
            params.append(self.specialty)
        if self.contains and self.contains.strip():
            clauses.append("topic LIKE ? ESCAPE '\\'")
            params.append("%" + _escape_like(self.contains.strip()) + "%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def rows(self, conn: sqlite3.Connection, offset: int = 0, limit: int = 200) -> list[TopicRow]:
        """Topics ``offset .. offset+limit`` in order of topic, then specialty."""
        where, params = self._where()
        return [
            TopicRow(str(topic), specialty, int(pages))
            for topic, specialty, pages in conn.execute(
                "SELECT topic, specialty, count(DISTINCT question_id) FROM faq_links"
                f"{where} GROUP BY topic, specialty ORDER BY topic, specialty LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        ]

    def count(self, conn: sqlite3.Connection) -> int:
        """How many topics (topic and specialty pairs) the query holds."""
        where, params = self._where()
        return int(
            conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM faq_links{where} GROUP BY topic, specialty)",
                params,
            ).fetchone()[0]
        )


def topic_specialties(conn: sqlite3.Connection) -> list[str]:
    """The specialties the topics name, in order."""
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT DISTINCT specialty FROM faq_links WHERE specialty IS NOT NULL ORDER BY 1"
        )
    ]


def find_topic(conn: sqlite3.Connection, words: str) -> FaqLink:
    """The topic ``words`` names, as the index lists it: ``Knee Pain``, or ``Knee Pain
    (Orthopedics)`` for that specialty's (any case). ValueError says which topics exist when
    none or several match."""
    name = " ".join(words.split())
    found = _topics_named(conn, name)
    if not found and name.endswith(")") and " (" in name:  # "Topic (Specialty)"
        name, _, wanted = name[:-1].rpartition(" (")
        found = [link for link in _topics_named(conn, name) if _same(link.specialty, wanted)]
    if len(found) == 1:
        return found[0]
    shown = clean_line(words)
    if not found:
        close = TopicQuery(contains=name).rows(conn, limit=5)
        also = "; ".join(clean_line(row.link.label) for row in close)
        raise ValueError(
            f"no topic named {shown!r}" + (f" (topics with those words: {also})" if also else "")
        )
    choices = " or ".join(repr(clean_line(link.label)) for link in found)
    raise ValueError(f"topic {shown!r} is in {len(found)} specialties: name one, {choices}")


def _topics_named(conn: sqlite3.Connection, name: str) -> list[FaqLink]:
    """The (topic, specialty) pairs of this name: exactly as written, else in any case."""
    for comparison in ("topic = ?", "topic = ? COLLATE NOCASE"):
        rows = conn.execute(
            f"SELECT DISTINCT topic, specialty FROM faq_links WHERE {comparison} "
            "ORDER BY topic, specialty",
            (name,),
        ).fetchall()
        if rows:
            return [FaqLink(str(topic), specialty) for topic, specialty in rows]
    return []


def _same(specialty: str | None, wanted: str) -> bool:
    return (specialty or "").casefold() == wanted.strip().casefold()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
