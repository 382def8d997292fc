"""``qatui read`` (the default command) and ``qatui screenshots``: the reader itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qatui.cli.common import EXIT_OK, db_option


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``read`` and ``screenshots`` commands' options."""
    read = commands.add_parser("read", help="open the reader (the default command)")
    db_option(read)
    shots = commands.add_parser(
        "screenshots", help="write SVG screenshots of the reader's main states (sample corpus)"
    )
    shots.add_argument(
        "--output",
        "-o",
        default="screenshots",
        metavar="DIR",
        help="folder for the SVG files (default: screenshots)",
    )


def run_read(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.paths import resolve_db_path
    from qatui.tui.startup import run_reader

    path, is_default = resolve_db_path(getattr(args, "db", None))
    return run_reader(path, build_sample=is_default)


def run_screenshots(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.tui.screenshots import take_screenshots

    for path in take_screenshots(Path(args.output)):
        print(path, file=out)
    return EXIT_OK
