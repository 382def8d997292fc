"""Reading one input in bounded pieces: never a whole big file in memory, errors with line numbers.

A page file is read whole, up to :data:`MAX_PAGE_BYTES`. JSON Lines and CSV are read a line at a
time, and a JSON list an element at a time, so their size has no limit; one line or one element
may not exceed :data:`MAX_RECORD_BYTES`. A JSON document that is not a list (one object, or
``{"records": [...]}``) is read whole, up to :data:`MAX_DOCUMENT_BYTES`.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.pagetext import decode_page

MIB = 1024 * 1024
MAX_PAGE_BYTES = 16 * MIB
MAX_RECORD_BYTES = 16 * MIB
MAX_DOCUMENT_BYTES = 64 * MIB
CHUNK_BYTES = MIB
HEAD_BYTES = 64 * 1024
MAX_UNDECODABLE_LINES = 20
"""After this many lines in the wrong encoding, the rest of the file is skipped."""

NumberedLine = tuple[int, str]
"""A line's 1-based number and its text, line break included."""


def _wide_encoding(codec: str) -> bool:
    return codec.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


class InputReader:
    """One input, opened: its first bytes (to tell the format), then the rest in pieces."""

    def __init__(self, stream: BinaryIO, name: str, encoding: str = "utf-8") -> None:
        self.name = name
        self.encoding = encoding
        normal = encoding.lower().replace("_", "-")
        self.codec = "utf-8-sig" if normal in ("utf-8", "utf8") else encoding
        try:
            codecs.lookup(self.codec)
        except LookupError:
            raise CorpusInputError(name, None, f"unknown encoding {encoding!r}") from None
        self._stream = stream
        self.head = stream.read(HEAD_BYTES)

    def fail(self, line: int | None, reason: str) -> CorpusInputError:
        return CorpusInputError(self.name, line, reason)

    def check_text(self) -> None:
        """Refuse an empty input and a binary one (NUL bytes near its start)."""
        if not self.head.strip() and len(self.head) < HEAD_BYTES:
            raise self.fail(None, "empty file: nothing to import")
        if b"\x00" in self.head[:8192] and not _wide_encoding(self.codec):
            raise self.fail(1, "binary file (NUL bytes): not text")

    def byte_chunks(self) -> Iterator[bytes]:
        """The input's bytes, the head first."""
        if self.head:
            yield self.head
        while chunk := self._stream.read(CHUNK_BYTES):
            yield chunk

    def page_text(self) -> str:
        """The whole input as one page's text (it may not exceed :data:`MAX_PAGE_BYTES`)."""
        if self._file_size() > MAX_PAGE_BYTES:
            raise self._too_large_for_a_page()
        data = self.head + self._stream.read(MAX_PAGE_BYTES + 1 - len(self.head))
        if len(data) > MAX_PAGE_BYTES:
            raise self._too_large_for_a_page()
        return decode_page(data, self.name, self.encoding)

    def _file_size(self) -> int:
        """The size of a regular file (0 for a pipe or anything else that cannot say)."""
        try:
            status = os.fstat(self._stream.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            return 0
        return status.st_size if stat.S_ISREG(status.st_mode) else 0

    def _too_large_for_a_page(self) -> CorpusInputError:
        return self.fail(
            None,
            f"too large for one page (over {MAX_PAGE_BYTES // MIB} MiB): a page is a few "
            "kilobytes; for many records use JSON Lines or CSV",
        )

    def text_chunks(self) -> Iterator[str]:
        """The input decoded piece by piece; a CorpusInputError names the line of a bad byte."""
        decoder = codecs.getincrementaldecoder(self.codec)("strict")
        lines_before = 0
        for chunk in itertools.chain(self.byte_chunks(), [b""]):
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeError as error:
                line = lines_before + 1
                if isinstance(error, UnicodeDecodeError):
                    line += error.object.count(b"\n", 0, error.start)
                raise self.fail(line, self._not_decodable(error)) from None
            lines_before += text.count("\n")
            if text:
                yield text

    def lines(self) -> Iterator[NumberedLine | CorpusInputError]:
        """Numbered lines (split at LF only). A line too long or in the wrong encoding is
        skipped with an error; after :data:`MAX_UNDECODABLE_LINES` of those the rest is skipped."""
        decoder = codecs.getincrementaldecoder(self.codec)("strict")
        pending = ""
        number = 0
        undecodable = 0
        for raw in _byte_lines(self.byte_chunks(), MAX_RECORD_BYTES):
            if raw is None:
                number += 1
                decoder.reset()
                pending = ""
                yield self.fail(number, f"line longer than {MAX_RECORD_BYTES // MIB} MiB: skipped")
                continue
            try:
                pending += decoder.decode(raw, final=not raw.endswith(b"\n"))
            except UnicodeError as error:
                number += 1
                decoder.reset()
                pending = ""
                undecodable += 1
                yield self.fail(number, self._not_decodable(error))
                if undecodable >= MAX_UNDECODABLE_LINES:
                    yield self.fail(
                        None,
                        f"{undecodable} lines are not {self.encoding}: the rest of the file is "
                        "skipped; try --encoding",
                    )
                    return
                continue
            while (end := pending.find("\n")) >= 0:
                number += 1
                yield number, pending[: end + 1]
                pending = pending[end + 1 :]
        if pending:
            yield number + 1, pending

    def csv_lines(self) -> Iterator[str]:
        """Lines for the csv module; the first bad line ends the input (its rows span lines)."""
        for item in self.lines():
            if isinstance(item, CorpusInputError):
                raise item
            yield item[1]

    def _not_decodable(self, error: UnicodeError) -> str:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        return f"bytes that are not {self.encoding} ({reason}); try --encoding"


def _byte_lines(chunks: Iterable[bytes], limit: int) -> Iterator[bytes | None]:
    """Lines of bytes, each with its LF; ``None`` stands for a line longer than ``limit``."""
    pending = bytearray()
    too_long = False
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end + 1
            if not too_long:
                pending += chunk[start:stop]
                too_long = len(pending) > limit
                if too_long:
                    pending.clear()
            start = stop
            if end >= 0:
                yield None if too_long else bytes(pending)
                pending.clear()
                too_long = False
    if too_long:
        yield None
    elif pending:
        yield bytes(pending)


def sniff_format(head: bytes) -> str:
    """Tell JSON, JSON Lines and a page apart from an input's first bytes (for standard input)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first_line, newline, _ = text.partition(b"\n")
        if not newline:  # a first line longer than the head: one object a line, or one line
            return "json" if _RECORDS_WRAPPER.match(text) else "jsonl"
        try:
            value = json.loads(first_line)
        except (ValueError, RecursionError):
            return "json"  # one object written over several lines
        wrapper = isinstance(value, dict) and isinstance(value.get("records"), list)
        return "jsonl" if isinstance(value, dict) and not wrapper else "json"
    return "page"


_RECORDS_WRAPPER = re.compile(rb'\{\s*"records"\s*:')


_NOT_SPACE = re.compile("[^ \t\r\n\ufeff]")
_DECODER = json.JSONDecoder()


class JsonReader:
    """A JSON document read from text pieces: a list element by element, anything else whole."""

    def __init__(self, chunks: Iterable[str], source: str) -> None:
        self._chunks = iter(chunks)
        self._source = source
        self._buffer = ""
        self._pos = 0
        self._lines_before = 0
        self._ended = False

    def _fail(self, pos: int, reason: str) -> CorpusInputError:
        return CorpusInputError(self._source, self._line_at(pos), reason)

    def _line_at(self, pos: int) -> int:
        return self._lines_before + self._buffer.count("\n", 0, pos) + 1

    def _read_more(self, at_least: int) -> bool:
        """Drop what was read, then add at least ``at_least`` characters; False at the end."""
        self._lines_before += self._buffer.count("\n", 0, self._pos)
        parts = [self._buffer[self._pos :]]
        self._pos = 0
        wanted = len(parts[0]) + at_least
        size = len(parts[0])
        added = False
        while size < wanted:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True
                break
            parts.append(chunk)
            size += len(chunk)
            added = True
        self._buffer = "".join(parts)
        return added

    def peek(self) -> str | None:
        """The next character that is not white space (left unread), or None at the end."""
        while True:
            match = _NOT_SPACE.search(self._buffer, self._pos)
            if match:
                self._pos = match.start()
                return self._buffer[self._pos]
            self._pos = len(self._buffer)
            if not self._read_more(CHUNK_BYTES):
                return None

    def _value(self, number: int) -> Any:
        """The JSON value starting here, reading more text until it is complete (reading
        more keeps it at ``_pos``: only what comes before it is dropped)."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buffer, self._pos)
                if end < len(self._buffer) or self._ended:
                    self._pos = end
                    return value
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self._buffer) - 64
                if self._ended or not (near_end or error.msg.startswith("Unterminated string")):
                    raise self._fail(
                        error.pos,
                        f"record {number} is not valid JSON ({error.msg}); the rest of the "
                        "file is not read",
                    ) from None
            except RecursionError:
                raise self._fail(
                    self._pos, f"record {number} is nested too deeply; the rest is not read"
                ) from None
            if len(self._buffer) - self._pos > MAX_RECORD_BYTES:
                raise self._fail(
                    self._pos,
                    f"record {number} is larger than {MAX_RECORD_BYTES // MIB} MiB or never "
                    "closed; the rest of the file is not read",
                )
            self._read_more(max(len(self._buffer) - self._pos, CHUNK_BYTES))

    def elements(self) -> Iterator[tuple[int, Any] | CorpusInputError]:
        """Numbered elements of the list that starts here; an error ends them (after every
        complete element before it)."""
        try:
            self._pos += 1  # the "[" that peek() found
            number = 0
            while True:
                char = self.peek()
                if char == "]":
                    self._pos += 1
                    if self.peek() is not None:
                        raise self._fail(self._pos, "text after the list's closing ']'")
                    return
                if number:
                    if char != ",":
                        raise self._fail(
                            self._pos,
                            f"expected ',' or ']' after record {number}, got "
                            f"{'the end of the file (truncated?)' if char is None else repr(char)}",
                        )
                    self._pos += 1
                    char = self.peek()
                if char is None:
                    raise self._fail(self._pos, "the file ends inside the list (truncated?)")
                number += 1
                yield number, self._value(number)
        except CorpusInputError as error:
            yield error

    def whole(self) -> Any:
        """The rest of the input as one JSON value (at most :data:`MAX_DOCUMENT_BYTES`)."""
        first_line = self._line_at(self._pos)
        parts = [self._buffer[self._pos :]]
        size = len(parts[0])
        for chunk in self._chunks:
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_DOCUMENT_BYTES:
                raise CorpusInputError(
                    self._source,
                    None,
                    f"a JSON document over {MAX_DOCUMENT_BYTES // MIB} MiB that is not a list: "
                    "write the records as a JSON list or as JSON Lines",
                )
        try:
            return json.loads("".join(parts))
        except json.JSONDecodeError as error:
            line = first_line + error.lineno - 1
            raise CorpusInputError(self._source, line, f"not valid JSON: {error.msg}") from None
        except RecursionError:
            raise CorpusInputError(self._source, first_line, "JSON nested too deeply") from None
