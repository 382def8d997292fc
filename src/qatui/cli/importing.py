"""``qatui import``: page files, JSON, JSONL, CSV or SQLite records into the corpus."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE, db_option, open_store
from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.repair import REPAIR_STEPS
from qatui.corpus.ingest.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from qatui.corpus.ingest.importer import ImportReport
    from qatui.corpus.ingest.mapping import RecordMapping

PROGRESS_BYTES = 8 * 1024 * 1024
"""Inputs adding up to this many bytes (or over 20 files) show a progress bar on a terminal."""


def add_options(importer: argparse.ArgumentParser) -> None:
    """The ``import`` command's options."""
    importer.description = (
        "Import records. A mapping says which input column fills which record "
        "field: --map and the options after it, a --mapping FILE in the same vocabulary, or "
        "a shipped --profile; --inspect FILE shows an input's columns and a mapping to try."
    )
    db_option(importer)
    importer.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, folders (read recursively) or - for standard input",
    )
    importer.add_argument(
        "--inspect",
        action="store_true",
        help="import nothing: print each input's columns, a sample and a suggested mapping",
    )
    importer.add_argument(
        "--profile",
        metavar="NAME",
        help="a shipped mapping for a real source: ehospital-spider, answer-rows",
    )
    importer.add_argument(
        "--mapping", metavar="FILE", type=Path, help="a TOML mapping file (--map's vocabulary)"
    )
    mapping = importer.add_argument_group("mapping (each option repeatable)")
    mapping.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="fill a record field from a column: nested a.b, indexed tags[0], a|b for the first "
        "not empty, a trailing ? when it may be absent",
    )
    mapping.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE", help="a constant value"
    )
    mapping.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for when the field is empty",
    )
    mapping.add_argument(
        "--template",
        action="append",
        default=[],
        metavar="FIELD=TEXT",
        help="text with {column} placeholders, e.g. source_url=https://…?q_no={question_id}",
    )
    mapping.add_argument(
        "--split",
        action="append",
        default=[],
        metavar="COLUMN=REGEX",
        help="cut a column into the fields its named groups name, e.g. (?P<asker_name>…)",
    )
    mapping.add_argument(
        "--strip",
        action="append",
        default=[],
        metavar="FIELD=CHARS",
        help="characters stripped from both ends of a field (id=# turns #1 into 1)",
    )
    mapping.add_argument(
        "--date-format",
        action="append",
        default=[],
        metavar="FORMAT",
        help="another date form, as strptime writes it (e.g. %%d.%%m.%%Y)",
    )
    mapping.add_argument(
        "--no-derived-title",
        action="store_true",
        help="a record without a title fails (default: its question's first sentence)",
    )
    mapping.add_argument(
        "--repair",
        metavar="STEPS",
        help=f"text repairs, comma-separated, or 'none' (default: {','.join(REPAIR_STEPS)})",
    )
    mapping.add_argument("--table", help="the table of an SQLite input (default: its only one)")
    mapping.add_argument("--query", metavar="SQL", help="an SQL query to read an SQLite input by")
    importer.add_argument(
        "--encoding",
        default="utf-8",
        help="text encoding of the inputs (e.g. big5, gb18030; default utf-8)",
    )
    importer.add_argument(
        "--format",
        choices=["page", "json", "jsonl", "csv", "sqlite"],
        default=None,
        help="input format (default: by file suffix, or by content without one)",
    )
    importer.add_argument(
        "--replies-per-row",
        action="store_true",
        help="each row is one answer: rows of the same question (same id, else same source "
        "URL, else same question text) become one question with every reply",
    )
    importer.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="records per transaction (default: as many as hold 64 MiB of text)",
    )
    importer.add_argument(
        "--bulk",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="update the full-text index once per batch instead of row by row (default: "
        "on once 4 MiB of text have been read, so small imports stay incremental)",
    )
    importer.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes in all: with 2 or more, N-1 of them read and parse page files while "
        "this one writes; 1 reads everything here (default: a parsing process once there are "
        "300 page files, when a CPU is free)",
    )


def build_mapping(args: argparse.Namespace) -> RecordMapping:
    """The mapping the options ask for: the command line over a mapping file over a profile."""
    from qatui.corpus.ingest.mapping import EMPTY_MAPPING, mapping_from_options, read_mapping_file
    from qatui.corpus.ingest.profiles import profile

    base = profile(args.profile).mapping if args.profile else EMPTY_MAPPING
    if args.mapping is not None:
        base = read_mapping_file(args.mapping).over(base)
    repair: list[str] | None = None
    if args.repair is not None:
        repair = [step.strip() for step in args.repair.split(",") if step.strip()]
        repair = [] if repair == ["none"] else repair
    options = mapping_from_options(
        maps=args.map,
        sets=args.set,
        defaults=args.default,
        templates=args.template,
        splits=args.split,
        strips=args.strip,
        date_formats=args.date_format,
        derive_title=not args.no_derived_title,
        repair=repair,
        table=args.table,
        query=args.query,
    )
    return options.over(base)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.ingest.mapping import MappingError
    from qatui.corpus.ingest.streams import check_text_encoding

    try:
        check_text_encoding(args.encoding)
        mapping = build_mapping(args)
    except (MappingError, ValueError) as error:
        print(f"qatui import: {clean_line(str(error))}", file=err)
        return EXIT_USAGE
    if args.inspect:
        return _inspect(args, mapping, out, err)
    return _import(args, mapping, out, err)


def _inspect(args: argparse.Namespace, mapping: RecordMapping, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.ingest.inspect import inspect_source

    code = EXIT_OK
    for source in args.paths:
        try:
            found = inspect_source(source, encoding=args.encoding, fmt=args.format, mapping=mapping)
        except CorpusInputError as error:
            print(f"qatui import --inspect: {clean_text(str(error))}", file=err)
            code = EXIT_INPUT_FAILED
            continue
        print(f"{clean_line(found.source)}: {found.kind}, {found.rows} rows read", file=out)
        print("columns (filled in the rows read, first value):", file=out)
        width = max((len(name) for name in found.columns), default=0)
        for column in found.columns.values():
            print(
                f"  {clean_line(column.name):<{width}}  {column.filled:>4}  {column.example}",
                file=out,
            )
        for problem in found.problems:
            print(f"  problem: {problem}", file=out)
        if found.profiles:
            print(f"profiles that fit: {', '.join(found.profiles)}", file=out)
            print(f"  qatui import --profile {found.profiles[0]} {source}", file=out)
        if found.suggested:
            flags = " ".join(f"--map {k}={clean_line(v)}" for k, v in found.suggested.items())
            print(f"suggested mapping:\n  qatui import {flags} {source}", file=out)
        else:
            print("suggested mapping: none (no column has a name qatui knows)", file=out)
    return code


def _source_bytes(sources: list[str | CorpusInputError]) -> int:
    total = 0
    for source in sources:
        if isinstance(source, str) and source != "-":
            try:
                total += os.stat(source).st_size
            except OSError:
                continue
    return total


def _import(args: argparse.Namespace, mapping: RecordMapping, out: TextIO, err: TextIO) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from qatui.corpus.ingest.importer import expand_paths, import_paths
    from qatui.corpus.store.database import describe_database_error, is_database_problem

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
    total_bytes = _source_bytes(sources)
    show_progress = err.isatty() and (len(sources) > 20 or total_bytes >= PROGRESS_BYTES)
    report: ImportReport
    try:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            disable=not show_progress,
            transient=True,
            console=Console(file=err),
        ) as progress:
            task = progress.add_task("importing", total=total_bytes or None)
            report = import_paths(
                store,
                args.paths,
                encoding=args.encoding,
                fmt=args.format,
                mapping=mapping,
                batch_size=max(1, args.batch_size) if args.batch_size is not None else None,
                bulk=args.bulk,
                bytes_read=lambda n: progress.advance(task, n),
                replies_per_row=args.replies_per_row or mapping.replies_per_row,
                jobs=max(1, args.jobs) if args.jobs is not None else None,
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
    print_report(report, clean_line(str(store.info.path)), out, err)
    return EXIT_INPUT_FAILED if report.failed else EXIT_OK


def print_report(report: ImportReport, database: str, out: TextIO, err: TextIO) -> None:
    """Problems first (grouped by kind, the first few of each), the summary last."""
    from qatui.corpus.ingest.importer import SUPPORTED

    log = report.log
    for line in report.problems.lines("failed"):
        print(clean_text(line), file=err)
    for line in log.warnings.lines("warning"):
        print(clean_text(line), file=err)
    for line in log.skipped.lines("skipped"):
        print(clean_text(line), file=err)
    notes: list[str] = []
    if log.skipped:
        notes.append(
            f"skipped {log.skipped.total:,} files of no importable kind (listed above); "
            f"qatui imports {SUPPORTED}"
        )
    if log.warnings:
        notes.append(f"{log.warnings.total:,} warnings (listed above): those records are kept")
    if log.repairs:
        steps = ", ".join(
            f"{step} in {log.repairs[step]:,}" for step in REPAIR_STEPS if log.repairs[step]
        )
        notes.append(f"text repaired (records): {steps}")
    if log.derived_titles:
        notes.append(f"titles made from the question's first sentence: {log.derived_titles:,}")
    unmapped = log.unmapped_line()
    if unmapped:
        notes.append(clean_line(unmapped))
    for note in notes:
        print(note, file=out)
    print(f"imported into {database}: {report.summary()}", file=out)
