"""Messages the panes send to the app, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class QuestionChosen(Message):
    """A question was chosen (Enter or click) in the list or the related links."""

    question_id: int


@dataclass
class SpecialtyChosen(Message):
    """A specialty (or None for All) was chosen in the specialty pane."""

    specialty: str | None


@dataclass
class TopicChosen(Message):
    """A Related FAQ topic was chosen: show that specialty's questions about it."""

    topic: str
    specialty: str | None


@dataclass
class DateRangeChanged(Message):
    """The date filter changed to valid bounds (ISO dates, inclusive, None for open)."""

    since: str | None
    until: str | None
