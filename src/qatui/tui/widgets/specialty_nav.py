"""The specialty pane: "All" and every specialty with its count under the date filter."""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qatui.corpus.ingest.sanitize import clean_line
from qatui.tui.messages import SpecialtyChosen
from qatui.tui.text import fit

ALL = "All"
APPLIED_MARK = "●"
"""Marks the specialty the question list shows (the highlight may be elsewhere)."""
MAX_WIDTH = 36
LOADING = "loading…"


class SpecialtyNav(OptionList):
    """Choose a specialty to filter the question list; counts follow the date filter."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False, id="specialties.up"),
        Binding("j", "cursor_down", "Down", show=False, id="specialties.down"),
        Binding("g", "first", "First", show=False, id="specialties.first"),
        Binding("G", "last", "Last", show=False, id="specialties.last"),
        Binding("space", "page_down", "Page down", show=False, id="specialties.page_down"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names: list[str | None] = []
        self.counts: list[tuple[str, int]] = []
        self.applied: str | None = None
        self.border_title = "Specialties"

    def on_mount(self) -> None:
        if not self.names:  # the counts are on their way
            self.set_options([Option(Content.styled(LOADING, "dim italic"), disabled=True)])

    def show_counts(self, counts: list[tuple[str, int]], chosen: str | None) -> None:
        """Replace the options, keeping the chosen specialty highlighted."""
        self.counts = counts
        self.names = [None] + [name for name, _ in counts]
        self.applied = chosen if chosen in self.names else None
        self._lay_out(self.names.index(self.applied))
        if self.styles.auto_dimensions:  # an auto-width pane follows its longest name
            self.refresh(layout=True)  # (a pane of a set size only repaints its lines)

    def select(self, name: str | None) -> None:
        """Mark and highlight the specialty the list shows (None: All)."""
        if not self.names:
            return
        applied = name if name in self.names else None
        if applied != self.applied:
            self.applied = applied
            self._lay_out(self.names.index(applied))
        else:
            self.highlighted = self.names.index(applied)

    def on_blur(self) -> None:
        """Leaving the pane puts the highlight back on the specialty the list shows."""
        if self.names:
            self.highlighted = self.names.index(self.applied)

    def _lay_out(self, highlighted: int | None) -> None:
        # Two cells spare for a scrollbar: a label one cell too wide would lose its last line.
        width = (self.scrollable_content_region.width or 26) - 2
        total = sum(count for _, count in self.counts)
        rows = [(ALL, total, self.applied is None)]
        rows += [(clean_line(name), count, name == self.applied) for name, count in self.counts]
        options = [
            Option(self._label(name, count, width, applied=applied), id=f"s{index}")
            for index, (name, count, applied) in enumerate(rows)
        ]
        self.set_options(options)
        self.highlighted = highlighted

    def on_resize(self) -> None:
        if self.counts:
            self._lay_out(self.highlighted)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the longest name and count (for a pane of ``width: auto``)."""
        total = sum(count for _, count in self.counts)
        widest = max(
            [cell_len(ALL) + len(f"{total:,}")]
            + [cell_len(clean_line(name)) + len(f"{count:,}") for name, count in self.counts]
        )
        return min(MAX_WIDTH, widest + 2 + 1 + 2)  # the mark, a gap, the scrollbar

    @staticmethod
    def _label(name: str, count: int, width: int, *, applied: bool) -> Content:
        """``● Oncology      2,237``: one line, the count at the right edge, a long name cut,
        the applied specialty marked."""
        number = f"{count:,}"
        mark = (APPLIED_MARK, "bold") if applied else " "
        name = fit(name, max(1, width - len(number) - 3))
        gap = max(1, width - 2 - cell_len(name) - len(number))
        return Content.assemble(mark, " ", name + " " * gap, (number, "dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(SpecialtyChosen(self.names[event.option_index]))
