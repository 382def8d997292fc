"""Chinese in either script: the Simplified and Traditional spellings of a search term.

A query-side expansion: the index keeps the text as written, and a CJK term is looked up as
an OR of its spellings, so ``头痛`` finds ``頭痛`` and back. The conversion is OpenCC's
dictionaries through ``opencc-python-reimplemented`` (a pure-Python wheel: it installs on any
machine and Python with no compiler). Its converters load their dictionaries once, on first
use (about 0.1 s).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

from qatui.corpus.search.cjk import has_cjk
from qatui.corpus.search.syntax import Term

CONVERSIONS = ("s2t", "s2tw", "t2s", "tw2s")
"""Simplified to Traditional (OpenCC's standard and Taiwan's), and back."""
MAX_VARIANTS = 6


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@functools.cache
def _converters() -> tuple[Callable[[str], str], ...]:
    from opencc import OpenCC  # type: ignore[import-untyped]

    converters: list[_Converter] = [OpenCC(name) for name in CONVERSIONS]
    return tuple(converter.convert for converter in converters)


@functools.lru_cache(maxsize=4096)
def script_variants(text: str) -> tuple[str, ...]:
    """``text`` as typed, then its other spellings (Simplified, Traditional), no repeats.

    Text with no CJK character has no other spelling.
    """
    if not has_cjk(text):
        return (text,)
    variants = dict.fromkeys([text, *(convert(text) for convert in _converters())])
    return tuple(variant for variant in variants if variant)[:MAX_VARIANTS]


def term_variants(term: Term) -> tuple[Term, ...]:
    """A CJK term in each of its spellings (the term itself first); a Latin term alone.

    Each token converts alone, so a phrase keeps its tokens and a prefix stays a prefix.
    """
    if not term.is_cjk:
        return (term,)
    spellings = [script_variants(token) for token in term.tokens]
    count = max(len(options) for options in spellings)
    variants = dict.fromkeys(
        Term(tuple(options[min(i, len(options) - 1)] for options in spellings), term.kind)
        for i in range(count)
    )
    return tuple(variants)
