"""The command line: read (the default), import, show, export, stats, search, similar, topics,
check, generate.

One module per command, each with ``add_parser`` and ``run``; :mod:`qatui.cli.common` holds what
they share. Commands import their heavy parts when they run, so ``qatui search`` starts fast.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from qatui import __version__
from qatui.cli import (
    check,
    export,
    generate,
    importing,
    read,
    search,
    show,
    similar,
    stats,
    topics,
)
from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE, db_option
from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.sanitize import clean_text

__all__ = ["EXIT_INPUT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every command has a help line."""
    parser = argparse.ArgumentParser(
        prog="qatui", description="A terminal reader for a corpus of medical Q&A pages."
    )
    parser.add_argument("--version", action="version", version=f"qatui {__version__}")
    db_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    read.add_parsers(commands)
    importing.add_parser(commands)
    show.add_parser(commands)
    export.add_parser(commands)
    stats.add_parser(commands)
    generate.add_parser(commands)
    search.add_parser(commands)
    similar.add_parser(commands)
    check.add_parser(commands)
    topics.add_parser(commands)
    return parser


COMMANDS: dict[str, Command] = {
    "screenshots": read.run_screenshots,
    "read": read.run_read,
    "import": importing.run,
    "show": show.run,
    "export": export.run,
    "stats": stats.run,
    "generate": generate.run,
    "search": search.run,
    "similar": similar.run,
    "check": check.run,
    "topics": topics.run,
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
        from qatui.corpus.store.database import describe_database_error, is_database_problem
        from qatui.paths import resolve_db_path

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
