"""The command line: read (the default), import, show, export, stats."""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from qatui import __version__
from qatui.cli_generate import add_generate_parser, cmd_generate
from qatui.cli_search import add_search_parser, cmd_search
from qatui.corpus.errors import StoreError
from qatui.corpus.query import CorpusReader, Filters
from qatui.corpus.records import parse_field_map
from qatui.corpus.sanitize import clean_line, clean_text, json_terminal_safe
from qatui.corpus.store import Store, describe_database_error, is_database_problem
from qatui.paths import resolve_db_path

EXIT_OK = 0
EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="corpus database (default: $QATUI_DB, else the user data folder's corpus.db)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every command has a help line."""
    parser = argparse.ArgumentParser(
        prog="qatui", description="A terminal reader for a corpus of medical Q&A pages."
    )
    parser.add_argument("--version", action="version", version=f"qatui {__version__}")
    _db_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    read = commands.add_parser("read", help="open the reader (the default command)")
    _db_option(read)

    importer = commands.add_parser("import", help="import page files, JSON, JSONL or CSV")
    _db_option(importer)
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
        "--batch-size", type=int, default=500, help="records per transaction (default 500)"
    )

    show = commands.add_parser("show", help="print one question")
    _db_option(show)
    show.add_argument("id", type=int, help="the question's id")
    show.add_argument("--json", action="store_true", help="print the FORMAT.md JSON record")

    export = commands.add_parser(
        "export",
        help="print the corpus, or the questions the filters match, as records or Markdown",
    )
    _db_option(export)
    export.add_argument(
        "--format",
        choices=["jsonl", "json", "markdown"],
        default="jsonl",
        help="output format (default jsonl); markdown carries a not-medical-advice line",
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--specialty", help="only questions of this specialty")
    export.add_argument(
        "--since", metavar="DATE", help="asked on or after: 2016, 2016-03 or a date"
    )
    export.add_argument(
        "--until", metavar="DATE", help="asked on or before: 2016, 2016-03 or a date"
    )
    export.add_argument(
        "--bookmarks",
        action="store_true",
        help="only bookmarked questions (from $QATUI_STATE_DB, else the user data folder)",
    )

    stats = commands.add_parser("stats", help="counts by specialty and year, date range, size")
    _db_option(stats)
    add_generate_parser(commands, _db_option)
    add_search_parser(commands, _db_option)
    shots = commands.add_parser(
        "screenshots", help="write SVG screenshots of the reader's main states (sample corpus)"
    )
    shots.add_argument("--output", "-o", default="screenshots", metavar="DIR",
                       help="folder for the SVG files (default: screenshots)")
    return parser


def _open_store(args: argparse.Namespace, *, build_sample: bool = True) -> Store:
    path, is_default = resolve_db_path(getattr(args, "db", None))
    if is_default and build_sample and not path.exists():
        from qatui.corpus.sample import build_sample_database

        build_sample_database(path)
    return Store.open(path)


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from rich.progress import Progress

    from qatui.corpus.importer import expand_paths, import_paths

    try:
        mapping = parse_field_map(args.map)
    except ValueError as error:
        print(f"qatui import: {error}", file=err)
        return EXIT_USAGE
    store = _open_store(args, build_sample=False)
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
            )
    except KeyboardInterrupt as interrupt:
        kept = getattr(interrupt, "report", None)
        counts = f" ({kept.new} new, {kept.updated} updated)" if kept else ""
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
    print(
        f"imported into {clean_line(str(store.info.path))}: {report.new} new, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.failed} failed",
        file=out,
    )
    for failure in report.failures:
        print(f"  failed: {clean_text(str(failure))}", file=err)
    return EXIT_INPUT_FAILED if report.failures else EXIT_OK


def _reader(args: argparse.Namespace) -> tuple[Store, CorpusReader]:
    store = _open_store(args)
    return store, CorpusReader(store.conn)


def cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.render import record_as_text

    store, reader = _reader(args)
    try:
        record = reader.record(args.id) if 0 < args.id < 2**63 else None
    finally:
        store.close()
    if record is None:
        print(f"qatui show: no question with id {args.id}", file=err)
        return EXIT_INPUT_FAILED
    if args.json:
        text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        print(json_terminal_safe(text), file=out)
    else:
        print(record_as_text(record), file=out)
    return EXIT_OK


def _export_filters(args: argparse.Namespace, reader: CorpusReader, err: TextIO) -> Filters | None:
    """The export's filters from its options; None (after saying why) when they are unusable."""
    from qatui.corpus.dates import parse_bound
    from qatui.corpus.identity import normalise

    filters = Filters()
    try:
        if args.since:
            filters = replace(filters, since=parse_bound(args.since))
        if args.until:
            filters = replace(filters, until=parse_bound(args.until, end=True))
    except ValueError as error:
        print(f"qatui export: {clean_text(str(error))}", file=err)
        return None
    if args.specialty:
        names = {normalise(name): name for name in reader.specialties()}
        name = names.get(normalise(args.specialty))
        if name is None:
            print(f"qatui export: no specialty named {clean_text(args.specialty)!r}", file=err)
            return None
        filters = replace(filters, specialty=name)
    if args.bookmarks:
        from qatui.userstate import UserStateError, attach_state, only_bookmarked
        from qatui.userstate.store import resolve_state_path

        try:
            attach_state(reader.conn, resolve_state_path())
        except UserStateError as error:
            print(f"qatui export: no bookmarks to export ({clean_text(str(error))})", file=err)
            return None
        filters = replace(filters, extra=(only_bookmarked(),))
    return filters


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.export import iter_filtered_records, write_markdown

    store, reader = _reader(args)
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        filters = _export_filters(args, reader, err)
        if filters is None:
            return EXIT_USAGE
        target = (
            stack.enter_context(Path(args.output).open("w", encoding="utf-8"))
            if args.output
            else out
        )
        if args.format == "markdown":
            write_markdown(iter_filtered_records(reader, filters), target)
            return EXIT_OK
        records = (record.to_json() for record in iter_filtered_records(reader, filters))
        if args.format == "jsonl":
            for item in records:
                target.write(_json_line(item) + "\n")
        else:
            target.write("[\n")
            for number, item in enumerate(records):
                target.write((",\n" if number else "") + _json_line(item))
            target.write("\n]\n")
    return EXIT_OK


def _json_line(item: object) -> str:
    """One record as JSON, with no raw control character a terminal would act on."""
    return json_terminal_safe(json.dumps(item, ensure_ascii=False))


def cmd_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store, reader = _reader(args)
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
    print("by specialty:", file=out)
    for name, count in stats.by_specialty:
        print(f"  {count:>9,}  {clean_text(name)}", file=out)
    print("by year:", file=out)
    for year, count in stats.by_year:
        print(f"  {year}  {count:>9,}", file=out)
    return EXIT_OK


def cmd_read(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.tui.app import run_reader

    path, is_default = resolve_db_path(getattr(args, "db", None))
    return run_reader(path, build_sample=is_default)


def cmd_screenshots(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.screenshots import take_screenshots

    for path in take_screenshots(Path(args.output)):
        print(path, file=out)
    return EXIT_OK


COMMANDS = {
    "screenshots": cmd_screenshots,
    "read": cmd_read,
    "import": cmd_import,
    "show": cmd_show,
    "export": cmd_export,
    "stats": cmd_stats,
    "generate": cmd_generate,
    "search": cmd_search,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run a command; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    command = COMMANDS[args.command or "read"]
    try:
        return command(args, out, err)
    except StoreError as error:
        print(f"qatui: {clean_text(str(error))}", file=err)
        return EXIT_USAGE
    except sqlite3.DatabaseError as error:
        if not is_database_problem(error):
            raise
        path, _ = resolve_db_path(getattr(args, "db", None))
        print(f"qatui: {clean_text(describe_database_error(path, error))}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("qatui: interrupted", file=err)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # e.g. an --output folder that does not exist
        print(f"qatui: {clean_text(str(error))}", file=err)
        return EXIT_USAGE
