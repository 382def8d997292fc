"""Page files parsed in worker processes give what reading them here gives: the same database,
records, errors, counts and bytes read, in the same order; a worker's failure costs no record."""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest import importer, page_workers
from qatui.corpus.ingest.importer import ImportReport, expand_paths, import_paths, read_source
from qatui.corpus.ingest.page_workers import PageOptions, PageWorkers
from qatui.corpus.ingest.prepared import PreparedRecord, plain_record
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store
from tests.corpus.test_importer import page_text, write

PAGES = 24


def make_inputs(folder: Path) -> Path:
    """Pages in two folders linking to each other (partials made, then filled), a duplicate,
    a malformed and an empty page, pages needing repairs, JSON Lines and an SQLite file
    named .txt among them, a file of no importable kind."""
    for n in range(PAGES):
        similar = f"Question {(n * 7 + 3) % (PAGES + 4)}"
        write(
            folder / ("a" if n % 2 else "b") / f"{n:03d}.txt",
            page_text(f"Question {n}", similar=similar),
        )
    write(folder / "a" / "010-copy.txt", page_text("Question 10", similar="Question 3"))
    write(folder / "b" / "bad.txt", "Title - Oncology\n\nShare to:\n\nno asker line here\n")
    write(folder / "b" / "empty.page", b"")
    write(folder / "b" / "mojibake.txt", page_text("Stool\u00e2\x80\x99s colour"))
    write(folder / "b" / "slash.txt", page_text("功\\能 question"))
    write(
        folder / "c.jsonl", '{"title": "From JSONL", "specialty": "Oncology", "question": "Q?"}\n'
    )
    (folder / "d").mkdir()
    database = sqlite3.connect(folder / "d" / "actually.txt")
    database.execute("CREATE TABLE rows (title, specialty, question)")
    database.execute("INSERT INTO rows VALUES ('From SQLite', 'Oncology', 'Q?')")
    database.commit()
    database.close()
    write(folder / "d" / "notes.md", "not an input")
    for n in range(PAGES, PAGES + 6):
        write(folder / "e" / f"{n:03d}.page", page_text(f"Question {n}"))
    return folder


@pytest.fixture
def workers_started_first(monkeypatch: pytest.MonkeyPatch) -> list[PageWorkers]:
    """Workers that parse every page file (none read here while they start); the pools made."""
    pools: list[PageWorkers] = []
    enter = PageWorkers.__enter__

    def started(self: PageWorkers) -> Future[int]:
        assert self._pool is not None
        running = self._pool.submit(os.getpid)
        running.result()
        return running

    def entered(self: PageWorkers) -> PageWorkers:
        pools.append(self)
        return enter(self)

    monkeypatch.setattr(PageWorkers, "_started", started)
    monkeypatch.setattr(PageWorkers, "__enter__", entered)
    monkeypatch.setattr(page_workers, "FILES_PER_TASK", 3)
    monkeypatch.setattr(page_workers, "TASKS_AHEAD", 2)
    return pools


def _import(folder: Path, db: Path, jobs: int | None) -> tuple[ImportReport, list[str], int, int]:
    """The report, the whole database as SQL, the bytes and records progress heard."""
    heard = {"bytes": 0, "records": 0}

    def count(key: str, number: int) -> None:
        heard[key] += number

    store = Store.open(db)
    try:
        report = import_paths(
            store,
            [str(folder)],
            batch_size=7,
            jobs=jobs,
            bytes_read=lambda n: count("bytes", n),
            progress=lambda n: count("records", n),
        )
    finally:
        store.close()
    conn = sqlite3.connect(db)
    try:
        dump = [line for line in conn.iterdump() if "'corpus_id'" not in line]  # random
    finally:
        conn.close()
    return report, dump, heard["bytes"], heard["records"]


def test_an_import_parsed_by_workers_is_the_import_parsed_here(
    tmp_path: Path, workers_started_first: list[PageWorkers]
) -> None:
    folder = make_inputs(tmp_path / "in")
    here, here_dump, here_bytes, here_records = _import(folder, tmp_path / "here.db", jobs=1)
    assert workers_started_first == []
    there, there_dump, there_bytes, there_records = _import(folder, tmp_path / "there.db", jobs=3)
    assert [pool.workers for pool in workers_started_first] == [2]
    assert workers_started_first[0].files_from_workers == PAGES + 6 + 5

    assert there_dump == here_dump
    assert there.summary() == here.summary()
    assert [str(error) for error in there.failures] == [str(error) for error in here.failures]
    assert there.log.repairs == here.log.repairs
    assert there.log.warnings.lines("w") == here.log.warnings.lines("w")
    assert there.log.skipped.lines("s") == here.log.skipped.lines("s")
    assert (there_bytes, there_records) == (here_bytes, here_records)
    # what it covers: an update, repairs, errors naming file and line, other kinds between
    assert (here.new, here.updated, here.failed) == (PAGES + 10, 1, 2)
    assert here.log.repairs["mojibake"] == 1 and here.log.repairs["backslashes"] == 1
    assert any(f"{folder / 'b' / 'bad.txt'}:" in str(error) for error in here.failures)
    assert any("empty.page" in str(error) for error in here.failures)
    assert any("From JSONL" in line for line in here_dump)
    pages_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.suffix in (".txt", ".page"))
    assert here_bytes >= pages_bytes - (folder / "d" / "actually.txt").stat().st_size


def _sequential(sources: list[str]) -> tuple[list[str], InputLog]:
    log = InputLog()
    items = [repr_item(item) for source in sources for item in read_source(source, log=log)]
    return items, log


def repr_item(item: Record | PreparedRecord | CorpusInputError) -> str:
    return str(item) if isinstance(item, CorpusInputError) else repr(plain_record(item))


def test_a_killed_worker_costs_no_record(
    tmp_path: Path, workers_started_first: list[PageWorkers]
) -> None:
    folder = make_inputs(tmp_path / "in")
    sources = [s for s in expand_paths([str(folder)]) if isinstance(s, str)]
    expected, expected_log = _sequential(sources)
    log = InputLog()

    def here(source: str) -> Iterator[Record | CorpusInputError]:
        return read_source(source, log=log)

    got = []
    with PageWorkers(1, PageOptions(), here, log, None, importer.read_page_file) as pool:
        for number, item in enumerate(pool.parse(sources)):
            got.append(repr_item(item))
            if number == 0:
                assert pool._pool is not None
                for process in list(pool._pool._processes.values()):
                    process.kill()
    assert got == expected
    assert log.repairs == expected_log.repairs
    assert len(log.warnings.groups()) == 1
    assert "page-parsing process failed" in log.warnings.lines("w")[0]


def test_an_exception_reading_a_file_becomes_that_files_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = write(tmp_path / "one.txt", page_text("One"))

    def broken(*args: object, **kwargs: object) -> Iterator[Record]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(importer, "read_source", broken)
    read = importer.read_page_file(str(page), PageOptions())
    assert read is not None
    [error] = read.items
    assert isinstance(error, CorpusInputError)
    assert str(error) == (
        f"{page}: not read: the page parser failed (RecursionError: maximum recursion depth "
        "exceeded)"
    )


def test_a_file_that_is_no_page_is_left_to_the_importing_process(tmp_path: Path) -> None:
    database = tmp_path / "rows.txt"
    sqlite3.connect(database).execute("CREATE TABLE t (a)").connection.close()
    assert importer.read_page_file(str(database), PageOptions()) is None
    page = write(tmp_path / "p.page", page_text("P"))
    read = importer.read_page_file(str(page), PageOptions())
    assert read is not None and read.size == page.stat().st_size
    [prepared] = read.items
    assert isinstance(prepared, PreparedRecord) and prepared.record.title == "P"


def test_input_errors_survive_pickling() -> None:
    error = CorpusInputError("rows.json", 3, "not valid JSON", unit="record")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.line, copy.reason, copy.unit) == (
        "rows.json",
        3,
        "not valid JSON",
        "record",
    )
    assert str(copy) == str(error) == "rows.json (record 3): not valid JSON"


def test_workers_are_chosen_for_many_page_files_only(tmp_path: Path) -> None:
    sources: list[str | CorpusInputError] = ["a.txt", "b.jsonl", "c.page", "-", "d.txt"]
    again, enough = page_workers.enough_page_files(iter(sources), None, enough=3)
    assert enough and list(again) == sources
    again, enough = page_workers.enough_page_files(iter(sources), None, enough=4)
    assert not enough and list(again) == sources
    _, enough = page_workers.enough_page_files(iter(sources), "page", enough=4)
    assert enough  # --format page: every named file is a page
    assert page_workers.worker_count(1) == 0
    assert page_workers.worker_count(3) == 2


def test_workers_start_by_themselves_for_a_large_import_only(
    tmp_path: Path, workers_started_first: list[PageWorkers], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_inputs(tmp_path / "in")
    monkeypatch.setattr(page_workers, "available_cpus", lambda: 2)
    _, small, _, _ = _import(folder, tmp_path / "small.db", jobs=None)
    assert workers_started_first == []
    monkeypatch.setattr(page_workers, "AUTO_PAGE_FILES", PAGES)
    _, large, _, _ = _import(folder, tmp_path / "large.db", jobs=None)
    assert [pool.workers for pool in workers_started_first] == [1]
    assert large == small


class SlowToStartPool:
    """A pool whose first submit waits (as forking the workers does) until told to go on."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.go_on = threading.Event()
        self.first_submit_returned = False

    def submit(self, function: Callable[..., object], *args: object) -> Future[object]:
        self.go_on.wait(5)
        self.first_submit_returned = True
        done: Future[object] = Future()
        done.set_result(function(*args))
        return done

    def shutdown(self, wait: bool, cancel_futures: bool) -> None:
        self.go_on.set()


def test_pages_are_read_here_while_the_workers_are_being_forked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [str(write(tmp_path / f"{n}.txt", page_text(f"Question {n}"))) for n in range(3)]
    monkeypatch.setattr(page_workers, "ProcessPoolExecutor", SlowToStartPool)
    log = InputLog()
    workers = PageWorkers(
        1, PageOptions(), lambda source: read_source(source), log, None, importer.read_page_file
    )
    pool = workers._pool
    assert isinstance(pool, SlowToStartPool)
    with workers:
        records = workers.parse(pages)
        first = next(records)
        assert not pool.first_submit_returned  # read here, the pool still starting
        pool.go_on.set()
        rest = list(records)
    assert [plain_record(r).title for r in [first, *rest]] == [f"Question {n}" for n in range(3)]
