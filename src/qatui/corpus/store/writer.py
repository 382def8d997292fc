"""The one place that writes records into a corpus database (upsert, link resolution)."""

from __future__ import annotations

import contextlib
import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.identity import (
    DERIVED_ID_BASE,
    Identity,
    another_id,
    content_hash,
    derived_id,
)
from qatui.corpus.ingest.prepared import PreparedRecord, prepared
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.store.database import (
    DatabaseInfo,
    check_integrity,
    closed_on_failure,
    connect,
    use_wal,
    writable,
)
from qatui.corpus.store.excerpts import FROM_TARGET, TargetText, stored_link, written_link
from qatui.corpus.store.import_session import ImportSession, row_digest
from qatui.corpus.store.lean_migration import MigrationProgress
from qatui.corpus.store.migrations import MigrationNotice, existing_version, migrate
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.specialties import SpecialtyIds


class Outcome(enum.Enum):
    """What importing one record (one row of the input) did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate row"
    """The row repeats one met before in the same import, and changes nothing."""
    ADDED_REPLY = "added reply"
    """(One row per answer) the row's reply joined its question's replies."""
    CONFLICTING = "conflicting row"
    """(One row per answer) the row's question says something else than the first row of it
    in this import: the first row's fields are kept, the row's reply joined the question."""
    NEW_PARTIAL = "new partial (known only from a link)"
    """The record is a question known only from a link (``"partial": true``, as qatui's
    exports mark one): stored as a partial question, as a link to it would have made it."""


class Store:
    """A corpus database: the one place that writes records."""

    def __init__(self, conn: sqlite3.Connection, info: DatabaseInfo) -> None:
        self.conn = conn
        self.info = info
        self._specialties = SpecialtyIds(conn)
        self._session: ImportSession | None = None

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        read_only: bool | None = None,
        progress: MigrationProgress | None = None,
        notice: MigrationNotice | None = None,
    ) -> Store:
        """Open (creating or migrating as needed) the database at ``path``; ``progress``
        hears (questions copied, questions in all) from a migration that rebuilds tables,
        ``notice`` what a migration will do and the space it needs, before it starts."""
        path = Path(path)
        if read_only is None:
            read_only = not writable(path)
        if read_only and not path.exists():
            raise StoreError(f"{path} does not exist and cannot be created (read-only location)")
        if not read_only and str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, read_only=read_only, wal=False)
        with closed_on_failure(conn, path):
            version = existing_version(conn, path)
            if read_only:
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} has schema {version}, this qatui needs {SCHEMA_VERSION}, and the "
                        "file is read-only so it cannot be migrated."
                    )
                return cls(conn, DatabaseInfo(path, True))
            migrated_from, backup = migrate(conn, path, progress=progress, notice=notice)
            use_wal(conn, path)
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
        mark = self._specialties.mark()
        try:
            yield
        except BaseException:
            self._specialties.forget_since(mark)  # ids made in this transaction are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        self._specialties.committed()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: a failure undoes only this part."""
        self.conn.execute("SAVEPOINT record")
        mark = self._specialties.mark()
        try:
            yield
        except BaseException:
            self._specialties.forget_since(mark)  # ids made in this savepoint are gone
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO record")
                self.conn.execute("RELEASE record")
            raise
        self.conn.execute("RELEASE record")

    # -- writing -----------------------------------------------------------------------------

    def specialty_id(self, name: str) -> int:
        """The id of a specialty, created on first use."""
        return self._specialties.id_of(name)

    def find_by_title(self, specialty_id: int, title: str) -> tuple[int, bool] | None:
        """The question with this title in this specialty (full pages first): (id, is_partial)."""
        row = self.conn.execute(
            "SELECT id, is_partial FROM questions WHERE specialty_id = ? AND title = ? "
            "ORDER BY is_partial, id LIMIT 1",
            (specialty_id, title),
        ).fetchone()
        return (int(row[0]), bool(row[1])) if row else None

    @contextmanager
    def importing(self) -> Iterator[None]:
        """One import: inside it, a row equal to one met before is a duplicate row, and with
        one row per answer the first row of a question decides its fields."""
        self._session = ImportSession(self.conn)
        try:
            yield
        finally:
            session, self._session = self._session, None
            with contextlib.suppress(sqlite3.Error):  # a failing disk must not hide its error
                session.close()

    def upsert(self, record: Record | PreparedRecord, *, replies_per_row: bool = False) -> Outcome:
        """Write one record: new, updated in place, or unchanged when nothing differs.

        Which question a record is: its site number, else its source URL, else what its asker
        wrote (see :mod:`qatui.corpus.ingest.identity`); two different questions are never
        one. ``replies_per_row``: the record is one row of a question with one row per answer
        (rows without a URL are the same question when their question text agrees): its
        reply joins the question's replies. Its text is cleaned of control characters here,
        whatever made the record (or where it was prepared: see
        :mod:`qatui.corpus.ingest.prepared`).
        """
        ready = prepared(record, by_question_text=replies_per_row)
        record, identity, record_hash = ready.record, ready.identity, ready.content_hash
        if record.partial:
            return self._keep_partial(record)
        specialty_id = self.specialty_id(record.specialty)
        found = self._find(identity)
        wrote = True
        if found is None:
            question_id = self._add_question(record, record_hash, identity, specialty_id)
            outcome = Outcome.NEW
        elif replies_per_row:
            question_id = found[0]
            outcome, wrote = self._merge_row(record, identity, specialty_id, found)
        else:
            question_id, stored_hash = found
            outcome, wrote = Outcome.UNCHANGED, False
            if record_hash != stored_hash:
                self._rewrite(record, record_hash, question_id, identity, specialty_id)
                outcome, wrote = Outcome.UPDATED, True
        session = self._session
        if session is not None:
            digest = row_digest(record_hash, identity)
            if not wrote and session.has_row(digest):
                outcome = Outcome.DUPLICATE  # a repeat that changes nothing
            session.note(digest, question_id)
        return outcome

    def _keep_partial(self, record: Record) -> Outcome:
        """A question known only from a link, stored as the partial a link to it makes (the
        same id, found by its page's record and by links alike). New partial also when a page
        of this import made it already (an export lists the pages before their partials);
        unchanged when its page, or a partial of it from before, is here; a duplicate row when
        this import counted it already."""
        specialty_id = self.specialty_id(record.specialty)
        key = (specialty_id, record.title)
        found = self._find_targets([key]).get(key)
        if found is not None and found[1] is not None:
            return Outcome.UNCHANGED  # its page is here
        partial_id = (
            found[0] if found is not None else derived_id(record.specialty, record.title, None)
        )
        session = self._session
        if session is not None:
            if partial_id in session.partial_records:
                return Outcome.DUPLICATE
            session.partial_records.add(partial_id)
        if found is not None or self._taken_ids({partial_id}):
            made_now = session is not None and partial_id in session.made_partials
            return Outcome.NEW_PARTIAL if made_now else Outcome.UNCHANGED
        reply = record.reply
        link = SimilarLink(
            record.title,
            record.question or None,
            reply.doctor if reply else None,
            record.specialty,
            reply.body if reply else None,
        )
        self._add_partials([(partial_id, specialty_id, link)])
        return Outcome.NEW_PARTIAL

    def _find(self, identity: Identity) -> tuple[int, str] | None:
        """The stored question that is ``identity``: (id, content hash), or None."""
        if isinstance(identity, int):
            row = self.conn.execute(
                "SELECT id, content_hash FROM questions WHERE id = ? AND is_partial = 0",
                (identity,),
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT id, content_hash FROM questions WHERE identity = ?", (identity,)
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def _add_question(
        self, record: Record, record_hash: str, identity: Identity, specialty_id: int
    ) -> int:
        """Write a question not stored yet; a partial standing for it is filled in place in
        one UPDATE, which gives it the question's own id (links follow through ON UPDATE
        CASCADE) and keeps its row id (so the full-text index is updated once)."""
        partials = self._partials_of(record, specialty_id)
        partial_id = partials[0] if partials else None
        if isinstance(identity, int):
            question_id = identity
        else:
            question_id = self._free_id(record, identity, partial_id)
        self._write_question(
            record,
            question_id,
            identity,
            specialty_id,
            record_hash,
            replacing=partial_id,
            replacing_partial=True,
        )
        if partial_id is not None:  # links to the partial now lead to a full page
            self._restate_links(question_id, None, self._target_text(question_id))
        # Any other partial standing for it (one matched by title, one by normalised title)
        # was found with the first: writing the page makes none (its links find it first).
        self._absorb_partials(question_id, partials[1:])
        return question_id

    def _free_id(self, record: Record, key: bytes, partial_id: int | None) -> int:
        """The id a new question without a site number gets: the one it carries from an
        export if free, else the one derived from its specialty, title and date if free,
        else the first free one derived from its identity ``key``."""
        carried = record.id if _is_derived(record.id) else None
        offered = derived_id(record.specialty, record.title, record.asked_on)
        for candidate in (carried, offered):
            if candidate is not None and self._is_free(candidate, partial_id):
                return candidate
        attempt = 1
        while not self._is_free(other := another_id(key, attempt), partial_id):
            attempt += 1
        return other

    def _is_free(self, question_id: int, partial_id: int | None) -> bool:
        if question_id == partial_id:
            return True
        taken = self.conn.execute("SELECT 1 FROM questions WHERE id = ?", (question_id,))
        return taken.fetchone() is None

    def _rewrite(
        self,
        record: Record,
        record_hash: str,
        question_id: int,
        identity: Identity,
        specialty_id: int,
    ) -> None:
        """Write ``record`` (whose content hash is ``record_hash``) over the stored question."""
        before = self._target_text(question_id)
        self._write_question(
            record, question_id, identity, specialty_id, record_hash, replacing=question_id
        )
        after = self._target_text(question_id)
        if before != after:  # what links to it quoted from it stays what they quoted
            self._restate_links(question_id, before, after)
        self._absorb_partials(question_id, self._partials_of(record, specialty_id))

    def _merge_row(
        self, record: Record, identity: Identity, specialty_id: int, found: tuple[int, str]
    ) -> tuple[Outcome, bool]:
        """One row of a stored question (one row per answer): its reply joins the others.
        What it did, and whether it wrote anything."""
        question_id, stored_hash = found
        replies = self._replies_of(question_id)
        added = tuple(dict.fromkeys(r for r in record.replies if r not in replies))
        same_fields = content_hash(replace(record, replies=replies).to_json()) == stored_hash
        met = self._session is not None and self._session.has_question(question_id)
        if not same_fields and not met:  # the first row of it in this import decides
            merged = replace(record, replies=replies + added)
            merged_hash = content_hash(merged.to_json())
            self._rewrite(merged, merged_hash, question_id, identity, specialty_id)
            return Outcome.UPDATED, True
        if not added:
            return Outcome.UNCHANGED if same_fields else Outcome.CONFLICTING, False
        stored = None if same_fields else CorpusReader(self.conn).record(question_id)
        kept = stored or record
        self._append_replies(question_id, replace(kept, replies=replies + added), len(replies))
        return Outcome.ADDED_REPLY if same_fields else Outcome.CONFLICTING, True

    def _replies_of(self, question_id: int) -> tuple[Reply, ...]:
        return tuple(
            Reply(*row)
            for row in self.conn.execute(
                "SELECT doctor, specialty, body, replied_on FROM reply_bodies "
                "WHERE question_id = ? ORDER BY position",
                (question_id,),
            )
        )

    def _append_replies(self, question_id: int, merged: Record, start: int) -> None:
        """Store the replies of ``merged`` from position ``start`` on, and its new text."""
        self._write_replies(question_id, merged.replies, start=start)
        self.conn.execute(
            "UPDATE questions SET reply_text = ?, content_hash = ? WHERE id = ?",
            (_reply_text(merged), content_hash(merged.to_json()), question_id),
        )

    def _partials_of(self, record: Record, specialty_id: int) -> list[int]:
        """The partial questions standing for this page: same specialty and title, the title
        compared exactly or as its normalised form (through the partial's derived id)."""
        rows = self.conn.execute(
            "SELECT id FROM questions WHERE is_partial = 1 AND "
            "(id = ? OR (specialty_id = ? AND title = ?))",
            (derived_id(record.specialty, record.title, None), specialty_id, record.title),
        ).fetchall()
        return [int(row[0]) for row in rows]

    def _absorb_partials(self, record_id: int, partials: list[int]) -> None:
        """Links to these partials of the page (e.g. after its title changed to theirs, or it
        moved specialty) now lead to the page; the partials go."""
        for partial in partials:
            self.conn.execute(
                "UPDATE similar_links SET target_id = ? WHERE target_id = ?",
                (record_id, partial),
            )
            self.conn.execute("DELETE FROM questions WHERE id = ?", (partial,))

    def _write_question(
        self,
        record: Record,
        record_id: int,
        identity: Identity,
        specialty_id: int,
        digest: str,
        *,
        replacing: int | None = None,
        replacing_partial: bool = False,
    ) -> None:
        """Insert the question, or write it over the row whose id is ``replacing`` (giving
        that row the id ``record_id``), with its replies and links. ``replacing_partial``:
        that row is a partial question, which has no links of its own (a partial is made
        only as the target of links, see :meth:`_add_partials`)."""
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
            "reply_text": _reply_text(record),
            "doctor": record.reply.doctor if record.reply else None,
            "more_info": record.more_info,
            "source_url": record.source_url,
            "is_partial": 0,
            "content_hash": digest,
            "identity": identity if isinstance(identity, bytes) else None,
        }
        old_targets: set[int] = set()
        if replacing is not None:
            # The old replies and links go first: moved to a new id by ON UPDATE CASCADE
            # (each reply firing the reply-delay triggers) only to be deleted, they cost
            # three times the statements. A partial has its excerpt's reply but no links.
            children: tuple[str, ...] = ("replies",)
            if not replacing_partial:
                children = CHILD_TABLES
                old_targets = self._partial_targets(replacing)
            for table in children:
                self.conn.execute(f"DELETE FROM {table} WHERE question_id = ?", (replacing,))
            assignments = ", ".join(f"{column} = :{column}" for column in values)
            if replacing != record_id:
                assignments = "id = :id, " + assignments
            self.conn.execute(
                f"UPDATE questions SET {assignments} WHERE id = :old",
                {**values, "id": record_id, "old": replacing},
            )
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
        if record.similar:
            targets = self._link_targets(record.similar, record.specialty)
            self.conn.executemany(
                "INSERT INTO similar_links (question_id, position, target_id, title, "
                "question_excerpt, doctor, specialty, reply_excerpt, read_more, derived) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (record_id, position, target, *stored_link(link, target_text))
                    for position, (link, (target, target_text)) in enumerate(
                        zip(record.similar, targets, strict=True)
                    )
                ],
            )
        self._drop_orphan_partials(old_targets)

    def _write_replies(
        self, question_id: int, replies: tuple[Reply, ...], *, start: int = 0
    ) -> None:
        """Store replies from position ``start`` on, each as its place in the question's
        ``reply_text`` (every body joined by a blank line, see :func:`_reply_text`)."""
        rows = []
        offset = 0
        for n, reply in enumerate(replies):
            if n >= start:
                rows.append(
                    (question_id, n, reply.doctor, reply.specialty, offset, len(reply.body),
                     reply.replied_on, reply.hospital)
                )  # fmt: skip
            offset += len(reply.body) + len(REPLY_SEPARATOR)
        self.conn.executemany(_INSERT_REPLY, rows)

    def _link_targets(
        self, links: tuple[SimilarLink, ...], page_specialty: str
    ) -> list[tuple[int, TargetText | None]]:
        """The questions a page's Similar Q&A entries point at, in their order, and what a
        full one shows of itself in a link (None for a partial); an unknown one is made as a
        partial question. The same as looking each up in turn (the first entry naming an
        unknown title makes its partial, a later one naming it again finds that partial),
        in at most two queries and two inserts for them all."""
        specialties = [link.specialty or page_specialty for link in links]
        specialty_ids = [self.specialty_id(name) for name in specialties]
        keys = list(zip(specialty_ids, (link.title for link in links), strict=True))
        found = self._find_targets(list(dict.fromkeys(keys)))
        derived = {
            n: derived_id(specialties[n], link.title, None)
            for n, link in enumerate(links)
            if keys[n] not in found
        }
        taken = self._taken_ids(set(derived.values()))
        targets: list[tuple[int, TargetText | None]] = []
        made: dict[int, int] = {}  # derived id -> position of the entry that made the partial
        for n, key in enumerate(keys):
            target = found.get(key)
            if target is not None:
                targets.append(target)
                continue
            partial_id = derived[n]
            if partial_id not in taken:  # unknown: made from this entry
                taken.add(partial_id)
                made[partial_id] = n
            targets.append((partial_id, None))
        if made:
            self._add_partials(
                [(partial_id, specialty_ids[n], links[n]) for partial_id, n in made.items()]
            )
        return targets

    def _find_targets(
        self, keys: list[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, TargetText | None]]:
        """The stored question for each (specialty id, title): a full one first, else the
        partial of lowest id; with what a full one shows of itself in a link. At most
        :data:`LOOKUP_CHUNK` keys a query (SQLite caps the values one statement binds)."""
        found: dict[tuple[int, str], tuple[int, TargetText | None]] = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            wanted = ", ".join("(?, ?, ?)" for _ in chunk)
            params = [value for n, (specialty_id, title) in enumerate(chunk)
                      for value in (n, specialty_id, title)]  # fmt: skip
            rows = self.conn.execute(
                f"WITH wanted(n, specialty_id, title) AS (VALUES {wanted}) "
                f"SELECT w.n, q.id, q.is_partial, {TARGET_COLUMNS} FROM wanted w "
                "CROSS JOIN questions q ON q.id = (SELECT f.id FROM questions f "
                "WHERE f.specialty_id = w.specialty_id AND f.title = w.title "
                "ORDER BY f.is_partial, f.id LIMIT 1) "
                "JOIN specialties s ON s.id = q.specialty_id",
                params,
            )
            for row in rows:
                target = None if row[2] else TargetText(*row[3:])
                found[chunk[int(row[0])]] = (int(row[1]), target)
        return found

    def _taken_ids(self, ids: set[int]) -> set[int]:
        """Which of ``ids`` a stored question has (:data:`LOOKUP_CHUNK` a query)."""
        wanted = sorted(ids)
        taken: set[int] = set()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = self.conn.execute(f"SELECT id FROM questions WHERE id IN ({marks})", chunk)
            taken.update(int(row[0]) for row in rows)
        return taken

    def _add_partials(self, partials: list[tuple[int, int, SimilarLink]]) -> None:
        """Store partial questions (id, specialty id, the link entry they are made from):
        the entry's excerpts are all their text, its reply their one reply."""
        if self._session is not None:
            self._session.made_partials.update(partial_id for partial_id, _, _ in partials)
        self.conn.executemany(
            "INSERT INTO questions (id, specialty_id, title, question, reply_text, doctor, "
            "is_partial) VALUES (?, ?, ?, ?, ?, ?, 1)",
            [
                (
                    partial_id,
                    specialty_id,
                    link.title,
                    link.question_excerpt or "",
                    link.reply_excerpt or "",
                    link.doctor,
                )
                for partial_id, specialty_id, link in partials
            ],
        )
        self.conn.executemany(
            _INSERT_REPLY,
            [
                (partial_id, 0, link.doctor, link.specialty, 0, len(link.reply_excerpt or ""),
                 None, None)
                for partial_id, _, link in partials
            ],
        )  # fmt: skip

    def _target_text(self, question_id: int) -> TargetText | None:
        """What a full question shows of itself in a link to it (None: partial or absent)."""
        row = self.conn.execute(
            f"SELECT {TARGET_COLUMNS} FROM questions q JOIN specialties s "
            "ON s.id = q.specialty_id WHERE q.id = ? AND q.is_partial = 0",
            (question_id,),
        ).fetchone()
        return TargetText(*row) if row else None

    def _restate_links(
        self, target_id: int, before: TargetText | None, after: TargetText | None
    ) -> None:
        """Links to ``target_id``, written against ``before`` (None: a partial, nothing
        derived), stored again against ``after``: each keeps what it said, storing only what
        the target does not give."""
        only_derived = f" AND derived & {FROM_TARGET}" if before is not None else ""
        rows = self.conn.execute(
            "SELECT question_id, position, title, question_excerpt, doctor, specialty, "
            f"reply_excerpt, read_more, derived FROM similar_links WHERE target_id = ?"
            f"{only_derived}",
            (target_id,),
        ).fetchall()
        changed = []
        for row in rows:
            stored = tuple(row[2:])
            restated = stored_link(written_link(stored, before), after)
            if restated != stored:
                changed.append((*restated, row[0], row[1]))
        self.conn.executemany(
            "UPDATE similar_links SET title = ?, question_excerpt = ?, doctor = ?, "
            "specialty = ?, reply_excerpt = ?, read_more = ?, derived = ? "
            "WHERE question_id = ? AND position = ?",
            changed,
        )

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


REPLY_SEPARATOR = "\n\n"
CHILD_TABLES = ("replies", "similar_links", "faq_links")
"""The tables holding a question's own rows (by ``question_id``)."""
LOOKUP_CHUNK = 200
"""Link targets looked up at most this many a query: a page may hold any number of links,
and SQLite caps the values one statement binds (32,766 by default, 999 in old builds)."""
_INSERT_REPLY = (
    "INSERT INTO replies (question_id, position, doctor, specialty, body_start, "
    "body_length, replied_on, hospital) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
TARGET_COLUMNS = "q.title, q.doctor, s.name, q.question, q.reply_text"
"""A question's :class:`TargetText`, over ``questions q`` joined to ``specialties s``."""


def _reply_text(record: Record) -> str:
    """Every reply's text, as the full-text index holds it (and the replies point into)."""
    return REPLY_SEPARATOR.join(reply.body for reply in record.replies)


def _is_derived(question_id: int | None) -> bool:
    return question_id is not None and DERIVED_ID_BASE <= question_id < 2 * DERIVED_ID_BASE
