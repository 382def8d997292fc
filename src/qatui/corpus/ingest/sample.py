"""The bundled sample corpus: fictional pages shipped with the package."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from qatui.corpus.ingest.importer import ImportReport, import_paths
from qatui.corpus.store.writer import Store


def sample_pages_dir() -> Path | None:
    """The folder of sample pages: package data when installed, ``data/pages`` in a checkout."""
    packaged = resources.files("qatui") / "sample_pages"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[4] / "data" / "pages"
    return checkout if checkout.is_dir() else None


def build_sample_database(path: Path) -> ImportReport:
    """Create ``path`` and import the sample pages into it.

    All or nothing: the database is built beside ``path`` and renamed into place at the end, so
    an interrupted first start leaves no half-built sample that would never be rebuilt.
    """
    pages = sample_pages_dir()
    if pages is None:
        raise FileNotFoundError("the sample pages are missing from this installation")
    building = path.with_name(path.name + ".building")
    for leftover in _database_files(building):
        leftover.unlink(missing_ok=True)
    store = Store.open(building)
    try:
        report = import_paths(store, [str(pages)])
        store.conn.execute("PRAGMA journal_mode = DELETE")  # fold the WAL into the one file
    except BaseException:
        store.close()
        for leftover in _database_files(building):
            leftover.unlink(missing_ok=True)
        raise
    store.close()
    os.replace(building, path)
    return report


def _database_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
