"""The command line: read (the default), import, show, export, stats, search, similar, topics,
check, generate.

One module per command (``read`` holds two), each with a function declaring the command's
options and one running it; :mod:`qatui.cli.common` holds what they share. The parser is built
from :data:`COMMANDS` alone: a command's module is imported only when that command is parsed,
shown or run, so ``qatui search`` loads neither the importer nor the checker.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from qatui import __version__
from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE, db_option
from qatui.corpus.errors import StoreError

__all__ = ["EXIT_INPUT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]
Options = Callable[[argparse.ArgumentParser], None]

STANDARD = ("add_options", "run")
"""The names of the two functions of a module that holds one command."""

COMMANDS: dict[str, tuple[str, tuple[str, str], str]] = {
    "read": ("read", ("add_read_options", "run_read"), "open the reader (the default command)"),
    "screenshots": (
        "read",
        ("add_screenshots_options", "run_screenshots"),
        "write SVG screenshots of the reader's main states (sample corpus)",
    ),
    "import": ("importing", STANDARD, "import page files, JSON, JSONL, CSV or SQLite"),
    "show": ("show", STANDARD, "print one question"),
    "export": (
        "export",
        STANDARD,
        "print the corpus, or the questions the filters match, as records or Markdown",
    ),
    "stats": ("stats", STANDARD, "counts by specialty and year, date range, size"),
    "generate": (
        "generate",
        STANDARD,
        "build a synthetic corpus for benchmarks (a new database, or page files)",
    ),
    "search": ("search", STANDARD, "full-text search: ranked or by date, as a table or JSON lines"),
    "similar": (
        "similar",
        STANDARD,
        "the questions most like one question (computed from the local corpus)",
    ),
    "check": (
        "check",
        STANDARD,
        "check the database: integrity, full-text indexes, links and counts",
    ),
    "topics": (
        "topics",
        STANDARD,
        "every Related FAQ topic, its specialty and how many pages link to it",
    ),
}
"""Each command in ``qatui --help`` order: its module under :mod:`qatui.cli`, the names of the
module's functions that declare its options and run it, and its help line."""


def _command_function(command: str, which: int) -> Callable[..., int | None]:
    """The function (0: options, 1: run) of ``command``, importing its module."""
    module, functions, _ = COMMANDS[command]
    function: Callable[..., int | None] = getattr(
        importlib.import_module(f"qatui.cli.{module}"), functions[which]
    )
    return function


class CommandParser(argparse.ArgumentParser):
    """One command's parser. Its options are declared by the command's module, imported the
    first time the parser parses or shows its help."""

    def __init__(self, *args: object, command: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.command = command
        self._declared = False

    def declare_options(self) -> None:
        """Add the command's options (once)."""
        if not self._declared:
            self._declared = True
            _command_function(self.command, 0)(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self.declare_options()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self.declare_options()
        return super().format_usage()

    def format_help(self) -> str:
        self.declare_options()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every command has a help line. Each command's options are
    declared when that command is parsed (see :class:`CommandParser`)."""
    parser = argparse.ArgumentParser(
        prog="qatui", description="A terminal reader for a corpus of medical Q&A pages."
    )
    parser.add_argument("--version", action="version", version=f"qatui {__version__}")
    db_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name, (_, _, help_line) in COMMANDS.items():
        commands.add_parser(name, help=help_line, command=name)
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, CommandParser]:
    """Each command's parser under ``parser`` (from :func:`build_parser`), options declared."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parsers: dict[str, CommandParser] = dict(commands.choices)
    for command in parsers.values():
        command.declare_options()
    return parsers


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run a command; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    command: Command = _command_function(args.command or "read", 1)  # type: ignore[assignment]
    try:
        return command(args, out, err)
    except StoreError as error:
        from qatui.corpus.ingest.sanitize import clean_text

        print(f"qatui: {clean_text(str(error))}", file=err)
        return EXIT_USAGE
    except sqlite3.DatabaseError as error:
        from qatui.corpus.ingest.sanitize import clean_text
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
        from qatui.corpus.ingest.sanitize import clean_text

        print(f"qatui: {clean_text(str(error))}", file=err)
        return EXIT_USAGE
