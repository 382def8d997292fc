"""Import rate: ``qatui import`` of generated page files beside a plain sqlite-utils ``insert_all``.

``python benchmarks/bench_import.py --count N [--runs R]`` prints one JSON object. In each run,
the same N page files are

- imported by ``qatui import DIR --db NEW`` in a fresh process (reading, parsing, cleaning,
  link resolution, full-text indexing: everything a user waits for), and
- parsed in this process (timed apart) and written by ``sqlite_utils`` ``insert_all`` into one
  plain table (nested parts as JSON text, no index): the plain rate of the same records.

The figure is the ratio of the two rates (target: at least 1/3).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlite_utils
from corpora import CACHE, QATUI, SEED

from qatui.corpus.ingest.importer import expand_paths
from qatui.corpus.ingest.pagetext import parse_page_bytes


def ensure_pages(count: int, cache: Path = CACHE) -> Path:
    """The cached folder of ``count`` generated page files."""
    folder = cache / f"pages-{count}-seed{SEED}"
    done = folder / ".complete"
    if not done.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *QATUI,
                "generate",
                "--count",
                str(count),
                "--seed",
                str(SEED),
                "--pages-dir",
                str(folder),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.write_text("")
    return folder


def time_qatui_import(pages: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*QATUI, "import", str(pages), "--db", str(db)], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def parse_all(pages: Path) -> tuple[list[dict[str, Any]], float]:
    started = time.perf_counter()
    records = [
        parse_page_bytes(Path(source).read_bytes(), source).to_json()
        for source in expand_paths([str(pages)])
        if isinstance(source, str)
    ]
    return records, time.perf_counter() - started


def time_insert_all(records: list[dict[str, Any]], db: Path) -> float:
    started = time.perf_counter()
    database = sqlite_utils.Database(db)
    database.table("pages").insert_all(records, batch_size=500)
    database.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    pages = ensure_pages(args.count, args.cache)
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(dir=args.cache) as scratch:
        for run in range(args.runs):
            imported = time_qatui_import(pages, Path(scratch) / f"import-{run}.db")
            records, parse_seconds = parse_all(pages)
            plain = time_insert_all(records, Path(scratch) / f"plain-{run}.db")
            runs.append(
                {
                    "import_s": imported,
                    "parse_s": parse_seconds,
                    "insert_all_s": plain,
                    "import_rate": args.count / imported,
                    "insert_all_rate": args.count / plain,
                    "parse_and_insert_all_rate": args.count / (parse_seconds + plain),
                }
            )
    json.dump({"count": args.count, "runs": runs}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
