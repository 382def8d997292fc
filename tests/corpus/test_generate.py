"""The synthetic corpus generator: deterministic, shaped like the site, identical to an import."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from qatui.cli import main
from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.importer import import_paths
from qatui.corpus.ingest.pagetext import parse_page
from qatui.corpus.store.writer import Store
from qatui.synthetic.bulk_load import build_database
from qatui.synthetic.generate import (
    FIRST_DAY,
    LAST_DAY,
    SPECIALTIES,
    CorpusPlan,
    generate_records,
    page_text,
    write_pages,
)

TABLES = {
    "specialties": "id",
    "questions": "id",
    "replies": "question_id, position",
    "similar_links": "question_id, position",
    "faq_links": "question_id, position",
}


def _export(db: Path) -> str:
    out = io.StringIO()
    assert main(["export", "--db", str(db)], out, io.StringIO()) == 0
    return out.getvalue()


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    """Every column but ``questions.rowid`` (dense either way; an import fills a partial in
    its row, the bulk loader writes pages in order)."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "rowid"]
    return conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY {TABLES[table]}"
    ).fetchall()


def _index_entries(conn: sqlite3.Connection, table: str, kind: str) -> list[tuple[object, ...]]:
    """A full-text index's entries: per term (``row``) or every occurrence (``instance``, the
    row named by its question's stable id)."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, {kind})")
    if kind == "instance":
        return conn.execute(
            f"SELECT v.term, q.id, v.col, v.offset FROM temp.v_{table} v "
            "JOIN questions q ON q.rowid = v.doc ORDER BY 1, 2, 3, 4"
        ).fetchall()
    return conn.execute(f"SELECT * FROM temp.v_{table} ORDER BY 1").fetchall()


def _schema(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())


def _assert_same_database(one: Path, other: Path) -> None:
    a, b = sqlite3.connect(one), sqlite3.connect(other)
    try:
        assert _schema(a) == _schema(b)
        assert (
            a.execute("PRAGMA user_version").fetchone()
            == b.execute("PRAGMA user_version").fetchone()
        )
        assert a.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        for table in TABLES:
            assert _rows(a, table) == _rows(b, table), table
        for conn in (a, b):  # the main index holds exactly what the questions table holds
            conn.execute(
                "INSERT INTO questions_fts(questions_fts, rank) VALUES ('integrity-check', 1)"
            )
        assert _index_entries(a, "questions_fts", "row") == _index_entries(
            b, "questions_fts", "row"
        )
        tables = {str(row[1]) for row in _schema(a)}
        for table in tables & {"questions_cjk"}:  # contentless: compare every entry
            entries = _index_entries(a, table, "instance")
            assert entries and entries == _index_entries(b, table, "instance")
    finally:
        a.close()
        b.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1,100-question corpus (two blocks) built in bulk, in this process."""
    path = tmp_path_factory.mktemp("generated") / "bulk.db"
    build_database(path, 1100, seed=5, workers=0)
    return path


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_the_same_corpus(tmp_path: Path, built: Path) -> None:
    again = tmp_path / "again.db"
    build_database(again, 1100, seed=5, workers=0)
    assert _export(again) == _export(built)


def test_a_different_seed_gives_a_different_corpus(tmp_path: Path, built: Path) -> None:
    other = tmp_path / "other.db"
    build_database(other, 1100, seed=6, workers=0)
    assert _export(other) != _export(built)


def test_pages_do_not_depend_on_hash_randomisation() -> None:
    script = (
        "import hashlib; from qatui.synthetic.generate import generate_records, page_text; "
        "print(hashlib.sha256(''.join(page_text(r) for r in generate_records(150, 3))"
        ".encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for salt in ("1", "2")
    }
    here = "".join(page_text(record) for record in generate_records(150, 3))
    assert digests == {hashlib.sha256(here.encode()).hexdigest() + "\n"}


def test_worker_processes_write_the_same_rows(tmp_path: Path, built: Path) -> None:
    parallel = tmp_path / "parallel.db"
    build_database(parallel, 1100, seed=5, workers=2)
    _assert_same_database(parallel, built)


# -- pages and import ------------------------------------------------------------------------


def test_every_page_parses_back_to_its_record() -> None:
    for record in generate_records(400, seed=11):
        assert parse_page(page_text(record), "generated") == record


def test_generated_page_files_import_cleanly(tmp_path: Path) -> None:
    assert write_pages(tmp_path / "pages", 300, seed=2) == 300
    store = Store.open(tmp_path / "imported.db")
    try:
        report = import_paths(store, [str(tmp_path / "pages")])
    finally:
        store.close()
    assert (report.new, report.updated, report.failed) == (300, 0, 0)


def test_bulk_database_is_the_database_an_import_gives(tmp_path: Path, built: Path) -> None:
    write_pages(tmp_path / "pages", 1100, seed=5)
    imported = tmp_path / "imported.db"
    store = Store.open(imported)
    try:
        report = import_paths(store, [str(tmp_path / "pages")])
    finally:
        store.close()
    assert report.failed == 0
    _assert_same_database(built, imported)


def test_building_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError, match="already exists"):
        build_database(path, 10, workers=0)
    assert path.read_bytes() == b""


# -- shape -----------------------------------------------------------------------------------


def test_specialty_sizes_follow_the_site() -> None:
    plan = CorpusPlan(2000, seed=4)
    counts = Counter(plan.specialty_of)
    site_total = sum(spec.questions for spec in SPECIALTIES)
    for index, spec in enumerate(SPECIALTIES):
        expected = 2000 * spec.questions / site_total
        if expected >= 100:
            assert 0.75 * expected <= counts[index] <= 1.25 * expected, spec.name
    largest = counts.most_common(2)
    assert [SPECIALTIES[index].name for index, _ in largest] == [
        "Obstetrics and Gynecology",
        "Urology",
    ]


def test_dates_lean_recent_and_replies_follow(built: Path) -> None:
    conn = sqlite3.connect(built)
    rows = conn.execute(
        "SELECT q.asked_on, r.replied_on FROM questions q JOIN replies r ON r.question_id = q.id "
        "WHERE q.is_partial = 0"
    ).fetchall()
    conn.close()
    asked = [dt.date.fromisoformat(a) for a, _ in rows]
    assert min(asked) >= FIRST_DAY and max(asked) <= LAST_DAY
    early = sum(1 for day in asked if day.year <= 2006)
    recent = sum(1 for day in asked if day.year >= 2020)
    assert recent > 3 * early
    gaps = [(dt.date.fromisoformat(r) - dt.date.fromisoformat(a)).days for a, r in rows]
    assert min(gaps) >= 0 and max(gaps) <= 30
    assert sum(gaps) / len(gaps) < 5


def test_lengths_are_like_the_seed_page_with_a_long_tail(built: Path) -> None:
    conn = sqlite3.connect(built)
    question, reply, more_info, longest = conn.execute(
        "SELECT avg(length(question)), avg(length(reply_text)), avg(length(more_info)), "
        "max(length(more_info)) FROM questions WHERE is_partial = 0"
    ).fetchone()
    conn.close()
    assert 500 <= question <= 750
    assert 580 <= reply <= 850
    assert 2900 <= more_info <= 3800
    assert longest > 2 * more_info


def test_links_mostly_lead_to_generated_pages(built: Path) -> None:
    conn = sqlite3.connect(built)
    per_page = conn.execute("SELECT count(*) FROM similar_links GROUP BY question_id").fetchall()
    resolved, unresolved = conn.execute(
        "SELECT sum(t.is_partial = 0), sum(t.is_partial = 1) FROM similar_links l "
        "JOIN questions t ON t.id = l.target_id"
    ).fetchone()
    faq = conn.execute("SELECT count(DISTINCT question_id) FROM faq_links").fetchone()[0]
    conn.close()
    assert {row[0] for row in per_page} == {4} and len(per_page) == 1100
    assert resolved + unresolved == 4400
    assert 0.9 <= resolved / 4400 < 1
    assert faq == 1100


def test_text_is_plainly_synthetic() -> None:
    records = list(generate_records(200, seed=9))
    assert all(record.title.endswith(f"(synthetic #{n + 1})") for n, record in enumerate(records))
    assert all(link.title.startswith(("Persistent", "Sudden", "Recurring", "Mild", "Sharp",
               "Chronic", "Occasional", "Night-time", "Worsening", "Unexplained", "Lingering",
               "Intermittent")) for record in records for link in record.similar)  # fmt: skip


# -- command line ----------------------------------------------------------------------------


def test_generate_command_builds_a_database(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "gen.db"
    assert main(["generate", "--count", "40", "--db", str(path), "--seed", "3"], out, err) == 0
    assert "generated 40 synthetic questions" in out.getvalue()
    stats = io.StringIO()
    assert main(["stats", "--db", str(path)], stats, io.StringIO()) == 0
    assert "questions: 40 full" in stats.getvalue()


def test_generate_command_writes_page_files(tmp_path: Path) -> None:
    out = io.StringIO()
    pages = tmp_path / "pages"
    assert main(["generate", "--count", "12", "--pages-dir", str(pages)], out, io.StringIO()) == 0
    assert len(list(pages.rglob("*.txt"))) == 12


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--count", "5"],
        ["generate", "--count", "5", "--db", "x.db", "--pages-dir", "p"],
        ["generate", "--count", "-1", "--db", "x.db"],
    ],
)
def test_generate_command_usage_errors(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    err = io.StringIO()
    monkeypatch.chdir(tmp_path)
    assert main(argv, io.StringIO(), err) == 2
    assert "qatui generate:" in err.getvalue()
    assert not (tmp_path / "x.db").exists()


def test_generate_command_keeps_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    assert main(["generate", "--count", "5", "--db", str(path)], io.StringIO(), io.StringIO()) == 0
    before = path.read_bytes()
    err = io.StringIO()
    assert main(["generate", "--count", "5", "--db", str(path)], io.StringIO(), err) == 2
    assert "already exists" in err.getvalue()
    assert path.read_bytes() == before
