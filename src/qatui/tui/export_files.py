"""Writing an export file from the reader: the open question, the bookmarks, or the list.

Runs in a thread worker. The file is written beside its final name and renamed into place when
complete, so a failed or cancelled export leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from qatui.corpus.export import (
    NOT_MEDICAL_ADVICE,
    bookmark_records,
    filters_json,
    record_markdown,
    terminal_safe_json,
    write_bookmarks,
    write_markdown,
)
from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import Record
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.userstate import UserState

What = Literal["question", "bookmarks", "list"]
Format = Literal["markdown", "json"]
SUFFIX: dict[Format, str] = {"markdown": ".md", "json": ".json"}


class ExportCancelled(Exception):
    """The export was stopped (the app is closing, or a newer export replaced it)."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export and in which format."""

    what: What
    format: Format


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int


def _slug(words: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
    return slug[:40].rstrip("-")


def export_name(
    request: ExportRequest, when: dt.datetime, question_id: int | None = None, about: str = ""
) -> str:
    """``question-123-20240501-140301.md``, ``bookmarks-….json``, ``list-urology-….md``."""
    parts: list[str] = [request.what]
    if request.what == "question" and question_id is not None:
        parts.append(str(question_id))
    if request.what == "list" and _slug(about):
        parts.append(_slug(about))
    parts.append(when.strftime("%Y%m%d-%H%M%S"))
    return "-".join(parts) + SUFFIX[request.format]


def _free_path(folder: Path, name: str) -> Path:
    path = folder / name
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return path


def _checked(records: Iterator[Record], cancelled: Callable[[], bool]) -> Iterator[Record]:
    for record in records:
        if cancelled():
            raise ExportCancelled()
        yield record


def _write_question(out: TextIO, record: Record, fmt: Format) -> int:
    if fmt == "markdown":
        out.write(record_markdown(record))
    else:
        json.dump({"notice": NOT_MEDICAL_ADVICE, "record": record.to_json()}, out, indent=2)
    return 1


def _write_list(out: TextIO, records: Iterator[Record], filters: Filters, fmt: Format) -> int:
    """The list, streamed (it may hold a whole corpus); JSON as :func:`list_json` lays it out."""
    if fmt == "markdown":
        about = ", ".join(filters.describe()) or "every question"
        return write_markdown(records, out, title=f"Questions: {about}")
    head: dict[str, Any] = {"notice": NOT_MEDICAL_ADVICE, "filters": filters_json(filters)}
    out.write("{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in head.items()))
    out.write(',\n  "records": [')
    count = 0
    for record in records:
        out.write(("," if count else "") + "\n    " + terminal_safe_json(record.to_json()))
        count += 1
    out.write(f'\n  ],\n  "count": {count}\n}}\n')
    return count


def write_export(
    request: ExportRequest,
    folder: Path,
    *,
    corpus: Corpus,
    state: UserState,
    filters: Filters,
    question_id: int | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write the export into ``folder`` (made if missing) under a new name; runs in a thread."""
    if request.what == "question" and question_id is None:
        raise ValueError("no question is open")
    folder.mkdir(parents=True, exist_ok=True)
    when = now or dt.datetime.now()
    about = ", ".join(filters.describe())
    target = _free_path(folder, export_name(request, when, question_id, about))
    scratch = target.with_name(f".{target.name}.part")
    # Created like any file the user makes (the umask applies), and never over another one.
    handle = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out, corpus.reader(cancelled) as reader:
            count = _write(request, out, reader, state, filters, question_id, cancelled)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)
    return ExportResult(target, count)


def _write(
    request: ExportRequest,
    out: TextIO,
    reader: CorpusReader,
    state: UserState,
    filters: Filters,
    question_id: int | None,
    cancelled: Callable[[], bool],
) -> int:
    if request.what == "question" and question_id is not None:
        record = reader.record(question_id)
        if record is None:
            raise LookupError(f"question {question_id} is not in this corpus")
        return _write_question(out, record, request.format)
    if request.what == "bookmarks":
        bookmarks = state.bookmarks()
        records = bookmark_records(reader, bookmarks)
        return write_bookmarks(out, bookmarks, records, request.format)
    records_found = _checked(ListQuery(filters).records_as_listed(reader), cancelled)
    return _write_list(out, records_found, filters, request.format)
