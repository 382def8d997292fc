"""JSON, JSONL and CSV -> :class:`Record`, with a field mapping for scraper output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.dates import parse_date
from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.ingest.streams import MAX_RECORD_BYTES, JsonReader, NumberedLine
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink

RECORD_FIELDS = (
    "id",
    "title",
    "specialty",
    "subject",
    "question",
    "asker",
    "asker.name",
    "asker.age",
    "asker.gender",
    "asked_on",
    "reply",
    "reply.doctor",
    "reply.specialty",
    "reply.body",
    "reply.replied_on",
    "replies",
    "more_info",
    "similar",
    "related_faq",
    "source_url",
)

FieldMap = Mapping[str, str]
"""Record field (``asked_on``, ``asker.name``) -> the input's own field name."""


def parse_field_map(pairs: list[str]) -> dict[str, str]:
    """Turn ``["title=question_title", ...]`` into a field map, checking the record side."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, source = pair.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not target or not source:
            raise ValueError(f"--map expects RECORD_FIELD=INPUT_FIELD, got {pair!r}")
        if target not in RECORD_FIELDS:
            raise ValueError(
                f"--map: unknown record field {target!r}; one of {', '.join(RECORD_FIELDS)}"
            )
        mapping[target] = source
    return mapping


JSON_CELL_FIELDS = ("similar", "related_faq", "replies", "asker", "reply")
"""Fields holding a list or an object: in a CSV cell (or any string) they are JSON."""

BLOCK_FIELDS = ("question", "body", "more_info", "question_excerpt", "reply_excerpt")
"""Multi-line text: leading indentation is content; trailing white space and outer blank
lines are not (the page layout's text rules)."""


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


class _RecordBuilder:
    """Builds one record from a mapping, raising errors that name the record."""

    def __init__(
        self, data: Mapping[str, Any], mapping: FieldMap, source: str, line: int, unit: str
    ) -> None:
        self.data = data
        self.mapping = mapping
        self.source = source
        self.line = line
        self.unit = unit

    def fail(self, reason: str) -> CorpusInputError:
        return CorpusInputError(self.source, self.line, reason, unit=self.unit)

    def get(self, field: str) -> Any:
        """A field's raw value: mapped, or a flat column, or inside its (mapped) parent object."""
        if field in self.mapping:
            value = _lookup(self.data, self.mapping[field])
        elif "." in field and field not in self.data:
            parent, _, child = field.partition(".")
            node = self.get(parent)
            if node is not None and not isinstance(node, Mapping):
                raise self.fail(f"field {parent!r} should be an object, got {type(node).__name__}")
            value = node.get(child) if node is not None else None
        else:
            value = _lookup(self.data, field)
        if isinstance(value, str) and field in JSON_CELL_FIELDS:
            value = self._json_cell(field, value)
        return value

    def _json_cell(self, field: str, value: str) -> Any:
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise self.fail(f"field {field!r} is not valid JSON ({error.msg})") from None

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"missing required field {self.mapping.get(field, field)!r}")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(f"field {field!r} should be text, got {type(value).__name__}")
        if field.rpartition(".")[2] in BLOCK_FIELDS:
            return _block(clean_text(value))
        cleaned = clean_text(value).strip()
        if required and not cleaned:  # checked again once cleaned: "\x1b[2J" is no title
            name = self.mapping.get(field, field)
            raise self.fail(f"missing required field {name!r} (it holds only control characters)")
        return cleaned

    def date(self, field: str) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            raise self.fail(f"field {field!r}: {error}") from None

    def sub(self, value: Any, what: str) -> _RecordBuilder:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} should be an object, got {type(value).__name__}")
        return _RecordBuilder(value, {}, self.source, self.line, self.unit)

    def items(self, field: str) -> list[Any]:
        value = self.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"field {field!r} should be a list, got {type(value).__name__}")
        return value

    def reply(self, node: _RecordBuilder) -> Reply:
        return Reply(
            doctor=node.text("doctor"),
            specialty=node.text("specialty"),
            body=node.text("body") or "",
            replied_on=node.date("replied_on"),
        )

    def build(self) -> Record:
        raw_id = self.get("id")
        record_id: int | None = None
        if raw_id not in (None, ""):
            try:
                if isinstance(raw_id, bool) or (isinstance(raw_id, float) and raw_id % 1):
                    raise ValueError
                record_id = int(raw_id)
            except (TypeError, ValueError, OverflowError):  # bool, 1.5, "x", Infinity, NaN
                raise self.fail(f"field 'id' should be a whole number, got {raw_id!r}") from None
            if record_id <= 0 or record_id >= 2**52:
                raise self.fail(f"field 'id' out of range: {record_id}")
        replies = [self.reply(self.sub(item, "a reply")) for item in self.items("replies")]
        if not replies:
            flat = Reply(
                doctor=self.text("reply.doctor"),
                specialty=self.text("reply.specialty"),
                body=self.text("reply.body") or "",
                replied_on=self.date("reply.replied_on"),
            )
            if flat.body or flat.doctor:
                replies = [flat]
        asker = Asker(self.text("asker.name"), self.text("asker.age"), self.text("asker.gender"))
        similar = []
        for item in self.items("similar"):
            node = self.sub(item, "a similar entry")
            similar.append(
                SimilarLink(
                    title=node.text("title", required=True) or "",
                    question_excerpt=node.text("question_excerpt"),
                    doctor=node.text("doctor"),
                    specialty=node.text("specialty"),
                    reply_excerpt=node.text("reply_excerpt"),
                    read_more=node.text("read_more"),
                )
            )
        related = []
        for item in self.items("related_faq"):
            node = self.sub(item, "a related FAQ entry")
            related.append(FaqLink(node.text("topic", required=True) or "", node.text("specialty")))
        return Record(
            id=record_id,
            title=self.text("title", required=True) or "",
            specialty=self.text("specialty", required=True) or "",
            subject=self.text("subject"),
            question=self.text("question") or "",
            asker=asker if any((asker.name, asker.age, asker.gender)) else None,
            asked_on=self.date("asked_on"),
            replies=tuple(replies),
            more_info=self.text("more_info"),
            similar=tuple(similar),
            related_faq=tuple(related),
            source_url=self.text("source_url"),
        )


def record_from_mapping(
    data: Any,
    mapping: FieldMap | None = None,
    *,
    source: str = "<record>",
    line: int = 1,
    unit: str = "record",
) -> Record:
    """Build a record from one decoded JSON object or CSV row."""
    if not isinstance(data, Mapping):
        raise CorpusInputError(
            source, line, f"expected an object, got {type(data).__name__}", unit=unit
        )
    return _RecordBuilder(data, mapping or {}, source, line, unit).build()


Parsed = Record | CorpusInputError
"""What reading one record gives: the record, or the error that names it."""


def _record_or_error(
    item: Any, mapping: FieldMap | None, source: str, line: int, unit: str
) -> Parsed:
    try:
        return record_from_mapping(item, mapping, source=source, line=line, unit=unit)
    except CorpusInputError as error:
        return error


def read_json(text: str, source: str, mapping: FieldMap | None = None) -> Iterator[Parsed]:
    """Records from a JSON document: one object, a list of them, or ``{"records": [...]}``."""
    return read_json_chunks([text], source, mapping)


def read_json_chunks(
    chunks: Iterable[str], source: str, mapping: FieldMap | None = None
) -> Iterator[Parsed]:
    """Records from a JSON document given in pieces. A list is read one element at a time: a
    big one never sits in memory whole, and a truncated one still gives every record before
    the break."""
    reader = JsonReader(chunks, source)
    try:
        if reader.peek() == "[":
            for item in reader.elements():
                if isinstance(item, CorpusInputError):
                    yield item
                else:
                    yield _record_or_error(item[1], mapping, source, item[0], "record")
            return
        document = reader.whole()
    except CorpusInputError as error:
        yield error
        return
    if isinstance(document, Mapping) and isinstance(document.get("records"), list):
        document = document["records"]
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, start=1):
        yield _record_or_error(item, mapping, source, number, "record")


def read_jsonl(text: str, source: str, mapping: FieldMap | None = None) -> Iterator[Parsed]:
    """Records from JSON Lines: one object a line; blank lines are skipped."""
    # Only LF ends a line: JSON text may hold U+2028, U+0085 and friends unescaped.
    return read_jsonl_lines(enumerate(text.split("\n"), start=1), source, mapping)


def read_jsonl_lines(
    lines: Iterable[NumberedLine | CorpusInputError], source: str, mapping: FieldMap | None = None
) -> Iterator[Parsed]:
    """Records from numbered JSON Lines (errors met while reading them pass through)."""
    for item in lines:
        if isinstance(item, CorpusInputError):
            yield item
            continue
        number, raw = item
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            yield CorpusInputError(source, number, f"not valid JSON: {error.msg}")
            continue
        except RecursionError:
            yield CorpusInputError(source, number, "not valid JSON: nested too deeply")
            continue
        yield _record_or_error(value, mapping, source, number, "line")


def read_csv(text: str, source: str, mapping: FieldMap | None = None) -> Iterator[Parsed]:
    """Records from CSV with a header row; list fields are JSON in their cells."""
    return read_csv_lines(io.StringIO(text, newline=""), source, mapping)


def read_csv_lines(
    lines: Iterable[str], source: str, mapping: FieldMap | None = None
) -> Iterator[Parsed]:
    """Records from the lines of a CSV file (line breaks kept), read one row at a time."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.DictReader(lines)
    try:
        if not reader.fieldnames:
            yield CorpusInputError(source, 1, "empty CSV: expected a header row")
            return
        for row in reader:
            number = reader.line_num
            if None in row:
                yield CorpusInputError(source, number, "more cells than header columns")
                continue
            yield _record_or_error(row, mapping, source, number, "line")
    except csv.Error as error:
        yield CorpusInputError(source, reader.line_num, f"not valid CSV: {error}")
