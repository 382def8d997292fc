"""``qatui topics``: every Related FAQ topic with its specialty and how many pages link to it."""

from __future__ import annotations

import argparse
from typing import TextIO

from qatui.cli.common import EXIT_OK, EXIT_USAGE, db_option, json_line, open_reader
from qatui.cli.search import fit_cells
from qatui.corpus.ingest.identity import normalise
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.topics import TopicQuery, TopicRow, topic_specialties

PAGE = 1_000
"""Topics are read (and written out) this many at a time."""


def add_options(parser: argparse.ArgumentParser) -> None:
    """The ``topics`` command's options."""
    parser.description = (
        "The topic index: each Related FAQ topic (and its specialty), with how many "
        "pages link to it, in order of topic."
    )
    db_option(parser)
    parser.add_argument("--specialty", help="only the topics of this specialty (any case)")
    parser.add_argument("--contains", metavar="WORDS", help="only topics holding these words")
    parser.add_argument(
        "--json", action="store_true", help="JSON lines: topic, specialty (null: none), pages"
    )


def _specialty(args: argparse.Namespace, known: list[str]) -> str:
    """The stored spelling of ``--specialty``; ValueError says which specialties have topics."""
    names = {normalise(name): name for name in known}
    name = names.get(normalise(args.specialty))
    if name is None:
        listed = ", ".join(known) if known else "none: no page links a topic"
        raise ValueError(
            f"no topics of specialty {args.specialty!r} (specialties with topics: {listed})"
        )
    return name


def _line(row: TopicRow, width: int) -> str:
    specialty = clean_line(row.specialty) if row.specialty else "-"
    return f"{row.pages:>7,}  {fit_cells(specialty, width)}  {clean_line(row.topic)}".rstrip()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from rich.cells import cell_len

    store, reader = open_reader(args, err)
    try:
        specialty = None
        names = topic_specialties(reader.conn)
        if args.specialty:
            try:
                specialty = _specialty(args, names)
            except ValueError as error:
                print(f"qatui topics: {clean_line(str(error))}", file=err)
                return EXIT_USAGE
        query = TopicQuery(specialty, args.contains)
        width = max([len("specialty"), *(cell_len(clean_line(name)) for name in names)])
        if not args.json:
            print(f"{'pages':>7}  {fit_cells('specialty', width)}  topic", file=out)
        shown = 0
        while True:
            rows = query.rows(reader.conn, shown, PAGE)
            for row in rows:
                if args.json:
                    item = {"topic": row.topic, "specialty": row.specialty, "pages": row.pages}
                    out.write(json_line(item) + "\n")
                else:
                    print(_line(row, width), file=out)
            shown += len(rows)
            if len(rows) < PAGE:
                break
        if not args.json:
            print(f"{shown:,} topics", file=out)
    finally:
        store.close()
    return EXIT_OK
