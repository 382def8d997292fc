"""The reading pane names the replying doctor's hospital when the record has one."""

from __future__ import annotations

from qatui.corpus.model import Record, Reply
from qatui.tui.widgets.reading_pane import ReadingPane


def test_the_reading_pane_names_the_hospital() -> None:
    record = Record(
        title="T",
        specialty="神經外科",
        question="Q",
        replies=(
            Reply("丁賢偉", "神經外科", "Body", "2000-08-24", hospital="成大醫院"),
            Reply("Lin", "ENT", "Other"),
        ),
    )
    lines = ReadingPane._replies(record).plain.splitlines()
    assert lines[0] == "Dr. 丁賢偉 · 成大醫院 · 神經外科 · replied 2000-08-24"
    assert "Dr. Lin · ENT" in lines


def test_a_name_that_carries_its_title_is_shown_with_it_once() -> None:
    record = Record(
        title="T", specialty="Infectious Diseases", question="Q",
        replies=(Reply("Dr. Ayman Darrag", "Infectious Diseases", "You are fine."),),
    )  # fmt: skip
    assert ReadingPane._replies(record).plain.startswith("Dr. Ayman Darrag · ")


def test_a_reply_without_doctor_specialty_or_date_has_no_dangling_separator() -> None:
    record = Record(title="T", specialty="內科", question="Q", replies=(Reply(None, None, "Body"),))
    assert ReadingPane._replies(record).plain.splitlines()[0] == "The doctor (not named)"
