"""What writing a record needs that depends on the record alone: its text cleaned, which
question it is and a hash of what it says. :meth:`Store.upsert
<qatui.corpus.store.writer.Store.upsert>` computes it for a plain record; a page-parsing
process computes it beside the parsing, so the writing process does not."""

from __future__ import annotations

from dataclasses import dataclass

from qatui.corpus.ingest.identity import Identity, content_hash, identity_of
from qatui.corpus.ingest.sanitize import clean_record
from qatui.corpus.model import Record


@dataclass(frozen=True)
class PreparedRecord:
    """A record cleaned, with its identity and content hash."""

    record: Record
    identity: Identity
    content_hash: str
    by_question_text: bool
    """The identity was taken as for one row per answer (see :func:`identity_of`)."""


def prepare_record(record: Record, *, by_question_text: bool = False) -> PreparedRecord:
    """Clean ``record`` and compute its identity and content hash."""
    record = clean_record(record)
    identity = identity_of(record, by_question_text=by_question_text)
    return PreparedRecord(record, identity, content_hash(record.to_json()), by_question_text)


def prepared(item: Record | PreparedRecord, *, by_question_text: bool) -> PreparedRecord:
    """``item`` prepared for writing with ``by_question_text`` (prepared again if it was
    prepared otherwise)."""
    if isinstance(item, PreparedRecord):
        if item.by_question_text == by_question_text:
            return item
        item = item.record
    return prepare_record(item, by_question_text=by_question_text)


def plain_record(item: Record | PreparedRecord) -> Record:
    """The record itself."""
    return item.record if isinstance(item, PreparedRecord) else item
