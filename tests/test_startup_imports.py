"""Start-up cost: the reader does not import what it does not need to show the first rows, and
the command line imports each command's heavy parts only when that command runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store

NOT_AT_START = ("sqlite_utils",)
"""Modules the reader's start never needs (sqlite_utils alone took ~200 ms of imports)."""

NOT_FOR_THE_COMMAND_LINE = ("textual", "sqlite_utils", "ftfy", "qatui.synthetic")
"""What ``import qatui.cli`` never loads: the reader, the importer's helpers, the generator."""

NOT_FOR_SEARCH = (*NOT_FOR_THE_COMMAND_LINE, "qatui.corpus.ingest.mapping", "rich.progress")
"""What ``qatui search --json`` never loads: it reads, it does not import or draw."""


def loaded_modules(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    printed = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return printed.splitlines()[-1].split()


def among(loaded: list[str], packages: tuple[str, ...]) -> list[str]:
    """The loaded modules that are one of ``packages`` or inside one."""
    return [name for name in loaded if any(name == p or name.startswith(p + ".") for p in packages)]


@pytest.mark.parametrize("module", ["qatui.corpus.store.read_pool", "qatui.cli", "qatui.tui.app"])
def test_starting_imports_no_heavy_optional_module(module: str) -> None:
    loaded = loaded_modules(f"import {module}")
    assert not [name for name in loaded if name.split(".")[0] in NOT_AT_START]


def test_importing_the_command_line_loads_no_reader_importer_or_generator() -> None:
    loaded = loaded_modules("import qatui.cli")
    assert "qatui.cli.search" in loaded  # the check sees the command modules themselves
    assert among(loaded, NOT_FOR_THE_COMMAND_LINE) == []


def test_search_as_json_loads_only_what_reading_needs(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    with store.transaction():
        store.upsert(Record(id=1, title="Sciatica", specialty="Neurology", question="leg pain"))
    store.close()
    run = f"import qatui.cli\nqatui.cli.main(['search', '--db', {str(path)!r}, 'pain', '--json'])"
    loaded = loaded_modules(run)
    assert "qatui.corpus.listing" in loaded  # it did search
    assert among(loaded, NOT_FOR_SEARCH) == []
