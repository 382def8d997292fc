"""Import inputs (page files, JSON, JSONL, CSV; files, folders, stdin) into a store in batches."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.pagetext import parse_page
from qatui.corpus.ingest.records import (
    FieldMap,
    Parsed,
    read_csv_lines,
    read_json_chunks,
    read_jsonl_lines,
)
from qatui.corpus.ingest.streams import InputReader, sniff_format
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Outcome, Store

PAGE_SUFFIXES = {".txt", ".page"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}


@dataclass
class ImportReport:
    """What an import did: counts by outcome and every failure with its reason."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_rows: int = 0
    added_replies: int = 0
    conflicting_rows: int = 0
    failures: list[CorpusInputError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

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


_REPORT_FIELDS = {
    Outcome.NEW: "new",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.DUPLICATE: "duplicate_rows",
    Outcome.ADDED_REPLY: "added_replies",
    Outcome.CONFLICTING: "conflicting_rows",
}
_PLURALS = {
    Outcome.DUPLICATE: "duplicate rows",
    Outcome.ADDED_REPLY: "added replies",
    Outcome.CONFLICTING: "conflicting rows",
}
"""The merges, named in the summary only when there were any."""


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files as given, folders walked recursively (sorted, importable suffixes only), ``-``."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in PAGE_SUFFIXES | RECORD_SUFFIXES:
                    yield str(child)
        else:
            yield raw


def _kind(source: str, head: bytes, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(source).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return sniff_format(head) if source == "-" else "page"


def _open_binary(source: str) -> contextlib.AbstractContextManager[BinaryIO]:
    if source == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return Path(source).open("rb")


def read_source(
    source: str, *, encoding: str = "utf-8", fmt: str | None = None, mapping: FieldMap | None = None
) -> Iterator[Parsed]:
    """Every record (or error) one input holds; never raises for a bad input.

    Pages are read whole (up to a limit); JSON Lines and CSV a line at a time and JSON lists an
    element at a time, so a file of any size streams through
    (see :mod:`qatui.corpus.ingest.streams`).
    """
    name = "<stdin>" if source == "-" else source
    try:
        with _open_binary(source) as stream:
            reader = InputReader(stream, name, encoding)
            reader.check_text()
            kind = _kind(source, reader.head, fmt)
            if kind == "page":
                yield parse_page(reader.page_text(), name)
            elif kind == "json":
                yield from read_json_chunks(reader.text_chunks(), name, mapping)
            elif kind == "jsonl":
                yield from read_jsonl_lines(reader.lines(), name, mapping)
            elif kind == "csv":
                yield from read_csv_lines(reader.csv_lines(), name, mapping)
            else:
                raise CorpusInputError(name, None, f"unknown input format {kind!r}")
    except CorpusInputError as error:
        yield error
    except OSError as error:
        yield CorpusInputError(name, None, f"cannot read: {error.strerror or error}")


ProgressCallback = Callable[[int], None]


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl+C during an import: the batch in progress was rolled back; ``report`` counts what
    the committed batches hold."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import interrupted")
        self.report = report


def import_records(
    store: Store,
    items: Iterable[Parsed],
    *,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
    replies_per_row: bool = False,
) -> ImportReport:
    """Write records in batches, one transaction each; errors are collected, never raised.

    A failure inside a batch (other than one record's own) rolls back that batch alone; batches
    already committed stay. Ctrl+C raises :class:`ImportInterrupted`, whose report counts the
    committed batches only. A record repeating one met before in this import is counted as a
    duplicate row. ``replies_per_row``: each record is one answer to a question, and records of
    one question (same id, else same source URL, else same question text) become one question
    with every reply (see :meth:`Store.upsert`).
    """
    report = ImportReport()
    batch: list[Record] = []
    write = partial(store.upsert, replies_per_row=True) if replies_per_row else store.upsert

    def flush() -> None:
        if not batch:
            return
        outcomes: list[Outcome] = []
        failures: list[CorpusInputError] = []
        with store.transaction():
            for record in batch:
                try:
                    with store.savepoint():
                        outcomes.append(write(record))
                except (ValueError, OverflowError, sqlite3.IntegrityError) as error:
                    failures.append(
                        CorpusInputError(record.title[:60], None, f"not written: {error}")
                    )
        for outcome in outcomes:  # counted once committed
            report.count(outcome)
        report.failures.extend(failures)
        batch.clear()
        if progress:
            progress(len(outcomes) + len(failures))

    try:
        with store.importing():
            for item in items:
                if isinstance(item, CorpusInputError):
                    report.failures.append(item)
                    if progress:
                        progress(1)
                    continue
                batch.append(item)
                if len(batch) >= batch_size:
                    flush()
            flush()
    except KeyboardInterrupt:
        raise ImportInterrupted(report) from None
    return report


def import_paths(
    store: Store,
    paths: Iterable[str],
    *,
    encoding: str = "utf-8",
    fmt: str | None = None,
    mapping: FieldMap | None = None,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
    replies_per_row: bool = False,
) -> ImportReport:
    """Import every input under ``paths`` (``replies_per_row``: see :func:`import_records`)."""
    items = (
        item
        for source in expand_paths(paths)
        for item in read_source(source, encoding=encoding, fmt=fmt, mapping=mapping)
    )
    return import_records(
        store, items, batch_size=batch_size, progress=progress, replies_per_row=replies_per_row
    )
