"""Full-text search: ranked or by date, within the list's filters, with snippets and spans.

Ranking design (figures and the reasons in benchmarks/RESULTS.md, "## Search"). FTS5's
``bm25()`` costs time for every row it scores and reads the whole doclist of every phrase once
per scan (for the IDF), so sorting every match of a word found in most of a million rows takes
seconds. Ranked results are built from a bounded candidate set, in tiers:

1. title/subject hits: the newest :data:`TITLE_CANDIDATES` rows whose title or subject match
   (an FTS5 column filter), ordered by :func:`~qatui.corpus.search.highlight.title_score`;
2. the other rows among the newest :data:`BODY_CANDIDATES` matches, by bm25 over every column
   (title and subject above question and reply, More Info below);
3. then every remaining match, newest first (score ``None``).

Within the first two tiers partial questions (a Similar Q&A link's short excerpts, which bm25
favours over whole pages) come after the full pages (:func:`_partials_last`).

"Newest" is the order FTS5 reads rows in: descending row id (``questions.rowid``: dense, in date
order when the database was migrated, new rows after). Every id in this module is that row id;
only the rows returned carry the stable ``questions.id``. A query matching fewer rows than the
bounds is ranked exactly. A query with a prefix term is found with it but scored by bm25 of the
words as typed (:func:`_scored_as_typed`).

Within filters, a scan joins each match to its question, tests each match against the filtered
ids, or looks each filtered question up in the index, whichever the capped counts say reads
least (:func:`_scope`). Date order sorts few matches, and walks the date index for many.

Snippets and highlight spans are plain text with ``(start, end)`` offsets: never markup.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from qatui.corpus.filters import Filters, SqlFilter
from qatui.corpus.search.cjk import CJK_TABLE, CJK_VOCAB
from qatui.corpus.search.folding import term_variants
from qatui.corpus.search.highlight import highlight_spans, make_snippet, title_score
from qatui.corpus.search.syntax import (
    Kind,
    ParsedQuery,
    Term,
    TrigramExpander,
    all_of,
    any_of,
    parse_query,
    trigram_expression,
    word_expression,
)
from qatui.corpus.store.reader import CorpusReader, QuestionRow

__all__ = [
    "count_matches",
    "highlight_spans",
    "parse_query",
    "search",
]

MAIN_TABLE = "questions_fts"
WEIGHTS = "10.0, 5.0, 1.0, 1.0, 0.5"
"""bm25 column weights: title, subject, question, reply, More Info."""

PARTIAL_CHUNK = 64
"""Rows whose partial flag :func:`_partials_last` reads at least at a time."""
TITLE_CANDIDATES = 300
BODY_CANDIDATES = 1_000
JOINED_TITLE_CANDIDATES = 100
JOINED_BODY_CANDIDATES = 300
"""Smaller bounds when each match is joined to its question to test the filters."""
MEMBERSHIP_FILTER_MAX = 20_000
"""Filtered sets up to this size can be tested by membership while the index is scanned."""
COMMON_MATCHES = 50_000
"""Matches are counted up to this many to choose a plan; beyond, a query counts as matching all."""
DATE_SORT_MAX = 5_000
"""Date order sorts up to this many matches by looking each one up."""
DATE_WALK_MAX = 100_000
"""Up to this many, it walks the date index testing ids against the matches collected once;
beyond, it walks the date index probing the full-text index row by row (matches are dense)."""
SINGLE_CHARACTER_TRIGRAMS = 400
"""A one-character CJK run stands for its most frequent indexed trigrams, at most this many
(approximate: the issue asks for substrings of two or more characters). A two-character run
stands for every indexed trigram that begins with it, so no row is missed; for a common
bigram followed by thousands of different characters that OR is slow (cancellable)."""

Order = Literal["rank", "date"]


# -- compiling a parsed query against the two indexes ------------------------------------------


@dataclass(frozen=True)
class _Match:
    """An FTS5 MATCH on one table: its positive part and what it excludes."""

    table: str
    positive: str
    negative: str | None = None

    def expression(self, *, title_only: bool = False) -> str:
        positive = f"{{title subject}} : ({self.positive})" if title_only else self.positive
        return f"({positive}) NOT {self.negative}" if self.negative else positive


@dataclass(frozen=True)
class _Plan:
    """How to find the query's rows: the MATCH that drives (and ranks) and extra conditions.

    ``constraints`` are SQL conditions on the row id, written with ``{rowid}``; the id is always
    prefixed with ``+`` so SQLite tests it on each row instead of probing FTS5 row by row.
    """

    driver: _Match | None
    union: tuple[_Match, ...]
    constraints: tuple[tuple[str, tuple[str, ...]], ...]


def _trigram_expander(conn: sqlite3.Connection) -> TrigramExpander:
    def expand(run: str) -> list[str]:
        rows = conn.execute(
            f"SELECT term, doc FROM {CJK_VOCAB} WHERE term >= ? AND term < ?",
            (run, run + "\U0010ffff"),
        ).fetchall()
        if len(run) == 1:
            rows.sort(key=lambda row: -int(row[1]))
            rows = rows[:SINGLE_CHARACTER_TRIGRAMS]
        return [str(row[0]) for row in rows]

    return expand


def _subquery(match: _Match) -> tuple[str, tuple[str, ...]]:
    return f"SELECT rowid FROM {match.table} WHERE {match.table} MATCH ?", (match.expression(),)


def _trigram_variants(term: Term, expand: TrigramExpander, fold_scripts: bool) -> str:
    """A CJK term for the trigram index: any of its script spellings when folding."""
    variants = term_variants(term) if fold_scripts else (term,)
    return any_of([trigram_expression(variant, expand) for variant in variants])


def _compile(conn: sqlite3.Connection, query: ParsedQuery, fold_scripts: bool = True) -> _Plan:
    expand = _trigram_expander(conn)

    def sources(terms: Sequence[Term]) -> list[_Match]:
        words = [word_expression(t) for t in terms if not t.is_cjk]
        cjk = [_trigram_variants(t, expand, fold_scripts) for t in terms if t.is_cjk]
        found = [_Match(MAIN_TABLE, any_of(words))] if words else []
        return found + ([_Match(CJK_TABLE, any_of(cjk))] if cjk else [])

    pure: dict[str, list[str]] = {MAIN_TABLE: [], CJK_TABLE: []}
    mixed: list[list[_Match]] = []
    for group in query.groups:
        found = sources(group)
        if len(found) == 1:
            pure[found[0].table].append(found[0].positive)
        else:
            mixed.append(found)
    excluded = {match.table: match.positive for match in sources(query.excluded)}
    positives = {table: all_of(parts) for table, parts in pure.items() if parts}
    driver_table = next(iter(positives), None)
    driver = (
        _Match(driver_table, positives[driver_table], excluded.pop(driver_table, None))
        if driver_table
        else None
    )
    constraints: list[tuple[str, tuple[str, ...]]] = []
    for table, positive in positives.items():
        if table != driver_table:
            sql, params = _subquery(_Match(table, positive))
            constraints.append((f"+{{rowid}} IN ({sql})", params))
    union: tuple[_Match, ...] = ()
    if driver is None and mixed:
        union = tuple(mixed.pop(0))
    for alternatives in mixed:
        parts = [_subquery(match) for match in alternatives]
        sql = " UNION ".join(part[0] for part in parts)
        constraints.append((f"+{{rowid}} IN ({sql})", tuple(p for part in parts for p in part[1])))
    for table, negative in excluded.items():
        sql, params = _subquery(_Match(table, negative))
        constraints.append((f"+{{rowid}} NOT IN ({sql})", params))
    return _Plan(driver, union, tuple(constraints))


def _constraint_sql(plan: _Plan, rowid: str) -> tuple[str, list[Any]]:
    sql = "".join(" AND " + template.format(rowid=rowid) for template, _ in plan.constraints)
    return sql, [p for _, params in plan.constraints for p in params]


def _match_set(plan: _Plan) -> tuple[str, list[Any]]:
    """SQL selecting the ids of every row the query matches (no filters)."""
    if plan.driver is not None:
        table = plan.driver.table
        extra, params = _constraint_sql(plan, f"{table}.rowid")
        return (
            f"SELECT {table}.rowid FROM {table} WHERE {table} MATCH ?{extra}",
            [plan.driver.expression(), *params],
        )
    parts = [_subquery(match) for match in plan.union]
    extra, params = _constraint_sql(plan, "rowid")
    union = " UNION ".join(part[0] for part in parts)
    return (
        f"SELECT rowid FROM ({union}) WHERE 1{extra}",
        [p for part in parts for p in part[1]] + params,
    )


# -- filters -----------------------------------------------------------------------------------


def _filter_sql(conn: sqlite3.Connection, filters: Filters) -> tuple[str, list[Any]]:
    """The filters as a condition on ``q`` (the questions table), or ``""``."""
    where, params = CorpusReader(conn).where(filters)
    return where.removeprefix(" WHERE "), params


def _capped_count(conn: sqlite3.Connection, sql: str, params: list[Any], cap: int) -> int:
    row = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*params, cap]).fetchone()
    return int(row[0])


class _Scope(enum.Enum):
    """How a scan keeps to the filters."""

    ALL = "no filters"
    JOIN = "join each match to its question until enough are found"
    MEMBERSHIP = "test every match against the filtered ids, collected once"
    PROBE = "look each filtered question up in the full-text index"


# Measured costs per row at 1,000,000 questions, in microseconds (benchmarks/RESULTS.md):
# reading a match and testing it against a set, reading a match and joining it to its question,
# one index lookup of a common word.
_MEMBERSHIP_COST = 0.35
_JOIN_COST = 2.5
_PROBE_COST = 700.0
FEW_MATCHES = 2_000
"""A query matching at most this many rows is simply joined to the filters."""


def _varint(data: bytes) -> int:
    """An SQLite varint: 7 bits a byte, high bit set on all but the last (the 9th has 8)."""
    value = 0
    for index, byte in enumerate(data[:9]):
        if index == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            break
    return value


def total_rows(conn: sqlite3.Connection) -> int:
    """How many questions there are, from the main index's averages record (FTS5 keeps the
    row count there, as its first varint); ``count(*)`` reads a whole index (70 ms at 1M)."""
    row = conn.execute(f"SELECT block FROM {MAIN_TABLE}_data WHERE id = 1").fetchone()
    if row and isinstance(row[0], bytes) and row[0]:
        return _varint(row[0])
    return int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])


def _scope(conn: sqlite3.Connection, plan: _Plan, condition: str, params: list[Any]) -> _Scope:
    """The cheapest way to scan within the filters, from capped counts of both sides."""
    if not condition:
        return _Scope.ALL
    if plan.driver is None:
        return _Scope.JOIN
    match_sql, match_params = _match_set(plan)
    if _capped_count(conn, match_sql, match_params, FEW_MATCHES + 1) <= FEW_MATCHES:
        return _Scope.JOIN
    filtered = _capped_count(
        conn, f"SELECT 1 FROM questions q WHERE {condition}", params, MEMBERSHIP_FILTER_MAX + 1
    )
    if filtered > MEMBERSHIP_FILTER_MAX:
        return _Scope.JOIN
    total = total_rows(conn)
    matches = _capped_count(conn, match_sql, match_params, COMMON_MATCHES + 1)
    if matches > COMMON_MATCHES:
        matches = total
    joined = min(matches, JOINED_BODY_CANDIDATES * total / max(1, filtered))
    costs = {
        _Scope.MEMBERSHIP: _MEMBERSHIP_COST * matches,
        _Scope.JOIN: _JOIN_COST * joined,
        _Scope.PROBE: _PROBE_COST * filtered,
    }
    return min(costs, key=lambda scope: costs[scope])


# -- ranked search -----------------------------------------------------------------------------

Row = tuple[int, float | None]


def _by_score(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-(row[1] or 0.0), -row[0]))


def _partials_last(conn: sqlite3.Connection, rows: list[Row], needed: int) -> list[Row]:
    """``rows`` with the partial questions after the others (a link's short excerpts, which
    bm25 favours over whole pages), as far as the first ``needed`` rows go: the flags are read
    a chunk at a time until that many full pages are found, the rows not read keep their place
    after them. (``is_partial`` sits after the long text columns: reading it for every
    candidate would read every candidate's text.)"""
    full: list[Row] = []
    partial: list[Row] = []
    read = 0
    while read < len(rows) and len(full) < needed:
        chunk = rows[read : read + max(needed - len(full), PARTIAL_CHUNK)]
        flagged = _partial_ids(conn, [row_id for row_id, _ in chunk])
        for row in chunk:
            (partial if row[0] in flagged else full).append(row)
        read += len(chunk)
    return full + partial + rows[read:]


class _Scanner:
    """Reads one query's rows newest first (descending id), within the filters."""

    def __init__(self, conn: sqlite3.Connection, plan: _Plan, filters: Filters) -> None:
        self.conn = conn
        self.plan = plan
        self.filter, self.filter_params = _filter_sql(conn, filters)
        self.scope = _scope(conn, plan, self.filter, self.filter_params)

    def scan(
        self,
        match: _Match,
        *,
        title_only: bool = False,
        scored: bool = True,
        below: int | None = None,
        exclude: Sequence[int] = (),
        limit: int = -1,
        offset: int = 0,
    ) -> list[Row]:
        table = match.table
        rowid = f"{table}.rowid"
        extra, params = _constraint_sql(self.plan, rowid)
        join = ""
        if self.scope is _Scope.JOIN:
            join = f" CROSS JOIN questions q ON q.rowid = {rowid}"
            extra += f" AND {self.filter}"
        elif self.scope is not _Scope.ALL:
            plus = "" if self.scope is _Scope.PROBE else "+"
            extra += f" AND {plus}{rowid} IN (SELECT q.rowid FROM questions q WHERE {self.filter})"
        if self.scope is not _Scope.ALL:
            params += self.filter_params
        if below is not None:
            extra += f" AND {rowid} < ?"
            params.append(below)
        if exclude:
            extra += f" AND +{rowid} NOT IN (SELECT value FROM json_each(?))"
            params.append("[" + ",".join(str(int(i)) for i in exclude) + "]")
        score = f"bm25({table}, {WEIGHTS})" if scored else "NULL"
        rows = self.conn.execute(
            f"SELECT {rowid}, {score} FROM {table}{join} WHERE {table} MATCH ?{extra} "
            f"ORDER BY {rowid} DESC LIMIT ? OFFSET ?",
            [match.expression(title_only=title_only), *params, limit, offset],
        ).fetchall()
        return [(int(r[0]), None if r[1] is None else -float(r[1])) for r in rows]

    def union_scan(self, *, limit: int, offset: int) -> list[Row]:
        """Newest first, unscored: for a query whose every group mixes scripts."""
        sql, params = _match_set(self.plan)
        where = f" AND {self.filter}" if self.filter else ""
        rows = self.conn.execute(
            f"SELECT q.rowid FROM questions q WHERE q.rowid IN ({sql}){where} "
            "ORDER BY q.rowid DESC LIMIT ? OFFSET ?",
            [*params, *self.filter_params, limit, offset],
        ).fetchall()
        return [(int(row[0]), None) for row in rows]


def _title_scores(
    conn: sqlite3.Connection, ids: Sequence[int], query: ParsedQuery
) -> dict[int, float]:
    rows = conn.execute(
        "SELECT rowid, title, subject FROM questions "
        "WHERE rowid IN (SELECT value FROM json_each(?))",
        ("[" + ",".join(str(int(i)) for i in ids) + "]",),
    )
    return {int(row[0]): title_score(row[1], row[2], query) for row in rows}


def _partial_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    """Which of the rows ``ids`` are partial questions."""
    rows = conn.execute(
        "SELECT rowid FROM questions WHERE rowid IN (SELECT value FROM json_each(?)) "
        "AND is_partial = 1",
        ("[" + ",".join(str(int(i)) for i in ids) + "]",),
    )
    return {int(row[0]) for row in rows}


def _scored_as_typed(conn: sqlite3.Connection, query: ParsedQuery, rows: list[Row]) -> list[Row]:
    """Rows found with prefix terms, scored by bm25 of the words as typed (any of them).

    bm25 of a prefix term would build the prefix's merged doclist a second time (for its IDF);
    the exact words are read once, over the candidates' id range only. Candidates holding none
    of them exactly keep no score (newest first, after the scored ones).
    """
    words = [
        word_expression(Term(term.tokens, Kind.WORD if term.kind is Kind.PREFIX else term.kind))
        for term in query.terms
        if not term.is_cjk
    ]
    if not rows or not words:
        return rows
    ids = [row_id for row_id, _ in rows]
    scores = dict(
        conn.execute(
            f"SELECT rowid, -bm25({MAIN_TABLE}, {WEIGHTS}) FROM {MAIN_TABLE} "
            f"WHERE {MAIN_TABLE} MATCH ? AND rowid BETWEEN ? AND ? "
            "AND +rowid IN (SELECT value FROM json_each(?))",
            (any_of(words), min(ids), max(ids), "[" + ",".join(map(str, ids)) + "]"),
        ).fetchall()
    )
    return [(row_id, scores.get(row_id)) for row_id in ids]


def _ranked(
    scanner: _Scanner, match: _Match, query: ParsedQuery, limit: int, offset: int
) -> list[Row]:
    """Title/subject hits, then the other candidates by bm25, then the rest newest first."""
    conn = scanner.conn
    if scanner.scope is _Scope.PROBE:
        found = [row_id for row_id, _ in scanner.scan(match, scored=False)]
        scores = _title_scores(conn, found, query)
        titled = _by_score([(i, scores[i]) for i in found if scores.get(i, 0.0) > 0])
        titled = _partials_last(conn, titled, offset + limit)
        rest: list[Row] = [(i, None) for i in found if scores.get(i, 0.0) <= 0]
        rest = _partials_last(conn, rest, offset + limit - len(titled))
        return (titled + rest)[offset : offset + limit]
    joined = scanner.scope is _Scope.JOIN
    title_bound = JOINED_TITLE_CANDIDATES if joined else TITLE_CANDIDATES
    body_bound = JOINED_BODY_CANDIDATES if joined else BODY_CANDIDATES
    title_ids = [
        row_id
        for row_id, _ in scanner.scan(match, title_only=True, scored=False, limit=title_bound)
    ]
    scores = _title_scores(conn, title_ids, query)
    ranked = _by_score([(i, scores.get(i, 0.0)) for i in title_ids])
    ranked = _partials_last(conn, ranked, offset + limit)
    prefixed = match.table == MAIN_TABLE and any(
        term.kind is Kind.PREFIX and not term.is_cjk for term in query.terms
    )
    if prefixed:
        body = _scored_as_typed(conn, query, scanner.scan(match, scored=False, limit=body_bound))
    else:
        body = scanner.scan(match, limit=body_bound)
    in_title = set(title_ids)
    untitled = _by_score([row for row in body if row[0] not in in_title])
    ranked += _partials_last(conn, untitled, offset + limit - len(ranked))
    page = ranked[offset : offset + limit]
    if len(body) < body_bound or len(page) == limit:
        return page
    return page + scanner.scan(
        match,
        scored=False,
        below=body[-1][0],
        exclude=sorted(in_title),
        limit=limit - len(page),
        offset=max(0, offset - len(ranked)),
    )


# -- date order --------------------------------------------------------------------------------


def _dated(
    conn: sqlite3.Connection,
    plan: _Plan,
    filters: Filters,
    limit: int,
    offset: int,
) -> list[Row]:
    """Matches by ask date, undated last either way (as the list puts them): sorted when few,
    else the date index walked and each row tested."""
    direction = "DESC" if filters.newest_first else "ASC"
    condition, filter_params = _filter_sql(conn, filters)
    where = f" AND {condition}" if condition else ""
    match_sql, match_params = _match_set(plan)
    test, test_params = f"q.rowid IN ({match_sql})", match_params
    # One count serves both choices (never more work than counting to each bound in turn).
    matches = _capped_count(conn, match_sql, match_params, max(DATE_SORT_MAX, DATE_WALK_MAX) + 1)
    if matches > DATE_SORT_MAX:
        test = "+" + test
        if matches > DATE_WALK_MAX and plan.driver is not None:
            table = plan.driver.table
            extra, params = _constraint_sql(plan, f"{table}.rowid")
            test = (
                f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? "
                f"AND {table}.rowid = q.rowid{extra})"
            )
            test_params = [plan.driver.expression(), *params]
    rows = conn.execute(
        f"SELECT q.rowid FROM questions q WHERE {test}{where} "
        f"ORDER BY q.asked_on {direction} NULLS LAST, q.id {direction} LIMIT ? OFFSET ?",
        [*test_params, *filter_params, limit, offset],
    ).fetchall()
    return [(int(row[0]), None) for row in rows]


# -- the public functions ----------------------------------------------------------------------


def _parsed(query: str | ParsedQuery, as_you_type: bool) -> ParsedQuery:
    return query if isinstance(query, ParsedQuery) else parse_query(query, as_you_type=as_you_type)


def search(
    conn: sqlite3.Connection,
    query: str | ParsedQuery,
    filters: Filters | None = None,
    *,
    order: Order = "rank",
    limit: int = 50,
    offset: int = 0,
    as_you_type: bool = False,
    fold_scripts: bool = True,
) -> list[QuestionRow]:
    """One page of results with snippets. An empty or exclusion-only query finds nothing.

    ``fold_scripts``: a Chinese term also finds its other script (Simplified, Traditional)."""
    parsed = _parsed(query, as_you_type)
    filters = filters or Filters()
    if parsed.empty or limit <= 0:
        return []
    offset = max(0, offset)
    plan = _compile(conn, parsed, fold_scripts)
    if order == "date":
        rows = _dated(conn, plan, filters, limit, offset)
    else:
        scanner = _Scanner(conn, plan, filters)
        if plan.driver is None:
            rows = scanner.union_scan(limit=limit, offset=offset)
        else:
            rows = _ranked(scanner, plan.driver, parsed, limit, offset)
    return _hits(conn, rows, parsed)


def count_matches(
    conn: sqlite3.Connection,
    query: str | ParsedQuery,
    filters: Filters | None = None,
    *,
    as_you_type: bool = False,
    cap: int | None = None,
    fold_scripts: bool = True,
) -> int:
    """How many questions match (at most ``cap`` when given: a cheaper "10,000+")."""
    parsed = _parsed(query, as_you_type)
    if parsed.empty:
        return 0
    sql, params = _match_set(_compile(conn, parsed, fold_scripts))
    condition, filter_params = _filter_sql(conn, filters or Filters())
    if condition:
        sql = f"SELECT q.rowid FROM questions q WHERE {condition} AND q.rowid IN ({sql})"
        params = [*filter_params, *params]
    if cap is not None:
        return _capped_count(conn, sql, params, max(0, cap))
    return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def match_filter(
    conn: sqlite3.Connection, query: str | ParsedQuery, *, as_you_type: bool = False
) -> SqlFilter:
    """The query as an extra condition on the questions (``q.rowid IN`` its matches), for code
    built on ``CorpusReader.where`` (facets, histogram, exports) to count what a search shows.
    An empty or exclusion-only query matches nothing, as in :func:`search`."""
    parsed = _parsed(query, as_you_type)
    if parsed.empty:
        return SqlFilter("search", "0")
    sql, params = _match_set(_compile(conn, parsed))
    return SqlFilter("search", f"q.rowid IN ({sql})", tuple(params))


def _hits(conn: sqlite3.Connection, rows: list[Row], query: ParsedQuery) -> list[QuestionRow]:
    if not rows:
        return []
    marks = ",".join("?" * len(rows))
    found = {
        row[0]: row
        for row in conn.execute(
            "SELECT q.rowid, q.title, s.name, q.asked_on, q.doctor, q.is_partial, q.subject, "
            "q.question, q.reply_text, q.more_info, q.id FROM questions q JOIN specialties s "
            f"ON s.id = q.specialty_id WHERE q.rowid IN ({marks})",
            [row_id for row_id, _ in rows],
        )
    }
    hits: list[QuestionRow] = []
    for row_id, score in rows:
        row = found.get(row_id)
        if row is None:
            continue
        title = row[1] or ""
        hits.append(
            QuestionRow(
                id=int(row[10]),
                title=title,
                specialty=row[2],
                asked_on=row[3],
                doctor=row[4],
                is_partial=bool(row[5]),
                score=score,
                snippet=make_snippet(row[6:10], query),
                title_spans=tuple(highlight_spans(title, query)),
            )
        )
    return hits
