"""A searchable list over the user state (bookmarks, history): the part both screens share.

Entries are read from the state database in a thread worker (the list says "Loading…" until the
first ones arrive); Enter closes the screen with the
chosen question's id, which the app opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qatui.tui.corpus_worker import run_and_post
from qatui.tui.screens.dialog_base import Dialog
from qatui.userstate import UserState

SHOWN_AT_MOST = 500
"""Entries listed at once; typing narrows the list (the count says how many match)."""


def local_time(when: dt.datetime) -> str:
    """``2024-05-01 14:03`` in the local time zone."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Entry:
    """One line of the list: the question it leads to and how it is shown."""

    question_id: int
    prompt: Content
    title: str = ""
    note: str = ""


class StateListScreen(Dialog[int | None]):
    """Search field, list, and a hint line. Subclasses say what the entries are."""

    DEFAULT_CSS = """
    StateListScreen { align: center middle; }
    .state-list-body {
        width: 100; max-width: 100%; height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    #state-search { margin-bottom: 1; }
    #state-items { height: 1fr; border: none; background: $panel; }
    #state-hint { color: $text-muted; height: auto; }
    """
    AUTO_FOCUS = "#state-items"
    HEADING = ""
    EMPTY = "Nothing here yet."
    LOADING = "Loading…"
    HINT = "Enter: open · /: search · j/k g/G: move · Esc/q: close"
    SEARCH_HINT = "/ search titles, specialties"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="state_list.search"),
    ]

    @dataclass
    class Loaded(Message):
        """Entries matching ``search`` arrived (``total`` of them match in all)."""

        search: str
        entries: list[Entry]
        total: int

    def __init__(self, state: UserState) -> None:
        super().__init__()
        self.state = state
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="state-list-body") as body:
            body.border_title = Content(self.HEADING)
            yield Input(placeholder=self.SEARCH_HINT, id="state-search")
            yield OptionList(
                Option(Content.styled(self.LOADING, "italic"), disabled=True), id="state-items"
            )
            yield Static(Content(self.HINT), classes="dialog-hint", id="state-hint")

    def on_mount(self) -> None:
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self._load(self.query_one("#state-search", Input).value)

    @work(thread=True, exclusive=True, group="state-list", exit_on_error=False)
    def _load(self, search: str) -> None:
        run_and_post(
            self,
            lambda: self.fetch(search.strip()),
            lambda found: self.Loaded(search, *found),
            "reading the list failed",
        )

    def fetch(self, search: str) -> tuple[list[Entry], int]:
        """The entries matching ``search`` (at most :data:`SHOWN_AT_MOST`) and how many match.
        Runs in a thread."""
        raise NotImplementedError

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        items = self.query_one("#state-items", OptionList)
        keep = items.highlighted
        self.entries = message.entries
        if message.entries:
            items.set_options(Option(entry.prompt) for entry in message.entries)
            items.highlighted = min(keep or 0, len(message.entries) - 1)
        else:
            words = "Nothing matches." if message.search.strip() else self.EMPTY
            items.set_options([Option(Content.styled(words, "italic"), disabled=True)])
        shown = len(message.entries)
        counted = (
            f"{message.total:,}" if shown == message.total else f"{shown:,} of {message.total:,}"
        )
        self.query_one(".state-list-body").border_subtitle = Content(counted)

    # -- choosing -----------------------------------------------------------------------------

    @on(Input.Changed, "#state-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    @on(Input.Submitted, "#state-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(self.query_one("#state-items"))  # now: the next keys are the list's

    @on(OptionList.OptionSelected, "#state-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.entries):
            self.close(self.entries[event.option_index].question_id)

    @property
    def current(self) -> Entry | None:
        """The highlighted entry, if any."""
        index = self.query_one("#state-items", OptionList).highlighted
        if index is None or index >= len(self.entries):
            return None
        return self.entries[index]

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#state-search"))  # now: the rest of a burst is typed

    def action_close(self) -> None:
        """Escape: leave the search field first, then close."""
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one("#state-items"))
            return
        super().action_close()
