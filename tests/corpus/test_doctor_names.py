"""A doctor's name shown with its title once: questionDoctors' ``answer_author`` already holds
``Dr. Ayman Darrag``, which the reader showed as ``Dr. Dr. Ayman Darrag``."""

from __future__ import annotations

import pytest

from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.export import record_markdown
from qatui.corpus.filters import Filters
from qatui.corpus.model import Record, Reply


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Lin Wei", "Dr. Lin Wei"),
        ("黃柏楨", "Dr. 黃柏楨"),
        ("Dr. Ayman Darrag", "Dr. Ayman Darrag"),
        ("dr ayman", "dr ayman"),
        ("Doctor Who", "Doctor Who"),
        ("Drake Ramoray", "Dr. Drake Ramoray"),  # a name starting with "Dr", not a title
    ],
)
def test_a_name_gets_its_title_once(name: str, shown: str) -> None:
    assert doctor_title(name) == shown


def test_a_titled_name_is_shown_once_in_the_chip_and_the_export() -> None:
    record = Record(
        title="Is my test conclusive",
        specialty="Infectious Diseases",
        question="Q",
        replies=(Reply("Dr. Ayman Darrag", "Infectious Diseases", "You are fine."),),
    )
    assert Filters(doctor="Dr. Ayman Darrag").describe() == ["Dr. Ayman Darrag"]
    assert "Reply from Dr. Ayman Darrag" in record_markdown(record)
    assert "Dr. Dr." not in record_markdown(record)
