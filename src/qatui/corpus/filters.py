"""What the question list shows: the filters, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.model import FaqLink

SortOrder = Literal["date", "delay"]
"""The list's order: by ask date, or by reply delay (reply date minus ask date)."""


@dataclass(frozen=True)
class SqlFilter:
    """An extra condition on the questions (aliased ``q``) that the corpus cannot express itself,
    e.g. "only bookmarked" against an ATTACHed user-state database (see qatui.userstate).

    ``sql`` is program text, never user input; values go in ``params``.
    """

    label: str
    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Filters:
    """What the question list shows. Dates are inclusive ISO bounds.

    ``order`` "delay" sorts by reply delay, unknown delays last; ``newest_first`` then means
    longest delay first.
    """

    specialty: str | None = None
    since: str | None = None
    until: str | None = None
    topic: FaqLink | None = None
    """Only the pages that link to this Related FAQ topic (of its specialty), as the topic
    index counts them (``faq_links``); the questions' own specialty is another filter."""
    newest_first: bool = True
    age: str | None = None
    gender: str | None = None
    order: SortOrder = "date"
    extra: tuple[SqlFilter, ...] = ()
    search: str | None = None
    search_whole: bool = False
    """The search words were submitted (Enter) or chosen whole: the last one is a word, as
    ``qatui search`` takes it, not a prefix still being typed."""
    ranked: bool = True
    doctor: str | None = None
    """Only questions with at least one reply by this doctor (``replies.doctor``)."""
    hospital: str | None = None
    """Only questions with at least one reply from this hospital (``replies.hospital``)."""

    @property
    def active(self) -> bool:
        return any(
            (
                self.specialty,
                self.doctor,
                self.hospital,
                self.since,
                self.until,
                self.topic,
                self.age,
                self.gender,
                self.extra,
                self.search,
            )
        )

    @property
    def query_text(self) -> str | None:
        """The full-text query the list shows: the typed search, or None."""
        return self.search if self.search and self.search.strip() else None

    def without_text(self) -> Filters:
        """These filters less the search (what a full-text search runs within)."""
        return replace(self, search=None, search_whole=False)

    def cleared(self) -> Filters:
        return Filters(newest_first=self.newest_first, order=self.order)

    def describe(self) -> list[str]:
        """Short human words for each active filter."""
        parts: list[str] = []
        if self.specialty:
            parts.append(self.specialty)
        if self.doctor:
            parts.append(doctor_title(self.doctor))
        if self.hospital:
            parts.append(f"hospital: {self.hospital}")
        if self.since or self.until:
            parts.append(f"{self.since or '…'} to {self.until or '…'}")
        if self.topic:
            parts.append(f"topic: {self.topic.label}")
        if self.search:
            parts.append(f"search: {self.search}" + ("" if self.ranked else " (by date)"))
        if self.age:
            parts.append(f"age {self.age}")
        if self.gender:
            parts.append(f"gender: {self.gender}")
        parts.extend(extra.label for extra in self.extra)
        return parts
