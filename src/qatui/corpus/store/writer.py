"""The one place that writes records into a corpus database (upsert, link resolution)."""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.identity import content_hash, derived_id, normalise
from qatui.corpus.ingest.sanitize import clean_record
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.store.database import (
    DatabaseInfo,
    check_integrity,
    connect,
    describe_database_error,
    use_wal,
    writable,
)
from qatui.corpus.store.migrations import existing_version, migrate
from qatui.corpus.store.schema import SCHEMA_VERSION


class Outcome(enum.Enum):
    """What importing one record did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Store:
    """A corpus database: the one place that writes records."""

    def __init__(self, conn: sqlite3.Connection, info: DatabaseInfo) -> None:
        self.conn = conn
        self.info = info
        self._specialty_ids: dict[str, int] = {}

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool | None = None) -> Store:
        """Open (creating or migrating as needed) the database at ``path``."""
        path = Path(path)
        if read_only is None:
            read_only = not writable(path)
        if read_only and not path.exists():
            raise StoreError(f"{path} does not exist and cannot be created (read-only location)")
        if not read_only and str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, read_only=read_only, wal=False)
        try:
            version = existing_version(conn, path)
            if read_only:
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} has schema {version}, this qatui needs {SCHEMA_VERSION}, and the "
                        "file is read-only so it cannot be migrated."
                    )
                return cls(conn, DatabaseInfo(path, True))
            migrated_from, backup = migrate(conn, path)
            use_wal(conn, path)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(describe_database_error(path, error)) from None
        except StoreError:
            conn.close()
            raise
        return cls(conn, DatabaseInfo(path, False, migrated_from, backup))

    def close(self) -> None:
        self.conn.close()

    def check_integrity(self) -> None:
        """Read the whole file with ``PRAGMA quick_check``; StoreError if it is damaged."""
        check_integrity(self.conn, self.info.path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._specialty_ids.clear()  # ids made in this transaction are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: a failure undoes only this part."""
        self.conn.execute("SAVEPOINT record")
        try:
            yield
        except BaseException:
            self._specialty_ids.clear()  # ids made in this savepoint are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO record")
                self.conn.execute("RELEASE record")
            raise
        self.conn.execute("RELEASE record")

    # -- writing -----------------------------------------------------------------------------

    def specialty_id(self, name: str) -> int:
        """The id of a specialty, created on first use."""
        key = normalise(name)
        cached = self._specialty_ids.get(key)
        if cached is not None:
            return cached
        for row_id, row_name in self.conn.execute("SELECT id, name FROM specialties"):
            self._specialty_ids[normalise(row_name)] = row_id
        if key not in self._specialty_ids:
            cursor = self.conn.execute("INSERT INTO specialties(name) VALUES (?)", (name.strip(),))
            self._specialty_ids[key] = int(cursor.lastrowid or 0)
        return self._specialty_ids[key]

    def find_by_title(self, specialty_id: int, title: str) -> tuple[int, bool] | None:
        """The question with this title in this specialty (full pages first): (id, is_partial)."""
        row = self.conn.execute(
            "SELECT id, is_partial FROM questions WHERE specialty_id = ? AND title = ? "
            "ORDER BY is_partial, id LIMIT 1",
            (specialty_id, title),
        ).fetchone()
        return (int(row[0]), bool(row[1])) if row else None

    def upsert(self, record: Record) -> Outcome:
        """Write one record: new, updated in place, or unchanged when nothing differs.

        Its text is cleaned of control characters here, whatever made the record.
        """
        record = clean_record(record)
        specialty_id = self.specialty_id(record.specialty)
        record_id = record.id or derived_id(record.specialty, record.title, record.asked_on)
        digest = content_hash(record.to_json())
        row = self.conn.execute(
            "SELECT content_hash, is_partial FROM questions WHERE id = ?", (record_id,)
        ).fetchone()
        outcome = Outcome.UPDATED
        if row is None:
            outcome = Outcome.NEW
            partial = self._partial_of(record, specialty_id)
            if partial is not None:
                # The page was known only from a Similar Q&A link: fill it in place, under its
                # own id (links follow through ON UPDATE CASCADE).
                self.conn.execute(
                    "UPDATE questions SET id = ? WHERE id = ?", (record_id, partial[0])
                )
                row = ("", 1)
        elif row[0] == digest and not row[1]:
            return Outcome.UNCHANGED
        elif row[1]:
            outcome = Outcome.NEW
        self._write_question(record, record_id, specialty_id, digest, exists=row is not None)
        self._absorb_partials(record, record_id, specialty_id)
        return outcome

    def _partial_of(self, record: Record, specialty_id: int) -> tuple[int] | None:
        """The partial question standing for this page: same specialty and title, the title
        compared exactly or as its normalised form (through the partial's derived id)."""
        row = self.conn.execute(
            "SELECT id FROM questions WHERE is_partial = 1 AND "
            "(id = ? OR (specialty_id = ? AND title = ?)) LIMIT 1",
            (derived_id(record.specialty, record.title, None), specialty_id, record.title),
        ).fetchone()
        return (int(row[0]),) if row else None

    def _absorb_partials(self, record: Record, record_id: int, specialty_id: int) -> None:
        """Links to a partial of this page now lead to the page (e.g. after its title changed
        to the partial's, or it moved specialty); the partial goes."""
        while (partial := self._partial_of(record, specialty_id)) is not None:
            self.conn.execute(
                "UPDATE similar_links SET target_id = ? WHERE target_id = ?",
                (record_id, partial[0]),
            )
            self.conn.execute("DELETE FROM questions WHERE id = ?", partial)

    def _write_question(
        self, record: Record, record_id: int, specialty_id: int, digest: str, *, exists: bool
    ) -> None:
        asker = record.asker
        values = {
            "specialty_id": specialty_id,
            "title": record.title,
            "subject": record.subject,
            "question": record.question,
            "asker_name": asker.name if asker else None,
            "asker_age": asker.age if asker else None,
            "asker_gender": asker.gender if asker else None,
            "asked_on": record.asked_on,
            "reply_text": "\n\n".join(reply.body for reply in record.replies),
            "doctor": record.reply.doctor if record.reply else None,
            "more_info": record.more_info,
            "source_url": record.source_url,
            "is_partial": 0,
            "content_hash": digest,
        }
        old_targets = self._partial_targets(record_id) if exists else set()
        if exists:
            assignments = ", ".join(f"{column} = :{column}" for column in values)
            self.conn.execute(
                f"UPDATE questions SET {assignments} WHERE id = :id", {**values, "id": record_id}
            )
            for table in ("replies", "similar_links", "faq_links"):
                self.conn.execute(f"DELETE FROM {table} WHERE question_id = ?", (record_id,))
        else:
            columns = ", ".join(values)
            params = ", ".join(f":{column}" for column in values)
            self.conn.execute(
                f"INSERT INTO questions (id, {columns}) VALUES (:id, {params})",
                {**values, "id": record_id},
            )
        self._write_replies(record_id, record.replies)
        self.conn.executemany(
            "INSERT INTO faq_links (question_id, position, topic, specialty) VALUES (?, ?, ?, ?)",
            [
                (record_id, n, link.topic, link.specialty)
                for n, link in enumerate(record.related_faq)
            ],
        )
        for position, link in enumerate(record.similar):
            target = self._link_target(link, record.specialty)
            self.conn.execute(
                "INSERT INTO similar_links (question_id, position, target_id, title, "
                "question_excerpt, doctor, specialty, reply_excerpt, read_more) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record_id,
                    position,
                    target,
                    link.title,
                    link.question_excerpt,
                    link.doctor,
                    link.specialty,
                    link.reply_excerpt,
                    link.read_more,
                ),
            )
        self._drop_orphan_partials(old_targets)

    def _write_replies(self, question_id: int, replies: tuple[Reply, ...]) -> None:
        self.conn.executemany(
            "INSERT INTO replies (question_id, position, doctor, specialty, body, replied_on, "
            "hospital) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (question_id, n, r.doctor, r.specialty, r.body, r.replied_on, r.hospital)
                for n, r in enumerate(replies)
            ],
        )

    def _link_target(self, link: SimilarLink, page_specialty: str) -> int:
        """The question a Similar Q&A entry points at, made as a partial question if unknown."""
        specialty = link.specialty or page_specialty
        specialty_id = self.specialty_id(specialty)
        found = self.find_by_title(specialty_id, link.title)
        if found is not None:
            return found[0]
        partial_id = derived_id(specialty, link.title, None)
        if self.conn.execute("SELECT 1 FROM questions WHERE id = ?", (partial_id,)).fetchone():
            return partial_id  # the same title written with other case or spacing
        self.conn.execute(
            "INSERT INTO questions (id, specialty_id, title, question, reply_text, doctor, "
            "is_partial) VALUES (?, ?, ?, ?, ?, ?, 1)",
            (
                partial_id,
                specialty_id,
                link.title,
                link.question_excerpt or "",
                link.reply_excerpt or "",
                link.doctor,
            ),
        )
        self._write_replies(
            partial_id, (Reply(link.doctor, link.specialty, link.reply_excerpt or ""),)
        )
        return partial_id

    def _partial_targets(self, question_id: int) -> set[int]:
        rows = self.conn.execute(
            "SELECT s.target_id FROM similar_links s JOIN questions q ON q.id = s.target_id "
            "WHERE s.question_id = ? AND q.is_partial = 1",
            (question_id,),
        )
        return {int(row[0]) for row in rows}

    def _drop_orphan_partials(self, candidates: set[int]) -> None:
        for target in candidates:
            self.conn.execute(
                "DELETE FROM questions WHERE id = ? AND is_partial = 1 AND NOT EXISTS "
                "(SELECT 1 FROM similar_links WHERE target_id = ?)",
                (target, target),
            )
