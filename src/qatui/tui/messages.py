"""Messages the panes, the palette and the workers send, named for what happened.

Panes and the command palette post the same messages for a user's choice; workers post what
arrived (or that they failed). The reader screen turns them into state changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from qatui.corpus.people import Person
from qatui.corpus.store.reader import QuestionPage, QuestionRow


@dataclass
class QuestionChosen(Message):
    """A question was chosen (Enter or click) in the list, the related links or the palette."""

    question_id: int


@dataclass
class SpecialtyChosen(Message):
    """A specialty (or None for All) was chosen in the specialty pane or the palette."""

    specialty: str | None


@dataclass
class TopicChosen(Message):
    """A Related FAQ topic was chosen: show the pages that link to it (the topic of that
    specialty), as the topic index counts them."""

    topic: str
    specialty: str | None


@dataclass
class DateRangeChanged(Message):
    """The date filter changed to valid bounds (ISO dates, inclusive, None for open)."""

    since: str | None
    until: str | None
    submitted: bool = False
    """Enter in a date field: the list takes the focus (as after a search)."""


@dataclass
class QuestionPageLoaded(Message):
    """A question's page arrived from a worker (None: it is not in the corpus)."""

    page: QuestionPage | None
    question_id: int


@dataclass
class SpecialtyCountsLoaded(Message):
    """Specialty counts under the current filters arrived from a worker."""

    counts: list[tuple[str, int]]


@dataclass
class WorkFailed(Message):
    """A worker failed for a reason other than cancellation. It bubbles up to the app, which
    says so once for every kind of work; panes waiting on the work may also react."""

    reason: str


@dataclass
class SimilarQuestionsLoaded(Message):
    """The questions computed as most like the open one arrived from a worker."""

    question_id: int
    rows: list[QuestionRow]


@dataclass
class PersonChosen(Message):
    """A doctor's (or hospital's) name on a page was chosen: show every question with a reply
    by that doctor (or from that hospital)."""

    person: Person
    name: str
