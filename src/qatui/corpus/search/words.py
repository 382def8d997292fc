"""Turning what a person types into a safe FTS5 MATCH expression."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def quote_term(term: str) -> str:
    """One FTS5 string token, with embedded quotes doubled: always valid syntax."""
    return '"' + term.replace('"', '""') + '"'


def words_match(text: str, *, prefix_last: bool = False) -> str | None:
    """All the words of ``text`` (AND), each quoted; None when ``text`` has no words."""
    words = _WORD.findall(text)
    if not words:
        return None
    terms = [quote_term(word) for word in words]
    if prefix_last:
        terms[-1] += "*"
    return " ".join(terms)
