"""``qatui export``: the corpus, or what the filters match, as records or Markdown."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from qatui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    db_option,
    filter_options,
    filters_from_options,
    json_line,
    open_reader,
)
from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.store.reader import CorpusReader


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``export`` command's options."""
    export = commands.add_parser(
        "export",
        help="print the corpus, or the questions the filters match, as records or Markdown",
    )
    db_option(export)
    export.add_argument(
        "--format",
        choices=["jsonl", "json", "markdown"],
        default="jsonl",
        help="output format (default jsonl); markdown carries a not-medical-advice line",
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    filter_options(export)
    export.add_argument(
        "--bookmarks",
        action="store_true",
        help="only bookmarked questions (from $QATUI_STATE_DB, else the user data folder)",
    )


def _export_filters(args: argparse.Namespace, reader: CorpusReader, err: TextIO) -> Filters | None:
    """The export's filters from its options; None (after saying why) when they are unusable."""
    try:
        filters = filters_from_options(args, reader)
    except ValueError as error:
        print(f"qatui export: {clean_text(str(error))}", file=err)
        return None
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


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.export import iter_filtered_records, write_markdown

    store, reader = open_reader(args, err)
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
                target.write(json_line(item) + "\n")
        else:
            target.write("[\n")
            for number, item in enumerate(records):
                target.write((",\n" if number else "") + json_line(item))
            target.write("\n]\n")
    return EXIT_OK
