"""Timings for issue 7's core: reply-delay order, facets, histogram, user-state filters.

Usage: ``python benchmarks/userstate_facets.py CORPUS.db [STATE.db]`` on a corpus built with
``qatui.synthetic.generate.build_database`` (the state file is made beside it, or at STATE.db).
Prints the median of a few runs of each query; figures are in ``userstate_facets.md``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qatui.corpus.facets import asker_facets, histogram
from qatui.corpus.filters import Filters
from qatui.corpus.store.read_pool import Corpus
from qatui.userstate import UserState, attach_state, only_bookmarked, only_unread

READ_MARKS = 20_000
BOOKMARKS = 500


def timed(label: str, work: Callable[[], Any], runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    print(f"{label:48s} {statistics.median(times) * 1000:9.1f} ms")


def main(corpus_path: Path, state_path: Path) -> None:
    corpus = Corpus.open(corpus_path)
    state = UserState.open(state_path)
    with corpus.reader() as reader:
        total = reader.count(Filters())
        ids = [
            row[0] for row in reader.conn.execute("SELECT id FROM questions LIMIT ?", (READ_MARKS,))
        ]
        largest = reader.stats().by_specialty[0][0]
    state.mark_many_read(ids)
    for question_id in ids[:BOOKMARKS]:
        state.add_bookmark(question_id, "bookmark")
    print(f"{total:,} questions; largest specialty {largest}")
    with corpus.reader() as reader:
        by_delay = Filters(order="delay")
        one = Filters(specialty=largest)
        timed("window by date, first 200", lambda: reader.window(Filters(), 0, 200, total))
        timed("window by delay, first 200", lambda: reader.window(by_delay, 0, 200, total))
        timed("window by delay, last 200", lambda: reader.window(by_delay, total - 200, 200, total))
        timed(
            "window by delay, largest specialty, first 200",
            lambda: reader.window(Filters(specialty=largest, order="delay"), 0, 200),
        )
        timed("asker facets, whole corpus", lambda: asker_facets(reader.conn, Filters()))
        timed("asker facets, largest specialty", lambda: asker_facets(reader.conn, one))
        timed("histogram by month, whole corpus", lambda: histogram(reader.conn, Filters()))
        timed("histogram by month, largest specialty", lambda: histogram(reader.conn, one))
        timed("attach_state when attached", lambda: attach_state(reader.conn, state.path))
        unread = Filters(extra=(only_unread(),))
        marked = Filters(extra=(only_bookmarked(),))
        timed(f"count only unread ({READ_MARKS:,} read)", lambda: reader.count(unread))
        timed("window only unread, first 200", lambda: reader.window(unread, 0, 200))
        timed(f"count only bookmarked ({BOOKMARKS})", lambda: reader.count(marked))
        timed("window only bookmarked, first 200", lambda: reader.window(marked, 0, 200))
    timed("state.read_among(200 ids)", lambda: state.read_among(ids[:200]))
    timed("state.record_open", lambda: state.record_open(ids[0], "title"), runs=20)
    state.close()
    corpus.close()


if __name__ == "__main__":
    corpus_file = Path(sys.argv[1])
    state_file = Path(sys.argv[2]) if len(sys.argv) > 2 else corpus_file.with_suffix(".state.db")
    main(corpus_file, state_file)
