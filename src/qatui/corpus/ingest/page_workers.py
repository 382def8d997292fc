"""Page files read and parsed in worker processes while the importing process writes.

Reading and parsing a page is about a third of an import's CPU time. :class:`PageWorkers`
hands consecutive page files to worker processes in tasks of :data:`FILES_PER_TASK` and
yields exactly what reading them one by one here would: the same records and errors in the
same order. What reading noticed (repairs, ...) is merged into the importer's log and the
bytes read are told to its progress callback as each file's result is taken, in input order.
Anything that is not a page file (JSON, CSV, SQLite, standard input, folder errors, a page
file that turns out to be an SQLite database) is read here, in its place.

Workers start with ``forkserver`` (``spawn`` where there is none): the importer may run in a
thread (the reader app), and forking a process that has threads is unsafe. A worker ignores
Ctrl+C (the importing process handles it and stops the workers) and exits by itself when the
importing process dies, even by ``kill -9`` (a pipe only that process can write closes).
An exception while reading one file becomes that file's error; a task the pool could not
run (a worker killed, a result that cannot be sent back) is read here instead, with a warning.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.prepared import PreparedRecord
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.records import Parsed
from qatui.corpus.ingest.repair import REPAIR_STEPS

AUTO_PAGE_FILES = 300
"""With ``jobs=None``, workers parse once an import has this many page files (a worker costs
about 0.1-0.2 s to start; a page about 0.35 ms to read and parse)."""
FILES_PER_TASK = 64
"""Page files per task: each task and its result cross a pipe once (about 0.5 MB back)."""
TASKS_AHEAD = 4
"""Tasks queued or done but not yet taken, per worker: bounds the records held in memory."""
MAX_AUTO_WORKERS = 2
"""Workers chosen by ``jobs=None`` at most: the writing process is the bottleneck, and one
worker keeps up with it (parsing a page costs about a third of writing it)."""

PAGE_SUFFIXES = frozenset({".txt", ".page"})
SourceItem = str | CorpusInputError
ReadHere = Callable[[str], Iterator[Parsed]]


@dataclass(frozen=True)
class PageOptions:
    """What a worker needs to read page files as the importer would."""

    encoding: str = "utf-8"
    fmt: str | None = None
    repair: tuple[str, ...] = REPAIR_STEPS
    """The mapping's repair steps: nothing else of a mapping applies to a page."""
    by_question_text: bool = False
    """Records are prepared for ``replies_per_row`` (see :mod:`~qatui.corpus.ingest.prepared`)."""


@dataclass(frozen=True)
class FileRead:
    """One page file as a worker read it."""

    items: list[Parsed | PreparedRecord]
    """Records prepared for writing (left as parsed when preparing one fails: writing it
    meets the same error), and errors."""
    size: int
    """Bytes read."""
    log: InputLog | None
    """What reading it noticed (None when nothing)."""


def available_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def worker_count(jobs: int | None) -> int:
    """Worker processes for ``jobs`` (processes in all, the importing one included; None:
    one fewer than the CPUs, at most :data:`MAX_AUTO_WORKERS`)."""
    if jobs is None:
        return min(available_cpus() - 1, MAX_AUTO_WORKERS)
    return max(jobs, 1) - 1


def is_page_file(source: SourceItem, fmt: str | None) -> bool:
    """A named file read as a page (by its suffix, or because ``--format page`` says so)."""
    if not isinstance(source, str) or source == "-":
        return False
    return fmt == "page" or (fmt is None and Path(source).suffix.lower() in PAGE_SUFFIXES)


def enough_page_files(
    sources: Iterator[SourceItem], fmt: str | None, enough: int | None = None
) -> tuple[Iterator[SourceItem], bool]:
    """Whether ``sources`` hold at least ``enough`` (:data:`AUTO_PAGE_FILES`) page files, and
    the sources again (those looked at are kept, the rest not read yet)."""
    enough = AUTO_PAGE_FILES if enough is None else enough
    seen: list[SourceItem] = []
    pages = 0
    for source in sources:
        seen.append(source)
        pages += is_page_file(source, fmt)
        if pages >= enough:
            break
    return itertools.chain(seen, sources), pages >= enough


ReadFile = Callable[[str, PageOptions], "FileRead | None"]
"""What a worker runs for each file: the file read as a page, or None when it is not a page
(:func:`qatui.corpus.ingest.importer.read_page_file`; passed in, as this module is below the
importer)."""


def read_page_files(
    read_file: ReadFile, sources: list[str], options: PageOptions
) -> list[FileRead | None]:
    """A worker's task: each file read with ``read_file``."""
    return [read_file(source, options) for source in sources]


def _start_worker(parent_alive: Connection) -> None:
    """In each worker: leave Ctrl+C to the importing process, and exit when it is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def exit_with_parent() -> None:
        with contextlib.suppress(EOFError, OSError):
            parent_alive.recv()
        os._exit(1)

    threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()


def _context(preload: list[str]) -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)  # workers fork with these modules imported
    return context


Pending = tuple[Future[list[FileRead | None]] | None, list[SourceItem]]
"""A task in flight and its files, or (None, [item]) for an item read here in its place."""


class PageWorkers:
    """A pool of page-parsing processes for one import; use it as a context manager."""

    def __init__(
        self,
        workers: int,
        options: PageOptions,
        read_here: ReadHere,
        log: InputLog,
        bytes_read: Callable[[int], None] | None,
        read_file: ReadFile,
    ) -> None:
        self.workers = max(workers, 1)
        self._read_file = read_file
        self.options = options
        self._read_here = read_here
        self._log = log
        self._bytes_read = bytes_read
        self._alive_reader, self._alive_writer = multiprocessing.Pipe(duplex=False)
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            self.workers,
            mp_context=_context([__name__, read_file.__module__]),
            initializer=_start_worker,
            initargs=(self._alive_reader,),
        )
        self._broken: str | None = None
        self.files_from_workers = 0
        """Files whose records came from a worker (the rest were read here)."""

    def __enter__(self) -> PageWorkers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers: tasks not started are dropped, running ones finish (a task is a
        few dozen pages); the workers have exited when this returns."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)
        self._alive_writer.close()
        self._alive_reader.close()

    def parse(self, sources: Iterable[SourceItem]) -> Iterator[Parsed | PreparedRecord]:
        """Every record (or error) of ``sources``, in order, as the importer reads them."""
        pending: deque[Pending] = deque()
        files: list[SourceItem] = []
        started = self._started()
        for source in sources:
            if not started.done() and not pending and not files:
                yield from self._here(source)  # read here while the workers start
                continue
            if is_page_file(source, self.options.fmt):
                files.append(source)
                if len(files) < FILES_PER_TASK:
                    continue
                pending.append(self._submit(files))
            else:
                if files:
                    pending.append(self._submit(files))
                pending.append((None, [source]))
            files = []
            while len(pending) > self.workers * TASKS_AHEAD:
                yield from self._take(pending.popleft())
        if files:
            pending.append(self._submit(files))
        while pending:
            yield from self._take(pending.popleft())

    def _started(self) -> Future[int]:
        """Done once a worker runs (starting one takes 0.3-0.9 s here: a new interpreter
        importing the importer). The pool starts its processes in a thread of its own: the
        first submit waits for them to be forked (0.1-0.2 s), and this one reads pages the
        while."""
        done: Future[int] = Future()
        pool = self._pool
        if pool is None:
            done.set_result(0)
            return done

        def start() -> None:
            try:
                first = pool.submit(os.getpid)
            except (BrokenProcessPool, RuntimeError):
                done.set_result(0)
                return
            first.add_done_callback(lambda _: done.set_result(0))

        threading.Thread(target=start, name="qatui-start-workers", daemon=True).start()
        return done

    def _submit(self, files: list[SourceItem]) -> Pending:
        names = [file for file in files if isinstance(file, str)]
        if self._pool is None or self._broken:
            return None, files
        try:
            task = self._pool.submit(read_page_files, self._read_file, names, self.options)
            return task, files
        except (BrokenProcessPool, RuntimeError) as error:
            self._note_broken(files, error)
            return None, files

    def _take(self, entry: Pending) -> Iterator[Parsed | PreparedRecord]:
        task, files = entry
        if task is None:
            for item in files:
                yield from self._here(item)
            return
        try:
            results = task.result()
        except Exception as error:
            self._note_broken(files, error)
            for item in files:
                yield from self._here(item)
            return
        for source, result in zip(files, results, strict=True):
            if result is None:
                yield from self._here(source)
                continue
            self.files_from_workers += 1
            if result.log is not None:
                self._log.merge(result.log)
            if self._bytes_read and result.size:
                self._bytes_read(result.size)
            yield from result.items

    def _here(self, item: SourceItem) -> Iterator[Parsed]:
        if isinstance(item, CorpusInputError):
            yield item
        else:
            yield from self._read_here(item)

    def _note_broken(self, files: list[SourceItem], error: BaseException) -> None:
        """A task the pool could not run: its files (and, once the pool is broken, every
        file after them) are read here; the log says so once."""
        if isinstance(error, BrokenProcessPool):
            if self._broken:
                return  # said once
            self._broken = str(error)
        first = files[0] if files else "?"
        self._log.warn(
            f"{first}: the page-parsing process failed ({type(error).__name__}: {error}); "
            "the importing process read these files itself",
            "the page-parsing process failed; the importing process read the files itself",
        )
