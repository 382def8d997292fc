"""Inputs a careless or hostile source gives (issue 15 #11 and #24): each costs what it is,
says where and why, and never the records around it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from qatui.corpus.ingest.record_builder import MAX_FIELD_CHARS
from tests.test_cli import run


def import_file(tmp_path: Path, name: str, data: bytes, *options: str) -> tuple[int, str, str]:
    source = tmp_path / name
    source.write_bytes(data)
    return run("import", "--db", str(tmp_path / "corpus.db"), *options, str(source))


def titles(tmp_path: Path) -> list[str]:
    conn = sqlite3.connect(tmp_path / "corpus.db")
    try:
        return sorted(row[0] for row in conn.execute("SELECT title FROM questions"))
    finally:
        conn.close()


def test_a_csv_with_cr_line_endings_reads_row_by_row(tmp_path: Path) -> None:
    """It was one 'line' of the whole file: 'not valid CSV … line 0', nothing imported."""
    data = b'title,specialty,question\r"Knee, left",Orthopedics,Q1\rRash,Dermatology,Q2\r'
    code, out, err = import_file(tmp_path, "mac.csv", data)
    assert (code, err) == (0, "")
    assert out.endswith("2 new, 0 updated, 0 unchanged, 0 failed\n")
    assert titles(tmp_path) == ["Knee, left", "Rash"]


def test_an_unterminated_quote_is_named_with_its_line(tmp_path: Path) -> None:
    """It was read as one cell holding the rest of the file (or 'missing required field')."""
    data = (
        b"title,specialty,question\n"
        b"Kept,Urology,Q\n"
        b'"Bad"quote,Urology,Q\n'
        b"Also kept,Urology,Q\n"
        b'"Never closed,Urology,Q\n'
        b"Swallowed,Urology,Q\n"
    )
    code, out, err = import_file(tmp_path, "broken.csv", data)
    assert code == 1
    assert "broken.csv:3: not valid CSV" in err  # that row only
    assert "broken.csv:5: a quoted cell that opens on line 5 is never closed" in err
    assert out.endswith("2 new, 0 updated, 0 unchanged, 2 failed\n")
    assert titles(tmp_path) == ["Also kept", "Kept"]


def test_utf16_without_a_byte_order_mark_says_which_encoding_to_try(tmp_path: Path) -> None:
    data = "title,specialty,question\nT,Urology,Q\n".encode("utf-16-le")
    code, _, err = import_file(tmp_path, "wide.csv", data)
    assert code == 1
    assert "looks like UTF-16 text without a byte-order mark: try --encoding utf-16-le" in err
    code, out, _ = import_file(tmp_path, "wide.csv", data, "--encoding", "utf-16-le")
    assert code == 0 and out.endswith("1 new, 0 updated, 0 unchanged, 0 failed\n")


def test_a_huge_field_is_cut_with_a_named_warning_and_the_record_kept(tmp_path: Path) -> None:
    """A 13 MB field froze the reader for 22 s when the page was opened."""
    huge = "word " * (MAX_FIELD_CHARS // 2)
    records = [
        {"title": "Huge", "specialty": "Urology", "question": huge},
        {"title": "Small", "specialty": "Urology", "question": "Q"},
    ]
    code, out, err = import_file(tmp_path, "huge.json", json.dumps(records).encode())
    assert code == 0
    assert f"field 'question' holds {len(huge.strip()):,} characters" in err
    assert f"kept the first {MAX_FIELD_CHARS:,}" in err
    assert out.endswith("2 new, 0 updated, 0 unchanged, 0 failed\n")
    conn = sqlite3.connect(tmp_path / "corpus.db")
    stored = conn.execute("SELECT length(question) FROM questions WHERE title = 'Huge'")
    assert stored.fetchone()[0] == MAX_FIELD_CHARS
    conn.close()
