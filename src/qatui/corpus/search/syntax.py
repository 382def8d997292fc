"""The search query language, parsed into terms that are always safe to hand to FTS5.

Syntax (everything else is text to find, never an error):

- ``pain fever``: every word must appear (AND);
- ``"chest pain"``: a phrase;
- ``fever OR cough``: either (OR binds tighter than the implicit AND: ``a OR b c`` is
  ``(a OR b) AND c``);
- ``-smoking``, ``-"high blood"``: excludes rows that match;
- ``cardi*``: a prefix.

Unbalanced quotes, a lone ``OR``, ``-`` or ``*``, ``AND``/``NOT``/``NEAR(``, ``:``, ``^``, brackets
and other punctuation are text: a term is what its word characters spell (``covid-19`` is the phrase
``covid 19``, ``c++`` is ``c``), and a piece with no word characters is dropped. Control
characters (NUL included) are removed, input is cut at :data:`MAX_QUERY_CHARS` and at
:data:`MAX_TERMS` terms. A query holding only exclusions finds nothing (FTS5 has no "everything
but"); :attr:`ParsedQuery.only_exclusions` lets a caller say so.

Terms containing CJK characters are looked up as substrings in the trigram index; the others as
words in the main (unicode61) index. The expression builders quote every token, so the result is
valid FTS5 for any input.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from qatui.corpus.search.cjk import has_cjk
from qatui.corpus.search.words import quote_term

MAX_QUERY_CHARS = 1_000
MAX_TERMS = 32
AS_YOU_TYPE_MIN_PREFIX = 3
"""While typing, a last word this long or longer is prefix-matched (shorter ones match too much,
and FTS5 prefix queries cost time in proportion to every row they match)."""

TOKEN = re.compile(r"[^\W_]+")
"""A run of word characters: close to what FTS5's unicode61 tokenizer keeps as one token."""


class Kind(enum.Enum):
    WORD = "word"
    PREFIX = "prefix"
    PHRASE = "phrase"


@dataclass(frozen=True)
class Term:
    """One thing to find: its tokens (lower-case words, or CJK runs) and how they match."""

    tokens: tuple[str, ...]
    kind: Kind

    @property
    def is_cjk(self) -> bool:
        return any(has_cjk(token) for token in self.tokens)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class ParsedQuery:
    """All ``groups`` must match (each group is an OR of terms); no ``excluded`` term may."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to find: such a query matches no rows."""
        return not self.groups

    @property
    def only_exclusions(self) -> bool:
        return not self.groups and bool(self.excluded)

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every positive term, in the order typed."""
        return tuple(term for group in self.groups for term in group)


# -- lexing ------------------------------------------------------------------------------------

_OR = "OR"


@dataclass(frozen=True)
class _Piece:
    """One word or quoted phrase of the typed query, and whether a ``-`` excluded it."""

    text: str
    quoted: bool
    negated: bool = False


def _clean(text: str) -> str:
    """Drop control, format and surrogate characters (NUL included); cut very long input."""
    text = text[:MAX_QUERY_CHARS]
    if text.isprintable():
        return text
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") else char
        for char in text
    )


def _pieces(text: str) -> list[_Piece]:
    """Split into quoted phrases and bare chunks; a quote without a partner is a space."""
    pieces: list[_Piece] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = char == "-" and text.startswith('"', position + 1)
        start = position + 1 if negated else position
        if text.startswith('"', start):
            end = text.find('"', start + 1)
            if end == -1:
                position = start + 1
                continue
            pieces.append(_Piece(text[start + 1 : end], quoted=True, negated=negated))
            position = end + 1
            continue
        end = position
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        pieces.append(_Piece(text[position:end], quoted=False))
        position = end
    return pieces


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(token.lower() for token in TOKEN.findall(text))


def _term(piece: _Piece) -> tuple[Term | None, bool]:
    """The term a piece spells and whether it is excluded; (None, _) when it spells nothing."""
    if piece.quoted:
        tokens = _tokens(piece.text)
        return (Term(tokens, Kind.PHRASE) if tokens else None), piece.negated
    text = piece.text
    negated = text.startswith("-") and len(text) > 1
    if negated:
        text = text[1:]
    kind = Kind.PREFIX if text.endswith("*") else Kind.WORD
    tokens = _tokens(text)
    return (Term(tokens, kind) if tokens else None), negated


_Item = Term | str | tuple[Term]
"""A positive term, the word ``OR``, or an excluded term (in a 1-tuple)."""


def parse_query(text: str, *, as_you_type: bool = False) -> ParsedQuery:
    """Parse what a person typed.

    ``as_you_type`` prefix-matches the last word while it is being typed (no space after it yet),
    once it is :data:`AS_YOU_TYPE_MIN_PREFIX` characters long.
    """
    text = _clean(text)
    items: list[_Item] = []
    count = 0
    for piece in _pieces(text):
        if not piece.quoted and piece.text == _OR:
            items.append(_OR)
            continue
        term, negated = _term(piece)
        if term is None or count >= MAX_TERMS:
            continue
        count += 1
        items.append((term,) if negated else term)
    if as_you_type and items and TOKEN.fullmatch(text[-1:]):
        last = items[-1]
        if (
            isinstance(last, Term)
            and last.kind is Kind.WORD
            and len(last.tokens[-1]) >= AS_YOU_TYPE_MIN_PREFIX
        ):
            items[-1] = Term(last.tokens, Kind.PREFIX)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joined = False
    for index, item in enumerate(items):
        if isinstance(item, tuple):
            excluded.append(item[0])
            joined = False
        elif isinstance(item, Term):
            if joined:
                groups[-1].append(item)
            else:
                groups.append([item])
            joined = False
        elif _is_operator(items, index, joined):
            joined = True
        else:
            groups.append([Term(("or",), Kind.WORD)])
            joined = False
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _is_operator(items: list[_Item], index: int, joined: bool) -> bool:
    """``OR`` is an operator only between two positive terms; otherwise it is the word "or"."""
    before = items[index - 1] if index > 0 else None
    after = items[index + 1] if index + 1 < len(items) else None
    return (
        not joined
        and before is not None
        and not isinstance(before, tuple)
        and isinstance(after, Term)
        and (isinstance(before, Term) or before == _OR)
    )


# -- FTS5 expressions --------------------------------------------------------------------------


def word_expression(term: Term) -> str:
    """A term for the unicode61 index: one quoted phrase of its tokens, ``*`` for a prefix."""
    quoted = quote_term(" ".join(term.tokens))
    return quoted + "*" if term.kind is Kind.PREFIX else quoted


TrigramExpander = Callable[[str], list[str]]
"""Gives the indexed trigrams that start with a run of one or two characters."""

NO_MATCH = '""'
"""An FTS5 phrase with no tokens: matches nothing, and is ignored inside OR and after NOT."""


def trigram_expression(term: Term, expand: TrigramExpander) -> str:
    """A term for the trigram index: every run must occur as a substring.

    Runs of three or more characters are phrases of trigrams; shorter runs become an OR of the
    indexed trigrams that begin with them.
    """
    parts: list[str] = []
    for token in term.tokens:
        if len(token) >= 3:
            parts.append(quote_term(token))
            continue
        trigrams = expand(token)
        parts.append(
            "(" + " OR ".join(quote_term(trigram) for trigram in trigrams) + ")"
            if trigrams
            else NO_MATCH
        )
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def any_of(expressions: list[str]) -> str:
    return expressions[0] if len(expressions) == 1 else "(" + " OR ".join(expressions) + ")"


def all_of(expressions: list[str]) -> str:
    return expressions[0] if len(expressions) == 1 else "(" + " AND ".join(expressions) + ")"


def match_expression(query: ParsedQuery) -> str | None:
    """The whole query as one unicode61 MATCH expression (CJK terms as words), or None if empty.

    Used where only the main index is available; :mod:`qatui.corpus.search.fulltext` routes CJK
    terms to the trigram index instead.
    """
    if query.empty:
        return None
    positive = all_of([any_of([word_expression(t) for t in group]) for group in query.groups])
    if not query.excluded:
        return positive
    return f"{positive} NOT {any_of([word_expression(t) for t in query.excluded])}"
