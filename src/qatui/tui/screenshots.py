"""``qatui screenshots``: SVG pictures of the reader's main states, taken from the app itself."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from qatui.corpus.ingest.sample import build_sample_database
from qatui.tui.scenes import SCENES, Scene
from qatui.tui.startup import make_app


async def _take(scene: Scene, db: Path, folder: Path) -> Path:
    # A fresh reading state per scene: the user's own read marks never show in a screenshot.
    app = make_app(db, state_path=db.with_name(f"{scene.name}-state.db"))
    async with app.run_test(size=scene.size) as pilot:
        await scene.reach(pilot)
        filename = f"{scene.name}.svg"
        app.save_screenshot(filename=filename, path=str(folder))
    app.corpus.close()
    app.state.close()
    return folder / filename


def take_screenshots(folder: Path) -> list[Path]:
    """Write one SVG per scene into ``folder`` from a fresh copy of the sample corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "sample.db"
        build_sample_database(db)
        return [asyncio.run(_take(scene, db, folder)) for scene in SCENES]
