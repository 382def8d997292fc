"""SVG snapshot tests of the reader's main screens (the same scenes as ``qatui screenshots``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qatui.tui.scenes import SCENES, Scene
from qatui.tui.startup import make_app
from tests.tui.snapshot_diff import snapshot_differences


@pytest.mark.parametrize("scene", SCENES, ids=[scene.name for scene in SCENES])
def test_main_screens(
    scene: Scene, sample_db: Path, snap_compare: Any, request: pytest.FixtureRequest
) -> None:
    app = make_app(sample_db)
    matched = snap_compare(app, terminal_size=scene.size, run_before=scene.reach)
    assert matched, snapshot_differences(request.node)
