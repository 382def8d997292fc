"""``qatui import --inspect``: what an input holds (its columns, a sample) and a mapping to try."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.importer import input_kind, open_input
from qatui.corpus.ingest.mapping import RECORD_FIELDS, MappingError, RecordMapping
from qatui.corpus.ingest.profiles import profiles
from qatui.corpus.ingest.records import Row, csv_table, json_rows, jsonl_rows
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.ingest.sqlite_source import sqlite_table
from qatui.corpus.ingest.streams import InputReader

INSPECT_ROWS = 200
"""Rows read to describe an input."""

SAMPLE_CHARS = 60

SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "question_id", "qid", "q_no", "qno", "question_number"),
    "title": ("title", "question_title", "heading", "subject_line"),
    "specialty": ("specialty", "department", "doctor_department", "dept", "category", "section"),
    "subject": ("subject",),
    "question": ("question", "question_text", "ask", "question_body", "content", "body", "query"),
    "asker.name": ("questioner_name", "asker_name", "asker", "user", "username", "nickname"),
    "asker.gender": ("questioner_gender", "asker_gender", "gender", "sex"),
    "asker.age": ("questioner_age_range", "asker_age", "age", "age_range", "age_band"),
    "asked_on": ("question_date", "asked_on", "ask_date", "date", "created_at", "created"),
    "reply.body": ("answer", "answer_text", "reply", "response", "reply_text", "reply_body"),
    "reply.doctor": ("doctor", "doctor_name", "answer_author", "answerer", "replier"),
    "reply.hospital": ("doctor_hospital", "hospital"),
    "reply.replied_on": ("reply_date", "answer_date", "replied_on", "answered_at"),
    "more_info": ("more_info",),
    "source_url": ("source_url", "url", "link", "page_url", "href"),
}
"""Column names (lower case) that usually hold each record field, most likely first."""


@dataclass
class ColumnSummary:
    """One input column: in how many of the rows read it has a value, and the first value."""

    name: str
    filled: int = 0
    example: str = ""
    kinds: dict[str, None] = field(default_factory=dict)


@dataclass
class Inspection:
    """What ``--inspect`` found in one input."""

    source: str
    kind: str
    rows: int = 0
    columns: dict[str, ColumnSummary] = field(default_factory=dict)
    sample: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    suggested: dict[str, str] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)


def _shown(value: Any) -> str:
    text = clean_line(value if isinstance(value, str) else repr(value))
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def _flat(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each column, plus one level inside objects (``a.b``) and the first item of lists."""
    for key, value in data.items():
        name = str(key)
        yield name, value
        if isinstance(value, Mapping):
            for inner, item in list(value.items())[:50]:
                yield f"{name}.{inner}", item
        elif isinstance(value, list) and value and not isinstance(value[0], (dict, list)):
            yield f"{name}[0]", value[0]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _describe(inspection: Inspection, rows: Iterator[Row | CorpusInputError]) -> None:
    for item in itertools.islice(rows, INSPECT_ROWS):
        if isinstance(item, CorpusInputError):
            if len(inspection.problems) < 5:
                inspection.problems.append(clean_line(str(item)))
            continue
        _, _, data = item
        if not isinstance(data, Mapping):
            continue
        inspection.rows += 1
        for name, value in _flat(data):
            column = inspection.columns.setdefault(name, ColumnSummary(name))
            column.kinds[type(value).__name__] = None
            if not _empty(value):
                column.filled += 1
                if not column.example:
                    column.example = _shown(value)
        if inspection.rows == 1:
            inspection.sample = {name: _shown(value) for name, value in data.items()}


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """A ``--map`` entry for each record field whose usual column name the input has (one
    column for one field; a column named as its field needs no entry)."""
    by_lower = {name.lower(): name for name in columns}
    taken: set[str] = set()
    suggested: dict[str, str] = {}
    for record_field, names in SYNONYMS.items():
        if record_field in columns:
            taken.add(record_field)
            continue
        for name in names:
            column = by_lower.get(name)
            if column is not None and column not in taken and column not in RECORD_FIELDS:
                suggested[record_field] = column
                taken.add(column)
                break
    if "specialty" not in suggested and "specialty" not in columns:
        tags = next((name for name in columns if name.lower() in ("tags[0]", "category[0]")), None)
        if tags:
            suggested["specialty"] = tags
    return suggested


def _fitting_profiles(columns: list[str]) -> list[str]:
    fitting = []
    for profile in profiles().values():
        try:
            profile.mapping.check_columns(columns, "")
        except MappingError:
            continue
        fitting.append(profile.name)
    return fitting


def inspect_source(
    source: str,
    *,
    encoding: str = "utf-8",
    fmt: str | None = None,
    mapping: RecordMapping | None = None,
) -> Inspection:
    """Read the first :data:`INSPECT_ROWS` rows of ``source``; CorpusInputError if it cannot
    be read at all."""
    name = "<stdin>" if source == "-" else source
    chosen = mapping or RecordMapping()
    try:
        with contextlib.ExitStack() as stack:
            stream = stack.enter_context(open_input(source))
            reader = InputReader(stream, name, encoding)
            kind = input_kind(source, reader.head, fmt)
            inspection = Inspection(name, kind)
            header: list[str] | None = None
            if kind == "sqlite":
                header, rows = stack.enter_context(sqlite_table(source, chosen, name))
            else:
                reader.check_text()
                if kind == "json":
                    rows = json_rows(reader.text_chunks("surrogateescape"), name, encoding)
                elif kind == "jsonl":
                    rows = jsonl_rows(reader.lines(), name)
                elif kind == "csv":
                    header, rows = csv_table(reader.csv_lines(), name, encoding)
                else:
                    raise CorpusInputError(
                        name, None, "a page in the site's text layout: it has no columns to map"
                    )
            for column in header or []:
                inspection.columns[column] = ColumnSummary(column)
            _describe(inspection, rows)
    except OSError as error:
        raise CorpusInputError(name, None, f"cannot read: {error.strerror or error}") from None
    names = list(inspection.columns)
    inspection.suggested = suggest_mapping(names)
    inspection.profiles = _fitting_profiles(names)
    return inspection
