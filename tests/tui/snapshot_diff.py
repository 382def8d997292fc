"""A failed snapshot's difference as text rows: CI shows a run's output, not its HTML report."""

from __future__ import annotations

import difflib
import html
import pickle
import re
from collections import defaultdict

import pytest
from pytest_textual_snapshot import node_to_report_path
from rich.cells import cell_len

TEXT = re.compile(
    r'<text class="([^"]*)" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>(.*?)</text>'
)
CLASS_STYLE = re.compile(r"\.([\w-]+) \{ ([^}]*)\}")


def _pieces(svg: str) -> dict[float, list[tuple[int, str, str]]]:
    """Each row's pieces of text: (cell, text, style), the SVG's runs of blank cells left out."""
    styles = dict(CLASS_STYLE.findall(svg))
    rows: dict[float, list[tuple[int, str, str]]] = defaultdict(list)
    cell_width = 0.0
    for css_class, x, y, length, markup in TEXT.findall(svg):
        text = html.unescape(markup).replace("\xa0", " ")
        cell_width = cell_width or float(length) / max(1, cell_len(text))
        style = styles.get(css_class, css_class).strip()
        rows[float(y)].append((round(float(x) / cell_width), text, style))
    return rows


def screen_rows(svg: str) -> list[str]:
    """The text of a Textual SVG screenshot, one string per terminal row, each piece at its
    cell."""
    lines = []
    for _, row in sorted(_pieces(svg).items()):
        line = ""
        for cell, text, _ in sorted(row):
            line += " " * max(0, cell - cell_len(line)) + text
        lines.append(line)
    return lines


def styled_rows(svg: str) -> list[str]:
    """Each row as its pieces of text with their styles, for a difference in colour only."""
    return [
        " | ".join(f"{cell}:{text.strip()!r} {style}" for cell, text, style in sorted(row))
        for _, row in sorted(_pieces(svg).items())
    ]


def snapshot_differences(node: pytest.Item) -> str:
    """The rows that differ between the snapshot on disk and the screen the test took."""
    data = pickle.loads(node_to_report_path(node).read_bytes())
    expected, actual = data[1], data[2]
    for rows, what in ((screen_rows, "text"), (styled_rows, "colours or styles")):
        lines = list(
            difflib.unified_diff(
                rows(expected), rows(actual), "snapshot", "screen", lineterm="", n=0
            )
        )
        if lines:
            return f"the screen's {what} differ from the snapshot's:\n" + "\n".join(lines[:40])
    return "the SVGs differ in something other than their text and styles"
