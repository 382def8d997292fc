"""The damaged-database matrix: every command and the reader's corpus, on every kind of damage,
name the file and say what to do, with no traceback and without writing into it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from qatui import cli
from qatui.corpus.errors import StoreError
from qatui.corpus.store.read_pool import Corpus
from tests.faults.damage import ALL_DAMAGE, MORE_DAMAGE, broken_database
from tests.hostile import damaged_database, plain_database
from tests.hostile_plugin import HostileCases

PAGE = """New - Orthopedics
Subject of New
Question of New.
Ada, 30~39 year old female. Ask Date: 2016/01/03
Dr. Lai Yicheng reply Orthopedics
Reply to New.
Reply Date: 2016/01/05
"""

COMMANDS = [
    ["show", "1"],
    ["show", "1", "--json"],
    ["stats"],
    ["export"],
    ["export", "--format", "json"],
    ["search", "words"],
    ["import", "PAGE"],
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", sorted(ALL_DAMAGE))
def test_every_command_explains_a_damaged_database(
    tmp_path: Path, kind: str, command: list[str], hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = broken_database(tmp_path / "damaged.db", kind)
    source = tmp_path / "page.txt"
    source.write_text(PAGE)
    argv = [str(source) if arg == "PAGE" else arg for arg in command]
    code, _, err = run(*argv, "--db", str(path))
    if code != cli.EXIT_USAGE and kind == "corrupted" and command[0] in ("show", "search"):
        # damage inside a file is met when read: one question may live in sound pages
        assert "no question" in err or "no matching" in err or not err
        return
    # import meets damage as it writes: it stops like any database failure mid-import
    assert code == (cli.EXIT_INPUT_FAILED if "rolled back" in err else cli.EXIT_USAGE), err
    assert err.startswith("qatui")
    assert str(path) in err
    assert "--db" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", sorted(MORE_DAMAGE))
def test_what_is_wrong_is_named(tmp_path: Path, kind: str) -> None:
    path = broken_database(tmp_path / "damaged.db", kind)
    before = path.read_bytes()
    code, _, err = run("stats", "--db", str(path))
    assert code == cli.EXIT_USAGE
    assert "damaged" in err
    if kind.startswith("no "):
        assert f"(the table {kind.removeprefix('no ')}" in err
        assert "missing)" in err
    else:
        assert "schema number" in err and "no qatui has written" in err
        assert "newer qatui" not in err
    assert path.read_bytes() == before


def test_a_damaged_database_gives_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    path = damaged_database(tmp_path / "damaged.db", "corrupted")
    done = subprocess.run(
        [sys.executable, "-m", "qatui", "export", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == cli.EXIT_USAGE
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr


# -- the reader's way in ----------------------------------------------------------------------


def _use_corpus(path: Path) -> None:
    corpus = Corpus.open(path)
    try:
        with corpus.reader() as reader:
            reader.stats()
            for _ in reader.iter_records():
                pass
        corpus.check_integrity()
    finally:
        corpus.close()


@pytest.mark.parametrize("kind", sorted(ALL_DAMAGE))
def test_damaged_database_gives_a_store_error_with_path_and_advice(
    tmp_path: Path, kind: str, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    path = broken_database(tmp_path / "damaged.db", kind)
    before = path.read_bytes()
    with pytest.raises(StoreError) as raised:
        _use_corpus(path)
    message = str(raised.value)
    assert str(path) in message
    assert "--db" in message
    if kind in ("not a database", "another program's database", *MORE_DAMAGE):
        assert path.read_bytes() == before


def test_check_integrity_passes_on_a_plain_database(tmp_path: Path) -> None:
    _use_corpus(plain_database(tmp_path / "good.db", count=20))
