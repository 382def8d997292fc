"""``qatui import``: page files, JSON, JSONL or CSV records into the corpus."""

from __future__ import annotations

import argparse
import sqlite3
from typing import TextIO

from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE, db_option, open_store
from qatui.corpus.ingest.records import parse_field_map
from qatui.corpus.ingest.sanitize import clean_line, clean_text
from qatui.corpus.store.database import describe_database_error, is_database_problem


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``import`` command's options."""
    importer = commands.add_parser("import", help="import page files, JSON, JSONL or CSV")
    db_option(importer)
    importer.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, folders (read recursively) or - for standard input",
    )
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=INPUT_FIELD",
        help="take a record field from another input field (repeatable)",
    )
    importer.add_argument(
        "--encoding",
        default="utf-8",
        help="text encoding of the inputs (e.g. big5, gb18030; default utf-8)",
    )
    importer.add_argument(
        "--format",
        choices=["page", "json", "jsonl", "csv"],
        default=None,
        help="input format (default: by file suffix)",
    )
    importer.add_argument(
        "--replies-per-row",
        action="store_true",
        help="each row is one answer: rows of the same question (same id, else same source "
        "URL, else same question text) become one question with every reply",
    )
    importer.add_argument(
        "--batch-size", type=int, default=500, help="records per transaction (default 500)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from rich.progress import Progress

    from qatui.corpus.ingest.importer import expand_paths, import_paths

    try:
        mapping = parse_field_map(args.map)
    except ValueError as error:
        print(f"qatui import: {error}", file=err)
        return EXIT_USAGE
    store = open_store(args, build_sample=False)
    if store.info.read_only:
        store.close()
        print(
            f"qatui import: {clean_line(str(store.info.path))} is read-only: writing is disabled, "
            "nothing was imported. Copy it somewhere writable, or choose another with --db.",
            file=err,
        )
        return EXIT_USAGE
    sources = list(expand_paths(args.paths))
    show_progress = err.isatty() and len(sources) > 20
    try:
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task("importing", total=None)
            report = import_paths(
                store,
                sources,
                encoding=args.encoding,
                fmt=args.format,
                mapping=mapping,
                batch_size=max(1, args.batch_size),
                progress=lambda n: progress.advance(task, n),
                replies_per_row=args.replies_per_row,
            )
    except KeyboardInterrupt as interrupt:
        kept = getattr(interrupt, "report", None)
        added = f", {kept.added_replies} added replies" if kept and kept.added_replies else ""
        counts = f" ({kept.new} new, {kept.updated} updated{added})" if kept else ""
        print(
            f"qatui import: interrupted; the batch in progress was rolled back, batches "
            f"committed so far are kept{counts}",
            file=err,
        )
        return 130
    except sqlite3.Error as error:
        problem = (
            describe_database_error(store.info.path, error)
            if is_database_problem(error)
            else f"database error ({error})"
        )
        print(
            "qatui import: stopped; the batch in progress was rolled back, batches committed "
            f"before it are kept. {clean_text(problem)}",
            file=err,
        )
        return EXIT_INPUT_FAILED
    finally:
        store.close()
    print(f"imported into {clean_line(str(store.info.path))}: {report.summary()}", file=out)
    for failure in report.failures:
        print(f"  failed: {clean_text(str(failure))}", file=err)
    return EXIT_INPUT_FAILED if report.failures else EXIT_OK
