"""Database size: bytes per question, the ratio to the JSONL export, where the bytes go, and the
start counts (total and unfiltered specialty counts) timed.

Usage: ``nice python benchmarks/bench_size.py CORPUS.db`` on a corpus from ``qatui generate``
(or ``--generate N OUT.db`` to build one first). Reads only; the export goes to a temporary
file. Figures are in RESULTS.md ("## Size").
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qatui.corpus.filters import Filters
from qatui.corpus.store.reader import CorpusReader

QATUI = [sys.executable, "-m", "qatui"]


def questions(conn: sqlite3.Connection) -> tuple[int, int]:
    """(full questions, partial ones)."""
    full, partial = conn.execute(
        "SELECT count(*) - sum(is_partial), sum(is_partial) FROM questions"
    ).fetchone()
    return int(full), int(partial)


def by_object(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Bytes per table or index, largest first (the ``dbstat`` virtual table)."""
    rows = conn.execute(
        "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
    ).fetchall()
    return [(str(name), int(size)) for name, size in rows]


def export_bytes(path: Path) -> int:
    """The size of ``qatui export`` (JSONL, every full question) of the corpus."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.jsonl"
        subprocess.run([*QATUI, "export", "--db", str(path), "-o", str(target)], check=True)
        return target.stat().st_size


def start_counts_ms(conn: sqlite3.Connection, runs: int = 7) -> float:
    """Median milliseconds of what the reader counts at start (total, specialty counts)."""
    reader = CorpusReader(conn)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        reader.total()
        reader.specialty_counts(Filters())
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def report(path: Path) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        full, partial = questions(conn)
        size = path.stat().st_size
        exported = export_bytes(path)
        print(f"corpus: {path} ({full:,} questions, {partial:,} partial)")
        print(f"file: {size:,} bytes, {size / full:,.0f} bytes/question")
        print(f"JSONL export: {exported:,} bytes; database / export = {size / exported:.2f}x")
        print(f"start counts: {start_counts_ms(conn):.2f} ms (median of 7)")
        print("where the bytes go (dbstat):")
        for name, used in by_object(conn):
            print(f"  {name:40s} {used:>15,} {used / full:>9,.0f} B/q")
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--generate", type=int, metavar="N", help="generate N questions first")
    args = parser.parse_args()
    if args.generate:
        subprocess.run(
            [*QATUI, "generate", "--count", str(args.generate), "--db", str(args.corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    report(args.corpus)


if __name__ == "__main__":
    main()
