"""The export screen: choose what to export (question, bookmarks, list) and the format."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qatui.corpus.ingest.sanitize import clean_line
from qatui.tui.export_files import ExportRequest, Format, What
from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.screens.dialogs import DIALOG_CSS
from qatui.tui.text import one_line

FORMATS: tuple[tuple[Format, str], ...] = (("markdown", "Markdown"), ("json", "JSON"))


class ExportScreen(Dialog[ExportRequest | None]):
    """A list of exports; Enter chooses one, Escape or q cancels."""

    DEFAULT_CSS = (
        "ExportScreen { align: center middle; }\n"
        "ExportScreen .dialog { width: 96; }\n"
        "#export-choices { height: auto; max-height: 12; border: none; margin-top: 1; }"
        + DIALOG_CSS
    )

    AUTO_FOCUS = "#export-choices"

    def __init__(self, folder: Path, question_title: str | None, list_words: str) -> None:
        super().__init__()
        self.folder = folder
        self.question_title = question_title
        self.list_words = list_words
        self.requests: list[ExportRequest] = []

    def _choices(self) -> list[tuple[What, Content]]:
        choices: list[tuple[What, Content]] = []
        if self.question_title is not None:
            choices.append(
                ("question", Content.assemble("This question: ", one_line(self.question_title)))
            )
        choices.append(("bookmarks", Content("Your bookmarks")))
        choices.append(("list", Content.assemble("The list: ", one_line(self.list_words))))
        return choices

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for what, label in self._choices():
            for fmt, name in FORMATS:
                self.requests.append(ExportRequest(what, fmt))
                options.append(Option(Content.assemble(label, (f"  as {name}", "dim"))))
        with Vertical(classes="dialog export-body") as body:
            body.border_title = Content("Export")
            yield OptionList(*options, id="export-choices")
            yield Static(
                Content.assemble(
                    ("Into ", "dim"),
                    clean_line(str(self.folder)),
                    ("  ·  Enter: export · Esc/q: cancel", "dim"),
                ),
                classes="dialog-hint",
            )

    @on(OptionList.OptionSelected, "#export-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.close(self.requests[event.option_index])
