"""Make untrusted corpus text safe for a terminal: no control characters, no escape sequences."""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/PM/APC/SOS (up to BEL or ST), others.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI
    | \x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC, DCS, SOS, PM, APC
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | [\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # 8-bit string controls
    | \x1b[ -/]*[0-~]?                  # other ESC sequences (charset, keypad, ...)
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, C1 controls, bidirectional overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters; keep newlines, turn tabs into spaces."""
    if text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return text.replace("\t", "    ")


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, for text shown on one line: newlines become spaces."""
    return clean_text(text).replace("\n", " ")


def has_control(text: str) -> bool:
    """True when ``text`` holds something :func:`clean_text` would remove."""
    return clean_text(text) != text
