"""FIFOs and devices where a file is expected: refused at once with a message, never waited on.

Each case runs in a child with a time limit: the old code blocks for ever opening a FIFO that
no one writes to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qatui import cli
from tests.hostile import plain_database
from tests.hostile_plugin import HostileCases

PAGE = """Good - Orthopedics
Subject
Question.
Ada, 30~39 year old female. Ask Date: 2016/01/03
Dr. Lai reply Orthopedics
Reply.
Reply Date: 2016/01/05
"""


def qatui(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qatui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    "command",
    [["stats"], ["show", "1"], ["export"], ["search", "words"], ["import", "PAGE"], ["check"]],
    ids=" ".join,
)
def test_a_fifo_as_the_database_is_refused(
    tmp_path: Path, command: list[str], hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    fifo = tmp_path / "corpus.db"
    os.mkfifo(fifo)
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    argv = [str(page) if arg == "PAGE" else arg for arg in command]
    done = qatui(*argv, "--db", str(fifo), cwd=tmp_path)
    assert done.returncode == cli.EXIT_USAGE, done.stderr
    assert done.stderr == (
        f"qatui: {fifo} is a named pipe (FIFO), not a regular file: a database is a file. "
        "Choose another with --db or QATUI_DB.\n"
    )


def test_the_reader_refuses_a_fifo_as_its_database(tmp_path: Path) -> None:
    fifo = tmp_path / "corpus.db"
    os.mkfifo(fifo)
    code = (
        "import sys; from qatui.corpus.errors import StoreError\n"
        "from qatui.corpus.store.read_pool import Corpus\n"
        "try:\n    Corpus.open(sys.argv[1])\nexcept StoreError as error:\n    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "is a named pipe (FIFO), not a regular file" in done.stdout, done.stderr


def test_a_fifo_among_the_inputs_is_named_and_the_rest_imported(
    tmp_path: Path, hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(PAGE)
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    db = tmp_path / "corpus.db"
    done = qatui("import", "--db", str(db), str(fifo), str(folder / "good.txt"), cwd=tmp_path)
    assert done.returncode == cli.EXIT_INPUT_FAILED, done.stderr
    assert "1 new" in done.stdout
    assert f"  failed: {fifo}: cannot read: a named pipe (FIFO), not a regular file" in (
        done.stderr
    )


def test_a_device_as_an_input_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    db = plain_database(tmp_path / "corpus.db", count=1)
    done = qatui("import", "--db", str(db), "/dev/zero", cwd=tmp_path)
    assert done.returncode == cli.EXIT_INPUT_FAILED, done.stderr
    assert "failed: /dev/zero: cannot read: a character device, not a regular file" in done.stderr


def test_a_fifo_as_the_config_file_does_not_stop_a_command(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    code = "from qatui.config import load_config\nprint(load_config().warnings)\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "QATUI_CONFIG": str(fifo)},
    )
    assert "is a named pipe (FIFO), not a regular file; using the defaults" in done.stdout
