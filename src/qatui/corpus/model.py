"""The record types: one Q&A page, as FORMAT.md's JSON record describes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Asker:
    """Who asked: a name or nickname, an age band such as ``30~39`` and a gender."""

    name: str | None = None
    age: str | None = None
    gender: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "age": self.age, "gender": self.gender}


@dataclass(frozen=True)
class Reply:
    """A doctor's reply to the question; ``hospital`` is where the doctor works, when known."""

    doctor: str | None
    specialty: str | None
    body: str
    replied_on: str | None = None
    hospital: str | None = None

    def to_json(self) -> dict[str, Any]:
        """FORMAT.md's reply; ``hospital`` only when known (a record without one keeps its
        content hash)."""
        out: dict[str, Any] = {
            "doctor": self.doctor,
            "specialty": self.specialty,
            "body": self.body,
            "replied_on": self.replied_on,
        }
        if self.hospital is not None:
            out["hospital"] = self.hospital
        return out


@dataclass(frozen=True)
class SimilarLink:
    """A "Similar Q&A" entry: a link to another question, with the site's excerpts."""

    title: str
    question_excerpt: str | None = None
    doctor: str | None = None
    specialty: str | None = None
    reply_excerpt: str | None = None
    read_more: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "question_excerpt": self.question_excerpt,
            "doctor": self.doctor,
            "specialty": self.specialty,
            "reply_excerpt": self.reply_excerpt,
            "read_more": self.read_more,
        }


@dataclass(frozen=True)
class FaqLink:
    """A "Related FAQ" topic and the specialty it belongs to."""

    topic: str
    specialty: str | None = None

    @property
    def label(self) -> str:
        """``Knee Pain (Orthopedics)``, or ``Knee Pain`` when the link names no specialty."""
        return f"{self.topic} ({self.specialty})" if self.specialty else self.topic

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "specialty": self.specialty}


@dataclass(frozen=True)
class Record:
    """One Q&A page. ``replies`` holds every reply; the JSON form calls the first ``reply``."""

    title: str
    specialty: str
    question: str
    subject: str | None = None
    asker: Asker | None = None
    asked_on: str | None = None
    replies: tuple[Reply, ...] = ()
    more_info: str | None = None
    similar: tuple[SimilarLink, ...] = ()
    related_faq: tuple[FaqLink, ...] = ()
    id: int | None = None
    source_url: str | None = None
    partial: bool = False
    """Known only from a Similar Q&A link on another page: its text is that link's excerpts
    (``"partial": true`` in the JSON form, which only such records carry)."""

    @property
    def reply(self) -> Reply | None:
        """The first reply, or None for an unanswered question."""
        return self.replies[0] if self.replies else None

    def to_json(self) -> dict[str, Any]:
        """The FORMAT.md record, keys in the documented order; extra replies go in ``replies``."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out.update(
            {
                "title": self.title,
                "specialty": self.specialty,
                "subject": self.subject,
                "question": self.question,
                "asker": self.asker.to_json() if self.asker else None,
                "asked_on": self.asked_on,
                "reply": self.reply.to_json() if self.reply else None,
                "more_info": self.more_info,
                "similar": [link.to_json() for link in self.similar],
                "related_faq": [link.to_json() for link in self.related_faq],
            }
        )
        if len(self.replies) > 1:
            out["replies"] = [reply.to_json() for reply in self.replies]
        if self.source_url is not None:
            out["source_url"] = self.source_url
        if self.partial:
            out["partial"] = True
        return out
