"""JSON, JSONL and CSV -> :class:`Record`, through a mapping (see :mod:`.mapping`).

Each reader turns its input into numbered rows (decoded objects); :func:`records_from_rows`
checks the mapping against the first rows' columns, then builds one record a row. A record
with problems is one error that lists every problem; a bad date or a date out of range empties
that field with a warning and keeps the record.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest import jsontext
from qatui.corpus.ingest.mapping import (
    RECORD_FIELDS,
    MappingError,
    RecordMapping,
    check_field,
    split_pairs,
)
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.record_builder import (
    UNSPECIFIED,
    FieldMap,
    RowBuilder,
    record_from_mapping,
)
from qatui.corpus.ingest.streams import (
    ESCAPED_BYTE,
    MAX_RECORD_BYTES,
    MAX_UNDECODABLE_LINES,
    JsonReader,
    NumberedLine,
)
from qatui.corpus.model import Record

__all__ = [
    "RECORD_FIELDS",
    "UNSPECIFIED",
    "FieldMap",
    "Parsed",
    "parse_field_map",
    "record_from_mapping",
]

SAMPLE_ROWS = 50
"""Rows read ahead to learn an input's columns when it has no header (JSON, JSON Lines)."""


def parse_field_map(pairs: list[str]) -> dict[str, str]:
    """Turn ``["title=question_title", ...]`` into a plain field map, checking the record side."""
    return {
        check_field(target, "--map"): source.strip()
        for target, source in split_pairs(pairs, "--map", "COLUMN")
    }


Parsed = Record | CorpusInputError
"""What reading one record gives: the record, or the error that names it."""

Row = tuple[int, str, Any]
"""One input row: its number (line or record), the unit that number counts, its decoded data."""


def _columns_of(rows: Iterable[Row]) -> list[str]:
    columns: dict[str, None] = {}
    for _, _, data in rows:
        if isinstance(data, Mapping):
            columns.update(dict.fromkeys(str(key) for key in data))
    return list(columns)


def _own_name_fields(mapping: RecordMapping) -> set[str]:
    """Record fields read from the input column of the same name (none of them mapped)."""
    determined = mapping.determined()
    return {name for name in RECORD_FIELDS if name not in determined}


def records_from_rows(
    rows: Iterable[Row | CorpusInputError],
    source: str,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[Parsed]:
    """Records from numbered rows. The mapping's columns are checked first, against
    ``columns`` (a header) or the first :data:`SAMPLE_ROWS` rows; a column that is not there
    fails the whole input with an error naming the columns that are."""
    chosen = RecordMapping.of(mapping)
    log = log if log is not None else InputLog()
    items = iter(rows)
    ahead: list[Row | CorpusInputError] = []
    if chosen.named_columns():
        if columns is None:
            ahead = list(itertools.islice(items, SAMPLE_ROWS))
            sample = [item for item in ahead if not isinstance(item, CorpusInputError)]
            columns = _columns_of(sample) if sample else None
        if columns is not None:
            try:
                chosen.check_columns(columns, source)
            except MappingError as error:
                yield CorpusInputError(source, None, f"{error} (nothing of it was imported)")
                return
    builder = RowBuilder(chosen, log)
    taken = {path.head for path in chosen.named_columns()} | _own_name_fields(chosen)
    unused_by_shape: dict[tuple[str, ...], list[str]] = {}
    for item in itertools.chain(ahead, items):
        if isinstance(item, CorpusInputError):
            yield item
            continue
        number, unit, data = item
        where = CorpusInputError(source, number, "", unit=unit)
        try:
            yield builder.build(data, where)
        except CorpusInputError as error:
            yield error
        if isinstance(data, Mapping):
            shape = tuple(data)
            unused = unused_by_shape.get(shape)
            if unused is None:
                unused = [str(key) for key in shape if key not in taken]
                if unused:
                    log.note_unmapped(source, unused)
                if len(unused_by_shape) < 64:
                    unused_by_shape[shape] = unused


# -- the readers ---------------------------------------------------------------------------


def read_json(
    text: str, source: str, mapping: FieldMap | None = None, log: InputLog | None = None
) -> Iterator[Parsed]:
    """Records from a JSON document: one object, a list of them, or ``{"records": [...]}``."""
    return read_json_chunks([text], source, mapping, log)


def json_rows(
    chunks: Iterable[str], source: str, encoding: str = "utf-8"
) -> Iterator[Row | CorpusInputError]:
    """The rows of a JSON document: a list's elements, ``{"records": [...]}``'s, or the one
    object."""
    reader = JsonReader(chunks, source, encoding)
    try:
        if reader.peek() == "[":
            for item in reader.elements():
                yield item if isinstance(item, CorpusInputError) else (item[0], "record", item[1])
            return
        document = reader.whole()
    except CorpusInputError as error:
        yield error
        return
    if isinstance(document, Mapping) and isinstance(document.get("records"), list):
        document = document["records"]
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, start=1):
        yield number, "record", item


def read_json_chunks(
    chunks: Iterable[str],
    source: str,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
    *,
    encoding: str = "utf-8",
) -> Iterator[Parsed]:
    """Records from a JSON document given in pieces. A list is read one element at a time: a
    big one never sits in memory whole, and a broken element (or one holding bytes that are
    not ``encoding``) costs that element only."""
    return records_from_rows(json_rows(chunks, source, encoding), source, mapping, log)


def read_jsonl(
    text: str, source: str, mapping: FieldMap | None = None, log: InputLog | None = None
) -> Iterator[Parsed]:
    """Records from JSON Lines: one object a line; blank lines are skipped."""
    # Only LF ends a line: JSON text may hold U+2028, U+0085 and friends unescaped.
    return read_jsonl_lines(enumerate(text.split("\n"), start=1), source, mapping, log)


def jsonl_rows(
    lines: Iterable[NumberedLine | CorpusInputError], source: str
) -> Iterator[Row | CorpusInputError]:
    """The rows of JSON Lines: one value a line, blank lines skipped."""
    for item in lines:
        if isinstance(item, CorpusInputError):
            yield item
            continue
        number, raw = item
        if not raw.strip():
            continue
        try:
            yield number, "line", jsontext.loads(raw)
        except jsontext.JsonValueError as error:
            yield CorpusInputError(source, number, f"not valid JSON: {error.msg}")


def read_jsonl_lines(
    lines: Iterable[NumberedLine | CorpusInputError],
    source: str,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
) -> Iterator[Parsed]:
    """Records from numbered JSON Lines (errors met while reading them pass through)."""
    return records_from_rows(jsonl_rows(lines, source), source, mapping, log)


def read_csv(
    text: str, source: str, mapping: FieldMap | None = None, log: InputLog | None = None
) -> Iterator[Parsed]:
    """Records from CSV with a header row; list fields are JSON in their cells."""
    return read_csv_lines(io.StringIO(text, newline=""), source, mapping, log)


def read_csv_lines(
    lines: Iterable[str],
    source: str,
    mapping: FieldMap | None = None,
    log: InputLog | None = None,
    *,
    encoding: str = "utf-8",
) -> Iterator[Parsed]:
    """Records from the lines of a CSV file (line breaks kept), read one row at a time."""
    try:
        header, rows = csv_table(lines, source, encoding)
    except CorpusInputError as error:
        yield error
        return
    yield from records_from_rows(rows, source, mapping, log, header)


class _CountedLines:
    """The lines given to the csv module, counted (its own ``line_num`` stops counting at a
    malformed row, so the rows after one would be misplaced)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.count = 0

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


def csv_table(
    lines: Iterable[str], source: str, encoding: str = "utf-8"
) -> tuple[list[str], Iterator[Row | CorpusInputError]]:
    """A CSV input's header and its rows (CorpusInputError when it has no header)."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    counted = _CountedLines(lines)
    # strict: a quoted cell never closed is an error, not the rest of the file in one cell
    reader = csv.DictReader(counted, strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise CorpusInputError(source, counted.count, f"not valid CSV: {error}") from None
    if not header:
        raise CorpusInputError(source, 1, "empty CSV: expected a header row")
    return list(header), _csv_rows(reader, counted, source, encoding)


def _csv_problem(error: csv.Error, start: int) -> str:
    """What is wrong with the CSV row that starts on line ``start``, in words."""
    if "unexpected end of data" in str(error):
        return f"a quoted cell that opens on line {start} is never closed: the rest is not read"
    return f"not valid CSV: {error}"


def _csv_rows(
    reader: csv.DictReader[str], counted: _CountedLines, source: str, encoding: str
) -> Iterator[Row | CorpusInputError]:
    undecodable = 0
    try:
        while True:
            start = counted.count + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # that row only: the reader goes on with the next line
                yield CorpusInputError(source, start, _csv_problem(error, start))
                if counted.count < start:
                    return  # nothing was read: the same error would come again
                continue
            number = counted.count
            if None in row:
                yield CorpusInputError(source, number, "more cells than header columns")
                continue
            if any(isinstance(v, str) and ESCAPED_BYTE.search(v) for v in row.values()):
                undecodable += 1
                yield CorpusInputError(
                    source, number, f"bytes that are not {encoding}; try --encoding"
                )
                if undecodable >= MAX_UNDECODABLE_LINES:
                    yield CorpusInputError(
                        source,
                        None,
                        f"{undecodable} rows are not {encoding}: the rest of the file is "
                        "skipped; try --encoding",
                    )
                    return
                continue
            yield number, "line", row
    except CorpusInputError as error:
        yield error
