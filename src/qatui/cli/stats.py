"""``qatui stats``: counts by specialty and year, the date range, the file and its size."""

from __future__ import annotations

import argparse
from typing import TextIO

from qatui.cli.common import EXIT_OK, db_option, open_reader
from qatui.corpus.ingest.sanitize import clean_line, clean_text


def add_options(stats: argparse.ArgumentParser) -> None:
    """The ``stats`` command's options."""
    db_option(stats)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store, reader = open_reader(args, err)
    try:
        stats = reader.stats()
    finally:
        store.close()
    path = store.info.path
    size = path.stat().st_size if path.exists() else 0
    print(f"database: {clean_line(str(path))} ({size / 1_048_576:.1f} MiB)", file=out)
    print(
        f"questions: {stats.questions - stats.partial:,} full, {stats.partial:,} partial "
        "(known only from Similar Q&A links)",
        file=out,
    )
    print(f"asked: {stats.first_date or '-'} to {stats.last_date or '-'}", file=out)
    print(
        "by specialty (full questions, then partial ones, which the reader counts too):", file=out
    )
    for name, count in stats.by_specialty:
        partial = stats.partial_by_specialty.get(name, 0)
        also = f"+{partial:,}" if partial else ""
        print(f"  {count:>9,} {also:>7}  {clean_text(name)}", file=out)
    print("by year:", file=out)
    for year, count in stats.by_year:
        print(f"  {year}  {count:>9,}", file=out)
    return EXIT_OK
