"""Processes that die or race: ``kill -9`` at random points of an import, and several first
imports into a database that does not exist yet. Either way the database stays sound and holds
whole batches only."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from qatui import cli
from qatui.corpus.store.health import Verdict, check_database

BATCH = 50
RECORDS = 3_000
KILLS = 12


def _records(path: Path, count: int, prefix: str = "Question") -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            item = {
                "title": f"{prefix} {number:05d}",
                "specialty": "Orthopedics",
                "question": f"Text of question {number}. " + "knee pain on stairs " * 40,
                "reply": {"doctor": "Lin", "body": "A reply. " * 20},
            }
            out.write(json.dumps(item) + "\n")
    return path


def _titles(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return []  # killed before the schema was committed
        return [row[0] for row in conn.execute("SELECT title FROM questions ORDER BY title")]
    finally:
        conn.close()


def _committed(db: Path) -> int:
    """How many questions a reader sees now (0 while the file or its tables are not there)."""
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _assert_sound(db: Path) -> None:
    """Every check of ``qatui check`` passes, or the file is still empty (killed before its
    schema was committed: the next open creates it)."""
    conn = sqlite3.connect(db)
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return
        findings = list(check_database(conn, writable=True))
    finally:
        conn.close()
    assert [f for f in findings if f.verdict is not Verdict.OK] == [], findings


def _import(db: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qatui",
            "import",
            "--db",
            str(db),
            "--batch-size",
            str(BATCH),
            str(source),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_at_random_points_of_an_import_leaves_whole_batches(tmp_path: Path) -> None:
    source = _records(tmp_path / "records.jsonl", RECORDS)
    db = tmp_path / "corpus.db"
    rng = random.Random(15)
    # two kills as soon as the file appears (schema creation, first batch), the rest once a
    # reader sees a random number of questions committed
    thresholds = [0, 0, *sorted(rng.sample(range(1, RECORDS), KILLS - 2))]
    seen: list[int] = []
    for threshold in thresholds:
        child = _import(db, source)
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            if (threshold == 0 and db.exists()) or (threshold and _committed(db) >= threshold):
                break
            time.sleep(0.005)
        child.kill()
        child.wait()
        if not db.exists():
            continue
        _assert_sound(db)
        titles = _titles(db)
        assert len(titles) % BATCH == 0 or len(titles) == RECORDS
        assert titles == [f"Question {n:05d}" for n in range(len(titles))]
        seen.append(len(titles))
    assert seen == sorted(seen)  # what was committed stays committed
    done = subprocess.run(
        [sys.executable, "-m", "qatui", "import", "--db", str(db), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert f"{RECORDS - seen[-1]} new" in done.stdout
    assert len(_titles(db)) == RECORDS
    _assert_sound(db)


START_TOGETHER = """
import os, sys, time
from qatui import cli
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.001)
sys.exit(cli.main(["import", "--db", sys.argv[2], sys.argv[3]]))
"""

IMPORTERS = 4
TRIALS = 12


def test_first_imports_into_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    sources = [
        _records(tmp_path / f"in{number}.jsonl", 20, prefix=f"Importer {number}")
        for number in range(IMPORTERS)
    ]
    failures: list[str] = []
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}" / "corpus.db"
        go = tmp_path / f"go{trial}"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", START_TOGETHER, str(go), str(db), str(source)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for source in sources
        ]
        time.sleep(1.0)  # let every child reach the starting line (a head start, not a limit)
        go.touch()
        for child in children:
            _, err = child.communicate(timeout=300)
            if child.returncode != cli.EXIT_OK:
                failures.append(f"trial {trial}: exit {child.returncode}: {err.strip()}")
        if db.exists():
            assert len(_titles(db)) == 20 * IMPORTERS or failures
            _assert_sound(db)
    assert failures == []
