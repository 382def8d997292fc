"""Import inputs (page files, JSON, JSONL, CSV; files, folders, stdin) into a store in batches."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.model import Record
from qatui.corpus.pagetext import decode_page, parse_page
from qatui.corpus.records import FieldMap, Parsed, read_csv, read_json, read_jsonl
from qatui.corpus.store import Outcome, Store

PAGE_SUFFIXES = {".txt", ".page"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}
MAX_INPUT_BYTES = 512 * 1024 * 1024


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


def _kind(source: str, text: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(source).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".json", ".csv"):
        return suffix[1:]
    if source == "-":
        stripped = text.lstrip("\ufeff \r\n\t")
        if stripped.startswith("["):
            return "json"
        if stripped.startswith("{"):
            return "jsonl" if "\n{" in stripped.strip() else "json"
    return "page"


def read_source(
    source: str, *, encoding: str = "utf-8", fmt: str | None = None, mapping: FieldMap | None = None
) -> Iterator[Parsed]:
    """Every record (or error) one input holds; never raises for a bad input."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            path = Path(source)
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise CorpusInputError(source, None, f"file too large ({size:,} bytes)")
            data = path.read_bytes()
        name = "<stdin>" if source == "-" else source
        text = decode_page(data, name, encoding)
        kind = _kind(source, text, fmt)
        if kind == "page":
            yield parse_page(text, name)
        elif kind == "json":
            yield from read_json(text, name, mapping)
        elif kind == "jsonl":
            yield from read_jsonl(text, name, mapping)
        elif kind == "csv":
            yield from read_csv(text, name, mapping)
        else:
            raise CorpusInputError(name, None, f"unknown input format {kind!r}")
    except CorpusInputError as error:
        yield error
    except OSError as error:
        yield CorpusInputError(source, None, f"cannot read: {error.strerror or error}")


ProgressCallback = Callable[[int], None]


def import_records(
    store: Store,
    items: Iterable[Parsed],
    *,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Write records in batches, one transaction each; errors are collected, never raised.

    A failure inside a batch (other than one record's own) rolls back that batch alone; batches
    already committed stay.
    """
    report = ImportReport()
    batch: list[Record] = []

    def flush() -> None:
        if not batch:
            return
        with store.transaction():
            for record in batch:
                try:
                    with store.savepoint():
                        report.count(store.upsert(record))
                except (ValueError, OverflowError, sqlite3.IntegrityError) as error:
                    report.failures.append(
                        CorpusInputError(record.title[:60], None, f"not written: {error}")
                    )
        if progress:
            progress(len(batch))
        batch.clear()

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
