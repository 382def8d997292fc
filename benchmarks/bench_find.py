"""Finding benchmark (issue 14): similar questions, search with script folding, did you mean.

    python benchmarks/bench_find.py --db PATH [--runs 100] [--output benchmarks/find.md]
    python benchmarks/bench_find.py --db PATH --refresh-counts   # fill search_terms first

The corpus is opened read-only (``--refresh-counts`` writes the stored term counts, once, and
says how long that took). Every figure is a fresh call on that connection after one warm-up
call, in this process:

- similar questions for ``--runs`` random full questions (p50/p95/max, and the share of pages
  with at least one computed neighbour);
- search, 50 rows with snippets, for CJK words of two and three characters taken from the
  corpus: folded, typed as written and in the other script, against unfolded as written (the
  same rows; the ratio of the medians and of the p95s);
- did you mean for ``--runs`` misspellings (one letter changed) of words found in more than
  five questions: p50/p95/max and how many came back as the word misspelt.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from qatui.corpus.search.cjk import CJK_PATTERN
from qatui.corpus.search.folding import script_variants
from qatui.corpus.search.fulltext import search
from qatui.corpus.search.similar import similar_questions
from qatui.corpus.search.suggest import suggest
from qatui.corpus.search.term_counts import has_stored_counts, refresh_term_counts
from qatui.corpus.store.reader import CorpusReader

HERE = Path(__file__).resolve().parent
SIMILAR_P95_MS = 50.0
SUGGEST_P95_MS = 50.0
FOLDING_RATIO = 1.3
_CJK_RUN = re.compile(f"(?:{CJK_PATTERN})+")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
        "n": len(values),
    }


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def bench_similar(conn: sqlite3.Connection, ids: list[int]) -> dict[str, Any]:
    reader = CorpusReader(conn)
    similar_questions(reader, ids[0])
    times, found = [], 0
    for question_id in ids:
        ms, rows = timed(partial(similar_questions, reader, question_id))
        times.append(ms)
        found += bool(rows)
    return {**summary(times), "pages_with_neighbours": round(found / len(ids), 3)}


def cjk_words(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    """Two- and three-character words from CJK text in the corpus (titles, then questions)."""
    texts = [
        str(row[0])
        for row in conn.execute(
            "SELECT title || ' ' || question FROM questions WHERE rowid IN "
            "(SELECT rowid FROM questions_cjk LIMIT 2000)"
        )
    ]
    words: list[str] = []
    for text in texts:
        for run in _CJK_RUN.findall(text):
            if len(run) >= 3 and run.isalnum():
                start = rng.randrange(0, len(run) - 2)
                words.append(run[start : start + rng.choice((2, 3))])
    rng.shuffle(words)
    return list(dict.fromkeys(words))[:count]


def bench_folding(conn: sqlite3.Connection, words: list[str], runs: int) -> dict[str, Any]:
    """Folded search for each word as written in the corpus and in its other script, against
    the unfolded search for the word as written (the same rows: what folding costs)."""
    results: dict[str, list[float]] = {"folded": [], "as_typed": []}
    search(conn, words[0])  # loads the converters and warms the cache
    repeats = max(1, runs // 20)
    queries = 0
    for word in words:
        calls = [("as_typed", word, False)]
        calls += [("folded", spelling, True) for spelling in script_variants(word)]
        for key, query, fold_scripts in calls:
            queries += 1
            search(conn, query, fold_scripts=fold_scripts)
            for _ in range(repeats):
                ms, _ = timed(partial(search, conn, query, fold_scripts=fold_scripts))
                results[key].append(ms)
    folded, plain = summary(results["folded"]), summary(results["as_typed"])
    return {
        "queries": queries,
        "folded": folded,
        "as_typed": plain,
        "median_ratio": round(folded["median"] / max(plain["median"], 1e-9), 2),
        "p95_ratio": round(folded["p95"] / max(plain["p95"], 1e-9), 2),
    }


def misspellings(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[tuple[str, str]]:
    words = [
        str(row[0])
        for row in conn.execute(
            "SELECT term FROM search_terms WHERE source = 0 AND documents > 5 "
            "AND length(term) >= 5 AND term GLOB '[a-z]*' ORDER BY term",
        )
    ]
    pairs = []
    for word in rng.sample(words, min(count, len(words))):
        at = rng.randrange(1, len(word))
        letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[at]])
        pairs.append((word[:at] + letter + word[at + 1 :], word))
    return pairs


def bench_suggest(conn: sqlite3.Connection, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    suggest(conn, pairs[0][0])
    times, same = [], 0
    for typo, word in pairs:
        ms, found = timed(partial(suggest, conn, typo))
        times.append(ms)
        same += found is not None and found.text == word
    return {**summary(times), "gave_the_word_back": same}


def report(figures: dict[str, Any]) -> str:
    similar, folding, suggested = figures["similar"], figures["folding"], figures["suggest"]
    ok = {
        "similar": similar["p95"] <= SIMILAR_P95_MS,
        "folding": folding["p95_ratio"] <= FOLDING_RATIO
        and folding["median_ratio"] <= FOLDING_RATIO,
        "suggest": suggested["p95"] <= SUGGEST_P95_MS,
    }
    mark = {True: "met", False: "MISSED"}
    lines = [
        "# Finding: similar questions, script folding, did you mean (issue 14)",
        "",
        f"Corpus: `{figures['db']}` ({figures['questions']:,} questions). "
        "Written by `benchmarks/bench_find.py`; every figure is a fresh call after a warm-up.",
        f"Stored term counts: {figures['counts']}.",
        "",
        "| what | median ms | p95 ms | max ms | n | target | |",
        "|---|---|---|---|---|---|---|",
        f"| similar questions | {similar['median']} | {similar['p95']} | {similar['max']} | "
        f"{similar['n']} | p95 ≤ {SIMILAR_P95_MS:.0f} ms | {mark[ok['similar']]} |",
        f"| search, folded | {folding['folded']['median']} | {folding['folded']['p95']} | "
        f"{folding['folded']['max']} | {folding['folded']['n']} | ≤ {FOLDING_RATIO}x as typed | "
        f"{mark[ok['folding']]} (median {folding['median_ratio']}x, p95 {folding['p95_ratio']}x) |",
        f"| search, as typed | {folding['as_typed']['median']} | {folding['as_typed']['p95']} | "
        f"{folding['as_typed']['max']} | {folding['as_typed']['n']} | | |",
        f"| did you mean | {suggested['median']} | {suggested['p95']} | {suggested['max']} | "
        f"{suggested['n']} | p95 ≤ {SUGGEST_P95_MS:.0f} ms | {mark[ok['suggest']]} |",
        "",
        f"Pages with at least one computed neighbour: {similar['pages_with_neighbours']:.1%}. "
        f"Misspellings given back as the word: {suggested['gave_the_word_back']} of "
        f"{suggested['n']}. Folding: {folding['queries']} queries, CJK words from the corpus "
        "searched folded (as written and in the other script) against unfolded as written.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--refresh-counts", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    counts = "present"
    if args.refresh_counts:
        writer = sqlite3.connect(args.db)
        with writer:
            ms, rows = timed(lambda: refresh_term_counts(writer))
        writer.close()
        counts = f"refreshed: {rows:,} rows in {ms / 1000:.1f} s"
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    if not has_stored_counts(conn):
        parser.error("the corpus has no stored term counts: run once with --refresh-counts")
    rng = random.Random(args.seed)
    total = int(conn.execute("SELECT count(*) FROM questions WHERE is_partial = 0").fetchone()[0])
    every_id = [
        int(row[0]) for row in conn.execute("SELECT id FROM questions WHERE is_partial = 0")
    ]
    ids = rng.sample(every_id, min(args.runs, len(every_id)))
    figures: dict[str, Any] = {"db": str(args.db), "questions": total, "counts": counts}
    figures["similar"] = bench_similar(conn, ids)
    figures["folding"] = bench_folding(conn, cjk_words(conn, rng, 20), args.runs)
    figures["suggest"] = bench_suggest(conn, misspellings(conn, rng, args.runs))
    text = report(figures)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        args.output.with_suffix(".json").write_text(json.dumps(figures, indent=1) + "\n")
    print(text)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
