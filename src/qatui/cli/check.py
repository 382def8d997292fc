"""``qatui check``: is the corpus database sound? SQLite's integrity check, the full-text
indexes, the links between rows, and the counts.

It reads the whole file (seconds for a large corpus), which is why no other command runs it on
the way: damage SQLite does not trip over (a flipped byte in a search-index or link page) is
found here. Exit status: 0 no problem found, 1 problems found, 2 the file cannot be checked.
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, db_option, no_such_database

if TYPE_CHECKING:
    from qatui.corpus.store.health import Finding

INDEX_CHECKS = ("full-text index", "CJK index")


def add_options(check: argparse.ArgumentParser) -> None:
    """The ``check`` command's options."""
    check.description = (
        "Read the whole database and report what is wrong with it, if anything. "
        "Exit status 0: no problem found; 1: problems found; 2: the file cannot be checked."
    )
    db_option(check)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.ingest.sanitize import clean_line
    from qatui.corpus.store.database import connect, writable
    from qatui.corpus.store.health import Verdict
    from qatui.paths import resolve_db_path

    path, _ = resolve_db_path(getattr(args, "db", None))
    if not path.exists():
        raise no_such_database(path)
    can_write = writable(path)
    conn = connect(path, read_only=not can_write, wal=False)  # StoreError: not a database file
    try:
        size = path.stat().st_size / 1_048_576
        print(f"checking {clean_line(str(path))} ({size:.1f} MiB)", file=out)
        findings = list(_findings(conn, path, writable=can_write, out=out))
    finally:
        conn.close()
    problems = [finding for finding in findings if finding.verdict is Verdict.PROBLEM]
    if not problems:
        print("no problem found", file=out)
        return EXIT_OK
    print(_advice(path, problems), file=err)
    return EXIT_INPUT_FAILED


def _findings(
    conn: sqlite3.Connection, path: Path, *, writable: bool, out: TextIO
) -> list[Finding]:
    """Run the checks, printing each finding as it comes (the whole file is read)."""
    from qatui.corpus.store.health import Finding, Verdict, check_database
    from qatui.corpus.store.migrations import existing_version
    from qatui.corpus.store.schema import SCHEMA_VERSION

    steps: Iterator[Finding]
    try:
        version = existing_version(conn, path)  # StoreError: not qatui's, newer, bad number
    except sqlite3.DatabaseError as error:
        steps = iter(
            [Finding("file structure", Verdict.PROBLEM, f"SQLite cannot read it ({error})")]
        )
    else:
        steps = check_database(conn, writable=writable)
        if version != SCHEMA_VERSION:
            print(
                f"  note     schema {version}: qatui upgrades it to {SCHEMA_VERSION} when it "
                "next opens it where it can write (keeping a copy); only the file is checked",
                file=out,
            )
            steps = itertools.islice(steps, 1)
    found: list[Finding] = []
    for finding in steps:
        _show(finding, out)
        found.append(finding)
    return found


def _show(finding: Finding, out: TextIO) -> None:
    from qatui.corpus.ingest.sanitize import clean_line

    print(f"  {finding.verdict.value:8} {finding.check}: {clean_line(finding.detail)}", file=out)


def _advice(path: Path, problems: list[Finding]) -> str:
    from qatui.corpus.ingest.sanitize import clean_line
    from qatui.corpus.store.database import damaged_message

    if all(finding.check in INDEX_CHECKS for finding in problems):
        return (
            f"qatui check: {clean_line(str(path))}: the questions are sound, the search index is "
            "not. Rebuild it by importing your pages into a new database (--db NEW), or for the "
            f"full-text index alone: sqlite3 {clean_line(str(path))} "
            "\"INSERT INTO questions_fts(questions_fts) VALUES('rebuild')\""
        )
    what = ", ".join(finding.check for finding in problems)
    return f"qatui check: {clean_line(damaged_message(path, f'problems in: {what}'))}"
