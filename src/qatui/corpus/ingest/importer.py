"""Import inputs (page files, JSON, JSONL, CSV, SQLite; files, folders, stdin) into a store in
batches."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import BinaryIO

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.files import open_regular
from qatui.corpus.ingest import page_workers
from qatui.corpus.ingest.mapping import RecordMapping
from qatui.corpus.ingest.page_workers import PAGE_SUFFIXES, FileRead, PageOptions
from qatui.corpus.ingest.pagetext import parse_page
from qatui.corpus.ingest.prepared import PreparedRecord, plain_record, prepare_record
from qatui.corpus.ingest.problems import InputLog, ProblemLog
from qatui.corpus.ingest.readahead import read_ahead
from qatui.corpus.ingest.records import (
    FieldMap,
    Parsed,
    read_csv_lines,
    read_json_chunks,
    read_jsonl_lines,
)
from qatui.corpus.ingest.repair import TextRepair
from qatui.corpus.ingest.sqlite_source import SQLITE_SUFFIXES, is_sqlite, read_sqlite
from qatui.corpus.ingest.streams import InputReader, sniff_format
from qatui.corpus.model import Record
from qatui.corpus.search.term_counts import refresh_after_import
from qatui.corpus.store.bulk_index import deferred_index, import_cache
from qatui.corpus.store.writer import Outcome, Store

RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".sqlite", ".sqlite3"}
"""What a folder import reads. An SQLite ``.db`` is read only when named (in a folder it is
as likely a corpus or some program's own database)."""
SUPPORTED = (
    "pages (.txt, .page), JSON (.json), JSON Lines (.jsonl, .ndjson), CSV (.csv) and SQLite "
    f"({', '.join(SQLITE_SUFFIXES)})"
)
MAX_KEPT_FAILURES = 100
"""Failures kept whole in a report; past them only counts by kind (see ProblemLog)."""


@dataclass
class ImportReport:
    """What an import did: counts by outcome, failures grouped by kind (the first
    :data:`MAX_KEPT_FAILURES` kept whole), and what reading noticed (:class:`InputLog`)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_rows: int = 0
    added_replies: int = 0
    conflicting_rows: int = 0
    new_partial: int = 0
    failed: int = 0
    failures: list[CorpusInputError] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    log: InputLog = field(default_factory=InputLog)

    @property
    def total(self) -> int:
        return sum(self.counts().values()) + self.failed

    def count(self, outcome: Outcome) -> None:
        name = _REPORT_FIELDS[outcome]
        setattr(self, name, getattr(self, name) + 1)

    def counts(self) -> dict[Outcome, int]:
        return {outcome: getattr(self, name) for outcome, name in _REPORT_FIELDS.items()}

    def summary(self) -> str:
        """``3 new, 0 updated, 0 unchanged, 11 duplicate rows, 0 failed``: new, updated and
        unchanged always, the merges when there were any."""
        parts = []
        for outcome, number in self.counts().items():
            if outcome in _PLURALS and number:
                parts.append(f"{number} {outcome.value if number == 1 else _PLURALS[outcome]}")
            elif outcome not in _PLURALS:
                parts.append(f"{number} {outcome.value}")
        return ", ".join([*parts, f"{self.failed} failed"])

    def fail(self, error: CorpusInputError) -> None:
        """Count one failure; keep it whole while few have been kept."""
        self.failed += 1
        self.problems.add(str(error), error.reason)
        if len(self.failures) < MAX_KEPT_FAILURES:
            self.failures.append(error)


_REPORT_FIELDS = {
    Outcome.NEW: "new",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.DUPLICATE: "duplicate_rows",
    Outcome.ADDED_REPLY: "added_replies",
    Outcome.CONFLICTING: "conflicting_rows",
    Outcome.NEW_PARTIAL: "new_partial",
}
_PLURALS = {
    Outcome.DUPLICATE: "duplicate rows",
    Outcome.ADDED_REPLY: "added replies",
    Outcome.CONFLICTING: "conflicting rows",
    Outcome.NEW_PARTIAL: "new partial (known only from links)",
}
"""The merges, named in the summary only when there were any."""


def expand_paths(
    paths: Iterable[str], log: InputLog | None = None
) -> Iterator[str | CorpusInputError]:
    """Files as given, folders walked recursively (sorted), ``-``. In a folder, a file of no
    importable kind is skipped and noted in ``log`` with why; a folder that cannot be read is
    an error."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, log)
        else:
            yield raw


def _walk(
    folder: Path, log: InputLog | None, seen: set[tuple[int, int]] | None = None
) -> Iterator[str | CorpusInputError]:
    """The folder's files in sorted path order, its subfolders read in place (a folder met
    again through a link is read once)."""
    seen = set() if seen is None else seen
    try:
        status = folder.stat()
        if (status.st_dev, status.st_ino) in seen:
            return
        seen.add((status.st_dev, status.st_ino))
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield CorpusInputError(str(folder), None, f"cannot read this folder ({error.strerror})")
        return
    wanted = PAGE_SUFFIXES | RECORD_SUFFIXES
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            yield from _walk(Path(entry.path), log, seen)
            continue
        suffix = PurePath(entry.name).suffix.lower()  # a name: no Path of the whole path
        if suffix in wanted:
            yield entry.path
        elif log is not None:
            log.skip(entry.path, _skip_reason(suffix))


def _skip_reason(suffix: str) -> str:
    if suffix in SQLITE_SUFFIXES:
        return f"an SQLite {suffix} file is read only when named (or renamed .sqlite)"
    if not suffix:
        return "no file suffix (name it to import it, or give it one)"
    return f"{suffix} is not a format qatui imports"


def input_kind(source: str, head: bytes, fmt: str | None) -> str:
    if fmt:
        return fmt
    if is_sqlite(head):
        return "sqlite"
    suffix = Path(source).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".json", ".csv"):
        return suffix[1:]
    if suffix in PAGE_SUFFIXES:
        return "page"
    if source == "-" or not suffix:
        return sniff_format(head)
    raise CorpusInputError(
        source,
        None,
        f"{suffix} is not a format qatui imports; it reads {SUPPORTED} (or name one with --format)",
    )


def open_input(source: str) -> contextlib.AbstractContextManager[BinaryIO]:
    if source == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return open_regular(source)  # a FIFO or device is refused at once (it could block for ever)


class NotAPage(Exception):
    """An input read with ``pages_only`` is of another kind (e.g. an SQLite file named .txt)."""


def read_source(
    source: str,
    *,
    encoding: str = "utf-8",
    fmt: str | None = None,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
    bytes_read: ProgressCallback | None = None,
    pages_only: bool = False,
) -> Iterator[Parsed]:
    """Every record (or error) one input holds; never raises for a bad input.

    Pages are read whole (up to a limit); JSON Lines and CSV a line at a time and JSON lists an
    element at a time, so a file of any size streams through
    (see :mod:`qatui.corpus.ingest.streams`); SQLite a row at a time. ``bytes_read`` hears how
    many bytes each piece read held. ``pages_only``: an input that is not a page raises
    :class:`NotAPage` before anything is read from it but its head.
    """
    name = "<stdin>" if source == "-" else source
    try:
        with open_input(source) as stream:
            reader = InputReader(stream, name, encoding, bytes_read)
            kind = input_kind(source, reader.head, fmt)
            if pages_only and kind != "page":
                raise NotAPage(name)
            if kind == "sqlite":
                if source == "-":
                    raise CorpusInputError(
                        name,
                        None,
                        "an SQLite database cannot be read from standard input: name its file",
                    )
                yield from read_sqlite(source, mapping, log, source=name)
                if bytes_read:
                    bytes_read(os.fstat(stream.fileno()).st_size)
                return
            reader.check_text()
            if kind == "page":
                yield parse_page(_repaired_page(reader.page_text(), mapping, log), name)
            elif kind == "json":
                chunks = reader.text_chunks("surrogateescape")
                yield from read_json_chunks(chunks, name, mapping, log, encoding=encoding)
            elif kind == "jsonl":
                yield from read_jsonl_lines(reader.lines(), name, mapping, log)
            elif kind == "csv":
                lines = reader.csv_lines()
                yield from read_csv_lines(lines, name, mapping, log, encoding=encoding)
            else:
                raise CorpusInputError(name, None, f"unknown input format {kind!r}")
    except CorpusInputError as error:
        yield error
    except OSError as error:
        yield CorpusInputError(name, None, f"cannot read: {error.strerror or error}")


def _repaired_page(text: str, mapping: FieldMap | None, log: InputLog | None) -> str:
    """A page's text with the mapping's repairs run over it (before its control characters
    are stripped, as a record's are), each counted in ``log``."""
    repair = TextRepair(RecordMapping.of(mapping).repair)
    repaired = repair(text)
    if log is not None:
        for step in repair.take_changes():
            log.repairs[step] += 1
    return repaired


def read_page_file(source: str, options: PageOptions) -> FileRead | None:
    """One page file read (in a worker process) as :func:`read_source` reads it, its records
    prepared for writing; None when it is not a page; an exception is the file's error."""
    log = InputLog()
    size = 0

    def count(number: int) -> None:
        nonlocal size
        size += number

    mapping = RecordMapping(repair=options.repair)
    try:
        parsed = list(
            read_source(
                source,
                encoding=options.encoding,
                fmt=options.fmt,
                mapping=mapping,
                log=log,
                bytes_read=count,
                pages_only=True,
            )
        )
        items = [_prepared(item, options.by_question_text) for item in parsed]
    except NotAPage:
        return None
    except Exception as error:
        reason = f"not read: the page parser failed ({type(error).__name__}: {error})"
        items = [CorpusInputError(source, None, reason)]
    return FileRead(items, size, None if log.is_empty() else log)


def _prepared(item: Parsed, by_question_text: bool) -> Parsed | PreparedRecord:
    if isinstance(item, CorpusInputError):
        return item
    try:
        return prepare_record(item, by_question_text=by_question_text)
    except (ValueError, OverflowError):
        return item  # the importing process meets this error writing it, and names it


ProgressCallback = Callable[[int], None]

BATCH_TEXT = 64 * 1024 * 1024
"""A batch ends at this many characters of record text (about 7,000 pages of the site's size).
Every batch rewrites the index pages its rows land on, and with ids and dates in random order
that is most of every index once the corpus is large: on 3,000 pages, 8 MiB batches wrote
128 MB to the WAL and one batch 76 MB (the database's size). Larger batches cost memory
(the page cache, :data:`~qatui.corpus.store.bulk_index.IMPORT_CACHE_KIB`) and the work
Ctrl+C rolls back (one batch: 10-30 s here)."""
BULK_AUTO_TEXT = 4 * 1024 * 1024
"""With ``bulk=None``, batches are written on the bulk path once this much text has been
read (about 450 pages); a smaller import stays incremental, row by row."""


def record_text_size(record: Record) -> int:
    """About how much text a record holds, in characters (what a batch is sized by)."""
    replies = sum(len(reply.body) for reply in record.replies)
    similar = sum(
        len(link.title) + len(link.question_excerpt or "") + len(link.reply_excerpt or "")
        for link in record.similar
    )
    fixed = len(record.title) + len(record.subject or "") + len(record.more_info or "")
    return len(record.question) + replies + similar + fixed


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl+C during an import: the batch in progress was rolled back; ``report`` counts what
    the committed batches hold."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import interrupted")
        self.report = report


def import_records(
    store: Store,
    items: Iterable[Parsed | PreparedRecord],
    *,
    batch_size: int | None = None,
    batch_text: int = BATCH_TEXT,
    bulk: bool | None = None,
    progress: ProgressCallback | None = None,
    replies_per_row: bool = False,
) -> ImportReport:
    """Write records in batches, one transaction each; errors are collected, never raised.

    A batch ends when its records hold ``batch_text`` characters of text (or, if given,
    ``batch_size`` records). A failure inside a batch (other than one record's own) rolls back
    that batch alone; batches already committed stay. Ctrl+C raises :class:`ImportInterrupted`,
    whose report counts the committed batches only. A record repeating one met before in this
    import is counted as a duplicate row. ``replies_per_row``: each record is one answer to a
    question, and records of one question (same id, else same source URL, else same question
    text) become one question with every reply (see :meth:`Store.upsert`). ``bulk``: defer the
    full-text index to the end of each batch (see :mod:`qatui.corpus.store.bulk_index`);
    ``None`` chooses it for every batch written once :data:`BULK_AUTO_TEXT` characters of
    text have been read. A batch's records are written as they come, in its open
    transaction (so that writing overlaps the parsing of the next ones in a worker
    process), once that choice is known.
    """
    report = ImportReport()
    text_read = 0
    write = partial(store.upsert, replies_per_row=True) if replies_per_row else store.upsert
    batch: _Batch | None = None
    waiting: list[tuple[Record | PreparedRecord, int]] = []
    """Records read before it is known whether their batch takes the bulk path."""

    def full(records: int, chars: int) -> bool:
        return chars >= batch_text or bool(batch_size and records >= batch_size)

    waiting_chars = 0

    def open_batch() -> _Batch:
        nonlocal waiting_chars
        opened = _Batch(store, bulk if bulk is not None else text_read >= BULK_AUTO_TEXT)
        try:
            for record, size in waiting:
                opened.write(record, write, size)
        except BaseException as error:
            opened.roll_back(error)
            raise
        waiting.clear()
        waiting_chars = 0
        return opened

    try:
        with import_cache(store.conn), store.importing():  # temp_store first: it drops temp tables
            try:
                for item in items:
                    if isinstance(item, CorpusInputError):
                        report.fail(item)
                        if progress:
                            progress(1)
                        continue
                    size = record_text_size(plain_record(item))
                    text_read += size
                    if batch is None:
                        waiting.append((item, size))
                        waiting_chars += size
                        decided = bulk is not None or text_read >= BULK_AUTO_TEXT
                        if not decided and not full(len(waiting), waiting_chars):
                            continue
                        batch = open_batch()
                    else:
                        batch.write(item, write, size)
                    if full(batch.records, batch.chars):
                        done = batch
                        batch = None  # a failing commit rolls back by itself
                        done.commit(report, progress)
                if waiting:
                    batch = open_batch()
                if batch is not None:
                    done = batch
                    batch = None
                    done.commit(report, progress)
            except BaseException as error:
                if batch is not None:
                    batch.roll_back(error)
                raise
            _refresh_term_counts(store, report)
    except KeyboardInterrupt:
        raise ImportInterrupted(report) from None
    return report


class _Batch:
    """One batch's transaction, open while its records are written as they come (so that
    writing overlaps the parsing of the next records in a worker process); its outcomes are
    counted once it commits."""

    def __init__(self, store: Store, deferred: bool) -> None:
        self.store = store
        self.records = 0
        self.chars = 0
        self.outcomes: list[Outcome] = []
        self.failures: list[CorpusInputError] = []
        self._open = contextlib.ExitStack()
        self._open.enter_context(store.transaction())
        if deferred:  # the full-text index written once, at the commit
            self._open.enter_context(deferred_index(store.conn))

    def write(
        self, item: Record | PreparedRecord, write: Callable[..., Outcome], size: int
    ) -> None:
        """Write one record in a savepoint of its own: its failure costs no other record."""
        self.records += 1
        self.chars += size
        try:
            with self.store.savepoint():
                self.outcomes.append(write(item))
        except (ValueError, OverflowError, sqlite3.IntegrityError) as error:
            title = plain_record(item).title[:60]
            self.failures.append(CorpusInputError(title, None, f"not written: {error}"))

    def commit(self, report: ImportReport, progress: ProgressCallback | None) -> None:
        """Commit (the deferred index written first), then count what the batch did."""
        self._open.close()
        for outcome in self.outcomes:  # counted once committed
            report.count(outcome)
        for failure in self.failures:
            report.fail(failure)
        if progress:
            progress(len(self.outcomes) + len(self.failures))

    def roll_back(self, error: BaseException) -> None:
        """Undo the whole batch (``error`` stopped it)."""
        self._open.__exit__(type(error), error, error.__traceback__)


def _refresh_term_counts(store: Store, report: ImportReport) -> None:
    """Count the search terms again if this import changed enough questions (see
    :func:`~qatui.corpus.search.term_counts.refresh_after_import`): similar questions and
    "did you mean" read them."""
    counts = report.counts()
    changed = sum(counts.get(o, 0) for o in (Outcome.NEW, Outcome.UPDATED, Outcome.ADDED_REPLY))
    with store.transaction():
        refresh_after_import(store.conn, changed + counts.get(Outcome.CONFLICTING, 0))


def import_paths(
    store: Store,
    paths: Iterable[str],
    *,
    encoding: str = "utf-8",
    fmt: str | None = None,
    mapping: FieldMap | None = None,
    batch_size: int | None = None,
    bulk: bool | None = None,
    progress: ProgressCallback | None = None,
    replies_per_row: bool = False,
    bytes_read: ProgressCallback | None = None,
    jobs: int | None = None,
) -> ImportReport:
    """Import every input under ``paths`` (``batch_size``, ``bulk``, ``replies_per_row``: see
    :func:`import_records`); what reading noticed is in the report's ``log``.

    ``jobs``: processes in all; with 2 or more, page files are read and parsed by ``jobs - 1``
    worker processes while this one writes (see :mod:`qatui.corpus.ingest.page_workers`); 1
    reads everything here; None chooses workers once
    :data:`~qatui.corpus.ingest.page_workers.AUTO_PAGE_FILES` page files are met, on a machine
    with a CPU to spare. The records, errors and counts are the same.
    """
    log = InputLog()

    def read_here(source: str) -> Iterator[Parsed]:
        return read_source(
            source, encoding=encoding, fmt=fmt, mapping=mapping, log=log, bytes_read=bytes_read
        )

    def items() -> Generator[Parsed | PreparedRecord, None, None]:
        sources: Iterator[str | CorpusInputError] = read_ahead(expand_paths(paths, log))
        workers = page_workers.worker_count(jobs)
        if workers and jobs is None:
            sources, enough = page_workers.enough_page_files(sources, fmt)
            workers = workers if enough else 0
        if not workers:
            for source in sources:
                if isinstance(source, CorpusInputError):
                    yield source
                else:
                    yield from read_here(source)
            return
        repair = RecordMapping.of(mapping).repair
        options = PageOptions(encoding, fmt, repair, replies_per_row)
        with page_workers.PageWorkers(
            workers, options, read_here, log, bytes_read, read_page_file
        ) as pool:
            yield from pool.parse(sources)

    try:
        with contextlib.closing(items()) as parsed:  # closing it stops the workers
            report = import_records(
                store,
                parsed,
                batch_size=batch_size,
                bulk=bulk,
                progress=progress,
                replies_per_row=replies_per_row,
            )
    except ImportInterrupted as interrupted:
        interrupted.report.log = log
        raise
    report.log = log
    return report
