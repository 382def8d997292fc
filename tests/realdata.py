"""Where the real-data samples are (``shared/realdata`` beside the project, or /work/shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = (REPO_ROOT.parent / "shared" / "realdata", Path("/work/shared/realdata"))


def realdata_dir() -> Path:
    """The samples folder; skips the test, saying where it looked, when there is none."""
    for candidate in CANDIDATES:
        if (candidate / "README.md").is_file():
            return candidate
    pytest.skip(f"no real-data samples in {' or '.join(str(c) for c in CANDIDATES)}")
