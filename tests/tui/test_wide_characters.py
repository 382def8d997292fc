"""Wide (CJK) characters reach the terminal whole: what the frames the reader sends leave on a
terminal is what the screen holds, after the layout changes too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import Strip

from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from tests.tui.corpus_builder import record
from tests.tui.state_helpers import state_app

WIDE = (120, 40)
TITLES = [f"{'a' * n} 骨科{'耳鼻喉科甲乙丙丁戊己庚辛壬癸' * 4} question {n}" for n in range(10)]
"""Rows of wide characters at every offset: one of them straddles any edge a layout has."""


class Terminal:
    """The cells a terminal shows after the frames the app sent, as a terminal keeps them: a
    wide character takes two cells, and writing over either half blanks the other."""

    def __init__(self, width: int, height: int) -> None:
        self.cells = [[" "] * width for _ in range(height)]

    def _put(self, y: int, x: int, strip: Strip) -> None:
        row = self.cells[y]
        for segment in strip:
            for character in segment.text:
                width = cell_len(character)
                for cell in range(x, min(x + width, len(row))):
                    if row[cell] == "" and cell > 0:
                        row[cell - 1] = " "  # the right half of a wide one is overwritten
                    elif cell + 1 < len(row) and row[cell + 1] == "" and cell_len(row[cell]) == 2:
                        row[cell + 1] = " "  # its left half
                    row[cell] = ""
                if x < len(row):
                    row[x] = character
                x += width

    def apply(self, update: Any) -> None:
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self._put(y, x, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):  # as ChopsUpdate.render_segments writes it
            for y, x1, x2 in update.spans:
                ends = update.chop_ends[y]
                for end, (x, chop) in zip(ends, update.chops[y].items(), strict=True):
                    if chop is None or x > x2 or end <= x1:
                        continue
                    inside = x2 > x >= x1 and end <= x2
                    self._put(y, x, chop if inside else chop.crop(0, min(end, x2) - x))

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.cells]


def watch_terminal(app: QATuiApp) -> Terminal:
    terminal = Terminal(*app.size)
    display = app._display

    def shown(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            terminal.apply(renderable)
        display(screen, renderable)

    app._display = shown  # type: ignore[method-assign]
    return terminal


def screen_lines(app: QATuiApp) -> list[str]:
    """What the screen holds, whole (the compositor's full render)."""
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]


def wide_corpus(path: Path) -> Path:
    store = Store.open(path)
    with store.transaction():
        for n, title in enumerate(TITLES):
            store.upsert(record(title, "Otolaryngology", f"2020-01-{n + 10:02d}"))
    store.close()
    return path


async def test_zooming_the_list_leaves_every_wide_character_whole(tmp_path: Path) -> None:
    app = state_app(wide_corpus(tmp_path / "wide.db"), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        terminal = watch_terminal(app)
        await pilot.pause()
        for keys in (("2", "z"), ("z",), ("enter", "3", "z"), ("z",)):
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.2)
            assert terminal.lines() == screen_lines(app), keys


async def test_moving_between_panes_at_80x24_leaves_every_wide_character_whole(
    tmp_path: Path,
) -> None:
    app = state_app(wide_corpus(tmp_path / "wide.db"), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = watch_terminal(app)
        await pilot.pause()
        for key in ("2", "enter", "3", "4", "1", "2", "j", "enter", "t", "escape"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert terminal.lines() == screen_lines(app), key
