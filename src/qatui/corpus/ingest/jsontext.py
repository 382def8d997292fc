"""Decoding untrusted JSON safely: deep nesting and huge numbers are errors, not tracebacks.

The standard decoder raises RecursionError on deeply nested input and ValueError (not
JSONDecodeError) on an integer of more than ``sys.get_int_max_str_digits()`` digits. Both
become :class:`JsonValueError`, which callers turn into an error for that one record.
"""

from __future__ import annotations

import json
import sys
from typing import Any


class JsonValueError(ValueError):
    """A JSON text that cannot be decoded: ``msg`` says why, ``pos`` where (when known)."""

    def __init__(self, msg: str, pos: int | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.pos = pos


class _TooManyDigits(Exception):
    """An integer literal past the interpreter's digit limit (raised inside the decoder)."""


def _parse_int(literal: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(literal.lstrip("-")) > limit:
        raise _TooManyDigits(literal)
    return int(literal)


DECODER = json.JSONDecoder(parse_int=_parse_int)
"""The shared decoder: ints checked for length before conversion."""


def _too_many_digits(error: _TooManyDigits) -> JsonValueError:
    digits = len(str(error.args[0]).lstrip("-"))
    return JsonValueError(f"a number of {digits} digits (at most {sys.get_int_max_str_digits()})")


def raw_decode(text: str, pos: int = 0) -> tuple[Any, int]:
    """One JSON value starting at ``pos``: the value and where it ends."""
    try:
        return DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as error:
        raise JsonValueError(error.msg, error.pos) from None
    except RecursionError:
        raise JsonValueError("nested too deeply", pos) from None
    except _TooManyDigits as error:
        raise _too_many_digits(error) from None


def loads(text: str) -> Any:
    """The JSON value ``text`` holds (white space around it allowed)."""
    try:
        return DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise JsonValueError(error.msg, error.pos) from None
    except RecursionError:
        raise JsonValueError("nested too deeply") from None
    except _TooManyDigits as error:
        raise _too_many_digits(error) from None
