"""Exporting questions: Markdown pages, JSON lists and bookmarks, and a one-line citation.

Corpus text is untrusted: in Markdown it is escaped so brackets, backticks, HTML and the like stay
literal text, and control characters are removed everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TextIO

from qatui.corpus.delay import describe_delay, record_reply_delay
from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_line, clean_text
from qatui.corpus.model import Record
from qatui.corpus.render import PARTIAL_WORDS, asker_words
from qatui.corpus.store.reader import CorpusReader

NOT_MEDICAL_ADVICE = (
    "Not medical advice: these pages are questions and answers collected from a public "
    "consultation site, shown for reading only. Ask your own doctor about your own health."
)

# Characters CommonMark/GFM may read as markup anywhere in a line (backslash-escaped).
_INLINE = re.compile(r"([\\`*_\[\]<>&|~!#])")
# Markup that only counts at the start of a line: headings, quotes, lists, rules, setext lines.
_LINE_START = re.compile(r"^([>+=-]|\d+(?=[.)]))")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"`\\]+$", re.IGNORECASE)


def markdown_text(text: str) -> str:
    """Corpus text as Markdown that shows exactly that text (line breaks kept)."""
    paragraphs = re.split(r"\n\s*\n", clean_text(text).strip())
    return "\n\n".join(
        "\\\n".join(_markdown_line(line) for line in paragraph.split("\n") if line.strip())
        for paragraph in paragraphs
        if paragraph.strip()
    )


def markdown_inline(text: str) -> str:
    """Corpus text for one line of Markdown (a heading, a list item)."""
    return _markdown_line(clean_line(text))


def _markdown_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line.strip())
    match = _LINE_START.match(line)
    if match is None:
        return line
    end = match.end()
    if match.group().isdigit():  # "1." or "2)" would start an ordered list
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def _markdown_url(url: str) -> str:
    url = clean_line(url).strip()
    return f"<{url}>" if _SAFE_URL.match(url) else markdown_inline(url)


def record_markdown(record: Record, *, level: int = 1, notice: bool = True) -> str:
    """One question as Markdown; ``notice`` ends it with the not-medical-advice line."""
    head = "#" * level
    sub = "#" * (level + 1)
    delay = record_reply_delay(record)
    facts = [
        ("Specialty", markdown_inline(record.specialty)),
        ("Asked by", markdown_inline(words) if (words := asker_words(record)) else None),
        ("Asked on", record.asked_on),
        ("Replied on", record.reply.replied_on if record.reply else None),
        ("Reply delay", describe_delay(delay) if delay is not None else None),
        ("Source", _markdown_url(record.source_url) if record.source_url else None),
        ("Question id", str(record.id) if record.id is not None else None),
    ]
    lines = [f"{head} {markdown_inline(record.title)}", ""]
    if record.partial:
        lines += [f"*{PARTIAL_WORDS}*", ""]
    lines += [f"- **{name}:** {value}" for name, value in facts if value]
    lines.append("")
    if record.subject:
        lines += [f"{sub} Subject", "", markdown_text(record.subject), ""]
    lines += [f"{sub} Question", "", markdown_text(record.question) or "(no text)", ""]
    for reply in record.replies:
        who = markdown_inline(doctor_title(reply.doctor)) if reply.doctor else "the doctor"
        place = ", ".join(part for part in (reply.specialty, reply.hospital) if part)
        where = f" ({markdown_inline(place)})" if place else ""
        when = f", {reply.replied_on}" if reply.replied_on else ""
        lines += [f"{sub} Reply from {who}{where}{when}", "", markdown_text(reply.body), ""]
    if record.more_info:
        lines += [
            f"{sub} More Info",
            "",
            "*The site's editorial text, not the doctor's reply.*",
            "",
            markdown_text(record.more_info),
            "",
        ]
    if record.similar:
        lines += [f"{sub} Similar Q&A", ""]
        for link in record.similar:
            details = ", ".join(
                markdown_inline(part)
                for part in (link.specialty, doctor_title(link.doctor) if link.doctor else None)
                if part
            )
            lines.append(f"- {markdown_inline(link.title)}" + (f" ({details})" if details else ""))
        lines.append("")
    if record.related_faq:
        lines += [f"{sub} Related FAQ", ""]
        for faq in record.related_faq:
            where = f" ({markdown_inline(faq.specialty)})" if faq.specialty else ""
            lines.append(f"- {markdown_inline(faq.topic)}{where}")
        lines.append("")
    if notice:
        lines += ["---", "", f"*{NOT_MEDICAL_ADVICE}*", ""]
    return "\n".join(lines)


def markdown_document(records: Iterable[Record], *, title: str | None = None) -> Iterator[str]:
    """Many questions as one Markdown document, in chunks: the notice once at the top."""
    if title:
        yield f"# {markdown_inline(title)}\n\n"
    yield f"*{NOT_MEDICAL_ADVICE}*\n"
    level = 2 if title else 1
    for record in records:
        yield "\n---\n\n" + record_markdown(record, level=level, notice=False)


def write_markdown(records: Iterable[Record], target: TextIO, *, title: str | None = None) -> int:
    """Write :func:`markdown_document` to ``target``; returns how many records were written."""
    count = 0

    def counted() -> Iterator[Record]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    for chunk in markdown_document(counted(), title=title):
        target.write(chunk)
    return count


# -- JSON -------------------------------------------------------------------------------------


class BookmarkLike(Protocol):
    """What a bookmark export needs (qatui.userstate.Bookmark fits)."""

    @property
    def question_id(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def note(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


def bookmarks_json(
    bookmarks: Iterable[BookmarkLike], records: dict[int, Record] | None = None
) -> dict[str, Any]:
    """Bookmarks as JSON: each with its note and times, and the full record when known."""
    records = records or {}
    items = []
    for bookmark in bookmarks:
        item = bookmark.to_json()
        record = records.get(bookmark.question_id)
        item["record"] = record.to_json() if record else None
        items.append(item)
    return {"notice": NOT_MEDICAL_ADVICE, "bookmarks": items}


def bookmark_markdown(bookmark: BookmarkLike, record: Record | None) -> str:
    """One bookmark: its question (or that it is not in this corpus), then its note."""
    if record is not None:
        text = record_markdown(record, level=2, notice=False)
    else:
        text = (
            f"## {markdown_inline(bookmark.title)}\n\n"
            f"*Question {bookmark.question_id} is not in this corpus.*\n"
        )
    if bookmark.note:
        text += f"\n**Note:** {markdown_text(bookmark.note)}\n"
    return text


def terminal_safe_json(value: Any, *, indent: int | None = None) -> str:
    """JSON with its text as written, but nothing raw that a terminal showing the file would act
    on (C1 and bidi controls are escaped)."""
    from qatui.corpus.ingest.sanitize import json_terminal_safe

    return json_terminal_safe(json.dumps(value, ensure_ascii=False, indent=indent))


def bookmark_records(reader: CorpusReader, bookmarks: Iterable[BookmarkLike]) -> dict[int, Record]:
    """The question of each bookmark that this corpus holds, by its id."""
    return {
        bookmark.question_id: record
        for bookmark in bookmarks
        if (record := reader.record(bookmark.question_id)) is not None
    }


def write_bookmarks(
    out: TextIO,
    bookmarks: Sequence[BookmarkLike],
    records: dict[int, Record],
    fmt: str,
) -> int:
    """Every bookmark with its note and times, and its question where ``records`` has it:
    Markdown, one JSON document (:func:`bookmarks_json`), or JSON Lines (one bookmark a line,
    after a line with the notice). How many bookmarks were written."""
    if fmt == "json":
        out.write(terminal_safe_json(bookmarks_json(bookmarks, records), indent=2))
    elif fmt == "jsonl":
        for item in bookmarks_json(bookmarks, records)["bookmarks"]:
            out.write(terminal_safe_json(item) + "\n")
    else:
        out.write(f"# Bookmarks\n\n*{NOT_MEDICAL_ADVICE}*\n")
        for bookmark in bookmarks:
            out.write("\n---\n\n" + bookmark_markdown(bookmark, records.get(bookmark.question_id)))
    return len(bookmarks)


def filters_json(filters: Filters) -> dict[str, Any]:
    """The filters that made a list, as plain values (extra conditions by label)."""
    return {
        "specialty": filters.specialty,
        "since": filters.since,
        "until": filters.until,
        "topic": filters.topic.to_json() if filters.topic else None,
        "search": filters.search,
        "age": filters.age,
        "gender": filters.gender,
        "only": [extra.label for extra in filters.extra],
        "order": filters.order,
        "newest_first": filters.newest_first,
    }


def list_json(records: Sequence[Record], filters: Filters) -> dict[str, Any]:
    """A filtered list as JSON: the notice, the filters and the records."""
    return {
        "notice": NOT_MEDICAL_ADVICE,
        "filters": filters_json(filters),
        "count": len(records),
        "records": [record.to_json() for record in records],
    }


# -- reading what to export -------------------------------------------------------------------


def iter_filtered_records(
    reader: CorpusReader, filters: Filters, *, include_partial: bool = False
) -> Iterator[Record]:
    """Every question the filters match, as records, by id (partial ones only when asked)."""
    where, params = reader.where(filters)
    if not include_partial:
        where += (" AND " if where else " WHERE ") + "q.is_partial = 0"
    sql = f"SELECT q.id FROM questions q{where} ORDER BY q.id"
    ids = [row[0] for row in reader.conn.execute(sql, params)]
    for question_id in ids:
        record = reader.record(question_id)
        if record is not None:
            yield record


# -- citation ---------------------------------------------------------------------------------


def citation(record: Record) -> str:
    """One line to cite a question: title, specialty, doctor, dates, source URL when known.

    Plain text with control characters removed (safe for the terminal clipboard).
    """
    reply = record.reply
    parts = [f"\u201c{record.title}\u201d ({record.specialty})"]
    if record.asked_on:
        parts.append(f"asked {record.asked_on}")
    if reply is not None and (reply.doctor or reply.replied_on):
        by = f" by Dr. {reply.doctor}" if reply.doctor else ""
        on = f" on {reply.replied_on}" if reply.replied_on else ""
        parts.append(f"replied{by}{on}")
    text = ", ".join(parts) + "."
    if record.source_url:
        text += f" Source: {record.source_url}"
    elif record.id is not None:
        text += f" Source: qatui question {record.id}"
    return clean_line(text).strip()
