"""Import rate: ``qatui import`` of generated page files beside a plain sqlite-utils ``insert_all``.

``python benchmarks/bench_import.py --count N [--runs R]`` prints one JSON object. In each run,
the same N page files are

- imported by ``qatui import DIR --db NEW`` in a fresh process (reading, parsing, cleaning,
  link resolution, full-text indexing: everything a user waits for), and
- parsed in this process (timed apart) and written by ``sqlite_utils`` ``insert_all`` into one
  plain table (nested parts as JSON text, no index): the plain rate of the same records.

The figure is the ratio of the two rates (target: at least 1/3).

Issue 12's figures come from the same runs: the baseline also builds one FTS5 index over the
plain table at the end (``parse_insert_all_fts_rate``: the same page parser, ``insert_all``,
``enable_fts``), and with ``--into DB`` the same pages are imported once more into a copy of
DB (a 230k corpus) made before each run (``into_rate``). ``--pages-dir`` names a folder of
page files to use instead of generating ``--count``. Each timing of a child process also
gives its CPU seconds (``*_cpu_s``), which the machine's other work disturbs less than the
wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_qatui_import(pages: Path, db: Path, *extra: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``qatui import PAGES --db DB`` in a fresh process."""
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [*QATUI, "import", str(pages), "--db", str(db), *extra],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def copy_database(source: Path, target: Path) -> None:
    """A copy of a corpus (its WAL, if any, beside it)."""
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


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


FTS_COLUMNS = ["title", "subject", "question", "reply", "more_info"]


def time_fts_at_end(db: Path) -> float:
    """One FTS5 index over the plain table, built once (sqlite-utils ``enable_fts``)."""
    started = time.perf_counter()
    database = sqlite_utils.Database(db)
    database.table("pages").enable_fts(FTS_COLUMNS, fts_version="FTS5")
    database.close()
    return time.perf_counter() - started


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--pages-dir", type=Path, help="page files to import (default: generated)")
    parser.add_argument("--into", type=Path, help="also import into a copy of this corpus")
    parser.add_argument("--no-bulk", action="store_true", help="import with --no-bulk")
    parser.add_argument(
        "--jobs",
        default="",
        help="comma-separated --jobs values for qatui import, each timed in every run "
        "(e.g. 1,2; default: qatui's own choice)",
    )
    args = parser.parse_args(argv)
    pages = args.pages_dir or ensure_pages(args.count, args.cache)
    count = sum(1 for source in expand_paths([str(pages)]) if isinstance(source, str))
    extra = ["--no-bulk"] if args.no_bulk else []
    jobs_values = [value.strip() for value in args.jobs.split(",") if value.strip()] or [""]
    runs: list[dict[str, float]] = []
    args.cache.mkdir(parents=True, exist_ok=True)  # --pages-dir given: nothing made it yet
    with tempfile.TemporaryDirectory(dir=args.cache) as scratch:
        for run in range(args.runs):
            figures: dict[str, float] = {"load_1m": os.getloadavg()[0]}
            for jobs in jobs_values:
                tag = f"_j{jobs}" if jobs else ""
                options = [*extra, *(["--jobs", jobs] if jobs else [])]
                imported, cpu = time_qatui_import(pages, Path(scratch) / "import.db", *options)
                figures.update({f"import_s{tag}": imported, f"import_cpu_s{tag}": cpu})
                figures[f"import_rate{tag}"] = count / imported
                _remove(Path(scratch) / "import.db")
            records, parse_seconds = parse_all(pages)
            plain = time_insert_all(records, Path(scratch) / "plain.db")
            fts = time_fts_at_end(Path(scratch) / "plain.db")
            figures.update(
                {
                    "parse_s": parse_seconds,
                    "insert_all_s": plain,
                    "fts_at_end_s": fts,
                    "insert_all_rate": count / plain,
                    "parse_and_insert_all_rate": count / (parse_seconds + plain),
                    "parse_insert_all_fts_rate": count / (parse_seconds + plain + fts),
                }
            )
            _remove(Path(scratch) / "plain.db")
            baseline = figures["parse_insert_all_fts_rate"]
            for jobs in jobs_values:
                tag = f"_j{jobs}" if jobs else ""
                options = [*extra, *(["--jobs", jobs] if jobs else [])]
                figures[f"import_vs_baseline{tag}"] = figures[f"import_rate{tag}"] / baseline
                if args.into:
                    target = Path(scratch) / "into.db"
                    copy_database(args.into, target)
                    into, into_cpu = time_qatui_import(pages, target, *options)
                    figures.update({f"into_s{tag}": into, f"into_cpu_s{tag}": into_cpu})
                    figures[f"into_rate{tag}"] = count / into
                    figures[f"into_vs_baseline{tag}"] = figures[f"into_rate{tag}"] / baseline
                    figures[f"empty_vs_into{tag}"] = (
                        figures[f"import_rate{tag}"] / figures[f"into_rate{tag}"]
                    )
                    _remove(target)
            figures["load_1m_end"] = os.getloadavg()[0]
            runs.append(figures)
            print(json.dumps({"run": run, **figures}), file=sys.stderr)
    summary = {key: _median(runs, key) for key in runs[0]}
    json.dump({"count": count, "runs": runs, "median": summary}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
