"""An import whose page files are parsed by worker processes, stopped by ``kill -9`` or by
Ctrl+C: the database holds the committed batches only, and no worker process is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qatui import cli
from tests.corpus.test_importer import page_text, write
from tests.faults.test_kill_and_race import _assert_sound, _committed

PAGES = 6_000
BATCH = 200

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _pages(folder: Path) -> Path:
    for n in range(PAGES):
        write(folder / f"{n // 500:02d}" / f"{n:05d}.txt", page_text(f"Question {n}"))
    return folder


IMPORT_WITH_CTRL_C = """
import signal, sys
from qatui import cli
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.exit(cli.main(sys.argv[1:]))
"""
"""``qatui`` with Ctrl+C as a terminal gives it: a test runner's process may pass on SIGINT
ignored or blocked (then Python keeps ignoring it)."""


def _start(db: Path, pages: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", IMPORT_WITH_CTRL_C, "import", "--db", str(db)]
    return subprocess.Popen(
        [*command, "--jobs", "2", "--batch-size", str(BATCH), str(pages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a shell gives a command
    )


def _alive(pid: int) -> bool:
    """The process runs (a zombie no longer does)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: set[int] = set()
    wanted = {pid}
    while wanted:
        wanted = {child for child, parent in parents.items() if parent in wanted} - found
        found |= wanted
    return found


def _workers_once_batches_commit(child: subprocess.Popen[bytes], db: Path) -> set[int]:
    """The import's child processes, seen once a few batches are committed."""
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while child.poll() is None and time.monotonic() < deadline:
        workers |= _descendants(child.pid)
        if _committed(db) >= 2 * BATCH and len(workers) >= 2:  # the forkserver and a worker
            return workers
        time.sleep(0.02)
    pytest.fail(f"the import ended (or stalled) before it could be stopped: {child.poll()}")


def _gone(pids: set[int]) -> set[int]:
    """The processes of ``pids`` still running after they were given a minute to exit."""
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {pid for pid in pids if _alive(pid)}


@pytest.mark.parametrize("stop", ["kill -9", "Ctrl+C"])
def test_a_stopped_import_leaves_committed_batches_and_no_worker(tmp_path: Path, stop: str) -> None:
    pages = _pages(tmp_path / "pages")
    db = tmp_path / "corpus.db"
    child = _start(db, pages)
    workers = _workers_once_batches_commit(child, db)
    if stop == "kill -9":
        child.kill()
        assert child.wait(timeout=60) == -signal.SIGKILL
    else:
        os.killpg(child.pid, signal.SIGSTOP)  # so that it cannot end before the Ctrl+C lands
        if _committed(db) > PAGES - 2 * BATCH:
            os.killpg(child.pid, signal.SIGCONT)
            pytest.fail("the import was too near its end to be interrupted: give it more pages")
        os.killpg(child.pid, signal.SIGINT)  # what a terminal sends the whole group
        os.killpg(child.pid, signal.SIGCONT)
        assert child.wait(timeout=60) == 130
    assert _gone(workers) == set()
    _assert_sound(db)
    committed = _committed(db)
    assert committed % BATCH == 0 and 2 * BATCH <= committed < PAGES
    again = subprocess.run(
        [sys.executable, "-m", "qatui", "import", "--db", str(db), "--jobs", "2", str(pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == cli.EXIT_OK, again.stderr
    assert _committed(db) == PAGES
