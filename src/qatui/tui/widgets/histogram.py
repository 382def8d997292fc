"""A bar chart of questions per period, drawn with block characters; a bar can be chosen.

Left/Right (h/l) move between bars, Enter or a click chooses one. When the bars do not all
fit, the chart scrolls to keep the highlighted one in view.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
"""Bar tops in eighths of a cell: BLOCKS[n] fills n eighths."""
MAX_BAR_WIDTH = 6


def bar_width(bars: int, width: int) -> int:
    """Cells per bar: as wide as fits (a gap column from 3 cells up), at least one."""
    return max(1, min(MAX_BAR_WIDTH, width // max(1, bars)))


def bar_eighths(count: int, largest: int, rows: int) -> int:
    """The height of a bar in eighths of a cell; a non-zero count shows at least one."""
    if count <= 0 or largest <= 0:
        return 0
    return max(1, round(count / largest * rows * 8))


def bar_cell(eighths: int, row_from_bottom: int) -> str:
    """The character of one cell of a bar ``eighths`` high, ``row_from_bottom`` rows up."""
    return BLOCKS[max(0, min(8, eighths - row_from_bottom * 8))]


def axis_labels(keys: list[str], width: int, first_visible: int, visible: int) -> str:
    """A line with period labels under their bars, where they fit without touching."""
    line = [" "] * (visible * width)
    free_from = 0
    for slot in range(visible):
        index = first_visible + slot
        if index >= len(keys):
            break
        key = keys[index]
        # Months: the year at January (and the first bar), the month number between when bars
        # are wide enough; years: every one that fits.
        if len(key) == 7:
            if key[5:] == "01" or index == first_visible:
                key = key[:4]
            elif width >= 3:
                key = key[5:]
            else:
                continue
        start = slot * width
        if start < free_from or start + len(key) > len(line):
            continue
        line[start : start + len(key)] = key
        free_from = start + len(key) + 1
    return "".join(line)


class Histogram(Widget, can_focus=True):
    """Bars for ``(period, count)`` pairs, oldest first. The highlighted bar has the text's
    colour, not a second accent: a style such as bold shows nothing on a full block, and some
    themes give the accent and the warning colours the same value."""

    COMPONENT_CLASSES = {"histogram--bar", "histogram--cursor", "histogram--axis"}
    DEFAULT_CSS = """
    Histogram {
        height: 12;
        & > .histogram--bar { color: $accent; }
        & > .histogram--cursor { color: $foreground; }
        & > .histogram--axis { color: $text-muted; }
    }
    Histogram:blur > .histogram--cursor { color: $foreground 70%; }
    """
    BINDINGS = [
        Binding("left,h", "move(-1)", "Previous bar", show=False, id="histogram.left"),
        Binding("right,l", "move(1)", "Next bar", show=False, id="histogram.right"),
        Binding("home", "move_to(0)", "First bar", show=False, id="histogram.first"),
        Binding("end", "move_to(-1)", "Last bar", show=False, id="histogram.last"),
        Binding("enter", "choose", "Show only this period", id="histogram.choose"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Highlighted(Message):
        """The highlighted bar changed."""

        period: str
        count: int

    @dataclass
    class Chosen(Message):
        """A bar was chosen (Enter or a click)."""

        period: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars: list[tuple[str, int]] = []

    def show(self, bars: list[tuple[str, int]], highlight: int | None = None) -> None:
        """Draw these bars, highlighting ``highlight`` (the last bar by default)."""
        self.bars = bars
        self.cursor = len(bars) - 1 if highlight is None else highlight
        self.refresh()
        self._announce()

    # -- geometry ----------------------------------------------------------------------------

    @property
    def _bar_width(self) -> int:
        return bar_width(len(self.bars), self.content_region.width)

    @property
    def _visible(self) -> int:
        return max(1, self.content_region.width // self._bar_width)

    @property
    def _first_visible(self) -> int:
        visible = self._visible
        if len(self.bars) <= visible:
            return 0
        return max(0, min(self.cursor - visible // 2, len(self.bars) - visible))

    def bar_at(self, x: int) -> int | None:
        """The index of the bar drawn at content column ``x``."""
        index = self._first_visible + x // self._bar_width
        return index if 0 <= index < len(self.bars) else None

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        base = self.rich_style
        rows = max(1, self.content_region.height - 1)
        if not self.bars:
            return Strip.blank(width, base)
        bar_w = self._bar_width
        first = self._first_visible
        visible = min(self._visible, len(self.bars) - first)
        if y == rows:
            axis = self.get_component_rich_style("histogram--axis")
            keys = [key for key, _ in self.bars]
            text = axis_labels(keys, bar_w, first, visible)
            return Strip([Segment(text, base + axis)]).adjust_cell_length(width, base)
        largest = max(count for _, count in self.bars)
        bar_style = base + self.get_component_rich_style("histogram--bar")
        cursor_style = base + self.get_component_rich_style("histogram--cursor")
        filled = bar_w - 1 if bar_w >= 3 else bar_w
        segments: list[Segment] = []
        for slot in range(visible):
            index = first + slot
            eighths = bar_eighths(self.bars[index][1], largest, rows)
            cell = bar_cell(eighths, rows - 1 - y)
            style: Style = cursor_style if index == self.cursor else bar_style
            segments.append(Segment(cell * filled, style))
            if filled < bar_w:
                segments.append(Segment(" ", base))
        return Strip(segments).adjust_cell_length(width, base)

    # -- moving and choosing -----------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.bars) - 1))

    def watch_cursor(self) -> None:
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        if self.bars:
            period, count = self.bars[self.cursor]
            self.post_message(self.Highlighted(period, count))

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_move_to(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self.bars) - 1

    def action_choose(self) -> None:
        if self.bars:
            self.post_message(self.Chosen(self.bars[self.cursor][0]))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.bar_at(offset.x)
        if index is not None:
            self.cursor = index
            self.action_choose()
