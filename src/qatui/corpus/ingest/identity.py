"""Which question a record is: its stable id, and the key that tells two questions apart.

A record with the site's number is that question. Without one, its source URL says which page
it is; without that, what the asker wrote does: the specialty, title, subject, question text,
ask date and asker together, so two askers with the same title stay two questions.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from typing import Any

from qatui.corpus.model import Asker, Record

DERIVED_ID_BASE = 1 << 51
"""Derived ids live in [2**51, 2**52): far above the site's numbers, exact in JSON doubles.
Site numbers are below it, so the two never meet."""


def normalise(text: str | None) -> str:
    """Case-, width- and space-insensitive form of a title or specialty, for matching."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def is_site_id(question_id: int | None) -> bool:
    """True for the site's own question numbers (below :data:`DERIVED_ID_BASE`)."""
    return question_id is not None and 0 < question_id < DERIVED_ID_BASE


@lru_cache(maxsize=4096)
def derived_id(specialty: str, title: str, asked_on: str | None) -> int:
    """The id a question without a site number is first offered: from its specialty, title
    and ask date. Two different questions may be offered the same one (the titles
    ``多少？`` and ``多少?``): the second then takes :func:`another_id`. Cached: writing a
    page asks it more than once (the page, then any partial standing for it)."""
    key = "\x1f".join((normalise(specialty), normalise(title), asked_on or ""))
    return _derived(key.encode("utf-8"))


def another_id(key: bytes, attempt: int) -> int:
    """The ``attempt``-th other derived id for the question with identity ``key``."""
    return _derived(key + attempt.to_bytes(4, "big"))


def _derived(seed: bytes) -> int:
    import hashlib  # not at import: searching never hashes

    digest = hashlib.sha256(seed).digest()
    return DERIVED_ID_BASE + (int.from_bytes(digest[:8], "big") % DERIVED_ID_BASE)


def _plain(text: str | None) -> str:
    """Text as it identifies a question: NFC, runs of white space as one space; case, width
    and punctuation kept (``？`` and ``?`` differ)."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(kind: str, *parts: str) -> bytes:
    import hashlib

    encoded = json.dumps([kind, *parts], ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).digest()[:16]


def content_key(
    specialty: str,
    title: str,
    subject: str | None,
    question: str,
    asked_on: str | None,
    asker: Asker | None,
) -> bytes:
    """The identity of a question known only by what it says (no site number, no URL)."""
    asker = asker or Asker()
    return _key(
        "content",
        normalise(specialty),
        _plain(title),
        _plain(subject),
        _plain(question),
        asked_on or "",
        _plain(asker.name),
        _plain(asker.age),
        _plain(asker.gender),
    )


def url_key(source_url: str) -> bytes:
    """The identity of a question known by its page's address."""
    return _key("url", source_url.strip())


Identity = int | bytes
"""Which question a record is: the site's number, or a 16-byte key (see :func:`identity_of`)."""


def identity_of(record: Record, *, by_question_text: bool = False) -> Identity:
    """The site's number when the record has one; else a key over its source URL; else over
    what its asker wrote.

    ``by_question_text`` (one row per answer): rows without a URL are the same question when
    their question text agrees, whatever else they say.
    """
    if record.id is not None and is_site_id(record.id):
        return record.id
    if record.source_url and record.source_url.strip():
        return url_key(record.source_url)
    if by_question_text and _plain(record.question):
        return _key("text", _plain(record.question))
    return content_key(
        record.specialty,
        record.title,
        record.subject,
        record.question,
        record.asked_on,
        record.asker,
    )


def kept_apart_key(key: bytes, question_id: int) -> bytes:
    """A key of its own for a question stored before identities beside another that has
    ``key`` (an older qatui kept them apart; they stay apart)."""
    return _key("kept apart", key.hex(), str(question_id))


def content_hash(record_json: dict[str, Any]) -> str:
    """A hash of everything a record says except its id, to tell "unchanged" from "updated"."""
    import hashlib

    body = {key: value for key, value in record_json.items() if key != "id"}
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
