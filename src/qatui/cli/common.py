"""What every command shares: exit codes, the --db and filter options, opening the corpus."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from qatui.corpus.errors import StoreError

if TYPE_CHECKING:  # imported where used, so that ``import qatui.cli`` stays light
    import sqlite3

    from qatui.corpus.filters import Filters
    from qatui.corpus.people import Person
    from qatui.corpus.store.database import DatabaseInfo
    from qatui.corpus.store.reader import CorpusReader
    from qatui.corpus.store.writer import Store

EXIT_OK = 0
EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2


def db_option(parser: argparse.ArgumentParser) -> None:
    """``--db PATH`` on a parser (the top-level one and each command)."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="corpus database (default: $QATUI_DB, else the user data folder's corpus.db)",
    )


def filter_options(parser: argparse.ArgumentParser) -> None:
    """``--specialty``, ``--doctor``, ``--hospital``, ``--topic``, ``--since`` and ``--until``:
    the list filters a command can take."""
    parser.add_argument("--specialty", help="only questions of this specialty")
    parser.add_argument(
        "--doctor", metavar="NAME", help="only questions with a reply by this doctor (any case)"
    )
    parser.add_argument(
        "--hospital",
        metavar="NAME",
        help="only questions with a reply from a doctor of this hospital (any case)",
    )
    parser.add_argument(
        "--topic",
        metavar="TOPIC",
        help='only the pages that link to this Related FAQ topic ("Knee Pain", or '
        '"Knee Pain (Orthopedics)" when several specialties have it; see qatui topics)',
    )
    parser.add_argument(
        "--since", metavar="DATE", help="asked on or after: 2016, 2016-03 or a date"
    )
    parser.add_argument(
        "--until", metavar="DATE", help="asked on or before: 2016, 2016-03 or a date"
    )


def filters_from_options(args: argparse.Namespace, reader: CorpusReader) -> Filters:
    """The filter options as list filters; ValueError says what is wrong with one."""
    from qatui.corpus.filters import Filters

    filters = Filters()
    if args.since or args.until:  # the date parser is loaded only for a date option
        from qatui.corpus.ingest.dates import parse_bound

        if args.since:
            filters = replace(filters, since=parse_bound(args.since))
        if args.until:
            filters = replace(filters, until=parse_bound(args.until, end=True))
        if filters.since and filters.until and filters.since > filters.until:
            raise ValueError(f"--until {args.until} is before --since {args.since}")
    if args.specialty:
        from qatui.corpus.ingest.identity import normalise
        from qatui.corpus.ingest.sanitize import clean_line

        names = {normalise(name): name for name in reader.specialties()}
        name = names.get(normalise(args.specialty))
        if name is None:
            raise ValueError(f"no specialty named {clean_line(args.specialty)!r}")
        filters = replace(filters, specialty=name)
    if args.doctor:
        filters = replace(filters, doctor=_person(reader, "doctor", args.doctor))
    if args.hospital:
        filters = replace(filters, hospital=_person(reader, "hospital", args.hospital))
    if args.topic:
        from qatui.corpus.topics import find_topic

        filters = replace(filters, topic=find_topic(reader.conn, args.topic))
    return filters


def _person(reader: CorpusReader, person: Person, name: str) -> str:
    """The stored spelling of a doctor's or hospital's name; ValueError names close ones."""
    from qatui.corpus.ingest.sanitize import clean_line
    from qatui.corpus.people import known_name, names_like

    found = known_name(reader.conn, person, name.strip())
    if found is not None:
        return found
    close = names_like(reader.conn, person, name)
    hint = f" (names holding it: {', '.join(map(repr, close))})" if close else ""
    raise ValueError(clean_line(f"no {person} named {name!r} replied to any question{hint}"))


def open_store(args: argparse.Namespace, *, build_sample: bool = True) -> Store:
    """The database the options name (building the sample corpus when it is the default), once
    it is known to hold every table qatui made."""
    from qatui.corpus.store.health import check_before_opening
    from qatui.corpus.store.writer import Store
    from qatui.paths import resolve_db_path

    path, is_default = resolve_db_path(getattr(args, "db", None))
    if is_default and build_sample and not path.exists():
        from qatui.corpus.ingest.sample import build_sample_database

        build_sample_database(path)
    check_before_opening(path)
    return Store.open(path, progress=print_migration_progress, notice=print_migration_notice)


def print_migration_notice(text: str) -> None:
    """What a schema upgrade will do and the space it needs, on stderr, before it starts."""
    print(f"qatui: {text}", file=sys.stderr, flush=True)


def print_migration_progress(done: int, total: int) -> None:
    """``migrating: 120,000 of 230,000 questions`` on stderr, as a schema upgrade goes."""
    print(f"migrating: {done:,} of {total:,} questions", file=sys.stderr, flush=True)


def no_such_database(path: Path) -> StoreError:
    """The error for a database path that names nothing (never created by a reading command)."""
    return StoreError(
        f"{path} does not exist: check the path, or import pages into it first "
        "(qatui import --db PATH FILES)."
    )


class OpenCorpus(Protocol):
    """What a reading command holds open: a :class:`Store`, or a corpus opened for reading."""

    conn: sqlite3.Connection
    info: DatabaseInfo

    def close(self) -> None: ...


def open_reader(args: argparse.Namespace, err: TextIO) -> tuple[OpenCorpus, CorpusReader]:
    """The store a reading command names and a reader on its connection.

    Reading never creates a database: a path that names none is an error (a typo would
    otherwise leave an empty database and its folders behind). What a read-only open cannot
    see is said on ``err``.
    """
    from qatui.corpus.ingest.sanitize import clean_line
    from qatui.corpus.store.database import unread_changes
    from qatui.corpus.store.reader import CorpusReader
    from qatui.corpus.store.reading import open_current
    from qatui.paths import resolve_db_path

    path, is_default = resolve_db_path(getattr(args, "db", None))
    if not is_default and not path.exists():
        raise no_such_database(path)
    store: OpenCorpus | None = open_current(path)  # without the writer, when nothing to migrate
    if store is None:
        store = open_store(args)
    if store.info.read_only:
        note = unread_changes(store.info.path)
        if note:
            print(f"qatui: warning: {clean_line(note)}", file=err)
    return store, CorpusReader(store.conn)


def json_line(item: object) -> str:
    """One item as JSON on one line, with no raw control character a terminal would act on."""
    from qatui.corpus.ingest.sanitize import json_terminal_safe

    return json_terminal_safe(json.dumps(item, ensure_ascii=False))
