"""The specialty pane: "All" and every specialty with its count under the date filter."""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qatui.corpus.ingest.sanitize import clean_line
from qatui.tui.messages import SpecialtyChosen
from qatui.tui.text import fit

ALL = "All"


class SpecialtyNav(OptionList):
    """Choose a specialty to filter the question list; counts follow the date filter."""

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False, id="specialties.up"),
        Binding("j", "cursor_down", "Down", show=False, id="specialties.down"),
        Binding("g", "first", "First", show=False, id="specialties.first"),
        Binding("G", "last", "Last", show=False, id="specialties.last"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names: list[str | None] = []
        self.counts: list[tuple[str, int]] = []
        self.border_title = "Specialties"

    def show_counts(self, counts: list[tuple[str, int]], chosen: str | None) -> None:
        """Replace the options, keeping the chosen specialty highlighted."""
        self.counts = counts
        self.names = [None] + [name for name, _ in counts]
        self._lay_out(self.names.index(chosen) if chosen in self.names else 0)

    def select(self, name: str | None) -> None:
        """Highlight the specialty the list shows (None: All)."""
        if self.names:
            self.highlighted = self.names.index(name) if name in self.names else 0

    def _lay_out(self, highlighted: int | None) -> None:
        # Two cells spare for a scrollbar: a label one cell too wide would lose its last line.
        width = (self.scrollable_content_region.width or 26) - 2
        total = sum(count for _, count in self.counts)
        options = [Option(self._label(ALL, total, width), id="all")]
        options += [
            Option(self._label(clean_line(name), count, width), id=f"s{index}")
            for index, (name, count) in enumerate(self.counts)
        ]
        self.set_options(options)
        self.highlighted = highlighted

    def on_resize(self) -> None:
        if self.counts:
            self._lay_out(self.highlighted)

    @staticmethod
    def _label(name: str, count: int, width: int) -> Content:
        """``Oncology      2,237``: one line, the count at the right edge, a long name cut."""
        number = f"{count:,}"
        name = fit(name, max(1, width - len(number) - 1))
        gap = max(1, width - cell_len(name) - len(number))
        return Content.assemble(name + " " * gap, (number, "dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(SpecialtyChosen(self.names[event.option_index]))
