"""Small modal questions: a bookmark's note, and "are you sure?"."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.text import one_line

DIALOG_CSS = """
.dialog {
    width: 72; max-width: 100%; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
}
.dialog-title { margin: 1 0; }
.dialog-hint { color: $text-muted; margin-top: 1; }
.dialog Input { margin: 0; }
.dialog-buttons { height: auto; margin-top: 1; }
.dialog-buttons Button { margin-right: 2; }
"""


class SubmitOnceInput(Input):
    """A text field that takes its value at the Enter key itself and then takes no more keys:
    letters typed right after Enter never join the text."""

    submitted = False

    async def _on_key(self, event: events.Key) -> None:
        if self.submitted:
            event.stop()
            event.prevent_default()
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submitted = True
            self.post_message(self.Submitted(self, self.value))
            return
        await super()._on_key(event)


class NoteScreen(Dialog[str | None]):
    """Ask for a bookmark's note (may be empty); Enter saves, Escape cancels (None).
    ``q`` and the move keys type letters here: the note field has the focus."""

    DEFAULT_CSS = "NoteScreen { align: center middle; }" + DIALOG_CSS

    def __init__(self, title: str, note: str = "", *, heading: str = "Bookmark") -> None:
        super().__init__()
        self.question_title = title
        self.note = note
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as body:
            body.border_title = Content(self.heading)
            yield Static(one_line(self.question_title, "bold"), classes="dialog-title")
            yield SubmitOnceInput(
                self.note,
                placeholder="a note (optional)",
                id="note-input",
                max_length=2000,
            )
            yield Static(Content("Enter: save · Esc: cancel"), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        """A letter that reaches the dialog itself, typed before the note field had the focus
        (right after ``m``), joins the note instead of being lost or run as a key of the dialog.
        The field keeps every letter typed into it from reaching here."""
        if self.closing or not event.is_printable:
            return
        event.stop()
        event.prevent_default()
        self.query_one("#note-input", SubmitOnceInput).insert_text_at_cursor(event.character or "")

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close(event.value.strip())


class ConfirmScreen(Dialog[bool]):
    """A yes/no question; only an explicit yes (y or the button) confirms; Escape, q and n
    say no."""

    DEFAULT_CSS = "ConfirmScreen { align: center middle; }" + DIALOG_CSS

    AUTO_FOCUS = "#confirm-no"
    CLOSED_RESULT = False
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str | Content, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            question = self.question
            shown = question if isinstance(question, Content) else Content(question)
            yield Static(shown, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.yes} (y)"), variant="error", id="confirm-yes")
                yield Button(Content("No (n)"), id="confirm-no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.close(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.close(yes)
