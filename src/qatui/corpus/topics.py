"""The topic index: every Related FAQ topic with its specialty and how many pages link to it.

Topics are read a page at a time in the index's order (topic, then specialty), so a screen or
a script never holds more than it shows: 230,000 pages can link thousands of topics.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
