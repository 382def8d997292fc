"""``qatui read`` (the default command) and ``qatui screenshots``: the reader itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qatui.cli.common import EXIT_OK, db_option


def add_read_options(read: argparse.ArgumentParser) -> None:
    """The ``read`` command's options."""
    db_option(read)


def add_screenshots_options(shots: argparse.ArgumentParser) -> None:
    """The ``screenshots`` command's options."""
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
