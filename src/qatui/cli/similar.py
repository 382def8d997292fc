"""``qatui similar ID``: the questions most like one question, computed from the local corpus."""

from __future__ import annotations

import argparse
from typing import TextIO

from qatui.cli.common import (
    EXIT_INPUT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    db_option,
    json_line,
    open_reader,
)
from qatui.cli.search import fit_cells
from qatui.corpus.search.similar import DEFAULT_LIMIT
from qatui.corpus.store.reader import QuestionRow


def add_options(parser: argparse.ArgumentParser) -> None:
    """The ``similar`` command's options."""
    parser.description = (
        "Rank the corpus by one question's distinctive words (and, for Chinese, "
        "Japanese or Korean text, its three-character substrings): the same specialty first, "
        "the question itself and its own Similar Q&A links left out."
    )
    db_option(parser)
    parser.add_argument("id", type=int, help="the question's id")
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help=f"how many (default {DEFAULT_LIMIT})"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="JSON lines: id, title, specialty, date, score (1.0 for the nearest, falling by rank)",
    )


def _json_line(row: QuestionRow) -> str:
    return json_line(
        {
            "id": row.id,
            "title": row.title,
            "specialty": row.specialty,
            "date": row.asked_on,
            "score": row.score,
        }
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.search.similar import similar_questions

    if args.limit < 0:
        print("qatui similar: --limit must be 0 or more", file=err)
        return EXIT_USAGE
    store, reader = open_reader(args, err)
    try:
        found = (
            similar_questions(reader, args.id, limit=args.limit) if 0 < args.id < 2**63 else None
        )
    finally:
        store.close()
    if found is None:
        print(f"qatui similar: no question with id {args.id}", file=err)
        return EXIT_INPUT_FAILED
    if args.json:
        for row in found:
            out.write(_json_line(row) + "\n")
        return EXIT_OK
    if not found:
        print("no similar questions in this corpus", file=err)
        return EXIT_OK
    id_width = max(2, *(len(str(row.id)) for row in found))
    print(f"{'id':>{id_width}}  {'date':10}  {'specialty':20}  title", file=out)
    for row in found:
        title = fit_cells(row.title, 80).rstrip()
        specialty = fit_cells(row.specialty, 20)
        print(f"{row.id:>{id_width}}  {row.asked_on or '-':10}  {specialty}  {title}", file=out)
    print(f"{len(found)} similar questions, nearest first", file=out)
    return EXIT_OK
