"""The history screen: what was opened, newest first, searchable; forget one or clear it all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from qatui.tui.screens.dialogs import ConfirmScreen
from qatui.tui.screens.state_list import SHOWN_AT_MOST, Entry, StateListScreen, local_time
from qatui.tui.text import one_line
from qatui.userstate import HistoryEntry


def history_prompt(entry: HistoryEntry) -> Content:
    """``2024-05-01 14:03  Title  (Specialty)``."""
    return Content.assemble(
        (f"{local_time(entry.opened_at)}  ", "dim"),
        one_line(entry.title),
        one_line(f"  {entry.specialty}" if entry.specialty else "", "dim"),
    )


class HistoryScreen(StateListScreen):
    """Each opened question once, at its last opening; Enter opens it again."""

    HEADING = "History"
    EMPTY = "Nothing opened yet."
    HINT = (
        "Enter: open · d/Del: forget · C: clear history · /: search · j/k g/G: move · Esc/q: close"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d,delete", "forget", "Forget this question", id="history.forget"),
        Binding("C", "clear_history", "Clear history", id="history.clear"),
    ]

    @dataclass
    class Changed(Message):
        """History entries were removed: say so, and reread the list."""

        notice: str

    def fetch(self, search: str) -> tuple[list[Entry], int]:
        opened = self.state.history(search, limit=SHOWN_AT_MOST)
        entries = [Entry(item.question_id, history_prompt(item)) for item in opened]
        return entries, self.state.history_count(search)

    def action_forget(self) -> None:
        """Remove the highlighted question from the history."""
        entry = self.current
        if entry is not None:
            self._forget(entry.question_id)

    def action_clear_history(self) -> None:
        """Forget every opening, after asking (read marks and bookmarks stay)."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._clear()

        question = "Clear the whole history? Read marks and bookmarks are kept."
        self.app.push_screen(ConfirmScreen(question, "Clear history"), answered)

    @work(thread=True, group="history-edit", exit_on_error=False)
    def _forget(self, question_id: int) -> None:
        self.state.remove_from_history(question_id)
        self.post_message(self.Changed("Removed from the history."))

    @work(thread=True, group="history-edit", exit_on_error=False)
    def _clear(self) -> None:
        removed = self.state.clear_history()
        self.post_message(self.Changed(f"History cleared ({removed:,} openings)."))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        self.notify(message.notice, markup=False)
        self.reload()
