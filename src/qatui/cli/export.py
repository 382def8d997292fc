"""``qatui export``: the corpus, or what the filters match, as records or Markdown."""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qatui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    OpenCorpus,
    db_option,
    filter_options,
    filters_from_options,
    json_line,
    open_reader,
)

if TYPE_CHECKING:
    from qatui.corpus.filters import Filters
    from qatui.corpus.store.reader import CorpusReader


def add_options(export: argparse.ArgumentParser) -> None:
    """The ``export`` command's options."""
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
        help="the bookmarks, each with its note, dates and question, newest first (from "
        "$QATUI_STATE_DB, else the user data folder); with filters, those whose question "
        "matches them; jsonl is one bookmark a line",
    )


def _export_filters(
    args: argparse.Namespace, store: OpenCorpus, reader: CorpusReader, err: TextIO
) -> Filters | None:
    """The export's filters from its options; None (after saying why) when they are unusable."""
    from qatui.corpus.ingest.sanitize import clean_text

    try:
        filters = filters_from_options(args, reader)
    except ValueError as error:
        print(f"qatui export: {clean_text(str(error))}", file=err)
        return None
    if args.bookmarks:
        from qatui.userstate import only_bookmarked

        problem = _attach_bookmarks(reader, store.info.path)
        if problem:
            print(f"qatui export: {clean_text(problem)}", file=err)
            return None
        filters = replace(filters, extra=(only_bookmarked(),))
    return filters


def _write_bookmarks(
    fmt: str, reader: CorpusReader, filters: Filters, target: TextIO, corpus_path: Path
) -> None:
    """The bookmarks (of the state :func:`_attach_bookmarks` attached), with their notes: every
    one when no other filter is given (a question not in this corpus says so), else those whose
    question the filters match."""
    from qatui.corpus.export import bookmark_records, write_bookmarks
    from qatui.corpus.listing import ListQuery
    from qatui.userstate import UserState, use_state_of_corpus
    from qatui.userstate.store import resolve_state_path

    with UserState.open(resolve_state_path()) as state:
        use_state_of_corpus(state, reader, corpus_path)
        bookmarks = state.bookmarks()
    if not replace(filters, extra=()).active:  # no filter but the bookmarks' own
        records = bookmark_records(reader, bookmarks)
    else:
        listed = ListQuery(filters).records_as_listed(reader)
        records = {record.id: record for record in listed if record.id is not None}
        bookmarks = [bookmark for bookmark in bookmarks if bookmark.question_id in records]
    write_bookmarks(target, bookmarks, records, fmt)


def _attach_bookmarks(reader: CorpusReader, corpus_path: Path) -> str | None:
    """Attach the user's state database to the corpus connection, checked first (it is small, so
    ``PRAGMA quick_check`` is cheap), as the state of this corpus (as the reader does when it
    opens it); None, or what is wrong with it (never with the corpus)."""
    from qatui.userstate import (
        STATE_DB_ENV,
        STATE_SCHEMA,
        UserState,
        UserStateError,
        attach_state,
        use_state_of_corpus,
    )
    from qatui.userstate.store import resolve_state_path

    path = resolve_state_path()
    if not path.exists():
        return (
            f"no bookmarks to export: {path} does not exist yet (bookmark questions in the "
            f"reader with m, or choose the state database with {STATE_DB_ENV})"
        )
    try:
        attach_state(reader.conn, path)
        problems = [row[0] for row in reader.conn.execute(f"PRAGMA {STATE_SCHEMA}.quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(str(problem) for problem in problems[:3]))
        reader.conn.execute(f"SELECT 1 FROM {STATE_SCHEMA}.bookmarks LIMIT 1").fetchall()
        with UserState.open(path) as state:  # as the reader does: a rebuilt corpus takes its rows
            use_state_of_corpus(state, reader, corpus_path)
    except UserStateError as error:
        return f"no bookmarks to export ({error})"
    except sqlite3.DatabaseError as error:
        what = (
            "is not a qatui state database (it has no bookmarks)"
            if "no such table" in str(error)
            else f"is damaged ({error})"
        )
        return (
            f"no bookmarks to export: the state database {path} {what}. Move it away (it may "
            "hold your read marks and bookmarks: `sqlite3 FILE .recover` can save part of a "
            f"damaged one), or choose another with {STATE_DB_ENV}. The corpus is not affected."
        )
    return None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.files import replacing

    store, reader = open_reader(args, err)
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        filters = _export_filters(args, store, reader, err)
        if filters is None:
            return EXIT_USAGE
        # A file is replaced only once the export is complete: a failure keeps the old one.
        target = stack.enter_context(replacing(args.output)) if args.output else out
        if args.bookmarks:
            _write_bookmarks(args.format, reader, filters, target, store.info.path)
            return EXIT_OK
        _write(args.format, reader, filters, target)
        _say_partials_left_out(reader, filters, err)
    return EXIT_OK


def _say_partials_left_out(reader: CorpusReader, filters: Filters, err: TextIO) -> None:
    """A record is a full question: say how many partial ones the filters also match."""
    from qatui.corpus.filters import SqlFilter
    from qatui.corpus.listing import ListQuery

    plain = ListQuery(filters).selecting(reader.conn)
    partial = SqlFilter("partial", "q.is_partial = 1")
    left_out = reader.count(replace(plain, extra=(*plain.extra, partial)))
    if left_out:
        print(
            f"qatui export: {left_out:,} partial question{'s' if left_out != 1 else ''} left out "
            "(known only from Similar Q&A links; the reader's list export keeps them, marked)",
            file=err,
        )


def _write(fmt: str, reader: CorpusReader, filters: Filters, target: TextIO) -> None:
    from qatui.corpus.export import write_markdown
    from qatui.corpus.listing import ListQuery

    if fmt == "markdown":
        write_markdown(ListQuery(filters).records(reader), target)
        return
    records = (record.to_json() for record in ListQuery(filters).records(reader))
    if fmt == "jsonl":
        for item in records:
            target.write(json_line(item) + "\n")
    else:
        target.write("[\n")
        for number, item in enumerate(records):
            target.write((",\n" if number else "") + json_line(item))
        target.write("\n]\n")
