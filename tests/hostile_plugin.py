"""Counts the hostile cases the suite ran and reports them in the terminal summary.

A test counts its cases with the ``hostile_cases`` fixture (``hostile_cases.add()`` per hostile
input it feeds through, or ``for text in hostile_cases.each(HOSTILE.values())``). A test marked
``@pytest.mark.hostile`` that does not use the fixture counts as one case. Tests that were skipped
count nothing; cases in failed tests are counted and the failures named in the summary line.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest

Item = TypeVar("Item")


@dataclass
class HostileTally:
    """What the session ran: hostile cases, the tests that ran them, how many of those failed."""

    cases: int = 0
    tests: int = 0
    failed_tests: int = 0


class HostileCases:
    """One test's count of hostile cases."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, cases: int = 1) -> None:
        self.count += cases

    def each(self, items: Iterable[Item]) -> Iterator[Item]:
        """Yield ``items``, counting each one as a case."""
        for item in items:
            self.count += 1
            yield item


TALLY = pytest.StashKey[HostileTally]()
COUNTER = pytest.StashKey[HostileCases]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hostile: the test feeds hostile text or files (counted in the summary)"
    )
    config.stash[TALLY] = HostileTally()


@pytest.fixture
def hostile_cases(request: pytest.FixtureRequest) -> HostileCases:
    """Count the hostile cases this test runs (they add up in the terminal summary)."""
    counter = HostileCases()
    request.node.stash[COUNTER] = counter
    return counter


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.when == "call" and not report.skipped:
        counter = item.stash.get(COUNTER, None)
        marked = item.get_closest_marker("hostile") is not None
        cases = counter.count if counter is not None else int(marked)
        if cases or marked:
            tally = item.config.stash[TALLY]
            tally.cases += cases
            tally.tests += 1
            tally.failed_tests += int(report.failed)
    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    tally = config.stash.get(TALLY, None)
    if tally is None or not tally.tests:
        return
    failed = f", {tally.failed_tests} of those tests failed" if tally.failed_tests else ""
    terminalreporter.write_line(
        f"hostile cases: {tally.cases:,} run in {tally.tests:,} tests{failed}"
    )
