"""Changing a line-drawn list's scrollable height without laying out the screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_height(view: ScrollView, height: int) -> None:
    """Make ``view``'s scrollable height ``height`` lines: a repaint, not a layout of the
    screen (the view's own size never depends on it), unless the scrollbar appears or goes."""
    size = Size(0, height)
    if size == view.virtual_size:
        return
    needs_bar = size.height > view.container_size.height
    if needs_bar != view.show_vertical_scrollbar or not view.container_size:
        view.virtual_size = size  # a layout: the scrollbar takes or gives back a column
        return
    view.set_reactive(ScrollView.virtual_size, size)
    if needs_bar:
        bar = view.vertical_scrollbar
        bar.window_virtual_size = size.height
        bar.window_size = view.container_size.height
    view.scroll_y = view.validate_scroll_y(view.scroll_y)
    view.refresh()
