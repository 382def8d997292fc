"""Writing a generated corpus straight into a new database, fast (``qatui generate --db``).

Going through :meth:`Store.upsert` costs several queries per page and full-text indexing row by
row; a million pages would take most of an hour. Here worker processes turn blocks of pages
into the very rows an import would leave behind (ids, partial questions for links that lead
nowhere, link targets, content hashes), and one connection inserts them with ``executemany``
while journaling and foreign-key checks are off and the main full-text index waits for one
FTS5 ``rebuild`` at the end. Foreign keys are checked once, at the end.

The database is the one ``qatui import`` of the same pages gives: same schema, same rows
(tests/corpus/test_generate.py compares the two table by table, and the full-text index term
by term), not the same bytes on disk.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.identity import content_hash, identity_of
from qatui.corpus.model import Asker, Record, SimilarLink
from qatui.corpus.search.term_counts import refresh_after_import
from qatui.corpus.store.excerpts import TargetText, stored_link
from qatui.corpus.store.writer import Store
from qatui.synthetic import DEFAULT_SEED
from qatui.synthetic.generate import SPECIALTIES, CorpusPlan, Progress

FTS_TABLE = "questions_fts"
FTS_INSERT_TRIGGER = "questions_fts_insert"
CACHE_KIB = 256 * 1024
QUESTION_COLUMNS = (
    "id, specialty_id, title, subject, question, asker_name, asker_age, asker_gender, "
    "asked_on, reply_text, doctor, more_info, source_url, is_partial, content_hash, identity"
)
INSERTS = {
    "questions": f"INSERT INTO questions ({QUESTION_COLUMNS}) VALUES ({', '.join('?' * 16)})",
    "replies": "INSERT INTO replies (question_id, position, doctor, specialty, body_start, "
    "body_length, replied_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "similar_links": "INSERT INTO similar_links (question_id, position, target_id, title, "
    "question_excerpt, doctor, specialty, reply_excerpt, read_more, derived) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "faq_links": "INSERT INTO faq_links (question_id, position, topic, specialty) "
    "VALUES (?, ?, ?, ?)",
}

Row = tuple[Any, ...]
_SPECIALTY_INDEX = {spec.name: index for index, spec in enumerate(SPECIALTIES)}


@dataclass
class ChunkRows:
    """One block of pages as table rows.

    Specialties are still indexes into :data:`SPECIALTIES` (in ``questions`` rows and partial
    rows); the loader turns them into ids in the order a store would meet them
    (``encounters``), so ids match an import of the same pages.
    """

    encounters: list[int] = field(default_factory=list)
    questions: list[Row] = field(default_factory=list)
    replies: list[Row] = field(default_factory=list)
    similar: list[Row] = field(default_factory=list)
    faq: list[Row] = field(default_factory=list)
    partials: list[tuple[Row, Row]] = field(default_factory=list)
    """(question row, reply row) of each page known only from a link; may repeat."""


def chunk_rows(plan: CorpusPlan, index: int) -> ChunkRows:
    """Block ``index`` of the plan as the rows :meth:`Store.upsert` would leave in the end."""
    rows = ChunkRows()
    for page in plan.chunk(index):
        record = page.record
        own = _SPECIALTY_INDEX[record.specialty]
        rows.encounters.append(own)
        asker = record.asker or Asker()
        rows.questions.append(
            (page.id, own, record.title, record.subject, record.question, asker.name,
             asker.age, asker.gender, record.asked_on,
             "\n\n".join(reply.body for reply in record.replies),
             record.reply.doctor if record.reply else None, record.more_info,
             record.source_url, 0, content_hash(record.to_json()), _identity(record))
        )  # fmt: skip
        rows.replies += _reply_rows(page.id, record)
        rows.faq += [
            (page.id, n, link.topic, link.specialty) for n, link in enumerate(record.related_faq)
        ]
        for n, (link, target) in enumerate(zip(record.similar, page.targets, strict=True)):
            specialty = _SPECIALTY_INDEX[link.specialty or record.specialty]
            rows.encounters.append(specialty)
            target_text = _target_text(plan, target.number) if target.in_corpus else None
            rows.similar.append((page.id, n, target.question_id, *stored_link(link, target_text)))
            if not target.in_corpus:
                rows.partials.append(_partial_rows(target.question_id, specialty, link))
    return rows


def _target_text(plan: CorpusPlan, number: int) -> TargetText:
    """What page ``number`` shows of itself in a link to it, without generating the page: its
    question and reply open with what the plan says links quote (excerpts read only the first
    paragraph)."""
    index = plan.specialty_of[number]
    return TargetText(
        plan.title(number, index),
        plan.doctor(number, index),
        SPECIALTIES[index].name,
        plan.opening(number, 3),
        plan.opening(number, 4),
    )


def _reply_rows(question_id: int, record: Record) -> list[Row]:
    """The replies as the store writes them: each a place in the joined ``reply_text``."""
    rows: list[Row] = []
    offset = 0
    for n, reply in enumerate(record.replies):
        rows.append(
            (question_id, n, reply.doctor, reply.specialty, offset, len(reply.body),
             reply.replied_on)
        )  # fmt: skip
        offset += len(reply.body) + 2
    return rows


def _identity(record: Record) -> bytes | None:
    """The ``identity`` column an import writes for this record."""
    identity = identity_of(record)
    return identity if isinstance(identity, bytes) else None


def _partial_rows(question_id: int, specialty: int, link: SimilarLink) -> tuple[Row, Row]:
    """A question known only from a Similar Q&A entry, and its reply, as the store writes them."""
    question = (
        question_id,
        specialty,
        link.title,
        None,
        link.question_excerpt or "",
        None,
        None,
        None,
        None,
        link.reply_excerpt or "",
        link.doctor,
        None,
        None,
        1,
        "",
        None,
    )
    reply = (question_id, 0, link.doctor, link.specialty, 0, len(link.reply_excerpt or ""), None)
    return question, reply  # fmt: skip


@dataclass(frozen=True)
class BuildReport:
    """What a bulk build wrote."""

    path: Path
    questions: int
    partial: int


class BulkLoader:
    """Writes generated rows into an empty store: ``start()``, ``write()`` blocks, ``finish()``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.specialty_ids: dict[int, int] = {}
        self.partial_ids: set[int] = set()
        self.questions = 0
        self._fts_trigger: str | None = None

    def start(self) -> None:
        """Check the store is empty; turn off journaling, foreign keys and the FTS trigger."""
        conn = self.conn
        if conn.execute("SELECT 1 FROM questions LIMIT 1").fetchone():
            raise StoreError(f"{self.store.info.path} already holds questions")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,),
        ).fetchone()
        if row is not None:
            self._fts_trigger = str(row[0])
            conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")

    def write(self, rows: ChunkRows) -> None:
        """Write one block in one transaction."""
        ids = self.specialty_ids
        for index in rows.encounters:
            if index not in ids:
                ids[index] = self.store.specialty_id(SPECIALTIES[index].name)
        questions = [(row[0], ids[row[1]], *row[2:]) for row in rows.questions]
        replies = list(rows.replies)
        for question, reply in rows.partials:
            if question[0] not in self.partial_ids:
                self.partial_ids.add(question[0])
                questions.append((question[0], ids[question[1]], *question[2:]))
                replies.append(reply)
        conn = self.conn
        conn.execute("BEGIN")
        try:
            conn.executemany(INSERTS["questions"], questions)
            conn.executemany(INSERTS["replies"], replies)
            conn.executemany(INSERTS["similar_links"], rows.similar)
            conn.executemany(INSERTS["faq_links"], rows.faq)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self.questions += len(rows.questions)

    def finish(self) -> None:
        """Index for full text, count its terms, restore the trigger, check every reference,
        return to WAL."""
        conn = self.conn
        if self._fts_trigger is not None:
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            conn.execute(self._fts_trigger)
            self._fts_trigger = None
        questions = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
        refresh_after_import(conn, int(questions))  # what similar questions and suggestions read
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken is not None:
            raise StoreError(f"the generated corpus has a broken reference: {tuple(broken)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")


# -- worker processes ---------------------------------------------------------------------------

_worker_plan: CorpusPlan | None = None


def _start_worker(plan: CorpusPlan) -> None:
    global _worker_plan
    _worker_plan = plan


def _worker_chunk(index: int) -> ChunkRows:
    if _worker_plan is None:
        raise RuntimeError("worker started without a plan")
    return chunk_rows(_worker_plan, index)


def all_chunk_rows(plan: CorpusPlan, workers: int) -> Iterator[ChunkRows]:
    """Every block's rows in order, made by ``workers`` processes (0: in this process).

    At most two blocks per worker wait at any time, so memory stays flat at any size.
    """
    if workers <= 0 or plan.chunks < 2:
        for index in range(plan.chunks):
            yield chunk_rows(plan, index)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    with context.Pool(workers, initializer=_start_worker, initargs=(plan,)) as pool:
        pending: deque[AsyncResult[ChunkRows]] = deque()
        next_index = 0
        while next_index < plan.chunks or pending:
            while next_index < plan.chunks and len(pending) < 2 * workers:
                pending.append(pool.apply_async(_worker_chunk, (next_index,)))
                next_index += 1
            yield pending.popleft().get()


def build_database(
    path: Path | str,
    count: int,
    seed: int = DEFAULT_SEED,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Generate ``count`` pages straight into a new database at ``path`` (which must not exist).

    The file is built beside ``path`` (``<name>.building``) and renamed into place only when
    complete. ``workers`` defaults to the number of CPUs.
    """
    path = Path(path)
    if path.exists():
        raise StoreError(f"{path} already exists: generate into a new file")
    building = path.with_name(path.name + ".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    if progress:
        progress("planning", 0)
    plan = CorpusPlan(count, seed)
    if workers is None:
        workers = os.cpu_count() or 1
    store = Store.open(building)
    try:
        loader = BulkLoader(store)
        loader.start()
        for rows in all_chunk_rows(plan, workers):
            loader.write(rows)
            if progress:
                progress("writing", len(rows.questions))
        if progress:
            progress("indexing", 0)
        loader.finish()
    except BaseException:
        store.close()
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    store.close()
    building.rename(path)
    return BuildReport(path, loader.questions, len(loader.partial_ids))
