"""The bookmarks screen: every bookmark with its note, searchable; edit a note or remove one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from qatui.tui.corpus_worker import run_and_post
from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
from qatui.tui.screens.state_list import SHOWN_AT_MOST, Entry, StateListScreen, local_time
from qatui.tui.state_bridge import UNDO_HINT
from qatui.tui.text import one_line
from qatui.userstate import Bookmark


def bookmark_prompt(bookmark: Bookmark) -> Content:
    """Title, then specialty and when, then the note (if any) on a line of its own."""
    lines = [
        one_line(bookmark.title),
        one_line(
            f"  {bookmark.specialty or '—'} · bookmarked {local_time(bookmark.created_at)}", "dim"
        ),
    ]
    if bookmark.note:
        lines.append(one_line(f"  {bookmark.note}", "italic $text-accent"))
    return Content("\n").join(lines)


class BookmarksScreen(StateListScreen):
    """Bookmarks, newest first; Enter opens the question."""

    SEARCH_HINT = "/ search titles, specialties, notes"

    HEADING = "Bookmarks"
    EMPTY = "No bookmarks yet: press m on a question to bookmark it."
    HINT = (
        "Enter: open · e: edit note · d/Del: remove · U: undo · /: search · j/k g/G: move · "
        "Esc/q: close"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit_note", "Edit note", id="bookmarks.edit_note"),
        Binding("d,delete", "remove", "Remove bookmark", id="bookmarks.remove"),
        Binding("U", "undo_removal", "Undo removal", id="bookmarks.undo"),
    ]
    removed: Bookmark | None = None
    """The bookmark removed last here (with its note and dates), until U puts it back."""

    @dataclass
    class Changed(Message):
        """A bookmark was edited, removed or put back: say so, and reread the list."""

        notice: str
        removed: Bookmark | None = None

    def fetch(self, search: str) -> tuple[list[Entry], int]:
        bookmarks = self.state.bookmarks(search, limit=SHOWN_AT_MOST)
        entries = [
            Entry(bookmark.question_id, bookmark_prompt(bookmark), bookmark.title, bookmark.note)
            for bookmark in bookmarks
        ]
        return entries, self.state.bookmark_count(search)

    def action_edit_note(self) -> None:
        """Change the highlighted bookmark's note."""
        entry = self.current
        if entry is None:
            return
        question_id = entry.question_id

        def save(note: str | None) -> None:
            if note is not None:
                self._save_note(question_id, note)

        self.app.push_screen(NoteScreen(entry.title, entry.note, heading="Edit note"), save)

    def action_remove(self) -> None:
        """Remove the highlighted bookmark, after asking (its note goes with it)."""
        entry = self.current
        if entry is None:
            return
        question_id = entry.question_id

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(question_id)

        what = "its note" if entry.note else "it"
        question = Content.assemble(
            "Remove the bookmark of ", one_line(entry.title, "bold"), f" and {what}?"
        )
        self.app.push_screen(ConfirmScreen(question, "Remove"), answered)

    @work(thread=True, group="bookmark-edit", exit_on_error=False)
    def _save_note(self, question_id: int, note: str) -> None:
        run_and_post(
            self,
            lambda: self.state.set_bookmark_note(question_id, note),
            lambda _: self.Changed("Note saved."),
            "saving the note failed",
        )

    def action_undo_removal(self) -> None:
        """Put back the bookmark removed last here, with its note and dates."""
        removed, self.removed = self.removed, None
        if removed is None:
            self.notify("Nothing to undo.", severity="warning", markup=False)
            return
        self._restore(removed)

    @work(thread=True, group="bookmark-edit", exit_on_error=False)
    def _remove(self, question_id: int) -> None:
        def remove() -> Bookmark | None:
            bookmark = self.state.bookmark(question_id)
            self.state.remove_bookmark(question_id)
            return bookmark

        run_and_post(
            self,
            remove,
            lambda removed: self.Changed(f"Bookmark removed ({UNDO_HINT}).", removed),
            "removing the bookmark failed",
        )

    @work(thread=True, group="bookmark-edit", exit_on_error=False)
    def _restore(self, bookmark: Bookmark) -> None:
        run_and_post(
            self,
            lambda: self.state.restore_bookmark(bookmark),
            lambda _: self.Changed("Bookmark restored."),
            "restoring the bookmark failed",
        )

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        if message.removed is not None:
            self.removed = message.removed
        self.notify(message.notice, markup=False)
        self.reload()
