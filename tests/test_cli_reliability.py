"""The CLI with damaged, read-only and missing databases, broken inputs, Ctrl+C and hostile text."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

import qatui.cli as cli
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Outcome, Store
from tests.hostile import (
    HOSTILE,
    build_hostile_database,
    forbidden_in_terminal_text,
    plain_database,
)
from tests.hostile_plugin import HostileCases
from tests.unprivileged import run_python

PAGE = """{title} - Orthopedics
Subject of {title}
Question of {title}.
Ada, 30~39 year old female. Ask Date: 2016/01/03
Dr. Lai Yicheng reply Orthopedics
Reply to {title}.
Reply Date: 2016/01/05
"""

COMMANDS = [
    ["show", "1"],
    ["show", "1", "--json"],
    ["stats"],
    ["export"],
    ["export", "--format", "json"],
    ["import", "PAGE"],
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def page(title: str) -> str:
    return PAGE.format(title=title)


def unsafe(text: str) -> list[str]:
    """What a terminal would act on, plus the line separators JSON output must escape."""
    return forbidden_in_terminal_text(text) + [c for c in text if c in "\u2028\u2029"]


# -- newer and missing databases -------------------------------------------------------------


def test_a_newer_database_is_refused_by_every_command(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    path = plain_database(tmp_path / "newer.db", count=2)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    source = tmp_path / "page.txt"
    source.write_text(page("New"))
    for command in hostile_cases.each(COMMANDS):
        argv = [str(source) if arg == "PAGE" else arg for arg in command]
        code, _, err = run(*argv, "--db", str(path))
        assert code == cli.EXIT_USAGE
        assert "newer qatui" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "command", [["show", "1"], ["export"], ["search", "knee"], ["stats"]], ids=" ".join
)
def test_a_reading_command_does_not_create_a_mistyped_database(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "typo" / "folder" / "corpus.db"
    code, out, err = run(*command, "--db", str(path))
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert err == (
        f"qatui: {path} does not exist: check the path, or import pages into it first "
        "(qatui import --db PATH FILES).\n"
    )
    assert not (tmp_path / "typo").exists()


def test_import_creates_a_missing_database_with_its_folders(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "corpus.db"
    source = tmp_path / "page.txt"
    source.write_text(page("New"))
    assert run("import", "--db", str(path), str(source))[0] == cli.EXIT_OK
    code, out, _ = run("stats", "--db", str(path))
    assert code == cli.EXIT_OK
    assert "questions: 1 full" in out


# -- read-only databases ------------------------------------------------------------------------


def test_read_only_database_is_read_and_import_says_writing_is_disabled(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    folder = tmp_path / "ro"
    folder.mkdir()
    path = plain_database(folder / "c.db", count=3)
    source = tmp_path / "page.txt"
    source.write_text(page("New"))
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        imported = run_python(
            ["-m", "qatui", "import", "--db", str(path), str(source)], cwd=tmp_path
        )
        stats = run_python(["-m", "qatui", "stats", "--db", str(path)], cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert imported.returncode == cli.EXIT_USAGE
    assert "writing is disabled" in imported.stderr
    assert "Traceback" not in imported.stderr
    assert stats.returncode == cli.EXIT_OK, stats.stderr
    assert "questions: 3 full" in stats.stdout


# -- broken inputs ------------------------------------------------------------------------------


def _broken_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "good": folder / "good.txt",
        "copy": folder / "good copy.txt",
        "empty": folder / "empty.txt",
        "binary": folder / "binary.jsonl",
        "truncated": folder / "truncated.txt",
        "big5": folder / "big5.txt",
        "json": folder / "half.json",
        "jsonl": folder / "half.jsonl",
        "csv": folder / "half.csv",
    }
    files["good"].write_text(page("Good page"))
    files["copy"].write_text(page("Good page"))
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    files["truncated"].write_text(page("Cut")[:40])
    files["big5"].write_bytes(page("乳癌").encode("big5"))
    files["json"].write_text(
        '[{"title": "J1", "specialty": "S"},\n{"specialty": "S"},\n{"title": "J3", "spec'
    )
    files["jsonl"].write_text(
        '{"title": "L1", "specialty": "S"}\nnot json\n{"title": "L3", "specialty": "S"}\n'
    )
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows([["title", "specialty"], ["C1", "S"], ["", "S"], ["C3", "S", "extra"]])
    files["csv"].write_text(out.getvalue())
    return files


def test_broken_inputs_are_each_named_and_every_valid_page_is_imported(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    files = _broken_inputs(tmp_path / "in")
    hostile_cases.add(len(files))
    db = str(tmp_path / "corpus.db")
    code, out, err = run("import", "--db", db, str(tmp_path / "in"))
    assert code == cli.EXIT_INPUT_FAILED
    assert "3 new" not in out
    assert "1 duplicate row," in out  # the copy of the good page
    failed = [line for line in err.splitlines() if line.startswith("  failed: ")]
    expected = [
        f"{files['binary']}:1: binary file",
        f"{files['big5']}:1: bytes that are not utf-8",
        f"{files['csv']}:3: missing required field 'title'",
        f"{files['csv']}:4: more cells than header columns",
        f"{files['empty']}: empty file",
        f"{files['json']} (record 2): missing required field 'title'",
        f"{files['json']}:3: record 3 is cut short",
        f"{files['jsonl']}:2: not valid JSON",
        f"{files['truncated']}:",
    ]
    assert len(failed) == len(expected)
    for line, start in zip(sorted(failed), sorted(expected), strict=True):
        assert line.startswith(f"  failed: {start}"), (line, start)
    store = Store.open(db)
    titles = sorted(row[0] for row in store.conn.execute("SELECT title FROM questions"))
    store.close()
    assert titles == ["C1", "Good page", "J1", "L1", "L3"]


def test_ctrl_c_during_import_keeps_committed_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(6):
        (folder / f"{number}.txt").write_text(page(f"Page {number}"))
    real = Store.upsert
    calls = 0

    def interrupted(self: Store, record: object) -> Outcome:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise KeyboardInterrupt
        return real(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "upsert", interrupted)
    db = tmp_path / "corpus.db"
    code, _, err = run("import", "--db", str(db), "--batch-size", "3", str(folder))
    assert code == 130
    assert "interrupted" in err
    assert "(3 new, 0 updated)" in err
    assert "Traceback" not in err
    monkeypatch.setattr(Store, "upsert", real)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM questions").fetchone()[0] == 3
    conn.close()


# -- hostile text in the output -----------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    corpus = build_hostile_database(tmp_path_factory.mktemp("hostile") / "hostile.db")
    return corpus.path, corpus.ids


def _stored_json(path: Path, question_id: int) -> object:
    conn = sqlite3.connect(path)
    try:
        found = CorpusReader(conn).record(question_id)
        assert found is not None
        return found.to_json()
    finally:
        conn.close()


def test_show_prints_hostile_text_safely(
    hostile_db: tuple[Path, dict[str, int]], hostile_cases: HostileCases
) -> None:
    path, ids = hostile_db
    for name in hostile_cases.each(HOSTILE):
        code, out, err = run("show", str(ids[name]), "--db", str(path))
        assert code == cli.EXIT_OK, err
        assert not unsafe(out), name
        assert "\x1b" not in out


def test_show_json_is_safe_and_lossless(
    hostile_db: tuple[Path, dict[str, int]], hostile_cases: HostileCases
) -> None:
    path, ids = hostile_db
    for name in hostile_cases.each(HOSTILE):
        code, out, _ = run("show", str(ids[name]), "--json", "--db", str(path))
        assert code == cli.EXIT_OK
        assert not unsafe(out), name
        assert json.loads(out) == _stored_json(path, ids[name])


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_export_is_safe_and_lossless(
    hostile_db: tuple[Path, dict[str, int]], fmt: str, hostile_cases: HostileCases
) -> None:
    path, ids = hostile_db
    hostile_cases.add(len(ids))
    code, out, _ = run("export", "--format", fmt, "--db", str(path))
    assert code == cli.EXIT_OK
    assert not unsafe(out)
    items = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else json.loads(out)
    by_id = {item["id"]: item for item in items}
    for question_id in ids.values():
        assert by_id[question_id] == _stored_json(path, question_id)


def test_stats_prints_hostile_specialties_safely(
    hostile_db: tuple[Path, dict[str, int]], hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path, _ = hostile_db
    code, out, _ = run("stats", "--db", str(path))
    assert code == cli.EXIT_OK
    assert not unsafe(out)
    assert "[@click=app.quit]Quit[/]" in out


def test_import_errors_print_hostile_names_and_values_safely(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    hostile_names = ["evil\x1b]52;c;eA==\x07.txt", "clear\x1b[2J.txt", "rtl\u202etxt.exe.txt"]
    for name in hostile_cases.each(hostile_names):
        (folder / name).write_text("\x1b[2J\x9b31m no heading \u202e here\n")
    (folder / "values.jsonl").write_text(
        json.dumps({"title": "T", "specialty": "S", "asked_on": "\x1b]52;c;eA==\x07 2016"}) + "\n"
    )
    hostile_cases.add()
    code, _, err = run("import", "--db", str(tmp_path / "c.db"), str(folder))
    assert code == cli.EXIT_INPUT_FAILED
    assert err.count("failed:") == 3
    assert err.count("warning:") == 1  # the date: emptied, the record kept
    assert not unsafe(err)
