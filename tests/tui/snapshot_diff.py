"""A failed snapshot's difference as text rows: CI shows a run's output, not its HTML report."""

from __future__ import annotations

import difflib
import html
import pickle
import re
from collections import defaultdict

import pytest
from pytest_textual_snapshot import node_to_report_path

TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>')


def screen_rows(svg: str) -> list[str]:
    """The text of a Textual SVG screenshot, one string per terminal row."""
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for x, y, text in TEXT.findall(svg):
        rows[float(y)].append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(text for _, text in sorted(row)) for _, row in sorted(rows.items())]


def snapshot_differences(node: pytest.Item) -> str:
    """The rows that differ between the snapshot on disk and the screen the test took."""
    data = pickle.loads(node_to_report_path(node).read_bytes())
    expected, actual = data[1], data[2]
    lines = difflib.unified_diff(
        screen_rows(expected), screen_rows(actual), "snapshot", "screen", lineterm="", n=0
    )
    return "the screen differs from the snapshot:\n" + "\n".join(lines)
