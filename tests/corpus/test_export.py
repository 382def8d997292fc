"""Export: Markdown (field by field, escaping), JSON lists and bookmarks, and the citation."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from qatui.corpus.export import (
    NOT_MEDICAL_ADVICE,
    bookmarks_json,
    citation,
    iter_filtered_records,
    list_json,
    markdown_document,
    markdown_inline,
    markdown_text,
    record_markdown,
    write_markdown,
)
from qatui.corpus.filters import Filters, SqlFilter
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = (
    "1. [bold]x[/bold] [@click=app.quit]y[/] `code` <b>html</b> <https://evil.example>\n"
    "# not a heading\n> not a quote\n- not a list\n+ nor this\n    not code\n"
    "*star* _under_ ~~strike~~ | a | b |\n---\n&amp; &#35; \\* [Read More] ![img](x.png)"
)


def full_record(**changes: Any) -> Record:
    values: dict[str, Any] = {
        "id": 42,
        "title": "Knee pain [when] climbing",
        "specialty": "Orthopedics",
        "subject": "Why does my knee hurt?",
        "question": "Hello doctor.\nMy knee hurts.\n\nThank you.",
        "asker": Asker("Mei", "30~39", "female"),
        "asked_on": "2016-03-05",
        "replies": (Reply("Lin Wei", "Orthopedics", "Rest it.\nIce it.", "2016-03-08"),),
        "more_info": "Knees are joints.",
        "similar": (
            SimilarLink("Ankle sprain", "excerpt...", "Zhou Ping", "Orthopedics", "reply..."),
            SimilarLink("Hip clicking"),
        ),
        "related_faq": (FaqLink("Knee Pain", "Orthopedics"), FaqLink("Sprain")),
        "source_url": "https://example.org/q/42",
    }
    values.update(changes)
    return Record(**values)


# -- reading the Markdown back --------------------------------------------------------------


def inline_text(token: Token) -> str:
    """The text an inline token shows; fails on any markup other than line breaks."""
    parts = []
    for child in token.children or []:
        assert child.type in {"text", "softbreak", "hardbreak"}, child.type
        parts.append(child.content if child.type == "text" else "\n")
    return "".join(parts)


def sections(markdown: str) -> dict[str, list[Token]]:
    """Block tokens grouped under each heading's text (the first heading is "title")."""
    grouped: dict[str, list[Token]] = {}
    current = ""
    tokens = MARKDOWN.parse(markdown)
    heading_text = -1
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading_text = index + 1
            current = inline_text(tokens[heading_text])
            grouped[current] = []
        elif current and index != heading_text and token.type != "heading_close":
            grouped[current].append(token)
    return grouped


def paragraphs(tokens: list[Token]) -> list[str]:
    return [
        inline_text(tokens[i + 1])
        for i, token in enumerate(tokens)
        if token.type == "paragraph_open" and tokens[i + 1].type == "inline"
    ]


def items(tokens: list[Token]) -> list[str]:
    return [
        "".join(
            child.content
            for child in tokens[i + 2].children or []
            if child.type in {"text", "softbreak"}
        )
        for i, token in enumerate(tokens)
        if token.type == "list_item_open"
    ]


# -- Markdown -------------------------------------------------------------------------------


def test_record_markdown_field_by_field() -> None:
    markdown = record_markdown(full_record())
    parsed = sections(markdown)
    title = "Knee pain [when] climbing"
    assert list(parsed) == [
        title,
        "Subject",
        "Question",
        "Reply from Dr. Lin Wei (Orthopedics), 2016-03-08",
        "More Info",
        "Similar Q&A",
        "Related FAQ",
    ]
    assert items(parsed[title]) == [
        "Specialty: Orthopedics",
        "Asked by: Mei, 30~39 year old female",
        "Asked on: 2016-03-05",
        "Replied on: 2016-03-08",
        "Reply delay: 3 days",
        "Source: https://example.org/q/42",
        "Question id: 42",
    ]
    assert paragraphs(parsed["Subject"]) == ["Why does my knee hurt?"]
    assert paragraphs(parsed["Question"]) == ["Hello doctor.\nMy knee hurts.", "Thank you."]
    assert paragraphs(parsed["Reply from Dr. Lin Wei (Orthopedics), 2016-03-08"]) == [
        "Rest it.\nIce it."
    ]
    more_info = parsed["More Info"]
    label = more_info[1].children or []
    assert [c.type for c in label] == ["em_open", "text", "em_close"]
    assert label[1].content == "The site's editorial text, not the doctor's reply."
    assert paragraphs(more_info[3:]) == ["Knees are joints."]
    assert items(parsed["Similar Q&A"]) == [
        "Ankle sprain (Orthopedics, Dr. Zhou Ping)",
        "Hip clicking",
    ]
    assert items(parsed["Related FAQ"]) == ["Knee Pain (Orthopedics)", "Sprain"]
    assert markdown.rstrip().endswith(f"*{NOT_MEDICAL_ADVICE}*")
    assert markdown.count(NOT_MEDICAL_ADVICE) == 1


def test_source_link_only_for_web_addresses() -> None:
    tokens = MARKDOWN.parseInline(
        record_markdown(full_record()).split("**Source:** ")[1].split("\n")[0]
    )
    assert next(c.type for c in tokens[0].children or []) == "link_open"
    odd = record_markdown(full_record(source_url="javascript:alert(1) <x>"))
    assert "**Source:** javascript:alert(1) \\<x\\>" in odd


def test_optional_parts_are_left_out() -> None:
    bare = Record(title="Only a title", specialty="Urology", question="")
    markdown = record_markdown(bare, notice=False)
    assert list(sections(markdown)) == ["Only a title", "Question"]
    assert paragraphs(sections(markdown)["Question"]) == ["(no text)"]
    assert NOT_MEDICAL_ADVICE not in markdown
    assert items(sections(markdown)["Only a title"]) == ["Specialty: Urology"]


def test_every_reply_is_exported() -> None:
    replies = (Reply(None, None, "First."), Reply("Chen", "Surgery", "Second.", "2016-03-09"))
    parsed = sections(record_markdown(full_record(replies=replies)))
    assert "Reply from the doctor" in parsed
    assert paragraphs(parsed["Reply from Dr. Chen (Surgery), 2016-03-09"]) == ["Second."]


def test_hostile_text_stays_text_everywhere() -> None:
    record = full_record(
        title=HOSTILE.replace("\n", " "),
        question=HOSTILE,
        replies=(Reply("[b]Dr[/b]", "`x`", HOSTILE, "2016-03-05"),),
        more_info=HOSTILE,
        similar=(SimilarLink(HOSTILE.replace("\n", " "), specialty="<i>x</i>"),),
        related_faq=(FaqLink("# topic", "_x_"),),
        source_url=None,
    )
    markdown = record_markdown(record)
    for token in MARKDOWN.parse(markdown):
        assert token.type not in {"html_block", "code_block", "fence", "hr_extra", "table_open"}
        for child in token.children or []:
            assert child.type not in {"link_open", "image", "html_inline", "code_inline", "s_open"}
    expected = "\n".join(line.strip() for line in HOSTILE.split("\n"))
    assert paragraphs(sections(markdown)["Question"]) == [expected]


def test_control_characters_are_removed() -> None:
    record = full_record(title="Knee\x1b[2J pain", question="a\x1b]52;c;SGk=\x07b\x00c\u202e")
    markdown = record_markdown(record)
    assert "\x1b" not in markdown and "\x00" not in markdown and "\u202e" not in markdown
    assert "# Knee pain" in markdown
    assert paragraphs(sections(markdown)["Question"]) == ["abc"]


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]) | st.just("\n")))
def test_markdown_text_shows_exactly_the_text(text: str) -> None:
    rendered = paragraphs([t for t in MARKDOWN.parse(markdown_text(text))])
    blocks = [
        "\n".join(line.strip() for line in block.split("\n") if line.strip())
        for block in __import__("re").split(r"\n\s*\n", text.strip())
    ]
    assert rendered == [block for block in blocks if block]


def test_markdown_inline_is_one_line() -> None:
    assert markdown_inline("a\nb [c]") == "a b \\[c\\]"


def test_markdown_document_has_the_notice_once_at_the_top() -> None:
    records = [full_record(), full_record(id=43, title="Second")]
    document = "".join(markdown_document(records, title="My [export]"))
    assert document.startswith("# My \\[export\\]\n\n*Not medical advice")
    assert document.count(NOT_MEDICAL_ADVICE) == 1
    headings = [line for line in document.split("\n") if line.startswith("## ")]
    assert headings[0] == "## Knee pain \\[when\\] climbing"
    assert "## Second" in headings
    out = io.StringIO()
    assert write_markdown(records, out) == 2
    assert out.getvalue().count(NOT_MEDICAL_ADVICE) == 1
    assert out.getvalue().startswith(f"*{NOT_MEDICAL_ADVICE}*")


# -- JSON -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeBookmark:
    question_id: int
    note: str
    title: str = "A bookmarked question"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.question_id, "note": self.note, "bookmarked_at": "2024-01-01"}


def test_bookmarks_json_field_by_field() -> None:
    record = full_record()
    exported = bookmarks_json([FakeBookmark(42, "ask"), FakeBookmark(7, "gone")], {42: record})
    assert exported["notice"] == NOT_MEDICAL_ADVICE
    assert exported["bookmarks"] == [
        {"id": 42, "note": "ask", "bookmarked_at": "2024-01-01", "record": record.to_json()},
        {"id": 7, "note": "gone", "bookmarked_at": "2024-01-01", "record": None},
    ]


def test_bookmarks_json_with_real_bookmarks(tmp_path: Path) -> None:
    from qatui.userstate import UserState

    when = dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    with UserState.open(tmp_path / "state.db", clock=lambda: when) as state:
        state.add_bookmark(42, "Knee", "Orthopedics", note="n")
        exported = bookmarks_json(state.bookmarks(), {})
    assert exported["bookmarks"] == [
        {
            "id": 42,
            "title": "Knee",
            "specialty": "Orthopedics",
            "note": "n",
            "bookmarked_at": "2024-02-03T04:05:06+00:00",
            "updated_at": "2024-02-03T04:05:06+00:00",
            "record": None,
        }
    ]


def test_list_json_field_by_field() -> None:
    records = [full_record(), full_record(id=43, title="Second")]
    filters = Filters(
        specialty="Orthopedics",
        since="2016-01-01",
        age="30~39",
        order="delay",
        extra=(SqlFilter("bookmarked", "1"),),
    )
    assert list_json(records, filters) == {
        "notice": NOT_MEDICAL_ADVICE,
        "filters": {
            "specialty": "Orthopedics",
            "since": "2016-01-01",
            "until": None,
            "topic": None,
            "search": None,
            "age": "30~39",
            "gender": None,
            "only": ["bookmarked"],
            "order": "delay",
            "newest_first": True,
        },
        "count": 2,
        "records": [records[0].to_json(), records[1].to_json()],
    }


def test_iter_filtered_records(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    try:
        with store.transaction():
            store.upsert(full_record(id=3, similar=(SimilarLink("partial page"),)))
            store.upsert(full_record(id=1, title="Rash", specialty="Dermatology"))
            store.upsert(full_record(id=2, title="Old", asked_on="2010-01-01"))
        reader = CorpusReader(store.conn)
        assert [r.id for r in iter_filtered_records(reader, Filters())] == [1, 2, 3]
        assert [r.id for r in iter_filtered_records(reader, Filters(since="2015-01-01"))] == [1, 3]
        derma = Filters(specialty="Dermatology")
        assert [r.title for r in iter_filtered_records(reader, derma)] == ["Rash"]
        with_partial = list(iter_filtered_records(reader, Filters(), include_partial=True))
        assert "partial page" in [r.title for r in with_partial]
        # Three pages and four link targets: Ankle sprain, "partial page", and Hip clicking
        # twice (a link without a specialty points into its page's specialty).
        assert len(with_partial) == 7
    finally:
        store.close()


# -- citation -------------------------------------------------------------------------------


def test_citation_field_by_field() -> None:
    assert citation(full_record()) == (
        "\u201cKnee pain [when] climbing\u201d (Orthopedics), asked 2016-03-05, "
        "replied by Dr. Lin Wei on 2016-03-08. Source: https://example.org/q/42"
    )


def test_citation_names_the_question_id_when_there_is_no_url() -> None:
    assert citation(full_record(source_url=None, id=7)).endswith(" Source: qatui question 7")


def test_citation_without_url_reply_or_dates() -> None:
    bare = full_record(source_url=None, replies=(), asked_on=None, id=None)
    assert citation(bare) == "\u201cKnee pain [when] climbing\u201d (Orthopedics)."
    undated = full_record(source_url=None, replies=(Reply("Lin", None, "b"),), id=None)
    assert citation(undated).endswith("asked 2016-03-05, replied by Dr. Lin.")


def test_citation_has_no_control_characters_or_newlines() -> None:
    record = full_record(title="A\x1b]52;c;SGk=\x07\nB", source_url="https://x.example/\x1b[2J")
    text = citation(record)
    assert text.isprintable()
    assert text.startswith("\u201cA B\u201d")
    assert text.endswith("https://x.example/")
