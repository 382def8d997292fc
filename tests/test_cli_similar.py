"""``qatui similar``: a table for people, JSON lines for scripts, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import qatui.cli as cli
from qatui.corpus.model import Record, Reply
from qatui.corpus.store.writer import Store


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def page(n: int, title: str, question: str) -> Record:
    return Record(
        id=n,
        title=title,
        specialty="Orthopedics",
        question=question,
        asked_on=f"2016-03-0{n}",
        replies=(Reply("Lai", "Orthopedics", "Rest first and see a doctor.", None),),
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    with store.transaction():
        store.upsert(page(1, "Sciatica after lifting", "Sciatica down the leg after lifting."))
        store.upsert(page(2, "Sciatica [again]", "Sciatica down the leg, worse at night."))
        store.upsert(page(3, "Wrist sprain", "A sprained wrist from a fall."))
        store.upsert(page(4, "Knee", "The knee clicks."))
    store.close()
    return str(path)


def test_json_lines_list_the_nearest_first(db: str) -> None:
    code, out, err = run("similar", "--db", db, "1", "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["id"] for row in rows] == [2]
    assert rows[0] == {
        "id": 2,
        "title": "Sciatica [again]",
        "specialty": "Orthopedics",
        "date": "2016-03-02",
        "score": 1.0,
    }


def test_the_table_shows_titles_as_text(db: str) -> None:
    code, out, _ = run("similar", "--db", db, "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "specialty", "title"]
    assert "Sciatica [again]" in lines[1]
    assert lines[-1] == "1 similar questions, nearest first"


def test_nothing_similar_says_so_on_stderr(db: str) -> None:
    code, out, err = run("similar", "--db", db, "4")
    assert (code, out) == (0, "")
    assert err == "no similar questions in this corpus\n"


def test_an_unknown_id_fails(db: str) -> None:
    code, _, err = run("similar", "--db", db, "99")
    assert code == 1
    assert err == "qatui similar: no question with id 99\n"


def test_a_negative_limit_is_a_usage_error(db: str) -> None:
    code, _, err = run("similar", "--db", db, "1", "--limit", "-1")
    assert code == 2
    assert "--limit" in err
