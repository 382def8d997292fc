"""Broken inputs, interrupted imports, and damaged, locked, read-only, newer and older databases."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import sqlite3
import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.errors import CorpusInputError, StoreError
from qatui.corpus.ingest.importer import (
    ImportInterrupted,
    import_paths,
    import_records,
    read_source,
)
from qatui.corpus.ingest.records import read_json, read_json_chunks
from qatui.corpus.ingest.streams import MAX_RECORD_BYTES
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.store import migrations, schema, writer
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Store
from tests.hostile import plain_database
from tests.hostile_plugin import HostileCases
from tests.unprivileged import run_python

PAGE = """{title} - Orthopedics
Subject of {title}
Question of {title}.
Ada, 30~39 year old female. Ask Date: 2016/01/03
Dr. Lai Yicheng reply Orthopedics
Reply to {title}.
Reply Date: 2016/01/05
Related FAQ
Knee
(Orthopedics)
"""

MIB = 1024 * 1024


def page(title: str) -> str:
    return PAGE.format(title=title)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def titles(store: Store) -> list[str]:
    return sorted(
        row[0] for row in store.conn.execute("SELECT title FROM questions WHERE is_partial = 0")
    )


def quick_check(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()


def record(number: int, **changes: object) -> Record:
    fields: dict[str, object] = {
        "title": f"Question {number}",
        "specialty": "Orthopedics",
        "question": f"Text of question {number}.",
        "asked_on": "2020-01-01",
        "replies": (Reply("Lin", "Orthopedics", f"Reply {number}."),),
    }
    fields.update(changes)
    return Record(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "corpus.db")
    yield opened
    opened.close()


# -- broken inputs ----------------------------------------------------------------------------


def failures_of(store: Store, *paths: Path, **options: object) -> list[CorpusInputError]:
    report = import_paths(store, [str(p) for p in paths], **options)  # type: ignore[arg-type]
    return report.failures


@pytest.mark.parametrize("suffix", [".txt", ".json", ".jsonl", ".csv"])
@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t\n"])
def test_empty_input_is_named_and_writes_nothing(
    tmp_path: Path, store: Store, suffix: str, content: bytes, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = write(tmp_path / f"empty{suffix}", content)
    (failure,) = failures_of(store, path)
    assert failure.source == str(path)
    assert "empty file" in failure.reason
    assert titles(store) == []


@pytest.mark.parametrize("suffix", [".txt", ".json", ".jsonl", ".csv"])
def test_binary_input_is_named_and_writes_nothing(
    tmp_path: Path, store: Store, suffix: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    data = bytes(random.Random(6).randrange(256) for _ in range(20_000)) + b"\x00"
    path = write(tmp_path / f"photo{suffix}", b"\x89PNG\r\n\x1a\n\x00\x00" + data)
    (failure,) = failures_of(store, path)
    assert (failure.source, failure.line) == (str(path), 1)
    assert "binary" in failure.reason
    assert titles(store) == []


def test_truncated_page_is_rejected_and_the_others_are_imported(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    whole = page("Truncated")
    write(tmp_path / "in" / "a.txt", page("First"))
    cut = write(tmp_path / "in" / "b.txt", whole[: whole.index("Reply to")])
    write(tmp_path / "in" / "c.txt", page("Last"))
    (failure,) = failures_of(store, tmp_path / "in")
    assert failure.source == str(cut)
    assert failure.line == 5
    assert "Reply Date" in failure.reason
    assert titles(store) == ["First", "Last"]


BIG5_PAGE = page("乳癌治療").encode("big5")


def test_big5_read_as_utf8_names_the_line_and_the_fix(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = write(tmp_path / "big5.txt", BIG5_PAGE)
    (failure,) = failures_of(store, path)
    assert (failure.source, failure.line) == (str(path), 1)
    assert "not utf-8" in failure.reason
    assert "--encoding" in failure.reason
    assert titles(store) == []
    assert failures_of(store, path, encoding="big5") == []
    assert titles(store) == ["乳癌治療"]


def test_big5_lines_in_jsonl_are_each_named_and_the_rest_imported(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    lines = [json.dumps({"title": f"T{n}", "specialty": "S"}).encode() for n in range(4)]
    lines[2] = json.dumps({"title": "乳癌", "specialty": "S"}, ensure_ascii=False).encode("big5")
    path = write(tmp_path / "mixed.jsonl", b"\n".join(lines) + b"\n")
    (failure,) = failures_of(store, path)
    assert (failure.line, failure.source) == (3, str(path))
    assert "not utf-8" in failure.reason
    assert titles(store) == ["T0", "T1", "T3"]


def test_a_wholly_wrong_encoding_stops_after_a_few_lines(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    line = json.dumps({"title": "乳癌", "specialty": "婦產科"}, ensure_ascii=False) + "\n"
    path = write(tmp_path / "big5.jsonl", (line * 1000).encode("big5"))
    failures = failures_of(store, path)
    assert len(failures) == 21
    assert "the rest of the file is skipped" in failures[-1].reason
    assert titles(store) == []


def test_duplicated_pages_are_one_question(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    write(tmp_path / "in" / "a.txt", page("Same"))
    write(tmp_path / "in" / "copy of a.txt", page("Same"))
    same = json.dumps({"title": "Twice", "specialty": "S", "id": 7})
    write(tmp_path / "in" / "twice.jsonl", f"{same}\n{same}\n")
    report = import_paths(store, [str(tmp_path / "in")])
    assert (report.new, report.duplicate_rows, report.unchanged, report.failed) == (2, 2, 0, 0)
    assert titles(store) == ["Same", "Twice"]


def test_half_valid_json_list_keeps_every_record_before_the_break(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    items = [
        {"title": "A", "specialty": "S"},
        {"specialty": "S"},
        {"title": "C", "specialty": "S", "asked_on": "2016/02/30"},
        {"title": "D", "specialty": "S"},
    ]
    text = "[\n" + ",\n".join(json.dumps(item) for item in items) + ',\n{"title": "E", "spec'
    path = write(tmp_path / "cut.json", text)
    failures = failures_of(store, path)
    assert [(f.line, f.unit) for f in failures] == [(2, "record"), (6, "line")]
    assert "missing required field 'title'" in failures[0].reason
    assert "record 5 is cut short" in failures[1].reason
    assert titles(store) == ["A", "C", "D"]  # C's impossible date is emptied, C kept


def test_json_list_with_a_broken_record_costs_that_record(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    text = (
        '[{"title": "A", "specialty": "S"},\n {"title": "B" "specialty": "S"},\n'
        ' {"title": "C", "specialty": "S", "question": "a \\" quote, a [ and a {"},\n'
        ' {"title": "D\n, "specialty": "S"},\n {"title": "E", "specialty": "S"}]'
    )
    first, second = failures_of(store, write(tmp_path / "bad.json", text))
    assert (first.line, second.line) == (2, 4)
    assert "record 2 is not valid JSON" in first.reason
    assert "record 4 is not valid JSON" in second.reason
    assert titles(store) == ["A", "C", "E"]


def test_half_valid_jsonl_names_each_bad_line(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    lines = [
        json.dumps({"title": "A", "specialty": "S"}),
        '{"title": "B", "specialty": ',
        "[1, 2]",
        "",
        json.dumps({"title": "E", "specialty": "S", "similar": "not a list"}),
        "[" * 100_000,
        json.dumps({"title": "G", "specialty": "S"}),
    ]
    failures = failures_of(store, write(tmp_path / "half.jsonl", "\n".join(lines)))
    assert [f.line for f in failures] == [2, 3, 5, 6]
    assert titles(store) == ["A", "G"]


def test_half_valid_csv_names_each_bad_line(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["title", "specialty", "similar"])
    writer.writerow(["A", "S", "[]"])
    writer.writerow(["", "S", ""])
    writer.writerow(["C", "S", "{not json"])
    writer.writerow(["Multi\nline", "S", ""])
    writer.writerow(["E", "S", "", "extra"])
    writer.writerow(["F", "S", ""])
    failures = failures_of(store, write(tmp_path / "half.csv", out.getvalue()))
    assert [f.line for f in failures] == [3, 4, 7]
    assert titles(store) == ["A", "F", "Multi line"]  # a title is one line


def test_a_csv_row_in_the_wrong_encoding_costs_that_row(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    data = b"title,specialty\nA,S\n" + "乳癌,S\n".encode("big5") + b"C,S\n"
    (failure,) = failures_of(store, write(tmp_path / "b.csv", data))
    assert failure.line == 3
    assert "not utf-8" in failure.reason
    assert titles(store) == ["A", "C"]


def test_a_line_longer_than_a_record_may_be_is_skipped(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    huge = json.dumps({"title": "Huge", "specialty": "S", "html": "x" * (MAX_RECORD_BYTES + 10)})
    small = [json.dumps({"title": title, "specialty": "S"}) for title in ("A", "C")]
    text = "\n".join([small[0], huge, small[1]])
    (failure,) = failures_of(store, write(tmp_path / "huge.jsonl", text))
    assert failure.line == 2
    assert "longer than" in failure.reason
    assert titles(store) == ["A", "C"]


FILLER = "scraped page chrome and navigation " * 3_000  # ~100 KB a record, never stored


def _fifty_megabytes(path: Path, kind: str) -> int:
    """Write about 50 MB of records (mostly an unmapped field); return how many."""
    count = 50 * MIB // len(FILLER) + 1
    items = ({"title": f"Big {n}", "specialty": "S", "html": FILLER} for n in range(count))
    with path.open("w", encoding="utf-8", newline="") as out:
        if kind == "jsonl":
            out.writelines(json.dumps(item) + "\n" for item in items)
        elif kind == "json":
            out.write("[\n")
            for n, item in enumerate(items):
                out.write((",\n" if n else "") + json.dumps(item))
            out.write("\n]\n")
        else:
            writer = csv.DictWriter(out, fieldnames=["title", "specialty", "html"])
            writer.writeheader()
            writer.writerows(items)
    assert path.stat().st_size > 50 * MIB
    return count


@pytest.mark.parametrize("kind", ["jsonl", "json", "csv"])
def test_fifty_megabytes_of_records_stream_through_in_little_memory(
    tmp_path: Path, store: Store, kind: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / f"big.{kind}"
    count = _fifty_megabytes(path, kind)
    tracemalloc.start()
    try:
        report = import_paths(store, [str(path)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (report.new, report.failed) == (count, 0)
    assert peak < 16 * MIB, f"peak {peak / MIB:.1f} MiB for a 50 MiB file"


def test_a_fifty_megabyte_page_is_refused_without_reading_it_all(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write(page("Huge").replace("Question of Huge.", "x" * (50 * MIB)))
    tracemalloc.start()
    try:
        (failure,) = failures_of(store, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "too large for one page" in failure.reason
    assert peak < MIB  # refused from its size, never read
    assert titles(store) == []


def test_a_page_with_a_megabyte_paragraph_is_imported(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    paragraph = " ".join(["word"] * 250_000) + " " + "y" * 5_000
    path = write(tmp_path / "long.txt", page("Long").replace("Question of Long.", paragraph))
    assert failures_of(store, path) == []
    (question,) = [row[0] for row in store.conn.execute("SELECT question FROM questions")]
    assert question == paragraph


def test_stdin_json_list_is_streamed(
    monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    data = b'[{"title": "A", "specialty": "S"},\n{"title": "B", "specialty"'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    record, error = list(read_source("-"))
    assert isinstance(record, Record)
    assert isinstance(error, CorpusInputError)
    assert error.source == "<stdin>"


@pytest.mark.parametrize(
    ("first", "kind"),
    [
        ({"title": "A", "specialty": "S", "html": "x" * 100_000}, "a first line over the head"),
        ({"title": "A", "specialty": "S"}, "a short first line"),
    ],
)
def test_stdin_json_lines_are_told_from_one_document(
    monkeypatch: pytest.MonkeyPatch, first: dict[str, str], kind: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    lines = [json.dumps(first), json.dumps({"title": "B", "specialty": "S"})]
    data = ("\n".join(lines) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    items = list(read_source("-"))
    assert [item.title for item in items if isinstance(item, Record)] == ["A", "B"], kind


def test_nothing_is_written_for_a_record_that_fails_while_written(
    store: Store, monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    real = Store._write_replies

    def failing(self: Store, question_id: int, replies: tuple[Reply, ...]) -> None:
        if any(reply.body == "explode" for reply in replies):
            raise ValueError("cannot store this reply")
        real(self, question_id, replies)

    monkeypatch.setattr(Store, "_write_replies", failing)
    bad = record(
        2,
        specialty="Only In The Bad Record",
        replies=(Reply("X", "Y", "explode"),),
        similar=(SimilarLink("A page nobody imported"),),
    )
    report = import_records(store, [record(1), bad, record(3)])
    assert (report.new, report.failed) == (2, 1)
    assert "cannot store this reply" in report.failures[0].reason
    assert titles(store) == ["Question 1", "Question 3"]
    specialties = [row[0] for row in store.conn.execute("SELECT name FROM specialties")]
    assert specialties == ["Orthopedics"]
    assert store.conn.execute("SELECT count(*) FROM questions").fetchone()[0] == 2


# -- fuzzing the readers ------------------------------------------------------------------------

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BYTE_PIECES = st.sampled_from(
    [
        b"\n",
        b"\r\n",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b'"',
        b"\\",
        b"\x00",
        b"\xff",
        b"\xe4\xb9",
        b"\xef\xbb\xbf",
        b"\x1b[2J",
        b'{"title": "T", "specialty": "S"}',
        b"title,specialty\n",
    ]
)
ANY_BYTES = st.lists(st.binary(max_size=20) | BYTE_PIECES, max_size=40).map(b"".join)


@FUZZ
@given(
    data=ANY_BYTES,
    fmt=st.sampled_from(["page", "json", "jsonl", "csv"]),
    encoding=st.sampled_from(["utf-8", "big5", "utf-16", "latin-1"]),
)
def test_any_bytes_in_any_format_give_records_or_named_errors(
    tmp_path: Path, data: bytes, fmt: str, encoding: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "fuzz.input"
    path.write_bytes(data)
    for item in read_source(str(path), encoding=encoding, fmt=fmt):
        assert isinstance(item, (Record, CorpusInputError))
        if isinstance(item, CorpusInputError):
            assert item.source == str(path)


JSON_ITEMS = st.lists(
    st.fixed_dictionaries(
        {"title": st.text(max_size=8), "specialty": st.text(min_size=1, max_size=8)},
        optional={"question": st.text(max_size=30), "id": st.integers(-2, 2**53)},
    )
    | st.integers()
    | st.text(max_size=5),
    max_size=8,
)


@FUZZ
@given(items=JSON_ITEMS, cuts=st.lists(st.integers(0, 10_000), max_size=12), data=st.data())
def test_a_json_list_in_any_pieces_reads_as_it_does_whole(
    items: list[object], cuts: list[int], data: st.DataObject, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    text = json.dumps(items, indent=data.draw(st.sampled_from([None, 1])), ensure_ascii=False)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]  # truncated
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    chunks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    whole = [str(item) for item in read_json(text, "in.json")]
    assert [str(item) for item in read_json_chunks(chunks, "in.json")] == whole


# -- Ctrl+C during an import ------------------------------------------------------------------


def test_ctrl_c_from_the_progress_callback_keeps_committed_batches(
    tmp_path: Path, store: Store, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    seen: list[int] = []

    def progress(count: int) -> None:
        seen.append(count)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(ImportInterrupted) as interrupted:
        import_records(store, (record(n) for n in range(10)), batch_size=3, progress=progress)
    assert (interrupted.value.report.new, interrupted.value.report.failed) == (6, 0)
    assert len(titles(store)) == 6
    store.close()
    assert quick_check(tmp_path / "corpus.db") == ["ok"]


def test_ctrl_c_mid_batch_rolls_that_batch_back_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    real = Store.upsert
    calls = 0

    def interrupted_upsert(self: Store, item: Record) -> object:
        nonlocal calls
        calls += 1
        if calls == 5:  # the second record of the second batch
            raise KeyboardInterrupt
        return real(self, item)

    monkeypatch.setattr(Store, "upsert", interrupted_upsert)
    with pytest.raises(KeyboardInterrupt) as interrupted:
        import_records(store, (record(n) for n in range(10)), batch_size=3)
    assert isinstance(interrupted.value, ImportInterrupted)
    assert interrupted.value.report.new == 3
    assert titles(store) == ["Question 0", "Question 1", "Question 2"]
    assert not store.conn.in_transaction
    store.close()
    assert quick_check(path) == ["ok"]
    monkeypatch.setattr(Store, "upsert", real)
    again = Store.open(path)
    report = import_records(again, (record(n) for n in range(10)), batch_size=3)
    assert (report.new, report.unchanged) == (7, 3)
    again.close()


# -- read-only files and folders --------------------------------------------------------------

OPEN_AND_COUNT = """
import sys
from qatui.corpus.store.read_pool import Corpus
corpus = Corpus.open(sys.argv[1])
with corpus.reader() as reader:
    print(corpus.read_only, reader.total())
"""


@pytest.mark.parametrize(
    ("file_mode", "folder_mode"),
    [(0o444, 0o777), (0o444, 0o555), (0o666, 0o555)],
    ids=["read-only file", "read-only file and folder", "read-only folder"],
)
def test_read_only_database_opens_for_reading(
    tmp_path: Path, file_mode: int, folder_mode: int, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = plain_database(folder / "c.db", count=5)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # as qatui leaves it: WAL, no -shm beside it
    conn.close()
    path.chmod(file_mode)
    folder.chmod(folder_mode)
    try:
        done = run_python(["-c", OPEN_AND_COUNT, str(path)], cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "5"]


# -- a writer and a reader at once ----------------------------------------------------------


def test_reader_sees_new_pages_once_the_writer_commits(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "corpus.db"
    writer = Store.open(path)
    import_records(writer, [record(1)])
    corpus = Corpus.open(path)
    try:
        with writer.transaction():
            writer.upsert(record(2))
            with corpus.reader() as reader:
                assert reader.total() == 1  # not blocked, and no uncommitted page
        with corpus.reader() as reader:
            assert reader.total() == 2
    finally:
        corpus.close()
        writer.close()


def test_a_second_importer_waits_for_the_first_instead_of_failing(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "corpus.db"
    first = Store.open(path)
    second = Store.open(path)
    waiting = threading.Event()
    outcome: list[object] = []

    def trace(statement: str) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            waiting.set()

    def import_second() -> None:
        try:
            outcome.append(import_records(second, [record(2)]))
        except BaseException as error:
            outcome.append(error)

    second.conn.set_trace_callback(trace)
    thread = threading.Thread(target=import_second)
    with first.transaction():
        first.upsert(record(1))
        thread.start()
        assert waiting.wait(timeout=60)
        thread.join(timeout=0.3)  # the second import is now waiting for the lock
        assert thread.is_alive()
    thread.join(timeout=60)
    assert not thread.is_alive()
    (report,) = outcome
    assert not isinstance(report, BaseException), report
    assert titles(first) == ["Question 1", "Question 2"]
    first.close()
    second.close()


# -- newer and older schemas --------------------------------------------------------------------


def test_newer_database_is_refused_and_untouched(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = plain_database(tmp_path / "newer.db", count=3)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))
    for opener in (Store.open, Corpus.open):
        with pytest.raises(StoreError, match="newer qatui") as raised:
            opener(path)
        assert str(path) in str(raised.value)
    after = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))
    assert after == before


def test_a_database_damaged_inside_its_schema_is_refused_in_words(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    """A valid header over a ruined schema page: SQLite's own error never escapes an opener."""
    hostile_cases.add()
    path = plain_database(tmp_path / "damaged.db", count=3)
    data = bytearray(path.read_bytes())
    data[200:4096] = b"A" * (4096 - 200)  # page 1 after its header: the schema's cells
    path.write_bytes(bytes(data))
    for opener in (Store.open, Corpus.open):
        with pytest.raises(StoreError, match="damaged") as raised:
            opener(path)
        assert str(path) in str(raised.value)


def pretend_a_newer_qatui(
    monkeypatch: pytest.MonkeyPatch, migration: Callable[[sqlite3.Connection], None]
) -> int:
    """From now on qatui knows one schema more, reached by ``migration``; its number."""
    target = SCHEMA_VERSION + 1
    monkeypatch.setitem(schema.MIGRATIONS, target, migration)
    for module in (migrations, writer):
        monkeypatch.setattr(module, "SCHEMA_VERSION", target)
    return target


def add_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE questions ADD COLUMN reliability_note TEXT")


def _columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_older_database_is_backed_up_then_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "older.db"
    old = Store.open(path)
    import_records(old, [record(n) for n in range(5)])
    old.close()
    next_version = pretend_a_newer_qatui(monkeypatch, add_column)
    migrated = Store.open(path)
    assert migrated.info.migrated_from == next_version - 1
    backup = migrated.info.backup
    migrated.close()
    assert backup is not None and backup.exists()
    assert _version(path) == next_version
    assert "reliability_note" in _columns(path)
    assert _version(backup) == next_version - 1
    assert "reliability_note" not in _columns(backup)
    backup_store = sqlite3.connect(backup)
    assert backup_store.execute("SELECT count(*) FROM questions").fetchone()[0] == 5
    backup_store.close()
    assert quick_check(path) == ["ok"]


def test_a_failing_migration_changes_nothing_and_leaves_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = tmp_path / "older.db"
    old = Store.open(path)
    import_records(old, [record(n) for n in range(5)])
    old.close()

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE questions ADD COLUMN half_done TEXT")
        conn.execute("DELETE FROM questions")
        conn.execute("SELECT no_such_column FROM questions")

    target = pretend_a_newer_qatui(monkeypatch, half_then_fail)
    with pytest.raises(StoreError, match="could not be upgraded") as raised:
        Store.open(path)
    assert "unchanged" in str(raised.value)
    assert _version(path) == target - 1
    assert "half_done" not in _columns(path)
    assert not list(tmp_path.glob("*.bak"))
    monkeypatch.undo()
    reopened = Store.open(path)
    assert len(titles(reopened)) == 5
    reopened.close()


@pytest.mark.skipif(SCHEMA_VERSION < 2, reason="only schema 1 exists: nothing older to migrate")
def test_a_v1_database_is_migrated_by_the_real_migrations(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    schema.MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    migrated = Store.open(path)
    assert migrated.info.migrated_from == 1
    assert migrated.info.backup is not None and migrated.info.backup.exists()
    import_records(migrated, [record(1)])
    assert titles(migrated) == ["Question 1"]
    migrated.close()
    assert _version(path) == SCHEMA_VERSION


def test_missing_database_is_created_with_its_folders(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folders" / "corpus.db"
    corpus = Corpus.open(path)
    try:
        assert not corpus.read_only
        with corpus.reader() as reader:
            assert reader.total() == 0
    finally:
        corpus.close()
    assert _version(path) == SCHEMA_VERSION
