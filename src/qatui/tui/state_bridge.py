"""The reader's side of the user state: opening it, the list's marks and views, and state jobs.

The jobs here run in thread workers (the app's ``run_state_job``); each returns a
:class:`JobDone` message that the app turns into row marks and a notification. Nothing here touches
a widget.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, cast

from textual.message import Message

from qatui.corpus.filters import Filters, SqlFilter
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.userstate import (
    Bookmark,
    UserState,
    UserStateError,
    attach_state,
    only_bookmarked,
    only_unread,
    use_state_of_corpus,
)

READ_MARK = "✓"
BOOKMARK_MARK = "★"

View = Literal["all", "unread", "bookmarked"]
VIEWS: tuple[View, ...] = ("all", "unread", "bookmarked")
_VIEW_FILTERS: dict[View, Callable[[], SqlFilter]] = {
    "unread": only_unread,
    "bookmarked": only_bookmarked,
}
_VIEW_LABELS = {view: make().label for view, make in _VIEW_FILTERS.items()}

Cancelled = Callable[[], bool]


def open_user_state(path: Path | None = None) -> tuple[UserState, str | None]:
    """The user's state database, or a temporary one and a warning saying why."""
    try:
        return UserState.open(path), None
    except (UserStateError, OSError) as error:
        state = UserState.temporary()
        return state, (
            f"{clean_line(str(error))} Read marks, bookmarks and history will be kept for "
            "this session only."
        )


class StateAwareCorpus(Corpus):
    """A corpus whose readers see the user state ATTACHed (read-only) as ``state``, so the
    question list, the counts and the facets can be filtered by read marks and bookmarks."""

    state_path: Path | None = None

    @classmethod
    def open_with_state(cls, path: Path, state: UserState) -> StateAwareCorpus:
        """Open the corpus at ``path`` (as :meth:`Corpus.open`) with ``state`` attached, and
        make ``state`` this corpus's own (its bookmarks, read marks and history)."""
        corpus = cast(StateAwareCorpus, cls.open(path))
        corpus.state_path = state.path
        with corpus.reader() as reader, contextlib.suppress(UserStateError):
            use_state_of_corpus(state, reader, path)  # else: the state of no corpus
        return corpus

    @contextmanager
    def reader(self, cancelled: Cancelled | None = None) -> Iterator[CorpusReader]:
        with super().reader(cancelled) as reader:
            if self.state_path is not None:
                # Without it only the unread/bookmarked views fail, and they say so.
                with contextlib.suppress(UserStateError):
                    attach_state(reader.conn, self.state_path)
            yield reader


# -- views of the list ---------------------------------------------------------------------------


def view_of(filters: Filters) -> View:
    """Which of all / only unread / only bookmarked the filters show."""
    labels = {extra.label for extra in filters.extra}
    for view, label in _VIEW_LABELS.items():
        if label in labels:
            return view
    return "all"


def with_view(filters: Filters, view: View) -> Filters:
    """The same filters showing ``view`` (other extra conditions kept)."""
    kept = tuple(extra for extra in filters.extra if extra.label not in _VIEW_LABELS.values())
    make = _VIEW_FILTERS.get(view)
    return replace(filters, extra=kept + ((make(),) if make else ()))


def next_view(filters: Filters) -> Filters:
    """all -> only unread -> only bookmarked -> all."""
    current = VIEWS.index(view_of(filters))
    return with_view(filters, VIEWS[(current + 1) % len(VIEWS)])


# -- what the jobs report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The question a key acts on: its id, title and specialty (for the state's snapshots)."""

    question_id: int
    title: str
    specialty: str | None


@dataclass
class JobDone(Message):
    """A job finished (a state change, an export, saving the theme): the fresh row marks
    when they changed, and what to tell the user."""

    notice: str | None = None
    marks: dict[int, str] | None = None
    severity: Literal["information", "warning", "error"] = "information"
    removed: Bookmark | None = None
    """A bookmark this job removed, kept so that U can put it back."""


def row_marks(state: UserState) -> dict[int, str]:
    """The first-column mark of every read or bookmarked question (bookmarks win)."""
    marks = dict.fromkeys(state.read_ids(), READ_MARK)
    marks.update(dict.fromkeys(state.bookmarked_ids(), BOOKMARK_MARK))
    return marks


def _short(title: str) -> str:
    title = clean_line(title)
    return title if len(title) <= 60 else title[:59] + "…"


def load_marks(state: UserState) -> JobDone:
    return JobDone(marks=row_marks(state))


def record_open(state: UserState, target: Target) -> JobDone:
    """Note the opening in the history and mark the question read."""
    state.record_open(target.question_id, target.title, target.specialty)
    return JobDone(marks=row_marks(state))


def toggle_read(state: UserState, target: Target) -> JobDone:
    if state.mark_unread(target.question_id):
        notice = f"Marked unread: {_short(target.title)}"
    else:
        state.mark_read(target.question_id)
        notice = f"Marked read: {_short(target.title)}"
    return JobDone(notice, row_marks(state))


def add_bookmark(state: UserState, target: Target, note: str) -> JobDone:
    state.add_bookmark(target.question_id, target.title, target.specialty, note)
    return JobDone(f"Bookmarked: {_short(target.title)}", row_marks(state))


UNDO_HINT = "U undoes it"


def remove_bookmark(state: UserState, target: Target) -> JobDone:
    """Remove the bookmark (and its note), keeping what it was for an undo."""
    removed = state.bookmark(target.question_id)
    state.remove_bookmark(target.question_id)
    notice = f"Bookmark removed: {_short(target.title)} ({UNDO_HINT})"
    return JobDone(notice, row_marks(state), removed=removed)


def restore_bookmark(state: UserState, bookmark: Bookmark) -> JobDone:
    """Undo a removal: the bookmark comes back with its note and dates."""
    state.restore_bookmark(bookmark)
    return JobDone(f"Bookmark restored: {_short(bookmark.title)}", row_marks(state))
