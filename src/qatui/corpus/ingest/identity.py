"""Stable question ids: the site's number when known, else one derived from the page's identity."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

DERIVED_ID_BASE = 1 << 51
"""Derived ids live in [2**51, 2**52): far above the site's numbers, exact in JSON doubles."""

_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """Case-, width- and space-insensitive form of a title or specialty, for matching."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def derived_id(specialty: str, title: str, asked_on: str | None) -> int:
    """An id from what identifies a page: its specialty, its title and its ask date."""
    key = "\x1f".join((normalise(specialty), normalise(title), asked_on or ""))
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return DERIVED_ID_BASE + (int.from_bytes(digest[:8], "big") % DERIVED_ID_BASE)


def content_hash(record_json: dict[str, Any]) -> str:
    """A hash of everything a record says except its id, to tell "unchanged" from "updated"."""
    body = {key: value for key, value in record_json.items() if key != "id"}
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
