"""The page text layout -> Record: the seed, text variants, optional parts, malformed pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.pagetext import parse_page, parse_page_bytes
from qatui.corpus.model import Asker, FaqLink, Record, SimilarLink

SEED_NAME = "000_3adcdf4c881c800e"

HEADING = "Knee Pain After Running - Orthopedics"
SHARE = "Share to:"
SUBJECT = "Why does my knee hurt after a long run?"
QUESTION = "Hello doctor,\nI run 10 km three times a week.\n\nMy left knee aches afterwards."
ASKER = "Bram, 40~49 year old male. Ask Date: 2019/04/12"
REPLY = (
    "Dr. Okafor Lin reply Orthopedics\n\nHello:\nRest for a week.\n\nIce helps.\n\n"
    "Reply Date: 2019/04/14"
)
MORE_INFO = "More Info\n\nKnee pain in runners is common.\n\n\nIt is often the patella."
SIMILAR = (
    "Similar Q&A\n\n"
    "Hip Pain When Walking\n\n"
    "My hip hurts when I walk up stairs...\n\n"
    "Dr. Okafor Lin reply Orthopedics\n"
    "It may be bursitis...\n\n"
    "[Read More] Hip Pain When Walking\n\n"
    "Ankle Sprain Healing Time\n\n"
    "How long does a sprain take...\n\n"
    "Dr. Vale Ines reply Rehabilitation\n"
    "Usually six weeks...\n\n"
    "[Read More] Ankle Sprain Healing Time"
)
RELATED = "Related FAQ\n\nKnee\n\n(Orthopedics)\n\nRunning\n\n(Rehabilitation)"


def build_page(
    *,
    share: bool = True,
    more_info: bool = True,
    similar: bool = True,
    related: bool = True,
    newline: str = "\n",
) -> str:
    """A page in the seed's layout, with the optional parts switched on or off."""
    parts = [HEADING, *([SHARE] if share else []), SUBJECT, QUESTION, ASKER, REPLY]
    parts += [MORE_INFO] if more_info else []
    parts += [SIMILAR] if similar else []
    parts += [RELATED] if related else []
    return "\n\n".join(parts).replace("\n", newline) + newline


def expected_record(
    *, more_info: bool = True, similar: bool = True, related: bool = True
) -> dict[str, object]:
    return {
        "title": "Knee Pain After Running",
        "specialty": "Orthopedics",
        "subject": SUBJECT,
        "question": QUESTION,
        "asker": {"name": "Bram", "age": "40~49", "gender": "male"},
        "asked_on": "2019-04-12",
        "reply": {
            "doctor": "Okafor Lin",
            "specialty": "Orthopedics",
            "body": "Hello:\nRest for a week.\n\nIce helps.",
            "replied_on": "2019-04-14",
        },
        "more_info": (
            "Knee pain in runners is common.\n\nIt is often the patella." if more_info else None
        ),
        "similar": [
            {
                "title": "Hip Pain When Walking",
                "question_excerpt": "My hip hurts when I walk up stairs...",
                "doctor": "Okafor Lin",
                "specialty": "Orthopedics",
                "reply_excerpt": "It may be bursitis...",
                "read_more": "Hip Pain When Walking",
            },
            {
                "title": "Ankle Sprain Healing Time",
                "question_excerpt": "How long does a sprain take...",
                "doctor": "Vale Ines",
                "specialty": "Rehabilitation",
                "reply_excerpt": "Usually six weeks...",
                "read_more": "Ankle Sprain Healing Time",
            },
        ]
        if similar
        else [],
        "related_faq": [
            {"topic": "Knee", "specialty": "Orthopedics"},
            {"topic": "Running", "specialty": "Rehabilitation"},
        ]
        if related
        else [],
    }


def parse_error(text: str, source: str = "bad.txt") -> CorpusInputError:
    with pytest.raises(CorpusInputError) as caught:
        parse_page(text, source)
    return caught.value


def bytes_error(data: bytes, source: str, encoding: str = "utf-8") -> CorpusInputError:
    with pytest.raises(CorpusInputError) as caught:
        parse_page_bytes(data, source, encoding)
    return caught.value


# -- the seed -------------------------------------------------------------------------------


def seed_files(seed_dir: Path) -> tuple[bytes, dict[str, object]]:
    page = (seed_dir / f"{SEED_NAME}.txt").read_bytes()
    expected = json.loads((seed_dir / f"{SEED_NAME}.expected.json").read_text(encoding="utf-8"))
    return page, expected


def test_seed_page_parses_into_exactly_the_expected_record(seed_dir: Path) -> None:
    page, expected = seed_files(seed_dir)
    record = parse_page_bytes(page, f"{SEED_NAME}.txt")
    assert record.to_json() == expected
    assert list(record.to_json()) == list(expected)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="cr"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="bom"),
        pytest.param(lambda b: b.replace(b"\n", b"  \t \n"), id="trailing-space"),
        pytest.param(
            lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b" \r\n"), id="bom-crlf-trailing-space"
        ),
        pytest.param(lambda b: b"\n\n" + b + b"\n\n\n", id="blank-lines-around"),
    ],
)
def test_seed_page_text_variants_parse_the_same(
    seed_dir: Path, variant: Callable[[bytes], bytes]
) -> None:
    page, expected = seed_files(seed_dir)
    assert parse_page_bytes(variant(page), "seed.txt").to_json() == expected


# -- a whole page and its optional parts ------------------------------------------------------


def test_full_page_parses_every_field() -> None:
    assert parse_page(build_page()).to_json() == expected_record()


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings(newline: str) -> None:
    assert parse_page(build_page(newline=newline)).to_json() == expected_record()


def test_bom_and_trailing_white_space_are_not_content() -> None:
    page = "\ufeff" + build_page().replace("\n", " \t\n")
    assert parse_page(page).to_json() == expected_record()


def test_runs_of_blank_lines_are_one_paragraph_break() -> None:
    record = parse_page(build_page())
    assert record.more_info == "Knee pain in runners is common.\n\nIt is often the patella."


def test_without_share_line() -> None:
    assert parse_page(build_page(share=False)).to_json() == expected_record()


def test_without_more_info() -> None:
    record = parse_page(build_page(more_info=False))
    assert record.to_json() == expected_record(more_info=False)
    assert record.more_info is None


def test_without_similar() -> None:
    record = parse_page(build_page(similar=False))
    assert record.to_json() == expected_record(similar=False)


def test_without_related_faq() -> None:
    record = parse_page(build_page(related=False))
    assert record.to_json() == expected_record(related=False)


def test_without_any_optional_part() -> None:
    page = build_page(share=False, more_info=False, similar=False, related=False)
    assert parse_page(page).to_json() == expected_record(
        more_info=False, similar=False, related=False
    )


def test_sections_in_another_order() -> None:
    page = "\n\n".join([HEADING, SUBJECT, QUESTION, ASKER, REPLY, RELATED, MORE_INFO]) + "\n"
    assert parse_page(page).to_json() == expected_record(similar=False)


def test_title_may_contain_the_separator() -> None:
    page = build_page().replace(HEADING, "Knee - Pain - Questions - Orthopedics")
    record = parse_page(page)
    assert (record.title, record.specialty) == ("Knee - Pain - Questions", "Orthopedics")


def test_square_brackets_and_markup_like_text_are_kept_as_text() -> None:
    page = build_page().replace("Ice helps.", "[bold]Ice[/] helps. [@click=app.quit]x[/]")
    assert parse_page(page).replies[0].body.endswith("[bold]Ice[/] helps. [@click=app.quit]x[/]")


def test_control_characters_and_escape_sequences_are_removed() -> None:
    page = build_page().replace("Ice helps.", "Ice\x1b[31m helps\x1b]52;c;aGk=\x07.\x00\x7f")
    assert parse_page(page).replies[0].body.endswith("Ice helps.")


def test_more_than_one_reply() -> None:
    second = "Dr. Vale Ines reply Rehabilitation\nStretch daily.\nReply Date: 2019-04-20"
    page = build_page().replace(REPLY, REPLY + "\n\n" + second)
    record = parse_page(page)
    assert [r.doctor for r in record.replies] == ["Okafor Lin", "Vale Ines"]
    assert record.replies[1].body == "Stretch daily."
    assert record.replies[1].replied_on == "2019-04-20"
    assert record.to_json()["replies"][1]["specialty"] == "Rehabilitation"


def test_unanswered_question_has_no_reply() -> None:
    page = "\n\n".join([HEADING, SUBJECT, QUESTION, ASKER]) + "\n"
    record = parse_page(page)
    assert record.replies == ()
    assert record.to_json()["reply"] is None


def test_asker_line_with_only_a_name() -> None:
    page = build_page().replace(ASKER, "Anonymous. Ask Date: 2019/04/12")
    record = parse_page(page)
    assert record.asker == Asker(name="Anonymous")
    assert record.asked_on == "2019-04-12"


def test_asker_line_with_only_a_date_has_no_asker() -> None:
    page = build_page().replace(ASKER, "Ask Date: 2019/04/12")
    record = parse_page(page)
    assert record.asker is None
    assert record.to_json()["asker"] is None


def test_faq_topic_without_specialty() -> None:
    related = "Related FAQ\n\nKnee\n\nRunning\n\n(Rehabilitation)\n\nHip\n\n()"
    assert parse_page(build_page().replace(RELATED, related)).related_faq == (
        FaqLink("Knee"),
        FaqLink("Running", "Rehabilitation"),
        FaqLink("Hip"),
    )


def test_similar_entry_without_reply_header() -> None:
    similar = "Similar Q&A\n\nHip Pain\n\nMy hip hurts...\n\n[Read More] Hip Pain"
    record = parse_page(build_page().replace(SIMILAR, similar))
    assert record.similar == (
        SimilarLink(title="Hip Pain", question_excerpt="My hip hurts...", read_more="Hip Pain"),
    )


def test_cjk_page() -> None:
    page = (
        "乳癌治療期間的轉移風險 - 腫瘤科\n\nShare to:\n\n治療期間有轉移的可能嗎？\n\n"
        "醫師您好，\n我母親在2015年5月確診乳癌。\n\n"
        "小美, 30~39 year old female. Ask Date: 2016/01/03\n\n"
        "Dr. 賴以成 reply 腫瘤科\n\n您好：\n轉移並不常見。\n\nReply Date: 2016/01/04\n\n"
        "More Info\n\n　　HER2陽性乳癌的治療。\n\n"
        "Related FAQ\n\n乳癌\n\n（腫瘤科）\n\n乳房腫瘤\n\n(外科)\n"
    )
    record = parse_page(page)
    assert (record.title, record.specialty) == ("乳癌治療期間的轉移風險", "腫瘤科")
    assert record.subject == "治療期間有轉移的可能嗎？"
    assert record.question == "醫師您好，\n我母親在2015年5月確診乳癌。"
    assert record.asker == Asker("小美", "30~39", "female")
    assert record.replies[0].doctor == "賴以成"
    assert record.replies[0].body == "您好：\n轉移並不常見。"
    assert record.more_info == "　　HER2陽性乳癌的治療。"
    assert record.related_faq == (FaqLink("乳癌", "腫瘤科"), FaqLink("乳房腫瘤", "外科"))


@pytest.mark.parametrize("encoding", ["big5", "gb18030"])
def test_legacy_chinese_encodings_with_encoding_option(encoding: str) -> None:
    page = (
        "乳癌治療 - 腫瘤科\n\n治療期間有轉移的可能嗎\n\n醫師您好\n\n"
        "小美, 30~39 year old female. Ask Date: 2016/01/03\n\n"
        "Dr. 賴以成 reply 腫瘤科\n您好\nReply Date: 2016/01/04\n"
    )
    data = page.encode(encoding)
    record = parse_page_bytes(data, "legacy.txt", encoding)
    assert (record.title, record.specialty, record.replies[0].doctor) == (
        "乳癌治療",
        "腫瘤科",
        "賴以成",
    )
    error = bytes_error(data, "legacy.txt")
    assert error.source == "legacy.txt"
    assert error.line == 1
    assert "--encoding" in error.reason


# -- malformed pages ------------------------------------------------------------------------


def test_heading_without_separator() -> None:
    error = parse_error(build_page().replace(HEADING, "Knee Pain After Running"))
    assert (error.source, error.line) == ("bad.txt", 1)
    assert "'<Title> - <Specialty>'" in error.reason
    assert str(error).startswith("bad.txt:1: expected a heading")


def test_heading_line_number_counts_leading_blank_lines() -> None:
    error = parse_error("\n\n\nNo separator here\n")
    assert error.line == 4


def test_no_asker_line() -> None:
    error = parse_error(build_page().replace(ASKER, "Bram, 40~49 year old male."))
    assert error.source == "bad.txt"
    assert error.line is not None
    assert "asker line" in error.reason
    assert "Ask Date: YYYY/MM/DD" in error.reason


def test_reply_without_reply_date() -> None:
    page = build_page(more_info=False, similar=False, related=False)
    error = parse_error(page.replace("Reply Date: 2019/04/14", "Thanks."))
    lines = page.splitlines()
    reply_line = lines.index("Dr. Okafor Lin reply Orthopedics") + 1
    assert "Reply Date: YYYY/MM/DD" in error.reason
    assert f"line {reply_line}" in error.reason
    assert error.line == len(lines) == page.rstrip().count("\n") + 1


def test_reply_date_missing_before_next_section() -> None:
    page = build_page().replace("Reply Date: 2019/04/14", "")
    error = parse_error(page)
    assert error.line == page.splitlines().index("More Info") + 1
    assert "Reply Date" in error.reason


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ("Ask Date: 2016/02/30", "Ask Date: 2019/04/12"),
        ("Ask Date: 2019/13/01", "Ask Date: 2019/04/12"),
        ("Reply Date: 2016/02/30", "Reply Date: 2019/04/14"),
        ("Reply Date: yesterday", "Reply Date: 2019/04/14"),
        ("Reply Date: 2019/4", "Reply Date: 2019/04/14"),
    ],
)
def test_bad_dates_name_their_line(bad: str, good: str) -> None:
    page = build_page().replace(good, bad)
    error = parse_error(page)
    assert error.line == next(n for n, line in enumerate(page.splitlines(), 1) if bad in line)
    assert bad.split(": ")[1] in error.reason


def test_similar_entry_without_read_more() -> None:
    page = build_page().replace("[Read More] Ankle Sprain Healing Time", "")
    error = parse_error(page)
    lines = page.splitlines()
    assert "[Read More]" in error.reason
    assert f"line {lines.index('Ankle Sprain Healing Time') + 1}" in error.reason
    assert error.line == lines.index("Usually six weeks...") + 1


def test_read_more_without_a_title() -> None:
    page = build_page().replace(SIMILAR, "Similar Q&A\n\n[Read More] Nothing")
    error = parse_error(page)
    assert error.line == page.splitlines().index("[Read More] Nothing") + 1


def test_faq_specialty_without_topic() -> None:
    page = build_page().replace(RELATED, "Related FAQ\n\n(Orthopedics)\n\nKnee")
    error = parse_error(page)
    assert error.line == page.splitlines().index("(Orthopedics)") + 1
    assert "topic" in error.reason


def test_content_before_the_sections() -> None:
    page = build_page().replace("\nMore Info\n", "\nA stray line\n\nMore Info\n")
    error = parse_error(page)
    assert error.line == page.splitlines().index("A stray line") + 1
    assert "'More Info'" in error.reason
    assert "A stray line" in error.reason


@pytest.mark.parametrize("section", ["More Info", "Similar Q&A", "Related FAQ"])
def test_duplicate_section(section: str) -> None:
    page = build_page() + f"\n{section}\n\nagain\n"
    error = parse_error(page)
    assert error.line == len(page.splitlines()) - 2
    assert section in error.reason


def test_empty_file() -> None:
    error = bytes_error(b"", "empty.txt")
    assert error.source == "empty.txt"
    assert "empty" in error.reason


def test_white_space_only_file() -> None:
    error = bytes_error(b" \n\r\n\t\n", "blank.txt")
    assert "empty" in error.reason
    assert "empty" in parse_error(" \n \n").reason


def test_binary_file() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    error = bytes_error(data, "image.png")
    assert error.source == "image.png"
    assert "binary" in error.reason


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_undecodable_bytes_name_their_line(bom: bytes) -> None:
    data = bom + build_page().encode().replace(b"Ice helps.", b"Ice \xff\xfe helps.")
    line = data.split(b"\n").index(b"Ice \xff\xfe helps.") + 1
    error = bytes_error(data, "bytes.txt")
    assert (error.source, error.line) == ("bytes.txt", line)
    assert "utf-8" in error.reason
    assert "--encoding" in error.reason


def test_unknown_encoding() -> None:
    error = bytes_error(b"x", "p.txt", "no-such-codec")
    assert "no-such-codec" in error.reason


# -- arbitrary input: a record or the importer's own error, nothing else ---------------------

PAGE_LINES = st.sampled_from(
    [
        HEADING,
        SHARE,
        ASKER,
        "Ask Date: 2019/02/29",
        "x, y year old z. Ask Date: 0000/01/01",
        "Dr. A reply B",
        "Reply Date: 2019/04/14",
        "Reply Date: 9999/99/99",
        "More Info",
        "Similar Q&A",
        "Related FAQ",
        "[Read More] x",
        "[Read More]",
        "(Surgery)",
        "()",
        " - ",
        "",
        "\u2028",
        "\x1b[31m",
    ]
)
PAGE_LIKE_TEXT = st.lists(st.one_of(PAGE_LINES, st.text(max_size=30)), max_size=30).map("\n".join)


def parses_or_refuses(text: str) -> None:
    try:
        result = parse_page(text, "fuzz.txt")
    except CorpusInputError as error:
        assert error.source == "fuzz.txt"
        return
    assert isinstance(result, Record)
    assert result.title and result.specialty


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_a_record_or_corpus_input_error(text: str) -> None:
    parses_or_refuses(text)


@settings(max_examples=500, deadline=None)
@given(PAGE_LIKE_TEXT)
def test_page_like_text_gives_a_record_or_corpus_input_error(text: str) -> None:
    parses_or_refuses(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(), st.sampled_from(["utf-8", "big5", "gb18030", "utf-16", "latin-1"]))
def test_arbitrary_bytes_give_a_record_or_corpus_input_error(data: bytes, encoding: str) -> None:
    try:
        result = parse_page_bytes(data, "fuzz.bin", encoding)
    except CorpusInputError as error:
        assert error.source == "fuzz.bin"
        return
    assert isinstance(result, Record)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_any_valid_page_with_odd_text_in_its_blocks_parses(words: list[str]) -> None:
    """Free text inside the question is either kept (cleaned) or refused, never crashes."""
    page = build_page().replace("My left knee aches afterwards.", " ".join(words))
    parses_or_refuses(page)
