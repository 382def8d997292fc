"""The doctor filter and the topic index at 230k: first pages, counts, facets, with and without
their indexes.

Usage: ``nice python benchmarks/doctors_topics.py COPY.db`` on a COPY of a generated corpus (the
indexes of ``qatui.corpus.people`` and ``qatui.corpus.topics`` are created in it half-way).
Prints the median and the worst of five warm runs of each query; figures are in
``doctors_topics.md``.
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

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.people import person_counts
from qatui.corpus.store.finding_aids import add_finding_indexes
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.topics import TopicQuery

RUNS = 5


def timed(label: str, work: Callable[[], Any], runs: int = RUNS) -> None:
    work()  # warm the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"{label:60s} {median:9.1f} ms (worst {worst:.1f})", flush=True)


def doctors(conn: sqlite3.Connection) -> tuple[str, str, str]:
    """The busiest and the least busy doctor, and the busiest one's commonest specialty."""
    ranked = conn.execute(
        "SELECT doctor, count(*) FROM replies WHERE doctor IS NOT NULL GROUP BY doctor "
        "ORDER BY 2 DESC"
    ).fetchall()
    busiest, rarest = ranked[0][0], ranked[-1][0]
    specialty = conn.execute(
        "SELECT specialty FROM replies WHERE doctor = ? GROUP BY 1 ORDER BY count(*) DESC",
        (busiest,),
    ).fetchone()[0]
    print(
        f"doctors: {len(ranked)}; busiest {busiest!r} ({ranked[0][1]} replies), "
        f"rarest {rarest!r} ({ranked[-1][1]})"
    )
    return busiest, rarest, specialty


def measure(conn: sqlite3.Connection, busiest: str, rarest: str, specialty: str) -> None:
    reader = CorpusReader(conn)
    cases = {
        "doctor (busiest)": Filters(doctor=busiest),
        "doctor (rarest)": Filters(doctor=rarest),
        "doctor + specialty": Filters(doctor=busiest, specialty=specialty),
        "doctor + dates 2015-2018": Filters(doctor=busiest, since="2015-01-01", until="2018-12-31"),
        "doctor + search 'pain'": Filters(doctor=busiest, search="pain"),
    }
    for name, filters in cases.items():
        query = ListQuery(filters, typed=False)
        timed(f"{name}: first page (50 rows)", partial(query.rows, reader, 0, 50))
        timed(f"{name}: count", partial(query.count, reader))
    timed("doctor facet, whole corpus", lambda: person_counts(conn, Filters(), "doctor"))
    timed(
        "doctor facet, one specialty",
        lambda: person_counts(conn, Filters(specialty=specialty), "doctor"),
    )
    timed(
        "specialty counts under a doctor", lambda: reader.specialty_counts(Filters(doctor=busiest))
    )
    everything = TopicQuery()
    timed("topics: first page (200)", lambda: everything.rows(conn, 0, 200))
    timed("topics: page at offset 3,000", lambda: everything.rows(conn, 3_000, 200))
    timed("topics: count", lambda: everything.count(conn))
    typed = TopicQuery(contains="pain")
    timed(
        "topics holding 'pain': first page and count",
        lambda: (typed.rows(conn, 0, 200), typed.count(conn)),
    )


def main(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    print(f"{path}: {conn.execute('SELECT count(*) FROM questions').fetchone()[0]:,} questions")
    busiest, rarest, specialty = doctors(conn)
    print("-- without the indexes")
    measure(conn, busiest, rarest, specialty)
    start = time.perf_counter()
    add_finding_indexes(conn)
    print(f"-- indexes created in {time.perf_counter() - start:.1f} s")
    measure(conn, busiest, rarest, specialty)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
