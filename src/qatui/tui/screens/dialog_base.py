"""What every dialog of the reader shares: the same keys, and closing once.

Escape and ``q`` close (``q`` types a letter while a text field has focus); ``j``/``k`` move down
and up, ``g``/``G`` to the first and the last entry, Space a page down, in whatever list, chart or
text has focus; Enter opens (each list's own binding). A dialog closes once: keys that were
already on their way when it closed do nothing in it.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import OptionList

ResultT = TypeVar("ResultT")

MOVES: dict[str, tuple[str, str, str]] = {
    # where: (OptionList action, scrolling container action, chart action)
    "up": ("cursor_up", "scroll_up", "move(-1)"),
    "down": ("cursor_down", "scroll_down", "move(1)"),
    "first": ("first", "scroll_home", "move_to(0)"),
    "last": ("last", "scroll_end", "move_to(-1)"),
    "page": ("page_down", "page_down", "move(1)"),
}
"""What each move key does in the kind of widget that has focus."""


def move_action(widget: Widget, where: str) -> str | None:
    """The action of ``widget`` that moves ``where`` (None: it does not move)."""
    in_list, in_scroll, in_chart = MOVES[where]
    if isinstance(widget, OptionList):
        return in_list
    if isinstance(widget, ScrollableContainer):
        return in_scroll
    if hasattr(widget, "action_move_to"):
        return in_chart
    return None


class Dialog(ModalScreen[ResultT]):
    """A modal screen with the reader's dialog keys. :meth:`close` gives the result once."""

    CLOSED_RESULT: ClassVar[object] = None
    """What closing with Escape or ``q`` answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", show=False, id="dialog.close"),
        Binding("j", "move('down')", "Down", show=False, id="dialog.down"),
        Binding("k", "move('up')", "Up", show=False, id="dialog.up"),
        Binding("g", "move('first')", "First", show=False, id="dialog.first"),
        Binding("G", "move('last')", "Last", show=False, id="dialog.last"),
        Binding("space", "move('page')", "Page down", show=False, id="dialog.page"),
    ]

    closing = False
    """Set once the dialog has given its result: later keys and clicks do nothing."""

    def close(self, result: ResultT) -> None:
        """Close with ``result``, once."""
        if self.closing:
            return
        self.closing = True
        self.dismiss(result)

    def action_close(self) -> None:
        """Escape or ``q``."""
        self.close(self.CLOSED_RESULT)  # type: ignore[arg-type]

    async def action_move(self, where: str) -> None:
        """Move in the focused list, chart or text."""
        focused = self.focused
        action = move_action(focused, where) if focused is not None else None
        if focused is not None and action is not None and not self.closing:
            await focused.run_action(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing runs in a dialog that is closing."""
        return not self.closing
