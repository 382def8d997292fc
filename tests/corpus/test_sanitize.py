"""clean_text against control characters and escape sequences, and every path into the store."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from dataclasses import fields, is_dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.pagetext import parse_page
from qatui.corpus.ingest.records import read_csv, read_json, read_jsonl, record_from_mapping
from qatui.corpus.ingest.sanitize import (
    BIDI_CONTROLS,
    clean_line,
    clean_record,
    clean_text,
    has_control,
    json_terminal_safe,
)
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from tests.hostile import CONTROLS, HOSTILE, MARKUP, UNICODE, forbidden_in_terminal_text
from tests.hostile_plugin import HostileCases

FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# -- explicit cases ---------------------------------------------------------------------------

CLEANED = {
    "csi_clear": "beforeafter",
    "csi_colour": "red and blink",
    "csi_cursor": "uplefthome",
    "osc52_bel": "copyme",
    "osc52_st": "copyme",
    "osc_title": "window",
    "osc8_link": "click",
    "osc_unterminated": "\nthe next line stays",
    "dcs": "dcssixel",
    "apc_pm_sos": "text",
    "csi_8bit": "8-bit CSI",
    "osc_8bit": "8-bit OSC",
    "dcs_8bit": "8-bit DCS",
    "reset": "full reset save",
    "c0": "nulbelbsvt\nff\ncr\nsosiescub",
    "del": "delete",
    "c1": "c1\n",
    "bidi_override": "invoicefdp.exe end",
    "bidi_embedding": "LTR RTL",
    "bidi_isolate": "isolated rtl first",
    "bidi_marks": "mark  ",
    "line_separators": "line\nseparator\nparagraph\nnext",
}


def test_every_control_case_has_its_expected_result() -> None:
    assert set(CLEANED) == set(CONTROLS)


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_control_sequences_are_removed(name: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    assert clean_text(CONTROLS[name]) == CLEANED[name]


@pytest.mark.parametrize("name", sorted(MARKUP))
def test_markup_is_text_and_stays_as_written(name: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    assert clean_text(MARKUP[name]) == MARKUP[name]
    assert not has_control(MARKUP[name])


@pytest.mark.parametrize("name", sorted(set(UNICODE) - {"tabs"}))
def test_legitimate_unicode_stays_intact(name: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    assert clean_text(UNICODE[name]) == UNICODE[name]


@pytest.mark.parametrize(
    "text",
    [
        "👨\u200d👩\u200d👧",  # zero-width joiner inside an emoji sequence
        "می\u200cخواهم",  # zero-width non-joiner in Persian
        "e\u0301 n\u0303 a\u0308",  # combining marks
        "葛\U000e0100",  # ideographic variation selector
        "☺\ufe0f",  # emoji variation selector
        "word\u2060joiner and zero\u200bwidth space",
        "line one\nline two\n\nparagraph",
    ],
)
def test_joiners_combining_marks_and_newlines_stay(text: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    assert clean_text(text) == text


def test_tabs_become_four_spaces() -> None:
    assert clean_text("a\tb\t\tc") == "a    b        c"


def test_every_line_break_becomes_lf() -> None:
    assert clean_text("a\r\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h") == "a\nb\nc\nd\ne\nf\ng\nh"


def test_an_unterminated_string_sequence_ends_at_the_line_break() -> None:
    text = "kept\x1b]52;c;aGVsbG8=\nsecond line\nthird line"
    assert clean_text(text) == "kept\nsecond line\nthird line"


def test_an_open_8_bit_string_control_loses_only_itself() -> None:
    # U+009E in mis-decoded text is far more likely than an attack: the word survives.
    assert clean_text("Bo\x9eena Nowak\nnext") == "Boena Nowak\nnext"
    assert clean_text("a\x9d52;c;aGk=\x9cb") == "ab"


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"


def test_printable_text_is_returned_as_is() -> None:
    text = "Knee pain [Read More] 膝蓋痛"
    assert clean_text(text) is text


def test_clean_line_has_no_line_breaks() -> None:
    assert clean_line("one\r\ntwo\u2028three\x1b[2J") == "one two three"


def test_json_escaping_is_lossless_and_leaves_nothing_raw(hostile_cases: HostileCases) -> None:
    for text in hostile_cases.each(HOSTILE.values()):
        document = json_terminal_safe(json.dumps({"text": text}, ensure_ascii=False))
        assert json.loads(document) == {"text": text}
        assert not forbidden_in_terminal_text(document)
        assert not any(char in document for char in "\u2028\u2029")


def test_json_escaping_keeps_cjk_and_emoji_readable() -> None:
    document = json_terminal_safe(json.dumps("膝蓋痛 👍🏽", ensure_ascii=False))
    assert document == '"膝蓋痛 👍🏽"'


def test_clean_record_cleans_every_field_and_keeps_paragraphs() -> None:
    dirty = "x\x1b[2J\ny"
    record = Record(
        title=dirty,
        specialty=dirty,
        question=dirty,
        subject=dirty,
        asker=Asker(dirty, dirty, dirty),
        asked_on="2020-01-01",
        replies=(Reply(dirty, dirty, dirty, "2020-01-02"),),
        more_info=dirty,
        similar=(SimilarLink(dirty, dirty, dirty, dirty, dirty, dirty),),
        related_faq=(FaqLink(dirty, dirty),),
        source_url=dirty,
    )
    cleaned = clean_record(record)
    paragraphs = {"question", "body", "more_info", "question_excerpt", "reply_excerpt"}
    for path, value in _strings(cleaned):
        if path[-1] in ("asked_on", "replied_on"):
            continue
        assert value == ("x\ny" if path[-1] in paragraphs else "x y"), path


def test_clean_record_returns_a_clean_record_itself() -> None:
    record = Record(title="T", specialty="S", question="Q\nQ", replies=(Reply("D", "S", "B"),))
    assert clean_record(record) is record


@pytest.mark.parametrize(
    ("field", "dirty"),
    [("title", "one\nline"), ("subject", "a\tb"), ("question", "q\x9bq"), ("more_info", "\u202e")],
)
def test_clean_record_cleans_a_record_with_one_dirty_field(field: str, dirty: str) -> None:
    link = SimilarLink("T", reply_excerpt="ok")
    record = Record(title="T", specialty="S", question="Q", similar=(link,))
    changes: dict[str, Any] = {field: dirty}
    record = dataclasses.replace(record, **changes)
    cleaned = clean_record(record)
    assert cleaned is not record
    assert getattr(cleaned, field) == (
        clean_text(dirty) if field in ("question", "more_info") else clean_line(dirty)
    )


def test_clean_record_finds_a_dirty_line_in_a_nested_one_line_field() -> None:
    record = Record(title="T", specialty="S", question="Q", similar=(SimilarLink("a\nb"),))
    assert clean_record(record).similar[0].title == "a b"


# -- every path that writes into the store --------------------------------------------------

PAGE = """{title} - Ortho{ctl}pedics
Share to:
Why does my knee hurt?{ctl}
Hello{ctl} doctor,
I run a lot.{ctl}
Bram{ctl}, 40~49 year old male. Ask Date: 2019/04/12
Dr. Okafor{ctl} Lin reply Orthopedics
Rest{ctl} for a week.
Reply Date: 2019/04/14
More Info
Knee pain{ctl} is common.
Similar Q&A
Hip Pain{ctl}
My hip hurts...{ctl}
Dr. Okafor Lin reply Orthopedics
It may be bursitis...{ctl}
[Read More] Hip Pain{ctl}
Related FAQ
Knee{ctl}
(Orthopedics{ctl})
"""


ONE_LINE_CONTROLS = sorted(set(CONTROLS) - {"osc_unterminated"})
"""Sequences that end on their line (an unterminated one takes the rest of its line)."""


@pytest.mark.parametrize("name", ONE_LINE_CONTROLS)
def test_page_parser_cleans_every_part(name: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    breaks = "\r\n\x0b\x0c\x85\u2028\u2029"
    control = "".join(" " if char in breaks else char for char in CONTROLS[name])
    record = parse_page(PAGE.format(title=f"Knee {control} Pain", ctl=control), "hostile.txt")
    assert record.specialty.startswith("Ortho")
    assert (record.asked_on, record.replies[0].replied_on) == ("2019-04-12", "2019-04-14")
    assert len(record.similar) == len(record.related_faq) == 1
    assert_clean(record)


def test_an_unterminated_sequence_in_a_page_costs_only_its_line() -> None:
    page = PAGE.format(title="Knee Pain", ctl="").replace("I run a lot.", "I run\x1b]52;c;eA==")
    record = parse_page(page, "hostile.txt")
    assert record.question == "Hello doctor,\nI run"
    assert record.replies[0].body == "Rest for a week."


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_json_jsonl_and_csv_records_are_cleaned(name: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add(3)
    text = CONTROLS[name]
    item = {
        "title": f"T {text}",
        "specialty": f"S {text}",
        "question": text,
        "asker": {"name": text},
        "reply": {"doctor": text, "body": text},
        "similar": [{"title": f"L {text}", "reply_excerpt": text}],
        "related_faq": [{"topic": f"F {text}"}],
    }
    parsed = [
        *read_json(json.dumps([item]), "in.json"),
        *read_jsonl(json.dumps(item), "in.jsonl"),
        *read_csv(_csv_row(item), "in.csv"),
    ]
    assert len(parsed) == 3
    for record in parsed:
        assert isinstance(record, Record), record
        assert_clean(record)


def test_store_cleans_what_it_is_given(hostile_cases: HostileCases) -> None:
    store = Store.open(":memory:")
    for number, text in enumerate(hostile_cases.each(CONTROLS.values()), start=1):
        store.upsert(
            Record(
                id=number,
                title=f"T{number} {text}",
                specialty=f"S {text}",
                question=text,
                replies=(Reply(text, text, text),),
                similar=(SimilarLink(f"L{number} {text}", text),),
                related_faq=(FaqLink(text),),
            )
        )
    reader = CorpusReader(store.conn)
    for record in reader.iter_records(include_partial=True):
        assert_clean(record)
    for table in ("specialties", "questions", "replies", "similar_links", "faq_links"):
        for row in store.conn.execute(f"SELECT * FROM {table}"):
            for value in row:
                if isinstance(value, str):
                    assert not forbidden_in_terminal_text(value), (table, value)
    store.close()


def test_generated_records_are_clean() -> None:
    generate = pytest.importorskip("qatui.synthetic.generate")
    for record in generate.generate_records(300):
        assert clean_record(record) == record


# -- fuzzing ----------------------------------------------------------------------------------

HOSTILE_PIECES = st.sampled_from(
    [
        "\x1b[",
        "\x1b]",
        "\x1bP",
        "\x1b\\",
        "\x07",
        "\x9b",
        "\x9c",
        "\x9d",
        "\x90",
        "\r",
        "\n",
        "\t",
        "\u2028",
        "\x85",
        "[bold]",
        "[/]",
        *BIDI_CONTROLS,
    ]
)
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),  # every category, lone surrogates included
        st.characters(max_codepoint=0xA0),
        HOSTILE_PIECES,
    ),
    max_size=60,
).map("".join)


@FUZZ
@given(text=ANY_TEXT)
def test_clean_text_leaves_nothing_a_terminal_acts_on(
    text: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    cleaned = clean_text(text)
    assert not forbidden_in_terminal_text(cleaned)
    assert "\x1b" not in cleaned
    assert not any(char in BIDI_CONTROLS for char in cleaned)
    assert all(unicodedata.category(c) != "Cc" or c == "\n" for c in cleaned)
    assert clean_text(cleaned) == cleaned
    assert "\n" not in clean_line(text)
    assert not has_control(cleaned)


@FUZZ
@given(text=ANY_TEXT)
def test_text_without_controls_is_unchanged(text: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    plain = "".join(
        c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp") and c not in BIDI_CONTROLS
    )
    assert clean_text(plain) == plain


@FUZZ
@given(title=ANY_TEXT, body=ANY_TEXT)
def test_page_parser_output_is_always_clean(
    title: str, body: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    page = PAGE.format(title=f"Knee {title}", ctl="").replace("I run a lot.", body)
    try:
        record = parse_page(page, "fuzz.txt")
    except CorpusInputError:
        return
    assert_clean(record)


@FUZZ
@given(item=st.dictionaries(st.sampled_from(["title", "specialty", "question"]), ANY_TEXT))
def test_record_mapping_output_is_always_clean(
    item: dict[str, str], hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    try:
        record = record_from_mapping(item)
    except CorpusInputError:
        return
    assert_clean(record)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=ANY_TEXT, text=ANY_TEXT)
def test_stored_text_is_always_clean(title: str, text: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    store = Store.open(":memory:")
    try:
        store.upsert(Record(title=title or "t", specialty=text or "s", question=text))
        for row in store.conn.execute(
            "SELECT q.title, s.name, q.question FROM questions q JOIN specialties s "
            "ON s.id = q.specialty_id"
        ):
            for value in row:
                assert not forbidden_in_terminal_text(value)
    finally:
        store.close()


# -- helpers ----------------------------------------------------------------------------------


def _strings(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Every string inside a record, with the field names leading to it."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, tuple):
        return [found for item in value for found in _strings(item, path)]
    if is_dataclass(value) and not isinstance(value, type):
        return [
            found
            for field in fields(value)
            for found in _strings(getattr(value, field.name), (*path, field.name))
        ]
    return []


def assert_clean(record: Record) -> None:
    for path, value in _strings(record):
        assert not forbidden_in_terminal_text(value), (path, value)
        assert "\x1b" not in value


def _csv_row(item: dict[str, Any]) -> str:
    import csv
    import io

    flat = {
        key: json.dumps(value) if isinstance(value, (dict, list)) else value
        for key, value in item.items()
    }
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(flat))
    writer.writeheader()
    writer.writerow(flat)
    return out.getvalue()
