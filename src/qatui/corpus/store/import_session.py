"""What one import has met so far: the rows it wrote and the questions they went to.

A row equal to one met before in the same import is a duplicate row; with one row per answer,
the first row of a question in an import decides its fields. Both are kept in temporary
tables on the writing connection, so a batch or record that rolls back forgets its rows too.
"""

from __future__ import annotations

import hashlib
import sqlite3

from qatui.corpus.ingest.identity import Identity


def row_digest(record_hash: str, identity: Identity) -> bytes:
    """What makes two rows the same row: the question they are and everything they say
    (``record_hash``, the record's content hash)."""
    who = identity.hex() if isinstance(identity, bytes) else f"site {identity}"
    text = f"{who}\x1f{record_hash}"
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


class ImportSession:
    """The rows and questions one import has met (see the module's docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_rows (digest BLOB PRIMARY KEY) WITHOUT ROWID"
        )
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_questions (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.import_rows")
        conn.execute("DELETE FROM temp.import_questions")
        self.made_partials: set[int] = set()
        """The partial questions this import made (from links, or from partial records)."""
        self.partial_records: set[int] = set()
        """The partial questions a partial record of this import has been counted for."""

    def has_row(self, digest: bytes) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM temp.import_rows WHERE digest = ?", (digest,)
        ).fetchone()
        return found is not None

    def has_question(self, question_id: int) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM temp.import_questions WHERE id = ?", (question_id,)
        ).fetchone()
        return found is not None

    def note(self, digest: bytes, question_id: int) -> None:
        """The row ``digest`` went to question ``question_id``."""
        self.conn.execute("INSERT OR IGNORE INTO temp.import_rows VALUES (?)", (digest,))
        self.conn.execute("INSERT OR IGNORE INTO temp.import_questions VALUES (?)", (question_id,))

    def close(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.import_rows")
        self.conn.execute("DROP TABLE IF EXISTS temp.import_questions")
