"""Search benchmark: the first page of results (50 rows with snippets), p50/p95 by kind of query.

    python benchmarks/bench_search.py --size 100000          # the cached `qatui generate` corpus
    python benchmarks/bench_search.py --db PATH               # any corpus database
    python benchmarks/bench_search.py --size 100000 --write   # also update RESULTS.md "## Search"
    python benchmarks/bench_search.py --index-cost            # what the CJK index costs at import

Queries are picked from the corpus itself, by document frequency: one typical word (0.1-5% of
the questions), two words from the same question, a rare word (a handful of questions), a
common word (10-50%) and a very common one (over 50%); while typing (the last word a prefix);
by date; within a specialty; CJK substrings of two and three characters when the corpus has any.
Each query runs once to warm up, then ``--runs`` times; every run is a fresh ``search()`` call
on a read-only connection, snippets included. Figures are also kept in search_results.json
(one entry per corpus size), from which the "## Search" section of RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from qatui.corpus.filters import Filters  # noqa: E402
from qatui.corpus.search.cjk import CJK_PATTERN  # noqa: E402
from qatui.corpus.search.fulltext import count_matches, search  # noqa: E402
from qatui.corpus.store.database import DatabaseInfo, connect  # noqa: E402
from qatui.corpus.store.read_pool import Corpus, QueryCancelled  # noqa: E402
from qatui.corpus.store.writer import Store  # noqa: E402

RESULTS = HERE / "RESULTS.md"
FIGURES = HERE / "search_results.json"
SECTION = "## Search"
PAGE = 50
WORD = re.compile(r"[a-z]{4,}")
CJK_RUN = re.compile(f"{CJK_PATTERN}{{2,}}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# -- picking queries from the corpus -----------------------------------------------------------


def _matches(conn: sqlite3.Connection, query: str, *, as_you_type: bool = False) -> int:
    return count_matches(conn, query, as_you_type=as_you_type)


def pick_queries(conn: sqlite3.Connection, sample: int = 400) -> dict[str, list[dict[str, Any]]]:
    """Queries of each kind, with how many questions each matches (deterministic)."""
    total = int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])
    rows = conn.execute(
        "SELECT title, subject, question FROM questions WHERE is_partial = 0 ORDER BY id LIMIT ?",
        (sample,),
    ).fetchall()
    words: Counter[str] = Counter()
    per_row: list[list[str]] = []
    for row in rows:
        found = WORD.findall(" ".join(part or "" for part in row).lower())
        words.update(set(found))
        per_row.append(found)
    ranked = [word for word, _ in words.most_common()]
    candidates = ranked[:20] + ranked[20:1200:8]  # a spread of frequencies
    ends = {
        WORD.findall((row[1] or "").lower())[-1:][0] for row in rows if WORD.search(row[1] or "")
    }
    candidates += sorted(ends)[:40]  # generated subjects end in a rare word
    frequency = {word: _matches(conn, word) for word in dict.fromkeys(candidates)}
    share = {word: count / total for word, count in frequency.items()}

    def pick(low: float, high: float, limit: int = 8) -> list[str]:
        return [w for w in frequency if low <= share[w] < high and frequency[w] > 0][:limit]

    typical = pick(0.001, 0.05)
    queries: dict[str, list[str]] = {
        "one word (0.1-5%)": typical,
        "rare word": [w for w in frequency if 0 < frequency[w] <= max(20, total // 20_000)][:8],
        "common word (10-50%)": pick(0.10, 0.50),
        "very common word (>50%)": pick(0.50, 1.01, 4),
    }
    pairs: list[str] = []
    for found in per_row:
        inside = [w for w in dict.fromkeys(found) if w in typical or 0.005 <= share.get(w, 0) < 0.3]
        if len(inside) >= 2:
            pairs.append(f"{inside[0]} {inside[1]}")
        if len(pairs) >= 8:
            break
    queries["two words"] = pairs
    queries["typing: word + prefix"] = [
        f"{pair.split()[0]} {pair.split()[1][:4]}" for pair in pairs[:8]
    ]
    runs: Counter[str] = Counter()
    for (title,) in conn.execute(
        "SELECT title FROM questions WHERE rowid IN (SELECT rowid FROM questions_cjk LIMIT 300)"
    ):
        for run in CJK_RUN.findall(title or ""):
            runs.update({run[i : i + 3] for i in range(len(run) - 2)})
            runs.update({run[i : i + 2] for i in range(len(run) - 1)})
    if runs:
        queries["CJK, 2 characters"] = [r for r, _ in runs.most_common() if len(r) == 2][:6]
        queries["CJK, 3 characters"] = [r for r, _ in runs.most_common() if len(r) == 3][:6]
    return {
        kind: [
            {"query": q, "matches": _matches(conn, q, as_you_type=kind.startswith("typing"))}
            for q in chosen
        ]
        for kind, chosen in queries.items()
        if chosen
    }


# -- timing ------------------------------------------------------------------------------------


def _time(call: Callable[[], object], runs: int) -> list[float]:
    call()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _row(kind: str, queries: list[dict[str, Any]], timings: list[float]) -> dict[str, Any]:
    matches = [q["matches"] for q in queries]
    return {
        "kind": kind,
        "queries": len(queries),
        "examples": [q["query"] for q in queries[:3]],
        "matches": [min(matches), max(matches)],
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "n": len(timings),
    }


def measure(db: Path, runs: int) -> dict[str, Any]:
    conn = connect(db, read_only=True)
    total = int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])
    picked = pick_queries(conn)
    rows: list[dict[str, Any]] = []

    def timed(kind: str, queries: list[dict[str, Any]], **options: Any) -> None:
        timings: list[float] = []
        for query in queries:
            timings += _time(partial(search, conn, query["query"], limit=PAGE, **options), runs)
        rows.append(_row(kind, queries, timings))
        print(
            f"  {kind}: p50 {rows[-1]['p50']:.1f} ms, p95 {rows[-1]['p95']:.1f} ms",
            file=sys.stderr,
            flush=True,
        )

    for kind, queries in picked.items():
        typing = kind.startswith("typing")
        timed(kind, queries, as_you_type=typing)
    typical = picked.get("one word (0.1-5%)", [])[:4]
    common = picked.get("common word (10-50%)", [])[:4]
    timed("by date: one word", typical, order="date")
    timed("by date: common word", common, order="date")
    specialties = conn.execute(
        "SELECT s.name, count(*) FROM questions q JOIN specialties s ON s.id = q.specialty_id "
        "GROUP BY s.id ORDER BY count(*) DESC"
    ).fetchall()
    largest, smallest = specialties[0][0], specialties[-1][0]
    timed("in the largest specialty: one word", typical, filters=Filters(specialty=largest))
    timed("in the largest specialty: common word", common, filters=Filters(specialty=largest))
    timed("in the smallest specialty: common word", common, filters=Filters(specialty=smallest))
    timed("since a year ago: common word", common, filters=Filters(since=_year_ago(conn)))
    counts: list[float] = []
    for query in common:
        counts += _time(partial(count_matches, conn, query["query"]), runs)
    rows.append(_row("count_matches: common word", common, counts))
    conn.close()
    return {
        "size": total,
        "database": str(db),
        "bytes": db.stat().st_size,
        "runs": runs,
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load": [round(v, 2) for v in os.getloadavg()],
        "rows": rows,
        "cancel_ms": cancel_latency(db, common[0]["query"] if common else "a"),
    }


def _year_ago(conn: sqlite3.Connection) -> str:
    last = conn.execute("SELECT max(asked_on) FROM questions").fetchone()[0] or "2026-01-01"
    return f"{int(last[:4]) - 1}{last[4:]}"


def _cancelled_search(corpus: Corpus, query: str, cancelled: threading.Event) -> float:
    """Run slow searches until cancelled; the time the worker gave up."""
    try:
        with corpus.reader(cancelled.is_set) as reader:
            search(reader.conn, f"{query} {query[:3]}*", order="date")
            search(reader.conn, f"{query[:3]}*")
    except QueryCancelled:
        pass
    return time.perf_counter()


def cancel_latency(db: Path, query: str, runs: int = 5) -> list[float]:
    """From "cancel" to the worker's search giving up, for a slow query (typing a short prefix).

    The pool reads read-only: ``Corpus.open`` would migrate (rewrite) a corpus of an older
    schema, and a benchmark never changes the file it measures."""
    corpus = Corpus(db, DatabaseInfo(db, read_only=True))
    latencies: list[float] = []
    try:
        for _ in range(runs):
            cancelled = threading.Event()
            done: list[float] = []
            worker = threading.Thread(
                target=lambda c=cancelled, d=done: d.append(_cancelled_search(corpus, query, c))
            )
            worker.start()
            time.sleep(0.02)
            started = time.perf_counter()
            cancelled.set()
            worker.join()
            latencies.append(max(0.0, (done[0] - started) * 1000))
    finally:
        corpus.close()
    return latencies


# -- what the CJK index costs ------------------------------------------------------------------


def _insert_rate(rows: list[tuple[Any, ...]], *, with_index: bool) -> tuple[float, float]:
    """Rows per second and bytes per row for inserting ``rows`` into a new database."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cost.db"
        store = Store.open(path)
        conn = store.conn
        if not with_index:
            for name in ("insert", "update", "delete"):
                conn.execute(f"DROP TRIGGER questions_cjk_{name}")
        with store.transaction():
            conn.execute("INSERT INTO specialties(id, name) VALUES (1, 'Surgery')")
        started = time.perf_counter()
        for start in range(0, len(rows), 1_000):
            with store.transaction():
                conn.executemany(
                    "INSERT INTO questions (id, specialty_id, title, subject, question, "
                    "asked_on, reply_text, doctor, more_info) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
                    [(r[0], *r[2:]) for r in rows[start : start + 1_000]],
                )
        seconds = time.perf_counter() - started
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        return len(rows) / seconds, path.stat().st_size / len(rows)


def index_cost(count: int = 4_000, rounds: int = 3) -> list[dict[str, Any]]:
    """Insert rate and size with and without the CJK index, for Latin and for Chinese text.

    The two are measured in turn, ``rounds`` times, and the best rate of each is kept (the
    machine is shared: the best run is the one least slowed by other work).
    """
    from search_corpus import _rows

    results = []
    for label, share in (
        ("Latin text (ASCII)", 0.0),
        ("Latin text with accents and dashes", 0.0),
        ("Chinese text", 1.0),
    ):
        rows = list(_rows(count, seed=3, cjk_share=share))
        if "accents" in label:
            rows = [(*row[:4], f"{row[4]} café — naïve “quoted”", *row[5:]) for row in rows]
        best: dict[bool, tuple[float, float]] = {}
        for _ in range(rounds):
            for with_index in (False, True):
                rate, size = _insert_rate(rows, with_index=with_index)
                if rate > best.get(with_index, (0.0, 0.0))[0]:
                    best[with_index] = (rate, size)
        for with_index, (rate, size) in best.items():
            results.append(
                {"text": label, "cjk_index": with_index, "rows_per_s": rate, "bytes_per_row": size}
            )
            print(f"  {label}, CJK index {with_index}: {rate:,.0f} rows/s", file=sys.stderr)
    return results


# -- RESULTS.md --------------------------------------------------------------------------------

DESIGN = """\
How ranked search stays fast on a million questions (src/qatui/corpus/search.py):

- FTS5's `bm25()` costs about 3.5 µs per row it scores, and it reads the whole doclist of every
  phrase once per scan (for the IDF: about 60 ms for a word in half of a million questions).
  Sorting every match of a common word by bm25 takes seconds (2-3 s for a word in most of 1M),
  so ranked results come from a bounded candidate set, in tiers:
  1. title/subject hits: the newest 300 rows whose title or subject match (an unscored scan with
     an FTS5 column filter), ordered by a BM25-like title/subject score worked out in Python on
     those short texts (title weighted twice the subject);
  2. the other rows among the newest 1,000 matches, ranked by bm25 (weights title 10, subject
     5, question 1, reply 1, More Info 0.5) in the same scan that finds them;
  3. every other match, newest first (no score).
  "Newest" is descending id, the order FTS5 reads rows in for free (the site's question numbers
  grow with time). A query matching fewer rows than the bounds is ranked exactly; paging
  (offset) walks tier 1, tier 2 and the rest without gaps or repeats (tested).
- A query with a prefix term (`cardi*`, or the last word while typing) finds its candidates
  with the prefix but is scored by bm25 of the words as typed (`cardi` exact, OR-ed with the
  other words), read over the candidates' id range only: bm25 of the prefix itself would build
  the prefix's merged doclist a second time (FTS5 has no prefix index here). Candidates with
  none of the words exactly follow, newest first.
- Nothing else touches FTS5 row by row: conditions on the other index, exclusions and the
  filters are tested with `+rowid IN (...)`, so SQLite does not turn them into per-row FTS5
  lookups (with bm25 each lookup recomputes the IDF: 16 ms a row for a common word at 100k).
- Within filters, one of three plans, chosen from capped counts (the total row count is read
  from FTS5's averages record: `count(*)` costs 70 ms at 1M) and measured per-row costs:
  join each match to its question (large filters; bounds 100/300 instead of 300/1,000), test
  every match against the filtered ids collected once (matches not too many), or look each
  filtered question up in the index (a common word in a tiny specialty, ~0.7 ms a lookup).
- Date order sorts the matches when there are up to 5,000; up to 100,000 it walks the date index
  testing ids against the matches collected once; beyond, it walks the date index and probes
  the full-text index row by row (dense matches: the first page needs a few hundred probes).
- Each keystroke's search runs in a worker and is interrupted by the next through SQLite's
  progress handler; "cancel" below is the time from the request to the worker giving up.
- CJK: a second, contentless FTS5 table with the trigram tokenizer holds only the columns that
  contain CJK characters (pure ASCII is ruled out by comparing lengths, Latin accents and
  punctuation by byte lengths after three `replace()`s, and only then a GLOB). Runs of three
  or more characters are trigram phrases; a two-character run is an OR of every indexed
  trigram that begins with it (read from an fts5vocab table), a one-character run of its 400
  most frequent ones (approximate); every indexed value ends with a space so that a run at the
  end of a column still starts a trigram.
- Snippets are computed in Python from the page's text (the field holding most query terms, a
  window around the first match; `str.find` per term, as Python's `re` scans an alternation at
  ~65 ns a character): plain text plus (start, end) spans, never markup.
"""


NOTES = """\
- Typing: the last word is an FTS5 prefix query, which (without a prefix index) builds the
  merged doclist of every word with that prefix: about 160 ms median and 420 ms p95 at 1M
  when the prefix is common (it was 480 / 870 ms with bm25 computed on the prefix). Searches
  are cancelled by the next keystroke, so the reader stays responsive, but results lag. An
  FTS5 `prefix='3'` option on the main index would answer three-letter prefixes from its own
  index (exact lengths only; more disk and import time); not measured here.
- Two words: most of the time is the title tier's column-filtered scan (when few rows have the
  words in their title it reads every row holding both, 20-30 ms at 1M) and bm25's IDF pass.
  A small title/subject-only FTS index would make the first nearly free; not done.
- Chinese corpora: the trigram index makes inserting Chinese text about ten times slower and
  doubles the database (one posting per character). A two-character query is an OR of every
  trigram that continues it; in the generated corpus (CJK only in specialty names) that is a
  handful, but a common bigram of real Chinese text can be followed by thousands of different
  characters. Measured on 20,000 rows with 3,966 different followers: first 1,000 ranked rows
  in 366 ms, a full count in 1.3 s (FTS5 steps every OR branch for each row). A capped OR
  (400 branches) found only 1,980 of the 20,000 rows, so the OR is not capped.
- Latin corpora pay a few length checks per column for the CJK index (the ASCII row above,
  measured on bare inserts; `qatui import` does more work per page, so its share there is
  smaller; not measured here).
- Latin words written against CJK characters without a space (感染HPV病毒) are one unicode61
  token: the query `hpv` alone does not find them; `hpv病毒`, or any query term holding a CJK
  character, does, through the trigram index.
- In the generated corpus ids are hashes, so "the newest 1,000 matches" (descending id) is a
  random sample; with the site's question numbers it is the most recent questions.
- benchmarks/run.py rewrites this file; `python benchmarks/bench_search.py --write` puts this
  section back from benchmarks/search_results.json without measuring again.
"""


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


TARGETS = (
    ("one word (0.1-5%)", 100.0),
    ("two words", 100.0),
    ("rare word", 100.0),
    ("common word (10-50%)", 300.0),
    ("very common word (>50%)", 300.0),
)
"""Issue 4's targets: first page p95 at 1,000,000 questions (ms)."""


def targets(runs: dict[str, Any]) -> list[str]:
    """The issue's targets beside the figures of the largest corpus measured."""
    if not runs:
        return []
    size, result = max(runs.items(), key=lambda item: int(item[0]))
    by_kind = {row["kind"]: row for row in result["rows"]}
    out = [
        f"Targets (issue 4, first page p95 at 1,000,000 questions; measured at {int(size):,}):",
        "",
    ]
    for kind, limit in TARGETS:
        row = by_kind.get(kind)
        if row is None:
            continue
        verdict = "met" if row["p95"] < limit else f"missed by {row['p95'] - limit:,.0f} ms"
        out.append(f"- {kind}: p95 {_ms(row['p95'])} ms, target < {limit:.0f} ms: {verdict}")
    return [*out, ""]


def section(figures: dict[str, Any]) -> str:
    out = [
        SECTION,
        "",
        "Written by `python benchmarks/bench_search.py --write` (figures also in",
        "benchmarks/search_results.json). Each figure is one `search()` call returning the",
        "first 50 rows with snippets, on a read-only connection, after one warm-up run.",
        "",
    ]
    out += targets(figures.get("runs", {}))
    for size, result in sorted(figures.get("runs", {}).items(), key=lambda item: int(item[0])):
        out += [
            f"### {int(size):,} rows in `questions` ({result['bytes'] / 1024**3:.1f} GiB, "
            f"{result['date']}, "
            f"load average {result['load'][0]:.1f}, {result['runs']} runs per query)",
            "",
            "| query | queries | matching questions | p50 ms | p95 ms | max ms | examples |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in result["rows"]:
            low, high = row["matches"]
            examples = ", ".join(f"`{e}`" for e in row["examples"])
            out.append(
                f"| {row['kind']} | {row['queries']} | {low:,}-{high:,} | {_ms(row['p50'])} | "
                f"{_ms(row['p95'])} | {_ms(row['max'])} | {examples} |"
            )
        cancel = result.get("cancel_ms") or []
        if cancel:
            out += [
                "",
                f"Cancel (request to worker giving up, {len(cancel)} runs): median "
                f"{statistics.median(cancel):.1f} ms, max {max(cancel):.1f} ms.",
            ]
        out.append("")
    cost = figures.get("index_cost")
    if cost:
        out += [
            "### What the CJK index costs at import",
            "",
            "Rows inserted with `executemany` (about 5 KB of text each, both full-text "
            "indexes maintained by triggers), without and with the CJK index; the best of "
            "three alternating rounds of 4,000 rows each:",
            "",
            "| text | rows/s without | rows/s with | rate change | bytes/row without | with |",
            "|---|---|---|---|---|---|",
        ]
        for text in dict.fromkeys(item["text"] for item in cost):
            without, with_ = (
                next(i for i in cost if i["text"] == text and i["cjk_index"] == f)
                for f in (False, True)
            )
            out.append(
                f"| {text} | {without['rows_per_s']:,.0f} | {with_['rows_per_s']:,.0f} | "
                f"{with_['rows_per_s'] / without['rows_per_s'] - 1:+.0%} | "
                f"{without['bytes_per_row']:,.0f} | {with_['bytes_per_row']:,.0f} |"
            )
        out.append("")
    out += ["### Design", "", DESIGN.rstrip(), ""]
    out += ["### Notes: what is slow or missing", "", NOTES.rstrip(), ""]
    return "\n".join(out)


def write_section(text: str, path: Path = RESULTS) -> None:
    """Replace (or add) the "## Search" section of RESULTS.md, leaving the rest as it is."""
    lines = path.read_text().splitlines() if path.exists() else ["# Benchmark results"]
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    if start is None:
        lines += ["", *text.splitlines()]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = [*text.splitlines(), ""] if end < len(lines) else text.splitlines()
    path.write_text("\n".join(lines).rstrip() + "\n")


def load_figures() -> dict[str, Any]:
    return json.loads(FIGURES.read_text()) if FIGURES.exists() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", type=Path, help="a corpus database to measure")
    source.add_argument("--size", type=int, help="the cached generated corpus of this size")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--index-cost", action="store_true", help="measure the CJK index cost")
    parser.add_argument("--write", action="store_true", help="update RESULTS.md and the JSON")
    args = parser.parse_args(argv)
    figures = load_figures()
    if args.db or args.size:
        if args.db:
            db = args.db
        else:
            from corpora import corpus_path, ensure_corpus

            ensure_corpus(args.size)
            db = corpus_path(args.size)
        print(f"measuring {db} ...", file=sys.stderr, flush=True)
        result = measure(db, args.runs)
        result["machine"] = (
            f"{platform.machine()}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}"
        )
        figures.setdefault("runs", {})[str(result["size"])] = result
        print(json.dumps(result, indent=1))
    if args.index_cost:
        figures["index_cost"] = index_cost()
    if args.write:
        FIGURES.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
        write_section(section(figures))
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
