"""Mappings: nested and indexed columns, constants, defaults, templates, splits, stripped
characters, derived titles, TOML files, profiles, and mistakes that name what exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.mapping import (
    ColumnPath,
    MappingError,
    RecordMapping,
    mapping_from_options,
    mapping_from_toml,
    read_mapping_file,
)
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.profiles import profile, profiles
from qatui.corpus.ingest.records import (
    UNSPECIFIED,
    Parsed,
    read_csv,
    read_json,
    read_jsonl,
    record_from_mapping,
)
from qatui.corpus.ingest.titles import title_from_question
from qatui.corpus.model import Asker, Record, Reply


def records_of(items: list[Parsed]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def errors_of(items: list[Parsed]) -> list[CorpusInputError]:
    return [item for item in items if isinstance(item, CorpusInputError)]


ROW: dict[str, object] = {
    "qid": "#1024",
    "meta": {"heading": "Knee pain", "dept": "Orthopedics"},
    "tags": ["knee", "running"],
    "asker_line": "tyio／女／(10~19),2000/08/16 提問：",
    "text": "My knee hurts. It started last week.",
    "answers": [{"by": "Dr Lin", "text": "Rest it."}],
}


# -- column paths ---------------------------------------------------------------------------


def test_nested_and_indexed_columns() -> None:
    assert ColumnPath.parse("meta.dept").lookup(ROW) == "Orthopedics"
    assert ColumnPath.parse("tags[1]").lookup(ROW) == "running"
    assert ColumnPath.parse("tags[-1]").lookup(ROW) == "running"
    assert ColumnPath.parse("answers[0].by").lookup(ROW) == "Dr Lin"
    assert ColumnPath.parse("tags[5]").lookup(ROW) is ColumnPath.parse("nope").lookup(ROW)


def test_a_flat_column_named_like_a_path_comes_first() -> None:
    assert ColumnPath.parse("asker.name").lookup({"asker.name": "Ada"}) == "Ada"


def test_an_indexed_column_reads_a_json_cell() -> None:
    """A CSV cell holding a JSON list can be indexed like a JSON record's list."""
    (record,) = records_of(
        list(read_csv('title,tags\nT,"[""knee"", ""hip""]"\n', "in.csv", {"specialty": "tags[1]"}))
    )
    assert record.specialty == "hip"


@pytest.mark.parametrize("text", ["", "a..b", "a[x]", "[0]", "a[0"])
def test_bad_column_names(text: str) -> None:
    with pytest.raises(MappingError, match="not a column name"):
        ColumnPath.parse(text)


# -- what a mapping can do ------------------------------------------------------------------


def build(row: dict[str, object], **options: list[str]) -> Record:
    return record_from_mapping(row, mapping_from_options(**options))  # type: ignore[arg-type]


def test_map_set_template_split_and_strip_together() -> None:
    record = build(
        ROW,
        maps=["id=qid", "title=meta.heading", "question=text", "reply.doctor=answers[0].by"],
        sets=["specialty=Orthopedics (imported)"],
        templates=["source_url=https://example.org/q?no={qid}&tag={tags[0]}"],
        splits=[
            "asker_line=(?P<asker_name>[^／]+)／(?P<asker_gender>[^／]+)／"
            r"\((?P<asker_age>[^)]+)\),(?P<asked_on>\S+) 提問："
        ],
        strips=["id=#"],
    )
    assert record.id == 1024
    assert (record.title, record.specialty) == ("Knee pain", "Orthopedics (imported)")
    assert record.asker == Asker("tyio", "10~19", "女")
    assert record.asked_on == "2000-08-16"
    assert record.source_url == "https://example.org/q?no=#1024&tag=knee"
    assert record.replies == (Reply("Dr Lin", None, ""),)


def test_a_column_list_takes_the_first_that_is_not_empty() -> None:
    mapping = mapping_from_options(maps=["title=heading|meta.heading", "specialty=x?|meta.dept"])
    record = record_from_mapping({**ROW, "heading": " "}, mapping)
    assert (record.title, record.specialty) == ("Knee pain", "Orthopedics")


def test_a_default_fills_only_an_empty_field() -> None:
    mapping = mapping_from_options(maps=["specialty=dept"], defaults=["specialty=General"])
    assert record_from_mapping({"title": "T", "dept": ""}, mapping).specialty == "General"
    assert record_from_mapping({"title": "T", "dept": "ENT"}, mapping).specialty == "ENT"


def test_a_template_with_an_empty_column_gives_no_value() -> None:
    mapping = mapping_from_options(templates=["source_url=https://x/{id}"])
    assert (
        record_from_mapping({"title": "T", "specialty": "S", "id": ""}, mapping).source_url is None
    )
    assert record_from_mapping({"title": "T", "specialty": "S", "id": 7}, mapping).source_url == (
        "https://x/7"
    )


def test_a_split_that_does_not_match_warns_and_keeps_the_record() -> None:
    log = InputLog()
    mapping = mapping_from_options(splits=["line=(?P<asker_name>\\w+)／"])
    (record,) = records_of(
        list(
            read_jsonl(
                json.dumps({"title": "T", "specialty": "S", "line": "??"}), "a", mapping, log
            )
        )
    )
    assert record.asker is None
    (group,) = log.warnings.groups()
    assert group.examples[0].startswith("a:1: column 'line' does not match the split pattern")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"maps": ["nonsense=x"]}, "unknown record field 'nonsense'"),
        ({"maps": ["title"]}, "--map expects FIELD=COLUMN"),
        ({"sets": ["asker.email=x"]}, "unknown record field"),
        ({"templates": ["source_url=https://x/{id"]}, "unmatched brace"),
        ({"templates": ["source_url=https://x/{}"]}, "empty"),
        ({"splits": ["line=(no groups)"]}, "no named groups"),
        ({"splits": ["line=(?P<email>x)"]}, "split group 'email' is not a record field"),
        ({"splits": ["line=(?P<asker_name>"]}, "not valid"),
        ({"date_formats": ["%d.%m"]}, "needs a year"),
        ({"repair": ["rot13"]}, "unknown text repair"),
    ],
)
def test_mapping_mistakes_say_what_would_work(options: dict[str, list[str]], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping_from_options(**options)  # type: ignore[arg-type]


# -- columns that are not there, columns that go nowhere --------------------------------------


def test_a_mistyped_column_fails_the_input_naming_the_columns_it_has() -> None:
    rows = [{"question_text": "Q?", "answer": "A.", "tags": []}] * 3
    items = list(read_json(json.dumps(rows), "dump.json", {"reply.body": "answr"}))
    (error,) = items
    assert isinstance(error, CorpusInputError)
    assert "no column 'answr' in dump.json" in error.reason
    assert "its columns are: question_text, answer, tags" in error.reason


def test_a_mistyped_csv_column_is_caught_from_the_header() -> None:
    (error,) = list(read_csv("a,b\n", "in.csv", {"title": "c"}))
    assert isinstance(error, CorpusInputError)
    assert "its columns are: a, b" in error.reason


def test_an_optional_column_may_be_absent() -> None:
    rows = [{"title": "T", "specialty": "S"}]
    (record,) = list(read_json(json.dumps(rows), "in.json", {"reply.doctor": "author?"}))
    assert isinstance(record, Record)


def test_unmapped_input_fields_are_listed_once() -> None:
    log = InputLog()
    rows = [
        {"title": f"T{n}", "specialty": "S", "qid": n, "doctor_hospital": "X"} for n in range(5)
    ]
    records = records_of(list(read_json(json.dumps(rows), "in.json", log=log)))
    assert len(records) == 5
    assert list(log.unmapped) == ["qid", "doctor_hospital"]
    assert log.unmapped_line() is not None and "qid, doctor_hospital" in log.unmapped_line()  # type: ignore[operator]


# -- titles and specialties a source does not give ------------------------------------------


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("我的右眼的眼角會痛，有發紅 \n是不是長針眼", "我的右眼的眼角會痛，有發紅"),
        ("醫生： \n    對不起！請問一下", "對不起"),
        ("因心肌梗塞作血管繞道手術已半年多.請教大夫", "因心肌梗塞作血管繞道手術已半年多"),
        ("Is 72.5 mg a lot? I ask.", "Is 72.5 mg a lot"),
        (
            "Dear doctor:\nMy knee hurts when I run downhill and also when I climb stairs slowly",
            "My knee hurts when I run downhill and…",
        ),
        ("   \n  ", None),
    ],
)
def test_a_title_from_the_question(question: str, title: str | None) -> None:
    assert title_from_question(question) == title


def test_a_record_without_a_title_gets_one_from_its_question_and_is_counted() -> None:
    log = InputLog()
    rows = [{"specialty": "S", "question": "Why? Because."}, {"title": "Own", "specialty": "S"}]
    records = records_of(list(read_json(json.dumps(rows), "in.json", log=log)))
    assert [r.title for r in records] == ["Why", "Own"]
    assert log.derived_titles == 1


def test_a_mapped_title_that_is_empty_is_an_error() -> None:
    mapping = mapping_from_options(maps=["title=heading"])
    with pytest.raises(CorpusInputError, match="missing required field 'heading'"):
        record_from_mapping({"heading": "", "question": "Q?"}, mapping)


def test_no_derived_title_when_asked() -> None:
    mapping = mapping_from_options(derive_title=False)
    with pytest.raises(CorpusInputError, match="missing required field 'title'"):
        record_from_mapping({"specialty": "S", "question": "Q?"}, mapping)


def test_a_record_without_a_specialty_is_filed_as_unspecified_with_a_warning() -> None:
    log = InputLog()
    rows = [{"title": "T", "tags": []}]
    mapping = mapping_from_options(maps=["specialty=tags[0]?"])
    (record,) = records_of(list(read_json(json.dumps(rows), "in.json", mapping, log)))
    assert record.specialty == UNSPECIFIED
    assert (
        "in.json (record 1): no specialty (column 'tags[0]' is empty)"
        in (log.warnings.groups()[0].examples[0])
    )


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    with pytest.raises(CorpusInputError) as caught:
        record_from_mapping(
            {"id": "x", "title": ["T"], "similar": "nope", "asked_on": "someday"},
            mapping_from_options(),
        )
    reason = caught.value.reason
    for part in ("'id' should be a whole number", "'title' should be text", "'similar'", "someday"):
        assert part in reason


# -- TOML files and profiles ----------------------------------------------------------------


MAPPING_TOML = """
description = "a scraper"
date_formats = ["%d.%m.%Y"]
repair = ["nfc"]
table = "rows"

[map]
title = "meta.heading"
specialty = ["dept", "meta.dept"]
"asker.name" = "user?"

[set]
subject = "From the scraper"

[template]
source_url = "https://example.org/{qid}"

[strip]
id = "#"

[[split]]
column = "line"
pattern = "(?P<asked_on>\\\\S+) asked"
"""


def test_a_toml_mapping_file_uses_the_same_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "scraper.toml"
    path.write_text(MAPPING_TOML, encoding="utf-8")
    mapping = read_mapping_file(path)
    assert (mapping.description, mapping.table, mapping.repair) == ("a scraper", "rows", ("nfc",))
    row = {**ROW, "id": "#7", "line": "16.08.2000 asked"}
    record = record_from_mapping({**row, "qid": 7}, mapping)
    assert (record.id, record.title, record.specialty) == (7, "Knee pain", "Orthopedics")
    assert (record.subject, record.asked_on) == ("From the scraper", "2000-08-16")
    assert record.source_url == "https://example.org/7"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[mapp]\ntitle = 'x'", "unknown key 'mapp'"),
        ("[map]\ntitel = 'x'", "unknown record field 'titel'"),
        ("[map]\ntitle = 3", "should be text"),
        ("replies_per_row = 'yes'", "true or false"),
        ("[[split]]\ncolumn = 'x'", "needs exactly: column, pattern"),
        ("title = [", "not valid TOML"),
        ("a = " + "[" * 5000 + "]" * 5000, "not valid TOML"),
    ],
)
def test_bad_toml_mappings_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping_from_toml(text, "m.toml")


def test_the_command_line_is_laid_over_a_profile() -> None:
    spider = profile("ehospital-spider").mapping
    mine = mapping_from_options(maps=["title=question_text"], sets=["specialty=眼科"]).over(spider)
    assert mine.columns["title"][0].text == "question_text"
    assert mine.columns["id"][0].text == "question_id"  # from the profile
    assert mine.constants == {"specialty": "眼科"}
    assert mine.table == "qanda"


def test_shipped_profiles_are_data() -> None:
    shipped = profiles()
    assert {"ehospital-spider", "answer-rows"} <= set(shipped)
    spider = shipped["ehospital-spider"]
    assert spider.replies_per_row is False
    assert spider.mapping.columns["reply.hospital"][0].text == "doctor_hospital"
    assert spider.mapping.templates["source_url"].text == (
        "https://sp1.hso.mohw.gov.tw/doctor/All/ShowDetail.php?q_no={question_id}"
    )
    assert shipped["answer-rows"].replies_per_row is True
    assert all(p.description for p in shipped.values())


def test_an_unknown_profile_lists_the_shipped_ones() -> None:
    with pytest.raises(MappingError, match="ehospital-spider"):
        profile("ehospital")


def test_a_plain_dict_is_a_mapping_of_columns() -> None:
    mapping = RecordMapping.of({"title": "heading"})
    assert mapping.columns["title"][0].text == "heading"
    assert RecordMapping.of(mapping) is mapping


def test_a_field_of_control_characters_only_counts_as_missing() -> None:
    log = InputLog()
    rows = [{"title": "\x1b[2J\x07", "specialty": "\x1b\x7f", "question": "Real question? Yes."}]
    (record,) = records_of(list(read_json(json.dumps(rows), "in.json", log=log)))
    assert (record.title, record.specialty) == ("Real question", UNSPECIFIED)
    with pytest.raises(CorpusInputError, match="only control characters"):
        record_from_mapping({"title": "T", "specialty": "S", "similar": [{"title": "\x1b\x1b"}]})
