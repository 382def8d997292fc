"""A title for a record whose source has none: the question's first sentence, kept short."""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 40
"""A derived title is cut at a clause or word break before this many characters."""

_SENTENCE_END = re.compile(r"[。！？!?]+|\.(?=\s|$|[^\x00-\x7f])|\n")
_CLAUSE_BREAK = re.compile(r"[，,、；;：:]|\s")
_SALUTATION = re.compile(r"^[^\n]{0,20}[:：]\s*$")


def title_from_question(question: str) -> str | None:
    """The first sentence of ``question`` (a salutation line such as ``醫生：`` skipped), cut at a
    clause or word break when long; None when the question has no text."""
    lines = [line.strip() for line in question.split("\n") if line.strip()]
    while len(lines) > 1 and _SALUTATION.match(lines[0]):
        lines.pop(0)
    if not lines:
        return None
    first = lines[0]
    end = _SENTENCE_END.search(first)
    sentence = (first[: end.start()] if end and end.start() > 0 else first).strip()
    sentence = sentence or first
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    head = sentence[:MAX_TITLE_CHARS]
    breaks = [match.start() for match in _CLAUSE_BREAK.finditer(head) if match.start() >= 8]
    cut = breaks[-1] if breaks else MAX_TITLE_CHARS
    return head[:cut].rstrip() + "…"
