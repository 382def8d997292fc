"""``qatui show``'s text: the page's lines, with nothing made up for what a record lacks."""

from __future__ import annotations

from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.render import PARTIAL_WORDS, record_as_text


def page(**changes: object) -> Record:
    values: dict[str, object] = {
        "title": "Knee pain",
        "specialty": "Orthopedics",
        "question": "My knee hurts.",
        "asker": Asker("Mei", "30~39", "female"),
        "asked_on": "2016-03-05",
        "replies": (Reply("Lin Wei", "Orthopedics", "Rest it.", "2016-03-08"),),
    }
    values.update(changes)
    return Record(**values)  # type: ignore[arg-type]


def test_a_full_page_reads_as_the_site_lays_it_out() -> None:
    lines = record_as_text(page()).splitlines()
    assert lines[0] == "Knee pain - Orthopedics"
    assert "Mei, 30~39 year old female. Ask Date: 2016-03-05" in lines
    assert "Dr. Lin Wei reply Orthopedics" in lines
    assert "Reply Date: 2016-03-08" in lines
    assert PARTIAL_WORDS not in lines


def test_what_a_record_lacks_leaves_no_stray_punctuation_or_placeholder() -> None:
    undated = page(asker=None, asked_on=None, replies=(Reply("Lin", None, "Rest it."),))
    lines = record_as_text(undated).splitlines()
    assert not any(line.startswith(".") or line.endswith("-") for line in lines)
    assert not any("Date" in line for line in lines)
    only_gender = page(asker=Asker(gender="female"), asked_on=None)
    assert "female" in record_as_text(only_gender).splitlines()
    assert "Ask Date: 2016-03-05" in record_as_text(page(asker=None)).splitlines()


def test_a_doctor_is_titled_once_and_an_unnamed_one_is_not_named() -> None:
    titled = record_as_text(page(replies=(Reply("Dr. Ayman Darrag", None, "Rest."),)))
    assert "Dr. Ayman Darrag reply" in titled and "Dr. Dr." not in titled
    unnamed = record_as_text(page(replies=(Reply(None, None, "Rest."),)))
    assert "The doctor (not named) reply" in unnamed and "Dr. ?" not in unnamed
    assert "No reply yet." in record_as_text(page(replies=()))


def test_a_partial_says_its_text_is_a_links_excerpts() -> None:
    lines = record_as_text(page(partial=True)).splitlines()
    assert lines[2] == PARTIAL_WORDS
