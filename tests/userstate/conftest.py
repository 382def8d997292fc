"""Fixtures for the user-state tests: a state database in tmp_path with a clock the test drives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from qatui.userstate import STATE_DB_ENV, UserState

START = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


class SteppingClock:
    """Each reading is one minute after the previous one."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture(autouse=True)
def no_state_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_DB_ENV, raising=False)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "state.db"


@pytest.fixture
def state(state_path: Path, clock: SteppingClock) -> Iterator[UserState]:
    opened = UserState.open(state_path, clock=clock)
    yield opened
    opened.close()
