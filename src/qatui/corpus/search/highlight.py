"""Where a search query matches in a text: spans for highlighting, snippets, a title score.

Spans are ``(start, end)`` character offsets into the text given, half-open, sorted and
non-overlapping. Nothing here produces markup: the caller turns spans into styles.

Matching follows the indexes: Latin words match whole words (prefix terms the start of a word),
ignoring case and accents; CJK terms match as substrings, in either script (Simplified or
Traditional, as search finds them), marking the text as written. Excluded terms are not highlighted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.search.cjk import has_cjk
from qatui.corpus.search.folding import term_variants
from qatui.corpus.search.syntax import TOKEN, Kind, ParsedQuery, Term, parse_query

Span = tuple[int, int]

SNIPPET_WIDTH = 160
MAX_SPANS = 1_000
SNIPPET_SPANS = 64
"""A snippet looks at the first this many matches of a field."""


def _fold_char(char: str) -> str:
    """One character without case or accents, always exactly one character long."""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if len(base) != 1:
        base = char
    lower = base.lower()
    return lower if len(lower) == 1 else base


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that works out (and remembers) each character's fold."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``text`` without case or accents, position for position (same length)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _fold_term(token: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c)
    )
    return fold(stripped)


@dataclass(frozen=True)
class _Finder:
    """Finds one term: ``str.find`` for its first literal, then a check at each place found.

    (Python's ``re`` scans an alternation of words at about 65 ns a character; ``str.find`` is
    memchr-fast, and the places it finds are few.)
    """

    term: int
    literal: str
    rest: re.Pattern[str] | None
    """Matched where the literal starts (Latin words); None for a CJK substring."""

    def spans(self, folded: str, limit: int) -> list[Span]:
        found: list[Span] = []
        position = 0
        while len(found) < limit:
            start = folded.find(self.literal, position)
            if start < 0:
                break
            position = start + 1
            if self.rest is None:
                found.append((start, start + len(self.literal)))
                position = start + len(self.literal)
                continue
            if start and folded[start - 1].isalnum():
                continue  # inside a word
            match = self.rest.match(folded, start)
            if match:
                found.append(match.span())
                position = match.end()
        return found


def _finders(term: Term, index: int) -> list[_Finder]:
    tokens = [_fold_term(token) for token in term.tokens]
    if term.is_cjk:
        spellings = dict.fromkeys(
            _fold_term(token) for variant in term_variants(term) for token in variant.tokens
        )
        return [_Finder(index, token, None) for token in spellings if token]
    body = r"[\W_]+".join(re.escape(token) for token in tokens)
    tail = r"[^\W_]*" if term.kind is Kind.PREFIX else ""
    return [_Finder(index, tokens[0], re.compile(rf"{body}{tail}(?![^\W_])"))]


@dataclass(frozen=True)
class _Matcher:
    """How to find a query's terms in text: the finders of its terms, and how many terms."""

    finders: tuple[_Finder, ...]
    terms: int


@functools.lru_cache(maxsize=64)
def _matcher(query: ParsedQuery) -> _Matcher | None:
    distinct = list(dict.fromkeys(query.terms))
    finders = tuple(f for index, term in enumerate(distinct) for f in _finders(term, index))
    return _Matcher(finders, len(distinct)) if finders else None


def _as_query(query: str | ParsedQuery, as_you_type: bool) -> ParsedQuery:
    return query if isinstance(query, ParsedQuery) else parse_query(query, as_you_type=as_you_type)


def _find(matcher: _Matcher, text: str, limit: int) -> tuple[list[Span], dict[int, int]]:
    """The first ``limit`` matches (sorted, no overlaps) and how often each term matched."""
    folded = fold(text)
    tagged = sorted(
        (start, -end, finder.term)
        for finder in matcher.finders
        for start, end in finder.spans(folded, limit)
    )
    spans: list[Span] = []
    counts: dict[int, int] = {}
    for start, negative_end, term in tagged:
        if spans and start < spans[-1][1]:
            continue  # overlaps a longer or earlier match
        spans.append((start, -negative_end))
        counts[term] = counts.get(term, 0) + 1
        if len(spans) >= limit:
            break
    return spans, counts


def highlight_spans(
    text: str, query: str | ParsedQuery, *, as_you_type: bool = False
) -> list[Span]:
    """Where the query's terms occur in ``text`` (for the reading pane and ``n``/``N``)."""
    matcher = _matcher(_as_query(query, as_you_type))
    if matcher is None or not text:
        return []
    return _find(matcher, text, MAX_SPANS)[0]


TITLE_WEIGHT = 2.0
SUBJECT_WEIGHT = 1.0
_TYPICAL_TOKENS = {"title": 8.0, "subject": 15.0}


def title_score(title: str | None, subject: str | None, query: ParsedQuery) -> float:
    """How well a title and subject match: BM25-like saturation per term, title above subject."""
    matcher = _matcher(query)
    if matcher is None:
        return 0.0
    score = 0.0
    for text, weight, typical in (
        (title, TITLE_WEIGHT, _TYPICAL_TOKENS["title"]),
        (subject, SUBJECT_WEIGHT, _TYPICAL_TOKENS["subject"]),
    ):
        if not text:
            continue
        counts = _find(matcher, text, 100)[1]
        if not counts:
            continue
        norm = 1.2 * (0.25 + 0.75 * len(TOKEN.findall(text)) / typical)
        score += weight * sum(tf * 2.2 / (tf + norm) for tf in counts.values())
    return score


@dataclass(frozen=True)
class Snippet:
    """A one-line excerpt as plain text, and where the match terms are in it."""

    text: str
    spans: tuple[Span, ...] = ()


_SPACES = re.compile(r"\s{2,}|[^\S ]")


def _squeeze(text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """White space runs become one space; the spans move with the text."""
    cuts: list[tuple[int, int]] = []  # (position in text, characters removed before it)
    removed = 0
    pieces: list[str] = []
    last = 0
    for run in _SPACES.finditer(text):
        pieces.append(text[last : run.start()] + " ")
        removed += len(run.group()) - 1
        cuts.append((run.end(), removed))
        last = run.end()
    pieces.append(text[last:])

    def moved(position: int) -> int:
        shift = 0
        for end, total in cuts:
            if end > position:
                break
            shift = total
        return position - shift

    return "".join(pieces), [(moved(start), moved(end - 1) + 1) for start, end in spans]


def _window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    """A window about ``width`` long around the first match, cut at spaces where possible."""
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 4)
    if start:
        space = text.find(" ", start, first)
        if space != -1 and space - start < 20:
            start = space + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    return start, end


def make_snippet(
    fields: Sequence[str | None],
    query: str | ParsedQuery,
    *,
    width: int = SNIPPET_WIDTH,
    as_you_type: bool = False,
) -> Snippet:
    """An excerpt of the first field holding the most of the query's terms, on one line."""
    parsed = _as_query(query, as_you_type)
    matcher = _matcher(parsed)
    texts = [field for field in fields if field and not field.isspace()]
    if not texts:
        return Snippet("")
    best, best_spans, best_terms = texts[0], [], 0
    if matcher is not None:
        for text in texts:
            spans, counts = _find(matcher, text, SNIPPET_SPANS)
            if len(counts) > best_terms:
                best, best_spans, best_terms = text, spans, len(counts)
            if best_terms == matcher.terms:
                break
    if has_cjk(best[: width * 2]):
        width //= 2  # CJK characters take two terminal cells
    start, end = _window(best, best_spans, width)
    inside = [(s - start, min(e, end) - start) for s, e in best_spans if start <= s < end]
    raw = best[start:end]
    text, spans = _squeeze(raw, inside)
    cleaned = clean_line(text)
    if cleaned != text:  # control characters in the corpus: find the spans again
        text = cleaned
        spans = highlight_spans(text, parsed) if matcher else []
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    spans = [(s - lead, min(e - lead, len(text))) for s, e in spans if e - lead > 0]
    if start > 0:
        text, spans = "…" + text, [(s + 1, e + 1) for s, e in spans]
    if end < len(best):
        text += "…"
    return Snippet(text, tuple(spans))
