"""Make untrusted corpus text safe for a terminal: no control characters, no escape sequences.

What stays: printable text of every script, LF as the only line break, zero-width joiners and
non-joiners, combining marks, variation selectors and emoji. What goes: escape sequences (CSI,
OSC such as the clipboard-writing OSC 52, DCS, SOS, PM, APC, in 7-bit and 8-bit form) with their
parameters, every other C0 and C1 control, DEL and the Unicode bidirectional controls. Other line
breaks (CRLF, CR, VT, FF, NEL, U+2028, U+2029) become LF; a tab becomes four spaces; a lone
surrogate (which no terminal or UTF-8 file can take) becomes U+FFFD.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

from qatui.corpus.model import Record

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Unicode's Bidi_Control characters: they reorder text on screen (Trojan Source), so they go."""

TAB = "    "

_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# ESC-introduced and 8-bit C1 sequences. A string sequence (OSC, DCS, SOS, PM, APC) runs to its
# terminator (BEL or ST). An open one ends at the line break, so a stray introducer cannot
# swallow the rest of a page; an open 8-bit one (more likely mis-decoded text than an attack)
# loses only its introducer, with the other control characters (no introducer inside another
# keeps a line full of them linear).
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?                        # CSI, 7- and 8-bit
    | \x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?       # strings, 7-bit
    | [\x90\x98\x9d-\x9f][^\x07\x1b\n\x90\x98\x9c-\x9f]*+(?:\x07|\x1b\\|\x9c)  # 8-bit, closed
    | \x1b[ -/]*[0-~]?                                      # other ESC sequences (charset, ...)
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, C1 controls, bidirectional controls.
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_NEEDS_CLEANING = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029\ud800-\udfff]"
)
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029\ud800-\udfff]")


_ASCII_TEXT = bytes(range(0x20, 0x7F)) + b"\n"
"""The ASCII characters that need no cleaning."""


def _needs_no_cleaning(text: str) -> bool:
    """A fast check for the usual case (about 1 GB/s for ASCII, where a regex gives 0.1)."""
    if text.isascii():  # constant time: CPython knows
        return not text.encode("ascii").translate(None, _ASCII_TEXT)
    return text.replace("\n", "").isprintable() or not _NEEDS_CLEANING.search(text)


def needs_cleaning(text: str) -> bool:
    """False when :func:`clean_text` would return ``text`` as it is (checked, not cleaned:
    one fast pass, so text already clean is cleaned no second time)."""
    return not _needs_no_cleaning(text)


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters; keep newlines, turn tabs into spaces."""
    if _needs_no_cleaning(text):
        return text
    text = _SURROGATE.sub("\ufffd", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return text.replace("\t", TAB)


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, for text shown on one line: newlines become spaces."""
    return clean_text(text).replace("\n", " ")


def has_control(text: str) -> bool:
    """True when ``text`` holds something :func:`clean_text` would remove."""
    return clean_text(text) != text


def json_terminal_safe(document: str) -> str:
    """Escape as ``\\uXXXX`` what ``json.dumps(ensure_ascii=False)`` leaves raw and a terminal
    would act on: DEL, C1 and bidi controls, U+2028/U+2029, lone surrogates. Lossless: the JSON
    still decodes to the same strings."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


MULTILINE_FIELDS = frozenset({"question", "body", "more_info", "question_excerpt", "reply_excerpt"})
"""Record fields that hold paragraphs; every other text field of a record is one line."""


def clean_record(record: Record) -> Record:
    """The record with every text field cleaned, one-line fields kept on one line; a record
    already clean (the usual case: the page parser cleans as it reads) is itself, checked in
    two passes over its text instead of cleaned field by field."""
    one_line: list[str] = []
    paragraphs: list[str] = []
    _gather_texts(record, one_line, paragraphs, multiline=False)
    lines = "".join(one_line)
    if (
        "\n" not in lines
        and _needs_no_cleaning(lines)
        and _needs_no_cleaning("\n".join(paragraphs))
    ):
        return record
    cleaned: Record = _clean_parts(record, multiline=False)
    return cleaned


def _gather_texts(
    value: Any, one_line: list[str], paragraphs: list[str], *, multiline: bool
) -> None:
    """Collect the strings of ``value`` as :func:`_clean_parts` walks them, by kind of field."""
    if isinstance(value, str):
        (paragraphs if multiline else one_line).append(value)
    elif isinstance(value, tuple):
        for item in value:
            _gather_texts(item, one_line, paragraphs, multiline=multiline)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in _field_names(type(value)):
            field_value = getattr(value, name)
            if field_value is not None:
                _gather_texts(field_value, one_line, paragraphs, multiline=name in MULTILINE_FIELDS)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _clean_parts(value: Any, *, multiline: bool) -> Any:
    """Clean strings, tuples and dataclasses recursively; unchanged parts keep their identity."""
    if isinstance(value, str):
        cleaned = clean_text(value) if multiline else clean_line(value)
        return value if cleaned == value else cleaned
    if isinstance(value, tuple):
        items = tuple(_clean_parts(item, multiline=multiline) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _clean_parts(old, multiline=field.name in MULTILINE_FIELDS)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
