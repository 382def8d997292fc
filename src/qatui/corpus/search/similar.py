"""Similar questions computed from the local corpus: a page's distinctive terms against the index.

For a question, every word of its title, subject, question and reply (unicode61 tokens, and for
Chinese, Japanese or Korean text its three-character substrings, since unicode61 keeps a whole CJK
run as one token) is weighted by where and how often it occurs on the page, times its inverse
document frequency (stored counts, see :mod:`qatui.corpus.search.term_counts`; a word found in
more than :data:`COMMON_DOCUMENTS` questions is not distinctive). The best :data:`QUERY_TERMS`
terms, while the questions they match add up to at most :data:`SCORED_ROWS`, become one OR
query ranked by bm25; questions of the page's specialty come first; the page itself, the targets
of its own Similar Q&A and partial questions (known only from a link) never appear. Latin and
CJK results are merged by reciprocal rank.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from qatui.corpus.search.cjk import CJK_PATTERN, CJK_TABLE, has_cjk
from qatui.corpus.search.fulltext import total_rows
from qatui.corpus.search.highlight import fold
from qatui.corpus.search.term_counts import TRIGRAMS, WORDS, document_counts
from qatui.corpus.search.words import quote_term
from qatui.corpus.store.reader import CorpusReader, QuestionRow

MAIN_TABLE = "questions_fts"
DEFAULT_LIMIT = 5
QUERY_TERMS = 12
"""How many distinctive terms make the OR query."""
CANDIDATE_TERMS = 160
"""How many of a page's terms (the heaviest on the page) get their document frequency counted."""
COMMON_DOCUMENTS = 2_000
"""A term in more documents than this (or than :data:`COMMON_SHARE` of them) is not distinctive."""
COMMON_SHARE = 0.25
SCORED_ROWS = 12_000
"""The chosen terms together match at most about this many questions (bm25 scores each one)."""
MIN_WORD_LENGTH = 3
FIELD_WEIGHTS = {"title": 4.0, "subject": 3.0, "question": 1.0, "reply_text": 1.0}
"""How much one occurrence of a term counts, by field (More Info is editorial: left out)."""
BM25_WEIGHTS = "10.0, 5.0, 1.0, 1.0, 0.5"
"""bm25 column weights (title, subject, question, reply, More Info), as in full-text search."""
RRF_K = 60
"""Reciprocal-rank fusion constant for merging the Latin and CJK lists."""

_WORD = re.compile(r"[^\W_]+")


@functools.cache
def _cjk_run() -> re.Pattern[str]:
    """A run of CJK letters (Han, kana, Hangul): CJK punctuation and symbols end it (compiled
    on first use, as :func:`qatui.corpus.search.cjk.cjk_char`)."""
    return re.compile(f"(?:(?={CJK_PATTERN})[^\\W_])+")


_STOPWORD_TEXT = (
    "the and for with was were are has have had this that from not but been you your they "
    "their there what when which who will would can could should about also very more than "
    "after before into out over some any all its our his her she him them then too just"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Words too common to be worth a document count (the count would drop them anyway)."""


@dataclass(frozen=True)
class _Source:
    """One full-text index and how to cut a page into its terms."""

    table: str
    cjk: bool


_LATIN = _Source(MAIN_TABLE, cjk=False)
_CJK = _Source(CJK_TABLE, cjk=True)


def page_terms(fields: dict[str, str | None], *, cjk: bool) -> dict[str, float]:
    """The page's terms weighted by field: words (lower case, no accents) or CJK trigrams."""
    weights: defaultdict[str, float] = defaultdict(float)
    for name, weight in FIELD_WEIGHTS.items():
        text = fields.get(name) or ""
        for term in _cjk_trigrams(text) if cjk else _latin_words(text):
            weights[term] += weight
    return dict(weights)


def _latin_words(text: str) -> Iterable[str]:
    for match in _WORD.finditer(fold(text)):
        word = match.group()
        if (
            len(word) >= MIN_WORD_LENGTH
            and not word.isdigit()
            and word not in _STOPWORDS
            and not has_cjk(word)
        ):
            yield word


def _cjk_trigrams(text: str) -> Iterable[str]:
    for run in _cjk_run().findall(text.lower()):
        for start in range(len(run) - 2):
            yield run[start : start + 3]


def distinctive_terms(
    conn: sqlite3.Connection, fields: dict[str, str | None], total: int, *, cjk: bool
) -> list[tuple[str, float]]:
    """The page's most distinctive terms with their weights (page weight times IDF), best first.

    A term found in no other document (its count is 1, the page itself) finds nothing and is
    left out, as is a term in more than ``COMMON_SHARE`` of the documents.
    """
    weights = page_terms(fields, cjk=cjk)
    candidates = sorted(weights, key=lambda term: (-weights[term], term))[:CANDIDATE_TERMS]
    cap = max(2, min(COMMON_DOCUMENTS, int(total * COMMON_SHARE)))
    counts = document_counts(conn, TRIGRAMS if cjk else WORDS, candidates, cap)
    scored = [
        (term, weights[term] * math.log(1 + (total - count + 0.5) / (count + 0.5)))
        for term, count in counts.items()
        if 1 < count <= cap
    ]
    scored.sort(key=lambda item: (-item[1], item[0]))
    chosen: list[tuple[str, float]] = []
    matched = 0
    for term, weight in scored:
        if len(chosen) == QUERY_TERMS:
            break
        if matched + counts[term] > SCORED_ROWS:
            continue
        matched += counts[term]
        chosen.append((term, weight))
    return chosen


def _ranked(
    conn: sqlite3.Connection,
    source: _Source,
    terms: Sequence[str],
    specialty_id: int,
    excluded: Sequence[int],
    limit: int,
) -> list[tuple[int, bool]]:
    """Question ids matching any term, same specialty first, then by bm25: (id, same)."""
    if not terms:
        return []
    expression = " OR ".join(quote_term(term) for term in terms)
    score = f"bm25({source.table}, {BM25_WEIGHTS})" if not source.cjk else f"bm25({source.table})"
    rows = conn.execute(
        f"SELECT q.id, q.specialty_id = ? AS same FROM {source.table} f "
        f"CROSS JOIN questions q ON q.rowid = f.rowid "
        f"WHERE {source.table} MATCH ? AND q.is_partial = 0 "
        "AND q.id NOT IN (SELECT value FROM json_each(?)) "
        f"ORDER BY same DESC, {score}, q.id DESC LIMIT ?",
        (specialty_id, expression, json.dumps(list(excluded)), limit),
    ).fetchall()
    return [(int(row[0]), bool(row[1])) for row in rows]


def _merged(lists: Sequence[list[tuple[int, bool]]], limit: int) -> list[int]:
    """One list from several by reciprocal rank, same specialty first."""
    if len(lists) == 1:
        return [question_id for question_id, _ in lists[0][:limit]]
    scores: dict[int, float] = {}
    same: dict[int, bool] = {}
    for ranked in lists:
        for rank, (question_id, is_same) in enumerate(ranked):
            scores[question_id] = scores.get(question_id, 0.0) + 1.0 / (RRF_K + rank)
            same[question_id] = is_same
    order = sorted(scores, key=lambda i: (not same[i], -scores[i], -i))
    return order[:limit]


def similar_questions(
    reader: CorpusReader, question_id: int, *, limit: int = DEFAULT_LIMIT
) -> list[QuestionRow] | None:
    """The questions most like this one (None when there is no such question).

    Each row's ``score`` is its place's weight: 1.0 for the best, falling with rank.
    """
    conn = reader.conn
    row = conn.execute(
        "SELECT q.specialty_id, q.title, q.subject, q.question, q.reply_text "
        "FROM questions q WHERE q.id = ?",
        (question_id,),
    ).fetchone()
    if row is None:
        return None
    if limit <= 0:
        return []
    specialty_id = int(row[0])
    fields = dict(zip(("title", "subject", "question", "reply_text"), row[1:], strict=True))
    excluded = [question_id] + [
        int(target)
        for (target,) in conn.execute(
            "SELECT target_id FROM similar_links WHERE question_id = ? AND target_id IS NOT NULL",
            (question_id,),
        )
    ]
    total = total_rows(conn)
    lists: list[list[tuple[int, bool]]] = []
    latin = distinctive_terms(conn, fields, total, cjk=False)
    if latin:
        lists.append(
            _ranked(conn, _LATIN, [t for t, _ in latin], specialty_id, excluded, limit * 2)
        )
    if any(has_cjk(text or "") for text in fields.values()):
        cjk = distinctive_terms(conn, fields, total, cjk=True)
        if cjk:
            lists.append(
                _ranked(conn, _CJK, [t for t, _ in cjk], specialty_id, excluded, limit * 2)
            )
    lists = [ranked for ranked in lists if ranked]
    if not lists:
        return []
    ids = _merged(lists, limit)
    rows = reader.rows_by_id(ids)
    return [replace(found, score=round(1.0 / (1 + rank), 4)) for rank, found in enumerate(rows)]
