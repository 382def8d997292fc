"""Import inputs (page files, JSON, JSONL, CSV; files, folders, stdin) into a store in batches."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.files import open_regular
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
    failures: list[CorpusInputError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.failed

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


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
    return open_regular(source)  # a FIFO or device is refused at once (it could block for ever)


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
) -> ImportReport:
    """Write records in batches, one transaction each; errors are collected, never raised.

    A failure inside a batch (other than one record's own) rolls back that batch alone; batches
    already committed stay. Ctrl+C raises :class:`ImportInterrupted`, whose report counts the
    committed batches only.
    """
    report = ImportReport()
    batch: list[Record] = []

    def flush() -> None:
        if not batch:
            return
        outcomes: list[Outcome] = []
        failures: list[CorpusInputError] = []
        with store.transaction():
            for record in batch:
                try:
                    with store.savepoint():
                        outcomes.append(store.upsert(record))
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
) -> ImportReport:
    """Import every input under ``paths``."""
    items = (
        item
        for source in expand_paths(paths)
        for item in read_source(source, encoding=encoding, fmt=fmt, mapping=mapping)
    )
    return import_records(store, items, batch_size=batch_size, progress=progress)
