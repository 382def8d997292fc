"""Schema v3 (stored reply delay): how long the migration takes, and the delay sort after it.

Usage: ``nice python benchmarks/delay_column.py CORPUS.db`` on a COPY of a schema-v2 corpus built
with ``qatui.synthetic.generate.build_database`` (the file is migrated in place). Prints the time
of the v2 -> v3 step alone and the median of three runs of each list window; figures are in
``delay_column.md``.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from qatui.corpus.facets import asker_facets
from qatui.corpus.filters import Filters
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import MIGRATIONS


def timed(label: str, work: Callable[[], Any], runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    print(f"{label:52s} {statistics.median(times) * 1000:10.1f} ms")


def migrate_to_v3(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != 2:
        raise SystemExit(f"{path} is at schema {version}; this measures the 2 -> 3 step")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    MIGRATIONS[3](conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    print(f"{'migration 2 -> 3 (fill + 4 indexes + triggers)':52s} {seconds:10.1f} s")
    start = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"{'  then the WAL checkpoint':52s} {time.perf_counter() - start:10.1f} s")
    conn.close()


def main(path: Path) -> None:
    migrate_to_v3(path)
    conn = sqlite3.connect(path)
    reader = CorpusReader(conn)
    total = reader.total()
    largest = reader.stats().by_specialty[0][0]
    print(f"{total:,} questions; largest specialty {largest}")
    for newest_first in (True, False):
        by_delay = Filters(order="delay", newest_first=newest_first)
        one = Filters(specialty=largest, order="delay", newest_first=newest_first)
        words = "longest" if newest_first else "shortest"
        for label, filters, offset, known in (
            ("first 200", by_delay, 0, total),
            ("middle 200", by_delay, total // 2 - 100, total),
            ("last 200", by_delay, total - 200, total),
            ("largest specialty, first 200", one, 0, None),
        ):
            timed(
                f"delay, {words} first: {label}",
                partial(reader.window, filters, offset, 200, known),
            )
    timed("asker facets, whole corpus", lambda: asker_facets(conn, Filters()))
    timed("asker facets, largest specialty", lambda: asker_facets(conn, Filters(specialty=largest)))
    conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
