"""What a Similar Q&A entry repeats of the question it leads to, so a link need not store it.

The site cuts an entry's question and reply excerpts from the start of the target page: the
first paragraph, its line breaks and runs of spaces made one space, kept whole up to
:data:`EXCERPT_CHARS` characters, else cut there (trailing spaces dropped) and ended with
``...`` (FORMAT.md; the generator cuts the same way). The entry's title, doctor and specialty
are the target's too. A link to a full question stores a field only when it differs from what
the target gives; ``similar_links.derived`` has a bit for each field left NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from qatui.corpus.model import SimilarLink

EXCERPT_CHARS = 280
ELLIPSIS = "..."

QUESTION_DERIVED = 1
"""``similar_links.derived`` bit: the question excerpt is the target's (stored as NULL)."""
REPLY_DERIVED = 2
"""``similar_links.derived`` bit: the reply excerpt is the target's (stored as NULL)."""
READ_MORE_IS_TITLE = 4
"""``similar_links.derived`` bit: the closing ``[Read More]`` line repeats the link's title."""
TITLE_DERIVED = 8
"""``similar_links.derived`` bit: the title is the target's."""
DOCTOR_DERIVED = 16
"""``similar_links.derived`` bit: the doctor is the target's (its first reply's)."""
SPECIALTY_DERIVED = 32
"""``similar_links.derived`` bit: the specialty is the target's."""
FROM_TARGET = QUESTION_DERIVED | REPLY_DERIVED | TITLE_DERIVED | DOCTOR_DERIVED | SPECIALTY_DERIVED
"""The bits whose field comes from the target question (not from the link itself)."""


@dataclass(frozen=True)
class TargetText:
    """What a full question shows of itself in a link to it."""

    title: str
    doctor: str | None
    specialty: str
    question: str
    reply_text: str


_EXCERPT_READ = 4 * EXCERPT_CHARS
"""How much of a paragraph :func:`excerpt_of` flattens first: enough for a whole excerpt unless
the text is mostly white space (then it reads on)."""


def _flat(text: str) -> str:
    """``text`` with each run of white space made one space, none at the ends (the same as
    ``re.sub(r"\\s+", " ", text).strip()`` for every code point, four times faster)."""
    return " ".join(text.split())


def excerpt_of(text: str | None) -> str | None:
    """The site's excerpt of a text (a question, or every reply joined), or None for none."""
    if not text:
        return None
    first = text.strip().split("\n\n", 1)[0]
    # Flattening a prefix gives a prefix of the flattened paragraph: once it is longer than an
    # excerpt, the rest of the paragraph cannot change the excerpt (one long reply, one pass).
    flat = _flat(first[:_EXCERPT_READ])
    if len(flat) <= EXCERPT_CHARS and len(first) > _EXCERPT_READ:
        flat = _flat(first)
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rstrip() + ELLIPSIS


@lru_cache(maxsize=1024)
def _given(target: TargetText) -> dict[int, str | None]:
    """What ``target`` gives each derivable field (by its bit); cached, as every link to a
    target asks the same (the excerpts read its whole text). Read it, never change it."""
    return {
        TITLE_DERIVED: target.title,
        QUESTION_DERIVED: excerpt_of(target.question),
        DOCTOR_DERIVED: target.doctor,
        SPECIALTY_DERIVED: target.specialty,
        REPLY_DERIVED: excerpt_of(target.reply_text),
    }


_FIELDS = (TITLE_DERIVED, QUESTION_DERIVED, DOCTOR_DERIVED, SPECIALTY_DERIVED, REPLY_DERIVED)
"""The derivable fields in SimilarLink's order (read_more, last, is the link's own)."""


StoredLink = tuple[str | None, str | None, str | None, str | None, str | None, str | None, int]
"""A link row's (title, question_excerpt, doctor, specialty, reply_excerpt, read_more, derived)."""


def stored_link(link: SimilarLink, target: TargetText | None) -> StoredLink:
    """What a link row stores for ``link`` leading to ``target`` (None: a partial target,
    whose excerpts are its only text, so everything is kept)."""
    values: list[str | None] = [
        link.title,
        link.question_excerpt,
        link.doctor,
        link.specialty,
        link.reply_excerpt,
    ]
    derived = 0
    if target is not None:
        given = _given(target)
        for index, bit in enumerate(_FIELDS):
            if values[index] is not None and values[index] == given[bit]:
                values[index], derived = None, derived | bit
    read_more = link.read_more
    if read_more is not None and read_more == link.title:
        read_more, derived = None, derived | READ_MORE_IS_TITLE
    return (*values, read_more, derived)  # type: ignore[return-value]


def written_link(row: StoredLink, target: TargetText | None) -> SimilarLink:
    """The link a stored row was written from (``target``: the question it leads to)."""
    values = list(row[:5])
    derived = row[6]
    if derived & FROM_TARGET and target is not None:
        given = _given(target)
        for index, bit in enumerate(_FIELDS):
            if derived & bit:
                values[index] = given[bit]
    title = values[0] or ""
    read_more = title if derived & READ_MORE_IS_TITLE else row[5]
    return SimilarLink(title, values[1], values[2], values[3], values[4], read_more)
