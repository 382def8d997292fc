"""The specialty pane: "All" and every specialty with its count under the date filter."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qatui.corpus.sanitize import clean_line
from qatui.tui.messages import SpecialtyChosen

ALL = "All"


class SpecialtyNav(OptionList):
    """Choose a specialty to filter the question list; counts follow the date filter."""

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False, id="specialties.up"),
        Binding("j", "cursor_down", "Down", show=False, id="specialties.down"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names: list[str | None] = []
        self.border_title = "Specialties"

    def show_counts(self, counts: list[tuple[str, int]], chosen: str | None) -> None:
        """Replace the options, keeping the chosen specialty highlighted."""
        total = sum(count for _, count in counts)
        width = max(len(f"{count:,}") for count in [total, *(count for _, count in counts)])
        self.names = [None] + [name for name, _ in counts]
        options = [Option(self._label(ALL, total, width), id="all")]
        options += [
            Option(self._label(clean_line(name), count, width), id=f"s{index}")
            for index, (name, count) in enumerate(counts)
        ]
        self.set_options(options)
        self.highlighted = self.names.index(chosen) if chosen in self.names else 0

    @staticmethod
    def _label(name: str, count: int, width: int) -> Content:
        return Content.assemble((f"{count:>{width},} ", "dim"), name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(SpecialtyChosen(self.names[event.option_index]))
