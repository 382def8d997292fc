"""``qatui generate``: a synthetic corpus for benchmarks, as a new database or as page files."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qatui.cli.common import EXIT_OK, EXIT_USAGE, db_option

if TYPE_CHECKING:
    from rich.progress import TaskID

COUNTED_PHASES = ("writing", "writing pages")


def add_options(generate: argparse.ArgumentParser) -> None:
    """The ``generate`` subcommand's options."""
    generate.description = (
        "Build a deterministic synthetic corpus shaped like the real site: the "
        "same count and seed always give the same pages. The text is plainly synthetic."
    )
    db_option(generate)
    generate.add_argument("--count", type=int, required=True, help="how many questions")
    generate.add_argument(
        "--seed", type=int, help="random seed (default: the generator's own, the same every run)"
    )
    generate.add_argument(
        "--pages-dir",
        metavar="DIR",
        help="write page files in the seed's text layout under DIR instead of a database",
    )
    generate.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes generating pages for --db (default: one per CPU; 0: none)",
    )


@contextmanager
def _progress_display(err: TextIO, count: int) -> Iterator[Callable[[str, int], None]]:
    """A progress callback ``(phase, pages done)`` drawing one bar per phase on ``err``."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Pages per second."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} pages/s" if speed else "", style="progress.data.speed")

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=err),
        disable=not err.isatty(),
    )
    tasks: dict[str, TaskID] = {}

    def advance(phase: str, done: int) -> None:
        if phase not in tasks:
            for task_id in tasks.values():  # an earlier phase without a count is over
                task = progress.tasks[task_id]
                if task.total is None:
                    progress.update(task_id, total=1, completed=1)
            total = count if phase in COUNTED_PHASES else None
            tasks[phase] = progress.add_task(phase, total=total)
        progress.advance(tasks[phase], done)

    with progress:
        yield advance
        for task_id in tasks.values():
            if progress.tasks[task_id].total is None:
                progress.update(task_id, total=1, completed=1)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``qatui generate``."""
    from qatui.synthetic import DEFAULT_SEED
    from qatui.synthetic.bulk_load import build_database
    from qatui.synthetic.generate import write_pages

    db: str | None = getattr(args, "db", None)
    seed: int = DEFAULT_SEED if args.seed is None else args.seed
    if args.count < 0:
        print("qatui generate: --count must be zero or more", file=err)
        return EXIT_USAGE
    if (db is None) == (args.pages_dir is None):
        print("qatui generate: give either --db PATH (a new file) or --pages-dir DIR", file=err)
        return EXIT_USAGE
    started = time.perf_counter()
    try:
        with _progress_display(err, args.count) as progress:
            if args.pages_dir is not None:
                written = write_pages(Path(args.pages_dir), args.count, seed, progress)
                where, partial = args.pages_dir, 0
            elif db is not None:
                report = build_database(
                    Path(db), args.count, seed, workers=args.workers, progress=progress
                )
                written, where, partial = report.questions, str(report.path), report.partial
    except KeyboardInterrupt:
        print("qatui generate: interrupted", file=err)
        return 130
    seconds = time.perf_counter() - started
    extra = f" (+{partial:,} partial, known only from links)" if partial else ""
    print(
        f"generated {written:,} synthetic questions{extra} into {where} in {seconds:.1f} s "
        f"(seed {seed})",
        file=out,
    )
    return EXIT_OK
