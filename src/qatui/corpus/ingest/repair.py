"""Repairing scraped text at import, before control characters are stripped.

Three steps, each optional and counted by the importer:

- ``backslashes``: the Taiwanese site escaped every 0x5C byte of its Big5 text, so a character
  whose second Big5 byte is 0x5C (功 許 蓋 餐 ...) comes out with a stray backslash after it
  (``功\\能``), and quotes come out as ``\\”`` or ``\\\\\\”``. The backslashes go.
- ``mojibake``: UTF-8 read as Latin-1 or Windows-1252 (``stoolâ\\x80\\x99s``), fixed with ftfy,
  limited to re-decoding text (no HTML unescaping, no width or quote changes).
- ``nfc``: Unicode NFC, so that the same word is stored the same way. It does not turn
  Simplified into Traditional Chinese or back: both stay as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

BACKSLASHES = "backslashes"
MOJIBAKE = "mojibake"
NFC = "nfc"
REPAIR_STEPS = (BACKSLASHES, MOJIBAKE, NFC)
"""Every repair, in the order they run."""

BIG5_CODECS = ("big5", "cp950", "big5hkscs")


@functools.cache
def big5_5c_characters() -> str:
    """The Han characters whose Big5 (or CP950, Big5-HKSCS) form ends in the byte 0x5C (the
    few kana, Greek and Cyrillic letters with that byte are left out: a backslash after them is
    more likely meant)."""
    found: set[str] = set()
    for codec in BIG5_CODECS:
        for lead in range(0x81, 0xFF):
            try:
                found.add(bytes((lead, 0x5C)).decode(codec))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(char for char in found if unicodedata.name(char, "").startswith("CJK")))


@functools.cache
def _after_5c() -> re.Pattern[str]:
    return re.compile(f"([{re.escape(big5_5c_characters())}])\\\\")


_BEFORE_QUOTE = re.compile(r"\\+(?=[\"'“”‘’「」『』])")


def repair_backslashes(text: str) -> str:
    """Drop the site's escaping backslashes: after a 0x5C Big5 character, and before quotes."""
    if "\\" not in text:
        return text
    return _BEFORE_QUOTE.sub("", _after_5c().sub(r"\1", text))


@functools.cache
def _ftfy_config() -> object:
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


@functools.cache
def _mojibake_characters() -> re.Pattern[str]:
    """Any of the non-ASCII characters that ftfy's mojibake heuristic (``BADNESS_RE``) names,
    written, escaped or as a range; every one of its patterns needs one, so a text holding
    none is one ftfy leaves as it is."""
    from ftfy.badness import BADNESS_RE

    pattern = BADNESS_RE.pattern
    named = {char for char in pattern if ord(char) >= 0x80}
    named |= {chr(int(code, 16)) for code in re.findall(r"\\x([0-9a-fA-F]{2})", pattern)}
    for low, high in re.findall(r"(.)-(.)", pattern, re.DOTALL):
        if ord(high) >= 0x80:
            named |= {chr(code) for code in range(ord(low), ord(high) + 1)}
    return re.compile("[" + "".join(re.escape(char) for char in sorted(named)) + "]")


def repair_mojibake(text: str) -> str:
    """Re-decode text that was decoded with the wrong encoding (ftfy's ``fix_encoding``).

    ftfy leaves a line alone unless its heuristic finds mojibake in it, and that needs one of
    a few hundred characters: text without any is returned at once.
    """
    if text.isascii() or not _mojibake_characters().search(text):
        return text
    from ftfy import fix_text

    return fix_text(text, _ftfy_config())  # type: ignore[arg-type]


def repair_nfc(text: str) -> str:
    """Unicode NFC."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


_STEP_FUNCTIONS: dict[str, Callable[[str], str]] = {
    BACKSLASHES: repair_backslashes,
    MOJIBAKE: repair_mojibake,
    NFC: repair_nfc,
}


def check_steps(steps: Iterable[str]) -> tuple[str, ...]:
    """``steps`` in their running order; ValueError naming an unknown one."""
    wanted = set(steps)
    unknown = wanted - set(REPAIR_STEPS)
    if unknown:
        raise ValueError(
            f"unknown text repair {sorted(unknown)[0]!r}; one of {', '.join(REPAIR_STEPS)}"
        )
    return tuple(step for step in REPAIR_STEPS if step in wanted)


class TextRepair:
    """Runs the chosen steps over a record's texts and remembers which steps changed it."""

    def __init__(self, steps: Iterable[str] = REPAIR_STEPS) -> None:
        self.steps = check_steps(steps)
        self._functions = [(step, _STEP_FUNCTIONS[step]) for step in self.steps]
        self.changed: set[str] = set()
        """The steps that changed something since the last :meth:`take_changes`."""

    def __call__(self, text: str) -> str:
        if text.isascii() and "\\" not in text:  # nothing any step would change
            return text
        for step, function in self._functions:
            repaired = function(text)
            if repaired != text:
                self.changed.add(step)
                text = repaired
        return text

    def take_changes(self) -> set[str]:
        """The steps that changed the record just read; forgets them."""
        changed, self.changed = self.changed, set()
        return changed
