"""Logs kept by two processes, merged, say what one log kept through both would say."""

from __future__ import annotations

import pytest

from qatui.corpus.ingest import problems
from qatui.corpus.ingest.problems import InputLog, ProblemLog


def _messages(count: int, start: int = 0) -> list[tuple[str, str]]:
    kinds = ("line 'x' too long", "bad date 'y'", "no title")
    return [(f"f{n}.txt:{n}: {kinds[n % 3]}", kinds[n % 3]) for n in range(start, start + count)]


def test_a_merged_problem_log_is_one_log_of_both() -> None:
    first, second = _messages(5), _messages(9, start=5)
    whole, part_one, part_two = ProblemLog(), ProblemLog(), ProblemLog()
    for message, reason in first + second:
        whole.add(message, reason)
    for message, reason in first:
        part_one.add(message, reason)
    for message, reason in second:
        part_two.add(message, reason)
    part_one.merge(part_two)
    assert part_one.total == whole.total == 14
    assert part_one.lines("w") == whole.lines("w")


def test_kinds_past_the_limit_are_counted_together_when_merged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(problems, "MAX_KINDS", 2)
    whole, part_one, part_two = ProblemLog(), ProblemLog(), ProblemLog()
    for log, reasons in ((part_one, ["a 1", "b 2"]), (part_two, ["c", "a 3", "d"])):
        for reason in reasons:
            log.add(reason, reason)
    for reason in ["a 1", "b 2", "c", "a 3", "d"]:
        whole.add(reason, reason)
    part_one.merge(part_two)
    assert part_one.lines("w") == whole.lines("w")
    assert [group.kind for group in part_one.groups()] == ["a …", "b …", "other problems"]


def test_a_merged_input_log_adds_repairs_titles_skips_and_columns() -> None:
    one, two = InputLog(), InputLog()
    one.repairs["nfc"] += 2
    two.repairs.update({"nfc": 1, "mojibake": 3})
    one.derived_titles, two.derived_titles = 1, 4
    two.skip("notes.md", ".md is not a format qatui imports")
    two.note_unmapped("rows.csv", ["colour"])
    assert not one.is_empty() and InputLog().is_empty()
    one.merge(two)
    assert one.repairs == {"nfc": 3, "mojibake": 3}
    assert one.derived_titles == 5
    assert one.skipped.total == 1
    assert one.unmapped == {"colour": {"rows.csv": None}}
