"""``qatui check``: a sound corpus passes; damage SQLite does not trip over is found and named."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from qatui import cli
from tests.faults.damage import flip_bytes_in
from tests.hostile import plain_database
from tests.unprivileged import run_python

CHECKS = [
    "file structure",
    "tables and triggers",
    "full-text index",
    "CJK index",
    "links",
    "counts",
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def verdicts(out: str) -> dict[str, str]:
    """``{check: verdict}`` from the report's lines."""
    found = {}
    for line in out.splitlines()[1:]:
        verdict, _, rest = line.strip().partition(" ")
        check = rest.strip().partition(":")[0]
        if check in CHECKS:
            found[check] = verdict
    return found


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return plain_database(tmp_path / "corpus.db", count=120)


def test_a_sound_database_passes_every_check(db: Path) -> None:
    code, out, err = run("check", "--db", str(db))
    assert (code, err) == (cli.EXIT_OK, "")
    assert out.splitlines()[0].startswith(f"checking {db} (")
    assert verdicts(out) == dict.fromkeys(CHECKS, "ok")
    assert "  ok       counts: 120 questions (120 full, 0 partial), 120 replies" in out
    assert out.endswith("no problem found\n")


@pytest.mark.parametrize(
    ("table", "failing"),
    [("questions_fts_data", "full-text index"), ("questions_cjk_data", "CJK index")],
)
def test_flipped_bytes_in_an_index_that_reading_never_meets_are_found(
    db: Path, table: str, failing: str
) -> None:
    flip_bytes_in(db, table)
    assert run("export", "--db", str(db))[0] == cli.EXIT_OK  # nothing else notices
    code, out, err = run("check", "--db", str(db))
    assert code == cli.EXIT_INPUT_FAILED
    assert verdicts(out)["file structure"] == "PROBLEM"
    assert verdicts(out)[failing] == "PROBLEM"
    assert err.startswith(f"qatui check: {db} is damaged")
    assert "problems in: file structure" in err


def test_a_missing_table_is_named(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE faq_links")
    conn.close()
    code, out, _ = run("check", "--db", str(db))
    assert code == cli.EXIT_INPUT_FAILED
    assert "  PROBLEM  tables and triggers: the table faq_links is missing" in out


def test_an_index_out_of_step_with_the_questions_is_found_and_the_advice_mends_it(
    db: Path,
) -> None:
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO questions_fts(questions_fts, rowid, title, subject, question, reply_text, "
        "more_info) SELECT 'delete', rowid, title, subject, question, reply_text, more_info "
        "FROM questions WHERE rowid = (SELECT min(rowid) FROM questions)"
    )
    conn.commit()
    conn.close()
    code, out, err = run("check", "--db", str(db))
    assert code == cli.EXIT_INPUT_FAILED
    assert "  PROBLEM  full-text index: 119 rows indexed, 120 questions" in out
    assert verdicts(out)["file structure"] == "ok"
    assert "the questions are sound, the search index is not" in err
    rebuild = err.split(f"sqlite3 {db} ", 1)[1].strip().strip('"')
    conn = sqlite3.connect(db)
    conn.execute(rebuild)
    conn.commit()
    conn.close()
    assert run("check", "--db", str(db))[0] == cli.EXIT_OK


def test_kept_counts_out_of_step_with_the_questions_are_found(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE specialty_counts SET partials = partials + 1 WHERE rowid = 1")
    conn.commit()
    conn.close()
    code, out, _ = run("check", "--db", str(db))
    assert code == cli.EXIT_INPUT_FAILED
    assert verdicts(out)["counts"] == "PROBLEM"
    assert "the kept counts (specialty_counts) are wrong for 1 specialties" in out


def test_a_read_only_database_is_checked_without_writing(db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        done = run_python(["-m", "qatui", "check", "--db", str(db)], cwd=tmp_path.parent)
    finally:
        db.parent.chmod(0o755)
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert verdicts(done.stdout)["full-text index"] == "skipped"
    assert "read-only file" in done.stdout
    assert db.read_bytes() == before


def test_what_cannot_be_checked_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    code, out, err = run("check", "--db", str(missing))
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert f"{missing} does not exist" in err
    assert not missing.exists()
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n")
    code, out, err = run("check", "--db", str(notes))
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert "not an SQLite file" in err


def test_check_is_documented() -> None:
    help_text = cli.build_parser().format_help()
    assert "check" in help_text
