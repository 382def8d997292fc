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
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest import jsontext
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


def check_text_encoding(encoding: str) -> str:
    """``encoding`` if it names a text encoding; ValueError saying what it is otherwise
    (unknown, or a bytes-to-bytes codec such as base64, zlib or rot13)."""
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError):
        raise ValueError(f"unknown encoding {encoding[:40]!r}") from None
    try:
        b"ab".decode(encoding)
    except LookupError:
        raise ValueError(
            f"{encoding!r} is not a text encoding (it transforms bytes or text, like base64, "
            "zlib or rot13); give the encoding the text was written in, e.g. utf-8, big5, gb18030"
        ) from None
    except UnicodeError:
        raise ValueError(
            f"{encoding!r} decodes no text at all; e.g. utf-8, big5, gb18030"
        ) from None
    return encoding


def _utf16_hint(head: bytes) -> str:
    """A hint when the NUL bytes look like UTF-16 text without its byte-order mark: every
    other byte zero, as ASCII letters are in UTF-16."""
    sample = head[:4096]
    for offset, name in ((1, "utf-16-le"), (0, "utf-16-be")):
        zeros = sample[offset::2].count(0)
        if len(sample) >= 8 and zeros >= 0.9 * (len(sample) // 2):
            return f"; it looks like UTF-16 text without a byte-order mark: try --encoding {name}"
    return ""


def _wide_encoding(codec: str) -> bool:
    return codec.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


class InputReader:
    """One input, opened: its first bytes (to tell the format), then the rest in pieces."""

    def __init__(
        self,
        stream: BinaryIO,
        name: str,
        encoding: str = "utf-8",
        bytes_read: Callable[[int], None] | None = None,
    ) -> None:
        self.name = name
        self.encoding = encoding
        normal = encoding.lower().replace("_", "-")
        self.codec = "utf-8-sig" if normal in ("utf-8", "utf8") else encoding
        try:
            check_text_encoding(encoding)
        except ValueError as error:
            raise CorpusInputError(name, None, str(error)) from None
        self._stream = stream
        self._bytes_read = bytes_read
        self.head = stream.read(HEAD_BYTES)

    def fail(self, line: int | None, reason: str) -> CorpusInputError:
        return CorpusInputError(self.name, line, reason)

    def check_text(self) -> None:
        """Refuse an empty input and a binary one (NUL bytes near its start)."""
        if not self.head.strip() and len(self.head) < HEAD_BYTES:
            raise self.fail(None, "empty file: nothing to import")
        if b"\x00" in self.head[:8192] and not _wide_encoding(self.codec):
            raise self.fail(1, "binary file (NUL bytes): not text" + _utf16_hint(self.head))

    def byte_chunks(self) -> Iterator[bytes]:
        """The input's bytes, the head first (each piece told to ``bytes_read``)."""
        if self.head:
            if self._bytes_read:
                self._bytes_read(len(self.head))
            yield self.head
        while chunk := self._stream.read(CHUNK_BYTES):
            if self._bytes_read:
                self._bytes_read(len(chunk))
            yield chunk

    def page_text(self) -> str:
        """The whole input as one page's text (it may not exceed :data:`MAX_PAGE_BYTES`)."""
        if self._file_size() > MAX_PAGE_BYTES:
            raise self._too_large_for_a_page()
        data = self.head + self._stream.read(MAX_PAGE_BYTES + 1 - len(self.head))
        if len(data) > MAX_PAGE_BYTES:
            raise self._too_large_for_a_page()
        if self._bytes_read:
            self._bytes_read(len(data))
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

    def text_chunks(self, errors: str = "strict") -> Iterator[str]:
        """The input decoded piece by piece; a CorpusInputError names the line of a bad byte
        (with ``errors="surrogateescape"`` bad bytes stay in the text as :data:`ESCAPED_BYTE`)."""
        decoder = codecs.getincrementaldecoder(self.codec)(errors)
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
        """Lines for the csv module. A byte the encoding cannot read stays in its line as
        :data:`ESCAPED_BYTE` (the row holding it is an error of its own); a line too long ends
        the input (rows span lines)."""
        decoder = codecs.getincrementaldecoder(self.codec)("surrogateescape")
        pending = ""
        number = 0
        for raw in _byte_lines(self.byte_chunks(), MAX_RECORD_BYTES):
            if raw is None:
                raise self.fail(
                    number + 1,
                    f"line longer than {MAX_RECORD_BYTES // MIB} MiB: the rest is skipped",
                )
            try:
                pending += decoder.decode(raw, final=not raw.endswith(b"\n"))
            except UnicodeError as error:  # a wide encoding's last unit cut short
                raise self.fail(number + 1, self._not_decodable(error)) from None
            # Lone CRs end lines too (FORMAT.md: LF, CRLF or CR): the csv module reads them
            # as LFs, and a CR-only file is then rows, not one line of the whole file.
            pending = pending.replace("\r\n", "\n").replace("\r", "\n")
            while (end := pending.find("\n")) >= 0:
                number += 1
                yield pending[: end + 1]
                pending = pending[end + 1 :]
        if pending:
            yield pending

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
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
"""A byte the decoder could not read, kept as a lone surrogate (``surrogateescape``)."""

_STRUCTURE = re.compile(r'["\\{}\[\],\n]')


class _BadElement(Exception):
    """One list element that cannot be read; the list goes on after it."""

    def __init__(self, reason: str, pos: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pos = pos


class JsonReader:
    """A JSON document read from text pieces: a list element by element, anything else whole.

    The text may hold bytes the decoder could not read (as :data:`ESCAPED_BYTE`): an element
    holding one is an error of its own, like an element that is not valid JSON; the reader
    then finds the element's end and goes on with the next one.
    """

    def __init__(self, chunks: Iterable[str], source: str, encoding: str = "utf-8") -> None:
        self._chunks = iter(chunks)
        self._source = source
        self._encoding = encoding
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

    def _too_large(self, number: int) -> CorpusInputError:
        return self._fail(
            self._pos,
            f"record {number} is larger than {MAX_RECORD_BYTES // MIB} MiB or never closed; "
            "the rest of the file is not read",
        )

    def _value(self, number: int) -> Any:
        """The JSON value starting here, reading more text until it is complete (reading
        more keeps it at ``_pos``: only what comes before it is dropped)."""
        while True:
            try:
                value, end = jsontext.raw_decode(self._buffer, self._pos)
                if end < len(self._buffer) or self._ended:
                    bad = ESCAPED_BYTE.search(self._buffer, self._pos, end)
                    if bad:
                        raise _BadElement(
                            f"record {number} holds bytes that are not {self._encoding}; "
                            "try --encoding",
                            bad.start(),
                        )
                    self._pos = end
                    return value
            except jsontext.JsonValueError as error:
                pos = self._pos if error.pos is None else error.pos
                near_end = pos >= len(self._buffer) - 64
                unterminated = error.msg.startswith("Unterminated string")
                if self._ended and (unterminated or not self._buffer[pos:].strip()):
                    raise self._fail(
                        pos,
                        f"record {number} is cut short ({error.msg}): the file ends inside it "
                        "(truncated?)",
                    ) from None
                if self._ended or not (near_end or unterminated):
                    reason = f"record {number} is not valid JSON ({error.msg})"
                    raise _BadElement(reason, pos) from None
            if len(self._buffer) - self._pos > MAX_RECORD_BYTES:
                raise self._too_large(number)
            self._read_more(max(len(self._buffer) - self._pos, CHUNK_BYTES))

    def _skip_element(self, number: int) -> None:
        """Move past the element starting here, to the ``,`` or ``]`` after it. Strings and
        brackets are followed; a line break ends a string (JSON strings hold none), so one
        broken quote cannot swallow the rest of the file."""
        depth = 0
        in_string = False
        pos = self._pos
        while True:
            match = _STRUCTURE.search(self._buffer, pos)
            if match is None:
                scanned = len(self._buffer) - self._pos
                if scanned > MAX_RECORD_BYTES:
                    raise self._too_large(number)
                offset = len(self._buffer) - self._pos
                if not self._read_more(CHUNK_BYTES):
                    raise self._fail(
                        len(self._buffer),
                        f"the file ends inside record {number} (truncated?); "
                        "nothing after it could be read",
                    )
                pos = offset
                continue
            char = match[0]
            pos = match.end()
            if char == "\n":
                in_string = False
            elif in_string:
                if char == '"':
                    in_string = False
                elif char == "\\":
                    if pos >= len(self._buffer) and not self._ended:
                        pos -= 1  # the escaped character is in the next piece
                        offset = pos - self._pos
                        self._read_more(CHUNK_BYTES)
                        pos = offset
                        continue
                    pos += 1
            elif char == '"':
                in_string = True
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth < 0:  # the list's own "]"
                    self._pos = match.start()
                    return
            elif char == "," and depth <= 0:
                self._pos = match.start()
                return

    def elements(self) -> Iterator[tuple[int, Any] | CorpusInputError]:
        """Numbered elements of the list that starts here. A broken element is an error and
        the list goes on after it; an error that leaves no way on ends the list (after every
        element before it)."""
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
                            f"{'the end of the file (truncated?)' if char is None else repr(char)}"
                            "; the rest of the file is not read",
                        )
                    self._pos += 1
                    char = self.peek()
                if char is None:
                    raise self._fail(self._pos, "the file ends inside the list (truncated?)")
                number += 1
                try:
                    yield number, self._value(number)
                except _BadElement as bad:
                    yield self._fail(bad.pos, bad.reason)
                    self._skip_element(number)
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
        text = "".join(parts)
        if bad := ESCAPED_BYTE.search(text):
            line = first_line + text.count("\n", 0, bad.start())
            raise CorpusInputError(
                self._source, line, f"bytes that are not {self._encoding}; try --encoding"
            )
        try:
            return jsontext.loads(text)
        except jsontext.JsonValueError as error:
            line = first_line + (text.count("\n", 0, error.pos) if error.pos else 0)
            raise CorpusInputError(self._source, line, f"not valid JSON: {error.msg}") from None
