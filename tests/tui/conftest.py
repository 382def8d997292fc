"""Fixtures for the reader: a small corpus database and a helper that waits for workers."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from tests.tui.corpus_builder import build_reader_corpus
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed


@pytest.fixture
def reader_db(tmp_path: Path) -> Path:
    return build_reader_corpus(tmp_path / "reader.db")


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let every worker finish (or be cancelled) and its messages be handled."""
    for _ in range(rounds):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()
