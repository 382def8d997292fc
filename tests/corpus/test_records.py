"""JSON, JSONL and CSV records, the field mapping, dates, nested and list fields, bad records."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.dates import parse_bound, parse_date
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.records import (
    Parsed,
    parse_field_map,
    read_csv,
    read_json,
    read_jsonl,
    record_from_mapping,
)
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink

FULL_RECORD: dict[str, Any] = {
    "id": 4021,
    "title": "Knee Pain After Running",
    "specialty": "Orthopedics",
    "subject": "Why does my knee hurt?",
    "question": "Hello doctor,\nI run a lot.\n\nMy knee aches.",
    "asker": {"name": "Bram", "age": "40~49", "gender": "male"},
    "asked_on": "2019-04-12",
    "reply": {
        "doctor": "Okafor Lin",
        "specialty": "Orthopedics",
        "body": "Rest for a week.",
        "replied_on": "2019-04-14",
    },
    "more_info": "Knee pain in runners is common.",
    "similar": [
        {
            "title": "Hip Pain When Walking",
            "question_excerpt": "My hip hurts...",
            "doctor": "Okafor Lin",
            "specialty": "Orthopedics",
            "reply_excerpt": "It may be bursitis...",
            "read_more": "Hip Pain When Walking",
        }
    ],
    "related_faq": [{"topic": "Knee", "specialty": "Orthopedics"}],
    "source_url": "https://example.org/q/4021",
}

SCRAPER_ROW = {
    "question_title": "Knee Pain After Running",
    "dept": "Orthopedics",
    "question_date": "2019/04/12",
    "user": "Bram",
    "body": "My knee aches.",
}
SCRAPER_MAP = [
    "title=question_title",
    "specialty=dept",
    "asked_on=question_date",
    "asker.name=user",
    "question=body",
]


def records_only(items: list[Parsed]) -> list[Record]:
    assert all(isinstance(item, Record) for item in items), items
    return [item for item in items if isinstance(item, Record)]


def errors_only(items: list[Parsed]) -> list[CorpusInputError]:
    return [item for item in items if isinstance(item, CorpusInputError)]


def csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2016/01/03", "2016-01-03", "2016.01.03", "2016/1/3", " 2016.1.03 "]
)
def test_three_date_forms(text: str) -> None:
    assert parse_date(text) == "2016-01-03"


@pytest.mark.parametrize(
    "text", ["2016/02/30", "2015/02/29", "2016/00/10", "16/01/03", "03/01/2016", ""]
)
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_leap_day() -> None:
    assert parse_date("2016/02/29") == "2016-02-29"


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2016", False, "2016-01-01"),
        ("2016", True, "2016-12-31"),
        ("2016-02", True, "2016-02-29"),
        ("2016/3", False, "2016-03-01"),
        ("2016.03.05", True, "2016-03-05"),
    ],
)
def test_date_filter_bounds(text: str, end: bool, expected: str) -> None:
    assert parse_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["2016-13", "2016-02-30", "spring", "2016-13-01"])
def test_bad_date_filter_bounds(text: str) -> None:
    with pytest.raises(ValueError):
        parse_bound(text, end=True)


# -- the FORMAT.md record as is -------------------------------------------------------------


def test_format_record_round_trips_through_json() -> None:
    record = record_from_mapping(FULL_RECORD)
    assert record.to_json() == FULL_RECORD
    assert record.asker == Asker("Bram", "40~49", "male")
    assert record.similar[0] == SimilarLink(**FULL_RECORD["similar"][0])
    assert record.related_faq == (FaqLink("Knee", "Orthopedics"),)


def test_minimal_record() -> None:
    record = record_from_mapping({"title": "T", "specialty": "S"})
    assert record.to_json() == {
        "title": "T",
        "specialty": "S",
        "subject": None,
        "question": "",
        "asker": None,
        "asked_on": None,
        "reply": None,
        "more_info": None,
        "similar": [],
        "related_faq": [],
    }


def test_several_replies() -> None:
    replies = [
        {"doctor": "A", "specialty": "S", "body": "one", "replied_on": "2019/01/01"},
        {"doctor": "B", "specialty": "S", "body": "two", "replied_on": None},
    ]
    record = record_from_mapping({"title": "T", "specialty": "S", "replies": replies})
    assert record.replies == (Reply("A", "S", "one", "2019-01-01"), Reply("B", "S", "two"))
    out = record.to_json()
    assert out["reply"]["body"] == "one"
    assert [r["body"] for r in out["replies"]] == ["one", "two"]
    assert record_from_mapping(out) == record


@pytest.mark.parametrize("form", ["2019/04/12", "2019-04-12", "2019.04.12"])
def test_record_dates_in_each_form(form: str) -> None:
    data = {**FULL_RECORD, "asked_on": form, "reply": {**FULL_RECORD["reply"], "replied_on": form}}
    record = record_from_mapping(data)
    assert record.asked_on == record.replies[0].replied_on == "2019-04-12"


def test_text_is_cleaned_of_control_characters() -> None:
    record = record_from_mapping(
        {"title": "T\x1b[2J", "specialty": "S", "question": "a\x1b]52;c;eA==\x07b\x00"}
    )
    assert (record.title, record.question) == ("T", "ab")


def test_leading_indentation_of_a_text_block_is_content() -> None:
    question = "\u3000\u3000醫師您好\n\u3000\u3000第二段"
    record = record_from_mapping({"title": " T ", "specialty": "S", "question": question})
    assert record.title == "T"
    assert record.question == question


# -- field mapping --------------------------------------------------------------------------


def test_parse_field_map() -> None:
    assert parse_field_map(["title=question_title", " asked_on = question_date "]) == {
        "title": "question_title",
        "asked_on": "question_date",
    }


@pytest.mark.parametrize("pair", ["title", "=x", "title=", "nonsense=x", "asker.email=x"])
def test_bad_field_map(pair: str) -> None:
    with pytest.raises(ValueError, match="--map"):
        parse_field_map([pair])


def test_mapping_scraper_json() -> None:
    mapping = parse_field_map(SCRAPER_MAP)
    record = record_from_mapping(SCRAPER_ROW, mapping)
    assert (record.title, record.specialty, record.asked_on) == (
        "Knee Pain After Running",
        "Orthopedics",
        "2019-04-12",
    )
    assert record.asker == Asker(name="Bram")
    assert record.question == "My knee aches."


def test_mapping_to_a_nested_input_field() -> None:
    data = {
        "meta": {"heading": "T", "dept": "S"},
        "author": {"nick": "Ada"},
        "answer": {"by": "Dr Who", "text": "Rest."},
    }
    mapping = parse_field_map(
        [
            "title=meta.heading",
            "specialty=meta.dept",
            "asker.name=author.nick",
            "reply.doctor=answer.by",
            "reply.body=answer.text",
        ]
    )
    record = record_from_mapping(data, mapping)
    assert (record.title, record.specialty) == ("T", "S")
    assert record.asker == Asker(name="Ada")
    assert record.replies == (Reply("Dr Who", None, "Rest."),)


def test_mapping_a_whole_object_field() -> None:
    data = {"title": "T", "specialty": "S", "person": {"name": "Ada", "age": "20~29"}}
    record = record_from_mapping(data, parse_field_map(["asker=person"]))
    assert record.asker == Asker("Ada", "20~29")


def test_mapping_a_list_field() -> None:
    data = {"title": "T", "specialty": "S", "faq": [{"topic": "Knee"}]}
    record = record_from_mapping(data, parse_field_map(["related_faq=faq"]))
    assert record.related_faq == (FaqLink("Knee"),)


def test_missing_mapped_field_is_named() -> None:
    mapping = parse_field_map(SCRAPER_MAP)
    row = {k: v for k, v in SCRAPER_ROW.items() if k != "question_title"}
    with pytest.raises(CorpusInputError, match="'question_title'"):
        record_from_mapping(row, mapping, source="scrape.json", line=7)


# -- JSON and JSONL -------------------------------------------------------------------------


def test_json_list_object_and_records_wrapper() -> None:
    one = {"title": "A", "specialty": "S"}
    two = {"title": "B", "specialty": "S"}
    for document in ([one, two], {"records": [one, two]}):
        records = records_only(list(read_json(json.dumps(document), "in.json")))
        assert [r.title for r in records] == ["A", "B"]
    assert records_only(list(read_json(json.dumps(one), "in.json")))[0].title == "A"


def test_json_bad_records_are_named_and_good_ones_kept() -> None:
    document = [
        {"title": "A", "specialty": "S"},
        {"specialty": "S"},
        {"title": "C", "specialty": "S", "asked_on": "2016/02/30"},
        "not an object",
        {"title": "E", "specialty": "S", "similar": {"title": "x"}},
        {"title": "F", "specialty": "S"},
    ]
    log = InputLog()
    items = list(read_json(json.dumps(document), "in.json", log=log))
    assert [(r.title, r.asked_on) for r in items if isinstance(r, Record)] == [
        ("A", None),
        ("C", None),
        ("F", None),
    ]
    errors = errors_only(items)
    assert [(e.source, e.line, e.unit) for e in errors] == [
        ("in.json", 2, "record"),
        ("in.json", 4, "record"),
        ("in.json", 5, "record"),
    ]
    assert str(errors[0]) == (
        "in.json (record 2): missing required field 'title' (and no question to make one from)"
    )
    assert "should be a list" in errors[2].reason
    (warning,) = log.warnings.groups()[0].examples
    assert warning.startswith("in.json (record 3): field 'asked_on': not a real date: '2016/02/30'")
    assert warning.endswith("the field is left empty")


def test_invalid_json_names_its_line() -> None:
    items = list(read_json('[\n{"title": "A",\n "specialty": }\n]', "in.json"))
    (error,) = errors_only(items)
    assert (error.source, error.line) == ("in.json", 3)


def test_jsonl_with_mapping_blank_lines_and_bad_lines() -> None:
    mapping = parse_field_map(SCRAPER_MAP)
    lines = [
        json.dumps(SCRAPER_ROW),
        "",
        "{not json",
        json.dumps({**SCRAPER_ROW, "question_date": "2019.13.01"}),
        json.dumps({**SCRAPER_ROW, "question_title": "Second", "question_date": "2020-02-29"}),
    ]
    items = list(read_jsonl("\r\n".join(lines) + "\r\n", "in.jsonl", mapping))
    assert [(r.title, r.asked_on) for r in items if isinstance(r, Record)] == [
        ("Knee Pain After Running", "2019-04-12"),
        ("Knee Pain After Running", None),  # 2019.13.01 is no date: emptied, record kept
        ("Second", "2020-02-29"),
    ]
    assert [(e.line, e.unit) for e in errors_only(items)] == [(3, "line")]
    assert str(errors_only(items)[0]).startswith("in.jsonl:3: not valid JSON")


def test_jsonl_lines_end_only_at_lf() -> None:
    """U+2028, U+2029 and NEL may stand unescaped inside a JSON string: they end no line."""
    question = "one\u2028two\u2029three\x85four"
    record = {"title": "T", "specialty": "S", "question": question}
    text = json.dumps(record, ensure_ascii=False) + "\n"
    (parsed,) = records_only(list(read_jsonl(text, "in.jsonl", {"title": "title"})))
    # NEL alone between letters is also Windows-1252 mojibake of "…": the repair reads it so.
    assert parsed.question == "one\ntwo\nthree…four"


# -- CSV ------------------------------------------------------------------------------------


def test_csv_with_mapping() -> None:
    text = csv_text([SCRAPER_ROW, {**SCRAPER_ROW, "question_title": "Second"}])
    records = records_only(list(read_csv(text, "in.csv", parse_field_map(SCRAPER_MAP))))
    assert [r.title for r in records] == ["Knee Pain After Running", "Second"]
    assert records[0].asker == Asker(name="Bram")
    assert records[0].asked_on == "2019-04-12"


def test_csv_dotted_columns_and_json_list_cells() -> None:
    row = {
        "id": "4021",
        "title": "T",
        "specialty": "S",
        "asker.name": "Ada",
        "asker.age": "30~39",
        "reply.doctor": "Lai",
        "reply.body": "Line one\nLine two",
        "reply.replied_on": "2016.01.03",
        "similar": json.dumps(FULL_RECORD["similar"]),
        "related_faq": json.dumps([{"topic": "Knee", "specialty": None}]),
        "more_info": "",
    }
    (record,) = records_only(list(read_csv(csv_text([row]), "in.csv")))
    assert record.id == 4021
    assert record.asker == Asker("Ada", "30~39")
    assert record.replies == (Reply("Lai", None, "Line one\nLine two", "2016-01-03"),)
    assert record.similar[0].title == "Hip Pain When Walking"
    assert record.related_faq == (FaqLink("Knee"),)
    assert record.more_info is None


def test_csv_object_cells_as_json() -> None:
    row = {
        "title": "T",
        "specialty": "S",
        "asker": json.dumps({"name": "Ada", "gender": "female"}),
        "reply": json.dumps({"doctor": "Lai", "body": "Rest.", "replied_on": "2016/01/03"}),
    }
    (record,) = records_only(list(read_csv(csv_text([row]), "in.csv")))
    assert record.asker == Asker("Ada", None, "female")
    assert record.replies == (Reply("Lai", None, "Rest.", "2016-01-03"),)


def test_csv_bad_rows_are_named_by_line_and_good_ones_kept() -> None:
    rows = [
        {"title": "A", "specialty": "S", "similar": ""},
        {"title": "B", "specialty": "S", "similar": "[{broken"},
        {"title": "", "specialty": "S", "similar": ""},
        {"title": "Multi\nline", "specialty": "S", "similar": ""},
        {"title": "E", "specialty": "S", "similar": "[]"},
    ]
    text = csv_text(rows) + "F,S,[],extra\n"
    items = list(read_csv(text, "in.csv"))
    assert [r.title for r in items if isinstance(r, Record)] == ["A", "Multi\nline", "E"]
    errors = errors_only(items)
    assert [(e.line, e.unit) for e in errors] == [(3, "line"), (4, "line"), (8, "line")]
    assert "'similar' is not valid JSON" in errors[0].reason
    assert "'title'" in errors[1].reason
    assert "more cells" in errors[2].reason


def test_empty_csv() -> None:
    (error,) = errors_only(list(read_csv("", "in.csv")))
    assert "header" in error.reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "whole number"),
        ("0", "out of range"),
        (str(2**52), "out of range"),
        (1.5, "whole number"),
        (True, "whole number"),
        (float("inf"), "whole number"),
        (float("nan"), "whole number"),
        ([1], "whole number"),
    ],
)
def test_bad_ids(value: object, reason: str) -> None:
    with pytest.raises(CorpusInputError, match=reason):
        record_from_mapping({"id": value, "title": "T", "specialty": "S"})


def test_whole_number_ids_in_any_form() -> None:
    for value in (4021, 4021.0, "4021", " 4021 "):
        assert record_from_mapping({"id": value, "title": "T", "specialty": "S"}).id == 4021


def test_wrong_types_are_named() -> None:
    with pytest.raises(CorpusInputError, match="'title' should be text"):
        record_from_mapping({"title": ["T"], "specialty": "S"})
    with pytest.raises(CorpusInputError, match="similar entry 1 should be an object"):
        record_from_mapping({"title": "T", "specialty": "S", "similar": ["x"]})
    with pytest.raises(CorpusInputError, match="missing required field 'topic'"):
        record_from_mapping({"title": "T", "specialty": "S", "related_faq": [{"specialty": "S"}]})
    with pytest.raises(CorpusInputError, match="'asker' should be an object"):
        record_from_mapping({"title": "T", "specialty": "S", "asker": ["Ada"]})
    with pytest.raises(CorpusInputError, match="'reply' is not valid JSON"):
        record_from_mapping({"title": "T", "specialty": "S", "reply": "Rest."})


# -- arbitrary input: a record or the importer's own error, nothing else ---------------------

RECORD_KEYS = st.sampled_from(
    [
        "title",
        "specialty",
        "asker",
        "reply",
        "similar",
        "related_faq",
        "replies",
        "id",
        "asked_on",
        "name",
        "body",
        "topic",
        "question",
        "doctor",
        "replied_on",
        "records",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(RECORD_KEYS, inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_gives_records_or_corpus_input_errors(value: object) -> None:
    text = json.dumps(value)
    for reader in (read_json, read_jsonl):
        for item in reader(text, "fuzz.json"):
            assert isinstance(item, (Record, CorpusInputError))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_records_or_corpus_input_errors(text: str) -> None:
    for reader in (read_json, read_jsonl, read_csv):
        for item in reader(text, "fuzz"):
            assert isinstance(item, (Record, CorpusInputError))
