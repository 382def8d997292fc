"""Inputs: SQLite files, folders that say what they skipped, unsupported files named, broken
JSON lists that cost one record, hostile JSON that is an error and never a crash, encodings
that must be text encodings, failures kept in bounded memory, progress by bytes."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tracemalloc
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest import jsontext
from qatui.corpus.ingest.importer import (
    MAX_KEPT_FAILURES,
    ImportReport,
    expand_paths,
    import_paths,
    read_source,
)
from qatui.corpus.ingest.mapping import mapping_from_options
from qatui.corpus.ingest.problems import MAX_EXAMPLES, InputLog, ProblemLog
from qatui.corpus.ingest.records import read_csv, read_json, read_jsonl
from qatui.corpus.ingest.streams import check_text_encoding
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def sqlite_file(path: Path, rows: list[dict[str, str]], table: str = "qanda") -> Path:
    conn = sqlite3.connect(path)
    columns = list(rows[0])
    conn.execute(f"CREATE TABLE {table} ({', '.join(f'{c} TEXT' for c in columns)})")
    conn.executemany(
        f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows],
    )
    conn.commit()
    conn.close()
    return path


def titles(store: Store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT title FROM questions ORDER BY title")]


ROWS = [
    {"heading": "A", "dept": "S", "body": "Q a"},
    {"heading": "B", "dept": "S", "body": "Q b"},
]
MAP = {"title": "heading", "specialty": "dept", "question": "body"}


# -- SQLite ---------------------------------------------------------------------------------


def test_an_sqlite_table_is_read_row_by_row(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "dump.sqlite", ROWS)
    records = list(read_source(str(path), mapping=MAP))
    assert [r.title for r in records if isinstance(r, Record)] == ["A", "B"]


def test_an_sqlite_file_is_known_by_its_header_whatever_its_name(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "dump", ROWS)
    records = list(read_source(str(path), mapping=MAP))
    assert len([r for r in records if isinstance(r, Record)]) == 2


def test_an_sqlite_query_and_a_chosen_table(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "two.sqlite", ROWS)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x TEXT)")
    conn.commit()
    conn.close()
    (error,) = list(read_source(str(path), mapping=MAP))
    assert isinstance(error, CorpusInputError)
    assert "tables qanda, other: choose one with --table" in error.reason
    chosen = mapping_from_options(maps=["title=heading", "specialty=dept"], table="qanda")
    assert len(list(read_source(str(path), mapping=chosen))) == 2
    query = mapping_from_options(
        query="SELECT heading AS title, dept AS specialty FROM qanda WHERE heading = 'B'"
    )
    (record,) = list(read_source(str(path), mapping=query))
    assert isinstance(record, Record) and record.title == "B"
    missing = mapping_from_options(table="nope")
    (error,) = list(read_source(str(path), mapping=missing))
    assert isinstance(error, CorpusInputError) and "no table 'nope'" in error.reason


def test_a_broken_sqlite_file_and_a_bad_query_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.sqlite", b"SQLite format 3\x00" + b"\x01" * 200)
    (error,) = list(read_source(str(path)))
    assert isinstance(error, CorpusInputError) and "SQLite" in error.reason
    good = sqlite_file(tmp_path / "good.sqlite", ROWS)
    (error,) = list(read_source(str(good), mapping=mapping_from_options(query="SELEKT 1")))
    assert isinstance(error, CorpusInputError) and "cannot read as SQLite" in error.reason
    writing = mapping_from_options(query="DELETE FROM qanda")
    list(read_source(str(good), mapping=writing))
    assert sqlite3.connect(good).execute("SELECT count(*) FROM qanda").fetchone() == (2,)


def test_an_sqlite_row_with_problems_is_named_by_its_row(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "d.sqlite", [*ROWS, {"heading": "", "dept": "S", "body": ""}])
    errors = [e for e in read_source(str(path), mapping=MAP) if isinstance(e, CorpusInputError)]
    assert [(e.line, e.unit) for e in errors] == [(3, "row")]


# -- folders and file kinds -----------------------------------------------------------------


def test_a_folder_lists_every_file_it_skips_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.jsonl", json.dumps({"title": "A", "specialty": "S"}) + "\n")
    write(folder / "page.xml", "<x/>")
    write(folder / "sub" / "index.html", "<html/>")
    write(folder / "README", "read me")
    sqlite_file(folder / "spider.sqlite", ROWS)
    sqlite_file(folder / "some.db", ROWS)
    log = InputLog()
    found = list(expand_paths([str(folder)], log))
    assert found == [str(folder / "a.jsonl"), str(folder / "spider.sqlite")]
    skipped = [m for group in log.skipped.groups() for m in group.examples]
    assert sorted(skipped) == sorted(
        [
            f"{folder / 'README'}: no file suffix (name it to import it, or give it one)",
            f"{folder / 'page.xml'}: .xml is not a format qatui imports",
            f"{folder / 'some.db'}: an SQLite .db file is read only when named "
            "(or renamed .sqlite)",
            f"{folder / 'sub' / 'index.html'}: .html is not a format qatui imports",
        ]
    )


@pytest.mark.skipif(os.geteuid() == 0 and sys.platform != "win32", reason="root reads any folder")
def test_an_unreadable_subfolder_is_an_error(tmp_path: Path) -> None:  # pragma: no cover
    folder = tmp_path / "in"
    write(folder / "locked" / "a.txt", "x")
    (folder / "locked").chmod(0)
    try:
        found = list(expand_paths([str(folder)]))
    finally:
        (folder / "locked").chmod(0o755)
    (error,) = found
    assert isinstance(error, CorpusInputError) and "cannot read this folder" in error.reason


def test_an_unreadable_subfolder_is_an_error_as_any_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    write(folder / "ok.txt", "x")
    write(folder / "locked" / "a.txt", "x")
    real_scandir = os.scandir

    def scandir(path: str | Path) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(expand_paths([str(folder)]))
    assert isinstance(found[0], CorpusInputError)
    assert found[0].source == str(folder / "locked")
    assert "cannot read this folder (Permission denied)" in found[0].reason
    assert found[1] == str(folder / "ok.txt")


def test_a_named_unsupported_file_says_what_is_supported(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", "<html>hi</html>")
    (error,) = list(read_source(str(path)))
    assert isinstance(error, CorpusInputError)
    assert ".html is not a format qatui imports" in error.reason
    for kind in (".txt", ".json", ".jsonl", ".csv", ".sqlite"):
        assert kind in error.reason


def test_a_named_file_without_a_suffix_is_read_by_its_content(tmp_path: Path) -> None:
    path = write(tmp_path / "records", json.dumps([{"title": "A", "specialty": "S"}]))
    (record,) = list(read_source(str(path)))
    assert isinstance(record, Record)


def test_a_folder_import_counts_unreadable_files_as_failures(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.jsonl", json.dumps({"title": "A", "specialty": "S"}) + "\n")
    write(folder / "b.json", b"\x00\x01binary")
    store = Store.open(tmp_path / "c.db")
    report = import_paths(store, [str(folder)])
    assert (report.new, report.failed) == (1, 1)
    store.close()


# -- a broken JSON list costs one record ----------------------------------------------------


def test_a_bad_byte_in_a_json_list_costs_that_record_only(tmp_path: Path) -> None:
    good = [json.dumps({"title": f"T{n}", "specialty": "S"}).encode() for n in range(6)]
    good[2] = '{"title": "乳癌", "specialty": "S"}'.encode("big5")
    path = write(tmp_path / "list.json", b"[\n" + b",\n".join(good) + b"\n]\n")
    items = list(read_source(str(path)))
    assert [r.title for r in items if isinstance(r, Record)] == ["T0", "T1", "T3", "T4", "T5"]
    (error,) = [e for e in items if isinstance(e, CorpusInputError)]
    assert (error.line, error.source) == (4, str(path))
    assert "record 3 holds bytes that are not utf-8; try --encoding" in error.reason


def test_a_broken_record_in_the_middle_of_a_big_list_costs_only_itself(tmp_path: Path) -> None:
    """The list is read in 1 MiB pieces: the break and the way on may cross a piece's end."""
    records = [
        json.dumps({"title": f"T{n}", "specialty": "S", "pad": "x" * 5000}) for n in range(600)
    ]
    records[300] = records[300].replace('"specialty"', '"specialty" "broken"', 1)
    path = write(tmp_path / "big.json", "[\n" + ",\n".join(records) + "\n]")
    items = list(read_source(str(path)))
    errors = [e for e in items if isinstance(e, CorpusInputError)]
    assert [e.line for e in errors] == [302]
    assert len([r for r in items if isinstance(r, Record)]) == 599


def test_a_list_that_cannot_go_on_keeps_what_came_before_and_says_where(tmp_path: Path) -> None:
    text = '[{"title": "A", "specialty": "S"} {"title": "B", "specialty": "S"}]'
    items = list(read_json(text, "in.json"))
    assert isinstance(items[0], Record)
    assert isinstance(items[1], CorpusInputError)
    assert "the rest of the file is not read" in items[1].reason


# -- hostile JSON is a per-record error -----------------------------------------------------


DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5_000


@pytest.mark.parametrize("value", [DEEP, HUGE])
def test_hostile_json_values_in_jsonl_are_errors_of_their_line(value: str) -> None:
    lines = [
        json.dumps({"title": "A", "specialty": "S"}),
        '{"title": "B", "specialty": "S", "similar": ' + value + "}",
        json.dumps({"title": "C", "specialty": "S"}),
    ]
    items = list(read_jsonl("\n".join(lines), "in.jsonl"))
    assert [type(i).__name__ for i in items] == ["Record", "CorpusInputError", "Record"]


@pytest.mark.parametrize("value", [DEEP, HUGE])
def test_hostile_json_in_a_csv_cell_is_an_error_of_its_row(value: str) -> None:
    text = f'title,specialty,similar,id\nA,S,[],1\nB,S,"{value}",2\nC,S,,{HUGE}\nD,S,,4\n'
    items = list(read_csv(text, "in.csv"))
    assert [getattr(i, "title", None) for i in items] == ["A", None, None, "D"]


@pytest.mark.parametrize("value", [DEEP, HUGE])
def test_hostile_json_in_a_list_element_costs_that_element(value: str) -> None:
    text = (
        '[{"title": "A", "specialty": "S"}, {"x": ' + value + '}, {"title": "C", "specialty": "S"}]'
    )
    items = list(read_json(text, "in.json"))
    assert [type(i).__name__ for i in items] == ["Record", "CorpusInputError", "Record"]


@pytest.mark.parametrize("value", [DEEP, HUGE])
def test_hostile_json_documents_are_an_error(tmp_path: Path, value: str) -> None:
    for text in ('{"records": ' + value + "}", value):
        (error,) = list(read_source(str(write(tmp_path / "d.json", text))))
        assert isinstance(error, CorpusInputError)


def test_the_decoder_says_why() -> None:
    with pytest.raises(jsontext.JsonValueError, match="nested too deeply"):
        jsontext.loads(DEEP)
    with pytest.raises(
        jsontext.JsonValueError,
        match=f"a number of 5000 digits \\(at most {sys.get_int_max_str_digits()}\\)",
    ):
        jsontext.loads(HUGE)
    assert jsontext.loads("[-1, 2.5e3]") == [-1, 2500.0]


# -- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rot13", "base64", "hex", "zlib", "uu", "quopri", "bz2"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not a text encoding"):
        check_text_encoding(name)


def test_unknown_and_undecodable_encodings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoding"):
        check_text_encoding("klingon")
    with pytest.raises(ValueError, match="decodes no text"):
        check_text_encoding("undefined")
    assert check_text_encoding("gb18030") == "gb18030"


def test_a_bad_encoding_given_to_the_library_is_an_error_of_the_input(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", "{}\n")
    (error,) = list(read_source(str(path), encoding="rot13"))
    assert isinstance(error, CorpusInputError) and "not a text encoding" in error.reason


# -- errors at scale ------------------------------------------------------------------------


def test_a_problem_log_keeps_counts_and_the_first_few_of_each_kind() -> None:
    log = ProblemLog()
    for n in range(10_000):
        log.add(f"in.jsonl:{n}: missing required field 'title'", "missing required field 'title'")
        if n % 2:
            log.add(
                f"in.jsonl:{n}: not valid JSON: Expecting value", "not valid JSON: Expecting value"
            )
    assert log.total == 15_000
    first, second = log.groups()
    assert (first.count, second.count) == (10_000, 5_000)
    assert first.examples == [f"in.jsonl:{n}: missing required field 'title'" for n in range(3)]
    lines = log.lines("failed")
    assert len(lines) == 2 * (MAX_EXAMPLES + 1)
    assert lines[MAX_EXAMPLES] == "  failed: … and 9,997 more like it (missing required field …)"


def test_many_kinds_of_problem_stay_bounded() -> None:
    log = ProblemLog()
    for n in range(5_000):
        log.add(f"x:{n}", f"a problem of kind {'abcdefghij'[n % 10] * (n % 400)}")
    assert len(log.groups()) <= 201
    assert log.total == 5_000


def test_many_bad_lines_take_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{}\n" * 30_000)
    store = Store.open(tmp_path / "c.db")
    tracemalloc.start()
    report = import_paths(store, [str(path)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    assert report.failed == 30_000
    assert len(report.failures) == MAX_KEPT_FAILURES
    assert report.problems.groups()[0].count == 30_000
    # Kept whole, 30,000 such errors take about 17 MB; kept by kind, the peak is the reading
    # buffers' (1.4 MB for 20,000 lines, 1.6 MB for 80,000, measured).
    assert peak < 8 * 1024 * 1024


def test_every_failure_is_counted_even_past_those_kept() -> None:
    report = ImportReport()
    for n in range(MAX_KEPT_FAILURES + 5):
        report.fail(CorpusInputError("in", n, "bad"))
    assert report.failed == MAX_KEPT_FAILURES + 5
    assert len(report.failures) == MAX_KEPT_FAILURES


def test_progress_hears_every_byte_of_one_big_file(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": f"T{n}", "specialty": "S", "pad": "x" * 300}) for n in range(8_000)
    ]
    path = write(tmp_path / "big.jsonl", "\n".join(lines) + "\n")
    sqlite = sqlite_file(tmp_path / "rows.sqlite", ROWS)
    heard: list[int] = []
    store = Store.open(tmp_path / "c.db")
    report = import_paths(
        store,
        [str(path), str(sqlite)],
        mapping={"title": "title|heading", "specialty": "specialty|dept"},
        bytes_read=heard.append,
    )
    store.close()
    assert report.new == 8_002
    assert len(heard) > 2  # in pieces, as it reads
    assert sum(heard) == path.stat().st_size + sqlite.stat().st_size
