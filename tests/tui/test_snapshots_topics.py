"""SVG snapshots of the topic index (T) over the sample corpus, at 120x40 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qatui.tui.scenes import Scene
from qatui.tui.startup import make_app
from tests.tui.snapshot_diff import snapshot_differences

TOPIC_SCENES = (
    Scene("topics", "The topic index: every Related FAQ topic and its pages", ("T",)),
    Scene("topics-narrow", "The topic index at 80x24", ("T",), (80, 24)),
    Scene("topics-search", "The topic index narrowed by typing", ("T", "slash", *"pain")),
)


@pytest.mark.parametrize("scene", TOPIC_SCENES, ids=[scene.name for scene in TOPIC_SCENES])
def test_topic_index(
    scene: Scene, sample_db: Path, snap_compare: Any, request: pytest.FixtureRequest
) -> None:
    app = make_app(sample_db)
    matched = snap_compare(app, terminal_size=scene.size, run_before=scene.reach)
    assert matched, snapshot_differences(request.node)
