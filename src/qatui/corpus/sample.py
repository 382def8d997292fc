"""The bundled sample corpus: fictional pages shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from qatui.corpus.importer import ImportReport, import_paths
from qatui.corpus.store import Store


def sample_pages_dir() -> Path | None:
    """The folder of sample pages: package data when installed, ``data/pages`` in a checkout."""
    packaged = resources.files("qatui") / "sample_pages"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "data" / "pages"
    return checkout if checkout.is_dir() else None


def build_sample_database(path: Path) -> ImportReport:
    """Create ``path`` and import the sample pages into it."""
    pages = sample_pages_dir()
    if pages is None:
        raise FileNotFoundError("the sample pages are missing from this installation")
    store = Store.open(path)
    try:
        return import_paths(store, [str(pages)])
    finally:
        store.close()
