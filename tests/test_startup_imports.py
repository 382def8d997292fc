"""Start-up cost: the reader does not import what it does not need to show the first rows."""

from __future__ import annotations

import subprocess
import sys

import pytest

NOT_AT_START = ("sqlite_utils",)
"""Modules the reader's start never needs (sqlite_utils alone took ~200 ms of imports)."""


@pytest.mark.parametrize("module", ["qatui.corpus.store.read_pool", "qatui.cli", "qatui.tui.app"])
def test_starting_imports_no_heavy_optional_module(module: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", f"import sys, {module}; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not [name for name in loaded if name.split(".")[0] in NOT_AT_START]
