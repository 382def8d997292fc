"""Generic fixtures: small databases in tmp_path, the shared seed page, isolated user folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs
import pytest

from qatui.corpus.store.writer import Store

pytest_plugins = ["tests.hostile_plugin"]  # the hostile_cases fixture and its summary line

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT.parent / "shared" / "seed"
SAMPLE_PAGES_DIR = REPO_ROOT / "data" / "pages"
REALDATA_DIRS = (REPO_ROOT.parent / "shared" / "realdata", Path("/work/shared/realdata"))

StoreFactory = Callable[..., Store]


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """Open stores in ``tmp_path``: ``make_store()`` or ``make_store("other.db")``."""
    opened: list[Store] = []

    def make(name: str = "corpus.db") -> Store:
        store = Store.open(tmp_path / name)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def seed_dir() -> Path:
    """The shared seed folder (one real page and its expected record); skips when absent."""
    if not SEED_DIR.is_dir():
        pytest.skip(f"no seed folder at {SEED_DIR}")
    return SEED_DIR


@pytest.fixture
def realdata_dir() -> Path:
    """The shared samples of real scraped data (../shared/realdata); skips when absent."""
    for folder in REALDATA_DIRS:
        if folder.is_dir():
            return folder
    pytest.skip(f"no real-data samples in {' or '.join(map(str, REALDATA_DIRS))}")


@pytest.fixture
def sample_pages_dir() -> Path:
    """The repository's sample pages; skips when there are none yet."""
    if not SAMPLE_PAGES_DIR.is_dir() or not any(SAMPLE_PAGES_DIR.glob("*.txt")):
        pytest.skip(f"no sample pages in {SAMPLE_PAGES_DIR}")
    return SAMPLE_PAGES_DIR


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a temporary home and no QATUI_DB: no test touches the real user data."""
    home = tmp_path / "home"
    monkeypatch.delenv("QATUI_DB", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(home / "data" / "qatui"))
    monkeypatch.setattr(
        platformdirs, "user_config_dir", lambda *a, **k: str(home / "config" / "qatui")
    )
    return home
