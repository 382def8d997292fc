"""The help screen: every binding of the app and of each pane, with its description."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.widgets import Static

from qatui.tui.screens.dialog_base import Dialog

DISCLAIMER = (
    "qatui shows a corpus of Q&A pages scraped from a consultation site. It is not medical advice."
)


def key_label(keys: str) -> str:
    """``pagedown,space`` -> ``PgDn / Space``; ``question_mark`` -> ``?``."""
    labels = []
    for key in keys.split(","):
        shown = format_key(key)
        if len(shown) > 1 and shown != "⏎":
            shown = "+".join(
                part.capitalize() if len(part) > 1 else part for part in shown.split("+")
            )
        labels.append("Enter" if shown == "⏎" else shown)
    return " / ".join(labels)


def binding_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, description) for each binding, with the keys the config's ``keymap`` gave it;
    the binding id follows, for remapping in config."""
    rows = []
    keymap = keymap or {}
    for binding in bindings:
        if isinstance(binding, Binding):
            described = binding.description or binding.action
            keys = keymap.get(binding.id or "", binding.key)
            rows.append((key_label(keys), f"{described}\t{binding.id or ''}"))
        elif isinstance(binding, tuple):
            rows.append((key_label(binding[0]), binding[2] if len(binding) > 2 else binding[1]))
    return rows


def _row(key: str, text: str, width: int, described_width: int) -> Content:
    description, _, binding_id = text.partition("\t")
    return Content.assemble(
        (key.ljust(width + 2), "bold $accent"),
        description.ljust(described_width + 2) if binding_id else description,
        (binding_id, "dim"),
    )


class HelpScreen(Dialog[None]):
    """A modal list of bindings, grouped by where they work; it scrolls with the dialog keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "close", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            # Two short lines rather than one the border cuts at 80 columns.
            body.border_title = Content("Keys (Esc/q: close · j/k/Space/g/G: scroll)")
            body.border_subtitle = Content("dim: the id to remap a key in config.toml")
            for title, rows in self.sections:
                yield Static(Content.styled(title, "bold"), classes="help-title")
                width = max((len(key) for key, _ in rows), default=0)
                described = max((len(text.partition("\t")[0]) for _, text in rows), default=0)
                lines = [_row(key, text, width, described) for key, text in rows]
                yield Static(Content("\n").join(lines), classes="help-rows")
            yield Static(Content.styled(DISCLAIMER, "italic"), classes="help-title")
