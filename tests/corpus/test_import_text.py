"""Dates in the forms real sources write, bounded to a sane range; text repaired at import
(the site's backslash artefacts, mojibake before control characters go, NFC), each counted."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qatui.corpus.ingest.dates import parse_date
from qatui.corpus.ingest.importer import import_paths
from qatui.corpus.ingest.mapping import mapping_from_options
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.records import read_jsonl, record_from_mapping
from qatui.corpus.ingest.repair import (
    BACKSLASHES,
    MOJIBAKE,
    NFC,
    TextRepair,
    big5_5c_characters,
    repair_backslashes,
    repair_mojibake,
    repair_nfc,
)
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store

# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2000-08-16T00:00:00",
        "2000-08-16 00:00:00",
        "2000/08/16 13:05",
        "2000-08-16T10:11:12+08:00",
        "089/08/16",
        "89/08/16",
        "民國89年8月16日",
        "2000年8月16日",
        "２０００年８月１６日",
        "20000816",
    ],
)
def test_real_date_forms(text: str) -> None:
    assert parse_date(text) == "2000-08-16"


def test_a_date_format_of_ones_own() -> None:
    assert parse_date("16.08.2000", ["%d.%m.%Y"]) == "2000-08-16"
    assert parse_date("Aug 16, 2000", ["%b %d, %Y"]) == "2000-08-16"


def test_dates_outside_the_sane_range_are_refused() -> None:
    too_late = dt.date.today() + dt.timedelta(days=400)
    for text in ("9999/12/31", "1989/12/31", too_late.strftime("%Y/%m/%d"), "16/01/03"):
        with pytest.raises(ValueError, match="outside 1990-01-01"):
            parse_date(text)
    soon = dt.date.today() + dt.timedelta(days=300)
    assert parse_date(soon.strftime("%Y/%m/%d")) == soon.isoformat()


def test_a_bad_date_empties_the_field_names_the_place_and_keeps_the_record() -> None:
    log = InputLog()
    lines = [
        json.dumps({"title": "A", "specialty": "S", "asked_on": "9999/12/31"}),
        json.dumps(
            {
                "title": "B",
                "specialty": "S",
                "asked_on": "soon",
                "reply": {"body": "x", "replied_on": "2000/02/30"},
            }
        ),
    ]
    records = list(read_jsonl("\n".join(lines), "in.jsonl", log=log))
    assert [(r.title, r.asked_on) for r in records if isinstance(r, Record)] == [
        ("A", None),
        ("B", None),
    ]
    messages = [m for group in log.warnings.groups() for m in group.examples]
    assert messages[0] == (
        "in.jsonl:1: field 'asked_on': date '9999/12/31' is outside 1990-01-01 .. a year from "
        "today; the field is left empty"
    )
    assert any(m.startswith("in.jsonl:2: field 'asked_on'") and "'soon'" in m for m in messages)
    assert any("in.jsonl:2: field 'reply.replied_on'" in m and "2000/02/30" in m for m in messages)
    assert log.warnings.total == 3


def test_date_format_option_reaches_the_record() -> None:
    mapping = mapping_from_options(date_formats=["%d.%m.%Y"])
    record = record_from_mapping(
        {"title": "T", "specialty": "S", "asked_on": "16.08.2000"}, mapping
    )
    assert record.asked_on == "2000-08-16"


# -- text repair ----------------------------------------------------------------------------


def test_the_big5_characters_with_a_5c_byte() -> None:
    chars = big5_5c_characters()
    for char in "功許蓋餐":
        assert char in chars
        assert char.encode("big5")[1] == 0x5C
    assert "能" not in chars


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("排水功\\能", "排水功能"),
        ("許\\多蓋\\子", "許多蓋子"),
        ("稱為\\\\\\”緊張性頭痛\\\\\\”", "稱為”緊張性頭痛”"),
        ("謝謝\\”", "謝謝”"),
        ('a \\"quote\\"', 'a "quote"'),
        ("C:\\temp\\能", "C:\\temp\\能"),  # after letters a backslash is meant
        ("能\\力", "能\\力"),  # 能's Big5 form has no 0x5C byte
    ],
)
def test_backslash_artefacts(text: str, repaired: str) -> None:
    assert repair_backslashes(text) == repaired


def test_mojibake_is_repaired_before_control_characters_are_stripped() -> None:
    text = "stool\u00e2\x80\x99s"  # UTF-8 "’" read as Latin-1: its middle bytes are C1 controls
    assert repair_mojibake(text) == "stool’s"
    record = record_from_mapping({"title": text, "specialty": "S", "question": text})
    assert (record.title, record.question) == ("stool’s", "stool’s")


def test_mojibake_repair_leaves_good_text_and_widths_alone() -> None:
    for text in (
        "高血压的标准是多少？",
        "高血压的标准是多少?",
        "ｆｕｌｌ",
        "&amp; “curly”",
        "naïve café",
    ):
        assert repair_mojibake(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "膝蓋痛\nstool\u00e2\x80\x99s on the second line",
        "naïve café\n\u00c3 starts a line",  # ftfy's one anchored pattern, on a later line
        "高血压\n" * 3 + "Ã©tÃ©",
        "clean 膝蓋痛\nand naïve",
    ],
)
def test_mojibake_check_over_the_whole_text_agrees_with_ftfy_line_by_line(text: str) -> None:
    from ftfy import fix_text

    from qatui.corpus.ingest.repair import _ftfy_config

    assert repair_mojibake(text) == fix_text(text, _ftfy_config())  # type: ignore[arg-type]


_MOJIBAKE_ALPHABET = st.sampled_from(
    [*"ÃÂÎÐ€œŠš¢£Ÿž®©°·»–—´×²³√±∂†≠™≤≥¥µøВГРСЂβ€ΒΓΞΟā¡àØÙ", "\xa0", "\x85", *"高血壓 aZ.,?!\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(_MOJIBAKE_ALPHABET, max_size=12))
def test_mojibake_repair_agrees_with_ftfy_on_any_mix_of_its_characters(text: str) -> None:
    from ftfy import fix_text

    from qatui.corpus.ingest.repair import _ftfy_config

    assert repair_mojibake(text) == fix_text(text, _ftfy_config())  # type: ignore[arg-type]


def test_nfc_joins_combining_marks_and_keeps_simplified_and_traditional() -> None:
    assert repair_nfc("cafe\u0301") == "café"
    for text in ("门诊", "門診", "医生", "醫生"):
        assert repair_nfc(text) == text


def test_each_repair_can_be_turned_off() -> None:
    text = "功\\能 cafe\u0301"
    assert TextRepair([])(text) == text
    only_nfc = TextRepair([NFC])
    assert only_nfc(text) == unicodedata.normalize("NFC", text)
    assert only_nfc.take_changes() == {NFC}


def test_repairs_are_counted_per_record(tmp_path: Path) -> None:
    rows = [
        {"title": "功\\能", "specialty": "S", "question": "排水功\\能"},
        {"title": "B", "specialty": "S", "question": "stool\u00e2\x80\x99s"},
        {"title": "C", "specialty": "S", "question": "cafe\u0301"},
        {"title": "D", "specialty": "S", "question": "fine"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    store = Store.open(tmp_path / "c.db")
    report = import_paths(store, [str(path)])
    assert report.new == 4
    assert dict(report.log.repairs) == {BACKSLASHES: 1, MOJIBAKE: 1, NFC: 1}
    stored = [row[0] for row in store.conn.execute("SELECT question FROM questions ORDER BY id")]
    assert sorted(stored) == sorted(["排水功能", "stool’s", "café", "fine"])
    store.close()


PAGE = """排水功\\能 - 神經外科

Subject

The stool\u00e2\x80\x99s colour, 功\\能.

Ada, 30~39 year old female. Ask Date: 2016/01/03

Dr. Lai reply 神經外科

Reply.

Reply Date: 2016/01/04
"""


def test_a_page_file_is_repaired_before_its_control_characters_go(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    store = Store.open(tmp_path / "c.db")
    report = import_paths(store, [str(path)])
    assert (report.new, report.failed) == (1, 0)
    assert dict(report.log.repairs) == {BACKSLASHES: 1, MOJIBAKE: 1}
    (row,) = store.conn.execute("SELECT title, question FROM questions").fetchall()
    assert row == ("排水功能", "The stool’s colour, 功能.")
    store.close()
