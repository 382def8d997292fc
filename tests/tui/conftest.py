"""Fixtures for the reader: small corpus databases built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from qatui.corpus.ingest.sample import build_sample_database
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.waiting import MessageLog


@pytest.fixture
def reader_db(tmp_path: Path) -> Path:
    return build_reader_corpus(tmp_path / "reader.db")


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """The bundled sample corpus, imported into a fresh database named like the real one."""
    path = tmp_path / "corpus.db"
    build_sample_database(path)
    return path


@pytest.fixture
def message_log() -> MessageLog:
    """Records the messages of an app run with ``run_test(message_hook=message_log.record)``."""
    return MessageLog()
