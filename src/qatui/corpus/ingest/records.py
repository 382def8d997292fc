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
from qatui.corpus.ingest.dates import parse_date
from qatui.corpus.ingest.mapping import (
    MISSING,
    RECORD_FIELDS,
    MappingError,
    RecordMapping,
    check_field,
    split_pairs,
)
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.repair import TextRepair
from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.ingest.streams import (
    ESCAPED_BYTE,
    MAX_RECORD_BYTES,
    MAX_UNDECODABLE_LINES,
    JsonReader,
    NumberedLine,
)
from qatui.corpus.ingest.titles import title_from_question
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink

__all__ = ["RECORD_FIELDS", "FieldMap", "Parsed", "parse_field_map", "record_from_mapping"]

FieldMap = RecordMapping | Mapping[str, str]
"""A mapping, or the plain form: record field (``asked_on``, ``asker.name``) -> input column."""

SAMPLE_ROWS = 50
"""Rows read ahead to learn an input's columns when it has no header (JSON, JSON Lines)."""


def parse_field_map(pairs: list[str]) -> dict[str, str]:
    """Turn ``["title=question_title", ...]`` into a plain field map, checking the record side."""
    return {
        check_field(target, "--map"): source.strip()
        for target, source in split_pairs(pairs, "--map", "COLUMN")
    }


JSON_CELL_FIELDS = ("similar", "related_faq", "replies", "asker", "reply")
"""Fields holding a list or an object: in a CSV cell (or any string) they are JSON."""

BLOCK_FIELDS = ("question", "body", "more_info", "question_excerpt", "reply_excerpt")
"""Multi-line text: leading indentation is content; trailing white space and outer blank
lines are not (the page layout's text rules)."""

UNSPECIFIED = "Unspecified"
"""The specialty of a record whose source gives none (``--default specialty=…`` names another)."""


def _block(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    """Find ``key`` in ``data``: as a flat key first (CSV columns), then as a dotted path."""
    if key in data:
        return data[key]
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _empty(value: Any) -> bool:
    return value is None or value is MISSING or (isinstance(value, str) and not value.strip())


class _RecordBuilder:
    """Builds one record from a row, collecting every problem before it fails."""

    def __init__(
        self,
        data: Mapping[str, Any],
        mapping: RecordMapping,
        where: CorpusInputError,
        repair: TextRepair | None,
        problems: list[str] | None = None,
        warnings: list[tuple[str, str]] | None = None,
        prefix: str = "",
    ) -> None:
        self.data = data
        self.mapping = mapping
        self.where = where
        self.repair = repair
        self.problems: list[str] = [] if problems is None else problems
        self.warnings: list[tuple[str, str]] = [] if warnings is None else warnings
        """(what is wrong, what was done about it) for each problem that keeps the record."""
        self.prefix = prefix
        self._split_values: dict[str, Any] | None = None

    def problem(self, reason: str) -> None:
        self.problems.append(self.prefix + reason)

    # -- raw values ------------------------------------------------------------------------

    def _splits(self) -> dict[str, Any]:
        if self._split_values is None:
            self._split_values = {}
            for split in self.mapping.splits:
                value = self._column(split.column)
                if _empty(value):
                    continue
                match = split.pattern.search(str(value))
                if match is None:
                    self.warnings.append(
                        (
                            f"column {split.column.text!r} does not match the split pattern "
                            f"{split.pattern.pattern!r}",
                            "its fields are left empty",
                        )
                    )
                    continue
                for group, field in split.fields:
                    if match[group] is not None:
                        self._split_values.setdefault(field, match[group])
        return self._split_values

    def _column(self, path: Any) -> Any:
        try:
            return path.lookup(self.data)
        except jsontext.JsonValueError as error:
            self.problem(f"column {path.text!r} holds JSON that cannot be read ({error.msg})")
            return MISSING

    def _mapped(self, field: str) -> Any:
        mapping = self.mapping
        if field not in mapping.determined():
            return self._own(field)
        if field in mapping.constants:
            return mapping.constants[field]
        if field in mapping.columns:
            value: Any = MISSING
            for path in mapping.columns[field]:
                value = self._column(path)
                if not _empty(value):
                    break
            return value
        if field in mapping.templates:
            return mapping.templates[field].render(self.data)
        return self._splits().get(field, MISSING)

    def _own(self, field: str) -> Any:
        """The input's own field of this name, or inside its parent object."""
        if "." in field and field not in self.data:
            parent, _, child = field.partition(".")
            node = self.get(parent)
            if node is None:
                return None
            if not isinstance(node, Mapping):
                self.problem(f"field {parent!r} should be an object, got {type(node).__name__}")
                return None
            return node.get(child)
        return _lookup(self.data, field)

    def get(self, field: str) -> Any:
        """A field's raw value: set, mapped, templated, split, or the input's own field of that
        name (or inside its parent object); then its default, then its stripped characters."""
        value = self._mapped(field)
        if _empty(value) and field in self.mapping.defaults:
            value = self.mapping.defaults[field]
        if value is MISSING:
            return None
        if isinstance(value, str):
            if field in self.mapping.strip:
                value = value.strip(self.mapping.strip[field])
            if field in JSON_CELL_FIELDS:
                value = self._json_cell(field, value)
        return value

    def _json_cell(self, field: str, value: str) -> Any:
        if not value.strip():
            return None
        try:
            return jsontext.loads(value)
        except jsontext.JsonValueError as error:
            self.problem(f"field {field!r} is not valid JSON ({error.msg})")
            return None

    # -- typed values ----------------------------------------------------------------------

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.get(field)
        if _empty(value):
            if required:
                self.problem(f"missing required field {self._column_name(field)!r}")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(f"field {field!r} should be text, got {type(value).__name__}")
            return None
        if self.repair is not None:
            value = self.repair(value)
        if field.rpartition(".")[2] in BLOCK_FIELDS:
            return _block(clean_text(value))
        return clean_text(value).strip()

    def _column_name(self, field: str) -> str:
        paths = self.mapping.columns.get(field)
        return paths[0].text if paths else field

    def date(self, field: str) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            return parse_date(value, self.mapping.date_formats)
        except ValueError as error:
            self.warnings.append(
                (f"field {self.prefix}{field!r}: {error}", "the field is left empty")
            )
            return None

    def sub(self, value: Any, what: str) -> _RecordBuilder | None:
        if not isinstance(value, Mapping):
            self.problem(f"{what} should be an object, got {type(value).__name__}")
            return None
        return _RecordBuilder(
            value,
            _PLAIN,
            self.where,
            self.repair,
            self.problems,
            self.warnings,
            prefix=f"{what}: ",
        )

    def items(self, field: str) -> list[Any]:
        value = self.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"field {field!r} should be a list, got {type(value).__name__}")
            return []
        return value

    # -- the record ------------------------------------------------------------------------

    def record_id(self) -> int | None:
        raw_id = self.get("id")
        if raw_id is None or raw_id == "":
            return None
        try:
            if isinstance(raw_id, bool) or (isinstance(raw_id, float) and raw_id % 1):
                raise ValueError
            record_id = int(raw_id)
        except (TypeError, ValueError, OverflowError):  # bool, 1.5, "x", Infinity, NaN, 10**5000
            shown = repr(raw_id) if not isinstance(raw_id, str) else repr(raw_id[:40])
            self.problem(f"field 'id' should be a whole number, got {shown}")
            return None
        if record_id <= 0 or record_id >= 2**52:
            self.problem(f"field 'id' out of range: {str(record_id)[:40]}")
            return None
        return record_id

    def reply(self, node: _RecordBuilder) -> Reply:
        return Reply(
            doctor=node.text("doctor"),
            specialty=node.text("specialty"),
            body=node.text("body") or "",
            replied_on=node.date("replied_on"),
            hospital=node.text("hospital"),
        )

    def replies(self) -> list[Reply]:
        replies = []
        for number, item in enumerate(self.items("replies"), start=1):
            node = self.sub(item, f"reply {number}")
            if node is not None:
                replies.append(self.reply(node))
        if replies:
            return replies
        flat = Reply(
            doctor=self.text("reply.doctor"),
            specialty=self.text("reply.specialty"),
            body=self.text("reply.body") or "",
            replied_on=self.date("reply.replied_on"),
            hospital=self.text("reply.hospital"),
        )
        return [flat] if flat.body or flat.doctor else []

    def similar(self) -> list[SimilarLink]:
        links = []
        for number, item in enumerate(self.items("similar"), start=1):
            node = self.sub(item, f"similar entry {number}")
            if node is None:
                continue
            links.append(
                SimilarLink(
                    title=node.text("title", required=True) or "",
                    question_excerpt=node.text("question_excerpt"),
                    doctor=node.text("doctor"),
                    specialty=node.text("specialty"),
                    reply_excerpt=node.text("reply_excerpt"),
                    read_more=node.text("read_more"),
                )
            )
        return links

    def related(self) -> list[FaqLink]:
        links = []
        for number, item in enumerate(self.items("related_faq"), start=1):
            node = self.sub(item, f"related FAQ entry {number}")
            if node is not None:
                links.append(
                    FaqLink(node.text("topic", required=True) or "", node.text("specialty"))
                )
        return links

    def title(self, question: str) -> tuple[str, bool]:
        """The record's title, and whether it was made from the question (when no title is
        mapped and the row has none)."""
        derive = self.mapping.derive_title and "title" not in self.mapping.determined()
        title = self.text("title", required=not derive)
        if title:
            return title, False
        if derive:
            derived = title_from_question(question)
            if derived:
                return derived, True
            self.problem(
                f"missing required field {self._column_name('title')!r} "
                "(and no question to make one from)"
            )
        return "", False

    def specialty(self) -> str:
        """The record's specialty; without one, :data:`UNSPECIFIED` with a warning (a
        question is never dropped for lacking one)."""
        specialty = self.text("specialty")
        if specialty:
            return specialty
        column = self._column_name("specialty")
        self.warnings.append(
            (f"no specialty (column {column!r} is empty)", f"filed under {UNSPECIFIED!r}")
        )
        return UNSPECIFIED

    def build(self) -> tuple[Record, bool]:
        """The record and whether its title was made from the question; a CorpusInputError
        listing every problem (and warning) of the row when it cannot be imported."""
        record_id = self.record_id()
        question = self.text("question") or ""
        title, derived = self.title(question)
        asker = Asker(self.text("asker.name"), self.text("asker.age"), self.text("asker.gender"))
        record = Record(
            id=record_id,
            title=title,
            specialty=self.specialty(),
            subject=self.text("subject"),
            question=question,
            asker=asker if any((asker.name, asker.age, asker.gender)) else None,
            asked_on=self.date("asked_on"),
            replies=tuple(self.replies()),
            more_info=self.text("more_info"),
            similar=tuple(self.similar()),
            related_faq=tuple(self.related()),
            source_url=self.text("source_url"),
        )
        if self.problems:
            where = self.where
            reasons = self.problems + [reason for reason, _ in self.warnings]
            raise CorpusInputError(where.source, where.line, "; ".join(reasons), unit=where.unit)
        return record, derived


_PLAIN = RecordMapping(derive_title=False)
"""The mapping of a nested object (a reply, a similar entry): its own field names."""


def record_from_mapping(
    data: Any,
    mapping: FieldMap | None = None,
    *,
    source: str = "<record>",
    line: int = 1,
    unit: str = "record",
    log: InputLog | None = None,
) -> Record:
    """Build a record from one decoded JSON object or CSV row (CorpusInputError if it fails)."""
    chosen = RecordMapping.of(mapping)
    where = CorpusInputError(source, line, "", unit=unit)
    builder = _RowBuilder(chosen, log or InputLog())
    return builder.build(data, where)


class _RowBuilder:
    """Builds the records of one input: repairs, warnings and derived titles go to the log."""

    def __init__(self, mapping: RecordMapping, log: InputLog) -> None:
        self.mapping = mapping
        self.log = log
        self.repair = TextRepair(mapping.repair)

    def build(self, data: Any, where: CorpusInputError) -> Record:
        if not isinstance(data, Mapping):
            raise CorpusInputError(
                where.source,
                where.line,
                f"expected an object, got {type(data).__name__}",
                unit=where.unit,
            )
        builder = _RecordBuilder(data, self.mapping, where, self.repair)
        self.repair.take_changes()
        try:
            record, derived = builder.build()
        except (RecursionError, ValueError) as error:  # a last guard: one row, never the batch
            if isinstance(error, CorpusInputError):
                raise
            raise CorpusInputError(
                where.source, where.line, f"cannot be read ({error})"[:200], unit=where.unit
            ) from None
        for step in self.repair.take_changes():
            self.log.repairs[step] += 1
        self.log.derived_titles += derived
        for reason, consequence in builder.warnings:
            warning = f"{reason}; {consequence}"
            self.log.warn(f"{where.place}: {warning}", warning)
        return record


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


def _unused_columns(mapping: RecordMapping) -> set[str]:
    """Record fields read under their own name (not taken over by the mapping)."""
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
    builder = _RowBuilder(chosen, log)
    taken = {path.head for path in chosen.named_columns()} | _unused_columns(chosen)
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


def csv_table(
    lines: Iterable[str], source: str, encoding: str = "utf-8"
) -> tuple[list[str], Iterator[Row | CorpusInputError]]:
    """A CSV input's header and its rows (CorpusInputError when it has no header)."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise CorpusInputError(source, reader.line_num, f"not valid CSV: {error}") from None
    if not header:
        raise CorpusInputError(source, 1, "empty CSV: expected a header row")
    return list(header), _csv_rows(reader, source, encoding)


def _csv_rows(
    reader: csv.DictReader[str], source: str, encoding: str
) -> Iterator[Row | CorpusInputError]:
    undecodable = 0
    try:
        for row in reader:
            number = reader.line_num
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
    except csv.Error as error:
        yield CorpusInputError(source, reader.line_num, f"not valid CSV: {error}")
    except CorpusInputError as error:
        yield error
