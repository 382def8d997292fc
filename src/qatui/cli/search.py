"""``qatui search``: full-text search for scripts (JSON lines) and people (a table)."""

from __future__ import annotations

import argparse
import shutil
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from qatui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    db_option,
    filter_options,
    filters_from_options,
    json_line,
    open_reader,
)
from qatui.corpus.ingest.sanitize import clean_line

if TYPE_CHECKING:
    from qatui.corpus.listing import ListQuery
    from qatui.corpus.search.suggest import Suggestion
    from qatui.corpus.store.reader import CorpusReader, QuestionRow

DEFAULT_LIMIT = 20
QUERY_HELP = (
    'words (all must match), "a phrase", a OR b, -excluded, prefix*; anything else is text '
    "(put -- before a query that starts with -)"
)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The ``search`` subcommand's options."""
    parser.description = (
        "Search titles, subjects, questions, replies and More Info. Chinese, "
        "Japanese and Korean text is found by any substring of two or more characters; "
        "Chinese in either script (Simplified or Traditional). When fewer than 3 questions "
        "match, a query with misspelt words is suggested on stderr (did you mean: ...)."
    )
    db_option(parser)
    parser.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    filter_options(parser)
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"how many results (default {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--order",
        choices=["rank", "date"],
        default="rank",
        help="rank: best match first (default); date: newest first",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="JSON lines: id, title, specialty, date, score, snippet (plain text); score is "
        "relevance within its tier (title/subject matches come first), null by date; when "
        'fewer than 3 questions match, a last line {"did_you_mean": QUERY} may follow',
    )


def _suggestion(reader: CorpusReader, query: ListQuery, text: str, found: int) -> Suggestion | None:
    """A better query when this one matches fewer than ``FEW_MATCHES`` questions; ``found``
    matches are in hand already (when that is enough, nothing is counted)."""
    from qatui.corpus.search.suggest import FEW_MATCHES, suggest

    if found >= FEW_MATCHES or query.count(reader, cap=FEW_MATCHES) >= FEW_MATCHES:
        return None
    return suggest(reader.conn, text)


def _json_line(hit: QuestionRow) -> str:
    item = {
        "id": hit.id,
        "title": hit.title,
        "specialty": hit.specialty,
        "date": hit.asked_on,
        "score": None if hit.score is None else round(hit.score, 4),
        "snippet": hit.snippet.text,
    }
    return json_line(item)


def fit_cells(text: str, cells: int) -> str:
    """``text`` on one line, cut (with an ellipsis) or padded to ``cells`` terminal cells."""
    from rich.cells import cell_len, set_cell_size

    text = clean_line(text)
    if cell_len(text) > cells:
        text = set_cell_size(text, max(0, cells - 1)) + "…"
    return set_cell_size(text, cells)


def _table(hits: list[QuestionRow], total: int, order: str, out: TextIO) -> None:
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    id_width = max(2, *(len(str(hit.id)) for hit in hits))
    lead = id_width + 2 + 10 + 2 + 20 + 2
    print(f"{'id':>{id_width}}  {'date':10}  {'specialty':20}  title", file=out)
    for hit in hits:
        title = fit_cells(hit.title, width - lead).rstrip()
        specialty = fit_cells(hit.specialty, 20)
        line = f"{hit.id:>{id_width}}  {hit.asked_on or '-':10}  {specialty}  {title}"
        print(line, file=out)
        if hit.snippet.text:
            print(" " * lead + fit_cells(hit.snippet.text, width - lead).rstrip(), file=out)
    shown = "best first" if order == "rank" else "newest first"
    print(f"{len(hits)} of {total:,} matching questions, {shown}", file=out)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.listing import ListQuery
    from qatui.corpus.search.syntax import parse_query

    if args.limit < 1:
        print(f"qatui search: --limit must be 1 or more, not {args.limit}", file=err)
        return EXIT_USAGE
    parsed = parse_query(args.query)
    if parsed.empty:
        why = "only excluded words" if parsed.only_exclusions else "no words"
        print(f"qatui search: nothing to search for ({why} in the query)", file=err)
        return EXIT_USAGE
    store, reader = open_reader(args, err)
    try:
        try:
            filters = filters_from_options(args, reader)
        except ValueError as error:
            print(f"qatui search: {clean_line(str(error))}", file=err)
            return EXIT_USAGE
        query = ListQuery(
            replace(filters, search=args.query, ranked=args.order == "rank"), typed=False
        )
        hits = query.rows(reader, 0, args.limit)
        suggestion = _suggestion(reader, query, args.query, len(hits))
        if suggestion is not None:
            print(f"did you mean: {clean_line(suggestion.text)}", file=err)
        if args.json:
            for hit in hits:
                out.write(_json_line(hit) + "\n")
            if suggestion is not None:
                out.write(json_line({"did_you_mean": suggestion.text}) + "\n")
            return EXIT_OK
        if not hits:
            print("no matching questions", file=err)
            return EXIT_OK
        _table(hits, query.count(reader, cap=None), args.order, out)
    finally:
        store.close()
    return EXIT_OK
