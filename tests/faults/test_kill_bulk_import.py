"""``kill -9`` at random points of a bulk import (full-text index deferred to the end of each
batch) that both updates indexed rows and adds new ones: every time, the database passes
every check of ``qatui check`` (FTS5 integrity-check of both indexes included) and a search
finds exactly the rows that hold the word."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from qatui import cli
from tests.faults.test_kill_and_race import _assert_sound, _committed

BATCH = 60
OLD = 240
NEW = 1_500
KILLS = 8
WORDS = ("ankle", "wrist")


def _item(number: int, reply: str) -> str:
    cjk = f" 膝蓋痛得厲害第{number}天" if number % 3 == 0 else ""
    item = {
        "title": f"Question {number:05d}",
        "specialty": "Orthopedics",
        "question": f"Text of question {number}. " + "knee pain on stairs " * 30 + cjk,
        "reply": {"doctor": "Lin", "body": f"{reply} {number}. " + "Rest it. " * 20},
    }
    return json.dumps(item, ensure_ascii=False) + "\n"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _second(path: Path, word: str) -> Path:
    """New questions, with an update of an indexed one (its reply now says ``word``) after
    every fifth: every batch both adds rows and changes rows the index holds."""
    lines = []
    for n in range(NEW):
        lines.append(_item(OLD + n, "sprain"))
        if n % 5 == 4:
            lines.append(_item((n // 5) % OLD, word))
    return _write(path, lines)


def _import(db: Path, source: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "qatui", "import", "--db", str(db), *extra, str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _found(conn: sqlite3.Connection, table: str, query: str) -> list[int]:
    rows = conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (query,))
    return [int(row[0]) for row in rows]


def _holding(conn: sqlite3.Connection, column: str, word: str) -> list[int]:
    rows = conn.execute(
        f"SELECT rowid FROM questions WHERE instr({column}, ?) > 0 ORDER BY rowid", (word,)
    )
    return [int(row[0]) for row in rows]


def _assert_search_finds_the_rows(db: Path) -> tuple[int, int]:
    """A search finds every row holding the word and no other; (questions, rows updated)."""
    conn = sqlite3.connect(db)
    try:
        updated = []
        for word in WORDS:
            updated += _holding(conn, "reply_text", word)
            assert _found(conn, "questions_fts", word) == _holding(conn, "reply_text", word)
        assert _found(conn, "questions_fts", "knee") == _holding(conn, "question", "knee")
        assert _found(conn, "questions_fts", "sprain") == _holding(conn, "reply_text", "sprain")
        cjk = _holding(conn, "question", "痛得厲")
        assert cjk and _found(conn, "questions_cjk", '"痛得厲"') == cjk
        total = int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])
        return total, len(updated)
    finally:
        conn.close()


def test_kill_9_during_a_bulk_import_leaves_an_index_that_matches_its_rows(
    tmp_path: Path,
) -> None:
    db = tmp_path / "corpus.db"
    first = _write(tmp_path / "first.jsonl", [_item(n, "sprain") for n in range(OLD)])
    done = subprocess.run(
        [sys.executable, "-m", "qatui", "import", "--db", str(db), "--bulk", str(first)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    rng = random.Random(12)
    outcomes: list[tuple[int, int]] = []
    for kill in range(KILLS):
        second = _second(tmp_path / f"second{kill}.jsonl", WORDS[kill % 2])
        child = _import(db, second, "--bulk", "--batch-size", str(BATCH))
        threshold = OLD + rng.randrange(0, NEW)
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            if _committed(db) >= threshold:
                break
            time.sleep(rng.uniform(0.0, 0.02))
        time.sleep(rng.uniform(0.0, 0.3))  # anywhere in the next batch, its index update too
        child.kill()
        child.wait()
        _assert_sound(db)
        outcomes.append(_assert_search_finds_the_rows(db))
    assert any(updated for _, updated in outcomes)
    assert [total for total, _ in outcomes] == sorted(total for total, _ in outcomes)
    finish = _import(db, _second(tmp_path / "last.jsonl", "ankle"), "--bulk")
    assert finish.wait(timeout=300) == cli.EXIT_OK
    _assert_sound(db)
    assert _assert_search_finds_the_rows(db) == (OLD + NEW, OLD)
