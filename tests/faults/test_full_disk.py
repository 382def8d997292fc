"""A disk that fills up during an import: the batches committed before stay, the one in progress
is rolled back, the database stays sound, and the message says exactly that.

The disk is a 2 MiB tmpfs mounted in a mount namespace of the child's own (``unshare``), so
nothing outside it sees the mount and it goes away with the child. Where no namespace can be
made (no ``unshare``, no privilege for it) the test is skipped with the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qatui import cli

BATCH = 100

IMPORT_THEN_INSPECT = """
import io, json, sqlite3, sys
from qatui import cli
db, source = sys.argv[1], sys.argv[2]
out, err = io.StringIO(), io.StringIO()
code = cli.main(["import", "--db", db, "--batch-size", sys.argv[3], source], out, err)
conn = sqlite3.connect(db)
found = {
    "code": code,
    "out": out.getvalue(),
    "err": err.getvalue(),
    "integrity": [row[0] for row in conn.execute("PRAGMA integrity_check")],
    "titles": [row[0] for row in conn.execute("SELECT title FROM questions ORDER BY title")],
}
conn.close()
check_out, check_err = io.StringIO(), io.StringIO()
found["check"] = cli.main(["check", "--db", db], check_out, check_err)
print(json.dumps(found))
"""


def _namespace_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare here: a size-limited file system cannot be mounted for the test")
    for prefix in ([unshare, "--mount"], [unshare, "--user", "--map-root-user", "--mount"]):
        probe = [*prefix, "sh", "-c", 'mount -t tmpfs -o size=1m qatui-probe "$0"', "/mnt"]
        if subprocess.run(probe, capture_output=True, check=False, timeout=60).returncode == 0:
            return prefix
    pytest.skip("no mount namespace can be made here (unshare --mount refused): no small disk")


def _records(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            item = {
                "title": f"Question {number:05d}",
                "specialty": "Orthopedics",
                "question": f"Text of question {number}. " + "knee pain when climbing " * 60,
                "reply": {"doctor": "Lin", "body": "A reply. " * 40},
            }
            out.write(json.dumps(item) + "\n")
    return path


def test_a_full_disk_keeps_the_committed_batches_and_says_so(tmp_path: Path) -> None:
    prefix = _namespace_prefix()
    source = _records(tmp_path / "records.jsonl", 3_000)
    disk = tmp_path / "small-disk"
    disk.mkdir()
    db = disk / "corpus.db"
    mount_then_run = 'mount -t tmpfs -o size=2m qatui-full-disk "$0" && exec "$@"'
    done = subprocess.run(
        [
            *prefix,
            "sh",
            "-c",
            mount_then_run,
            str(disk),
            sys.executable,
            "-c",
            IMPORT_THEN_INSPECT,
            str(db),
            str(source),
            str(BATCH),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["code"] == cli.EXIT_INPUT_FAILED
    assert found["err"] == (
        "qatui import: stopped; the batch in progress was rolled back, batches committed before "
        f"it are kept. {db}: the disk is full. Free some space and try again.\n"
    )
    assert found["integrity"] == ["ok"]
    assert found["check"] == cli.EXIT_OK
    titles = found["titles"]
    assert 0 < len(titles) < 3_000
    assert len(titles) % BATCH == 0  # whole batches only
    assert titles == [f"Question {number:05d}" for number in range(len(titles))]
