"""The Similar Q&A excerpts a question's own text gives, so a link to it need not store them.

The site cuts an entry's question and reply excerpts from the start of the target page: the
first paragraph, its line breaks and runs of spaces made one space, kept whole up to
:data:`EXCERPT_CHARS` characters, else cut there (trailing spaces dropped) and ended with
``...`` (FORMAT.md; the generator cuts the same way). A link to a full question stores an
excerpt only when it differs from this (see ``similar_links.derived`` in schema_v6.py).
"""

from __future__ import annotations

import re

EXCERPT_CHARS = 280
ELLIPSIS = "..."
_SPACES = re.compile(r"\s+")

QUESTION_DERIVED = 1
"""``similar_links.derived`` bit: the question excerpt is the target's (stored as NULL)."""
REPLY_DERIVED = 2
"""``similar_links.derived`` bit: the reply excerpt is the target's (stored as NULL)."""
READ_MORE_IS_TITLE = 4
"""``similar_links.derived`` bit: the closing ``[Read More]`` line repeats the link's title."""


def excerpt_of(text: str | None) -> str | None:
    """The site's excerpt of a text (a question, or every reply joined), or None for none."""
    if not text:
        return None
    first = text.strip().split("\n\n", 1)[0]
    flat = _SPACES.sub(" ", first).strip()
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rstrip() + ELLIPSIS


def stored_link_fields(
    title: str,
    question_excerpt: str | None,
    reply_excerpt: str | None,
    read_more: str | None,
    target_text: tuple[str, str] | None,
) -> tuple[str | None, str | None, str | None, int]:
    """What a link row stores: (question_excerpt, reply_excerpt, read_more, derived bits).

    ``target_text`` is the (question, reply_text) of the full question the link leads to, or
    None (a partial target: its excerpts are its only text and are kept).
    """
    derived = 0
    if target_text is not None:
        if question_excerpt is not None and question_excerpt == excerpt_of(target_text[0]):
            question_excerpt, derived = None, derived | QUESTION_DERIVED
        if reply_excerpt is not None and reply_excerpt == excerpt_of(target_text[1]):
            reply_excerpt, derived = None, derived | REPLY_DERIVED
    if read_more is not None and read_more == title:
        read_more, derived = None, derived | READ_MORE_IS_TITLE
    return question_excerpt, reply_excerpt, read_more, derived


def link_fields(
    title: str,
    question_excerpt: str | None,
    reply_excerpt: str | None,
    read_more: str | None,
    derived: int,
    target_text: tuple[str | None, str | None],
) -> tuple[str | None, str | None, str | None]:
    """A stored link's (question_excerpt, reply_excerpt, read_more) as it was written."""
    if derived & QUESTION_DERIVED:
        question_excerpt = excerpt_of(target_text[0])
    if derived & REPLY_DERIVED:
        reply_excerpt = excerpt_of(target_text[1])
    if derived & READ_MORE_IS_TITLE:
        read_more = title
    return question_excerpt, reply_excerpt, read_more
