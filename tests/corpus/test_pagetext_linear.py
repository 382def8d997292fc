"""Parsing a page takes time in proportion to its length, whatever its lines hold.

The asker line and the reply header were regular expressions that backtracked: an 8 KB asker
line of spaces took five minutes. The hand-written parsers that replaced them are checked here
against those expressions (as the reference, on short inputs where they are fast) and, on a page
built to be the worst case for the expressions, against a time limit in a child process.
"""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from qatui.corpus.ingest.pagetext import parse_asker_line, parse_reply_header
from tests.hostile_plugin import HostileCases

OLD_ASKER_LINE = re.compile(
    r"^(?P<name>.*?),\s*(?P<age>[^,]*?)\s+year old\s+(?P<gender>[^.]*?)\.\s*"
    r"Ask Date:\s*(?P<date>\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})$"
)
OLD_ASK_DATE_ONLY = re.compile(
    r"^(?P<name>.*?)\.?\s*Ask Date:\s*(?P<date>\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})$"
)
OLD_REPLY_HEADER = re.compile(r"^Dr\.\s*(?P<doctor>.+?)\s+reply\s+(?P<specialty>.+)$")

PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\t",
        "\u3000",
        ",",
        ".",
        "a",
        "Ada",
        "30~39",
        "year old",
        "year",
        "old",
        "female",
        "Ask Date:",
        "2016/01/03",
        "2016.1.3",
        "Dr.",
        "reply",
        "x",
    ]
)
LINES = st.lists(PIECES, max_size=12).map("".join)


def old_asker(text: str) -> tuple[str, str | None, str | None, str] | None:
    full = OLD_ASKER_LINE.match(text)
    if full:
        return (full["name"].strip(), full["age"].strip(), full["gender"].strip(), full["date"])
    only = OLD_ASK_DATE_ONLY.match(text)
    return (only["name"], None, None, only["date"]) if only else None


@settings(max_examples=3_000, deadline=None)
@given(text=LINES)
def test_the_asker_line_parses_as_the_old_expressions_did(text: str) -> None:
    parsed = parse_asker_line(text)
    found = None if parsed is None else (parsed.name, parsed.age, parsed.gender, parsed.date)
    assert found == old_asker(text)


@settings(max_examples=3_000, deadline=None)
@given(text=LINES)
def test_the_reply_header_parses_as_the_old_expression_did(text: str) -> None:
    old = OLD_REPLY_HEADER.match(text)
    expected = (old["doctor"].strip(), old["specialty"].strip()) if old else None
    assert parse_reply_header(text) == expected


def worst_case_page(size: int) -> str:
    """A page whose asker line cost the old expressions cubic time, and whose reply header and
    Similar Q&A lines cost them quadratic time."""
    spaces = " " * size
    return "\n".join(
        [
            "Title - Orthopedics",
            "Subject",
            "Question.",
            "Ada," + spaces + "year oldx. Ask Date: 2016/01/03",
            "Dr. Lin" + spaces + "Wei reply Orthopedics",
            "Reply.",
            "Reply Date: 2016/01/05",
            "Similar Q&A",
            "Another title",
            "Dr. a" + spaces + "b",
            "[Read More] Another title",
        ]
    )


PARSE_IN_A_CHILD = """
import sys
from qatui.corpus.ingest.pagetext import parse_page
record = parse_page(sys.stdin.read(), "worst.txt")
print(record.asker.name.split()[-1], record.replies[0].specialty, record.similar[0].title)
"""


def test_a_page_built_to_backtrack_parses_in_linear_time(hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    # 48 KB lines: the old expressions need hours for the first of them (8 KB took 300 s).
    done = subprocess.run(
        [sys.executable, "-c", PARSE_IN_A_CHILD],
        input=worst_case_page(48_000),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["oldx", "Orthopedics", "Another", "title"]
