"""Corpus-side timings: the queries each reader action makes, straight from CorpusReader.

``python benchmarks/bench_corpus.py DB [--runs N]`` prints one JSON object: for each action the
list of timings in milliseconds, and this process's peak RSS. Run one process per corpus so the
peak RSS is that corpus's alone.

Each action does what the app's workers do for it (src/qatui/tui: question_list.py, app.py),
through ``Corpus.reader`` with a cancellation check armed, as the app's workers use it:

- start counts: ``total()`` and ``specialty_counts()`` (the specialty pane at start-up);
- first page: ``window(Filters(), 0, 100)``;
- specialty switch: ``count`` + ``window`` for a specialty (a different one each run, the
  largest included);
- date-range filter: ``count`` + ``window`` + ``specialty_counts`` for a date range;
- flip order: ``window`` oldest first;
- jump to end: ``window`` at the last page with the total known;
- page down: ``window`` of the next page at a random place in the list (the middle included:
  the worst case for ``OFFSET``);
- open a question: ``page(id)`` (the record, its resolved links and the questions listing it).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qatui.corpus.filters import Filters
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader

PAGE = 100
DATE_RANGES = (
    ("2016-01-01", "2016-12-31"),
    ("2010-01-01", "2014-12-31"),
    ("2020-06-01", "2021-05-31"),
    ("2024-03-01", "2024-03-31"),
    ("2000-01-01", "2026-12-31"),
)

Action = Callable[[CorpusReader, int], object]


def sample_questions(reader: CorpusReader, rng: random.Random, size: int) -> list[int]:
    """Full questions picked at random without loading every id (ids are spread evenly)."""
    low, high = reader.conn.execute("SELECT min(id), max(id) FROM questions").fetchone()
    picked: list[int] = []
    for _ in range(size):
        row = reader.conn.execute(
            "SELECT id FROM questions WHERE id >= ? AND is_partial = 0 ORDER BY id LIMIT 1",
            (rng.randint(low, high),),
        ).fetchone()
        if row is not None:
            picked.append(int(row[0]))
    return picked or [int(low)]


def actions(corpus: Corpus) -> dict[str, Action]:
    """The measured actions; each takes a reader and the run number."""
    with corpus.reader() as reader:
        total = reader.total()
        by_size = sorted(reader.specialty_counts(Filters()), key=lambda item: -item[1])
        rng = random.Random(0)
        question_ids = sample_questions(reader, rng, 200)
    specialties = [name for name, count in by_size if count]
    picks = [specialties[0], *rng.sample(specialties, len(specialties))]
    last_page = max(0, (total - 1) // PAGE * PAGE)
    page_offsets = [total // 2 // PAGE * PAGE, *(rng.randrange(0, total, PAGE) for _ in range(500))]
    everything = Filters()

    def start_counts(reader: CorpusReader, run: int) -> object:
        return reader.total(), reader.specialty_counts(everything)

    def first_page(reader: CorpusReader, run: int) -> object:
        return reader.window(everything, 0, PAGE)

    def specialty_switch(reader: CorpusReader, run: int) -> object:
        filters = Filters(specialty=picks[run % len(picks)])
        return reader.count(filters), reader.window(filters, 0, PAGE)

    def date_filter(reader: CorpusReader, run: int) -> object:
        since, until = DATE_RANGES[run % len(DATE_RANGES)]
        filters = Filters(since=since, until=until)
        return (
            reader.count(filters),
            reader.window(filters, 0, PAGE),
            reader.specialty_counts(filters),
        )

    def flip_order(reader: CorpusReader, run: int) -> object:
        return reader.window(replace(everything, newest_first=run % 2 == 1), 0, PAGE)

    def jump_to_end(reader: CorpusReader, run: int) -> object:
        return reader.window(everything, last_page, PAGE, total)

    def page_down(reader: CorpusReader, run: int) -> object:
        offset = page_offsets[run % len(page_offsets)]
        return reader.window(everything, offset + PAGE, PAGE, total)

    def open_question(reader: CorpusReader, run: int) -> object:
        return reader.page(question_ids[run % len(question_ids)])

    return {
        "start counts": start_counts,
        "first page": first_page,
        "specialty switch": specialty_switch,
        "date-range filter": date_filter,
        "flip order": flip_order,
        "jump to end": jump_to_end,
        "page down": page_down,
        "open a question": open_question,
    }


def measure(corpus: Corpus, action: Action, runs: int) -> list[float]:
    """Milliseconds per run, after one warm-up run."""
    timings: list[float] = []
    for run in range(-1, runs):
        started = time.perf_counter()
        with corpus.reader(lambda: False) as reader:
            action(reader, max(run, 0))
        if run >= 0:
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    corpus = Corpus.open(args.db)
    try:
        with corpus.reader() as reader:
            total = reader.total()
        results = {
            name: measure(corpus, action, args.runs) for name, action in actions(corpus).items()
        }
    finally:
        corpus.close()
    json.dump(
        {
            "db": str(args.db),
            "questions": total,
            "runs": args.runs,
            "timings_ms": results,
            "peak_rss_mib": round(peak_rss_mib(), 1),
        },
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
