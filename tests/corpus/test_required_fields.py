"""A required field made only of control characters is missing, not an empty string."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.importer import read_source
from qatui.corpus.ingest.record_builder import UNSPECIFIED
from qatui.corpus.model import Record
from tests.hostile_plugin import HostileCases

CONTROLS_ONLY = [
    "\x1b[2J",
    "\u202e\x07",
    "\x1b]0;title\x07",
    "\x00\x7f\x1b[0m",
    "\x1b[31m\t\x1b[0m",
]
"""Text made only of controls. (A lone C1 byte is not among them: the mojibake repair reads
it as Windows-1252, so "\x9b" is the visible "›".)"""


def read(path: Path) -> list[Record | CorpusInputError]:
    return list(read_source(str(path)))


def test_a_title_of_control_characters_is_missing(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    """Missing, so made from the question when there is one, else the record fails."""
    lines = [json.dumps({"title": "Fine", "specialty": "S"})]
    for text in hostile_cases.each(CONTROLS_ONLY):
        lines.append(json.dumps({"title": text, "specialty": "S"}))
    lines.append(json.dumps({"title": "\x1b[2J", "specialty": "S", "question": "Knee pain. Help?"}))
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    first, *rest, derived = read(path)
    assert isinstance(first, Record) and first.title == "Fine"
    assert [type(item) for item in rest] == [CorpusInputError] * len(CONTROLS_ONLY)
    for line, error in enumerate(rest, start=2):
        assert isinstance(error, CorpusInputError)
        assert (error.source, error.line) == (str(path), line)
        assert error.reason.startswith("missing required field 'title'")
    assert isinstance(derived, Record) and derived.title == "Knee pain"


def test_a_specialty_of_control_characters_is_missing(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    """Missing, so the question is filed under 'Unspecified' (never under '')."""
    lines = [
        json.dumps({"title": "T", "specialty": text}) for text in hostile_cases.each(CONTROLS_ONLY)
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    records = read(path)
    assert [item.specialty for item in records if isinstance(item, Record)] == (
        [UNSPECIFIED] * len(CONTROLS_ONLY)
    )


def test_a_mapped_field_is_named_as_the_input_calls_it(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text("heading,specialty\n\x1b[2J,S\n")
    (error,) = list(read_source(str(path), mapping={"title": "heading"}))
    assert isinstance(error, CorpusInputError)
    assert error.reason == "missing required field 'heading' (it holds only control characters)"


def test_a_similar_link_title_of_control_characters_is_missing(tmp_path: Path) -> None:
    item = {"title": "T", "specialty": "S", "similar": [{"title": "\x1b]0;x\x07"}]}
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(item) + "\n")
    (error,) = read(path)
    assert isinstance(error, CorpusInputError)
    assert "missing required field 'title'" in error.reason


@pytest.mark.parametrize("heading", ["\x1b[2J\x07 - Orthopedics", "Knee pain - \u202e\x1b[0m"])
def test_a_page_heading_of_control_characters_is_refused(tmp_path: Path, heading: str) -> None:
    path = tmp_path / "page.txt"
    path.write_text(f"{heading}\nSubject\nQ.\nAda, 30~39 year old female. Ask Date: 2016/01/03\n")
    (error,) = read(path)
    assert isinstance(error, CorpusInputError)
    assert (error.line, error.reason.split(",")[0]) == (
        1,
        "expected a heading '<Title> - <Specialty>'",
    )
