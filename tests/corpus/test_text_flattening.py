"""White space made one space: the link excerpts and the matching forms of titles keep their
meaning while the writer computes them without regular expressions."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from qatui.corpus.ingest.identity import derived_id, normalise
from qatui.corpus.store.excerpts import ELLIPSIS, EXCERPT_CHARS, excerpt_of

SPACES = re.compile(r"\s+")
WHITE = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000"
PIECES = [*WHITE, "\n\n", "a", "字", "é.", "word ", "x" * 60, " " * 40]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


def excerpt_by_regex(text: str | None) -> str | None:
    """The excerpt as it was first written: the whole first paragraph flattened by a regex."""
    if not text:
        return None
    first = text.strip().split("\n\n", 1)[0]
    flat = SPACES.sub(" ", first).strip()
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rstrip() + ELLIPSIS


def normalise_by_regex(text: str | None) -> str:
    if not text:
        return ""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


@given(TEXTS)
def test_an_excerpt_is_what_flattening_the_whole_paragraph_gives(text: str) -> None:
    assert excerpt_of(text) == excerpt_by_regex(text)


def test_an_excerpt_reads_past_a_long_run_of_white_space() -> None:
    text = "start" + " \n " * 2_000 + "word " * 100
    assert excerpt_of(text) == excerpt_by_regex(text)
    assert excerpt_of(text) == ("start " + "word " * 100)[:EXCERPT_CHARS].rstrip() + ELLIPSIS


@given(TEXTS)
def test_the_matching_form_is_what_the_regex_gave(text: str) -> None:
    assert normalise(text) == normalise_by_regex(text)


def test_derived_ids_stay_what_stored_corpora_hold() -> None:
    """Ids derived before are in users' files (and their bookmarks): they never move."""
    assert derived_id("Ｕｒｏｌｏｇｙ ", "  Pain\u3000after\n\tsurgery?  ", "2020-01-01") == (
        4153680957348836
    )
    assert derived_id("婦產科", "多少？", None) == 2983567430568624
