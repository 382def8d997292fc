"""Real scraped data (../shared/realdata): nothing merged that should not be, nothing lost,
with the commands of the README's "Importing real data"."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from qatui.corpus.ingest.identity import is_site_id
from tests.test_cli import run

TOYHOM = "toyhom-neike-sample.gb18030.csv"
TOYHOM_OPTIONS = (
    "--encoding",
    "gb18030",
    *("--map", "specialty=department", "--map", "question=ask", "--map", "reply.body=answer"),
)
QUESTIONDOCTOR_OPTIONS = (
    *("--map", "title=question_text", "--map", "question=question_text"),
    *("--map", "specialty=tags[0]"),
    *("--map", "reply.body=answer", "--map", "reply.doctor=answer_author"),
    *("--map", "source_url=url", "--default", "specialty=Untagged", "--replies-per-row"),
)
"""The README's questionDoctor command, which ``--profile answer-rows`` says in one word."""


def summary(out: str) -> str:
    """The counts of an import's summary line (the last one: notes come before it)."""
    return out.strip().splitlines()[-1].partition(": ")[2]


def export_import_export(db: Path, tmp_path: Path) -> None:
    """Export, import the export into a new database, export that: the same bytes."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert run("export", "--db", str(db), "-o", str(first))[0] == 0
    again = tmp_path / "again.db"
    code, out, _ = run("import", "--db", str(again), str(first))
    questions = len(first.read_text(encoding="utf-8").splitlines())
    assert (code, summary(out)) == (0, f"{questions} new, 0 updated, 0 unchanged, 0 failed")
    assert run("export", "--db", str(again), "-o", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = run("import", "--db", str(db), str(first))
    assert summary(out) == f"0 new, 0 updated, {questions} unchanged, 0 failed"


def test_toyhom_gives_390_questions_and_reports_its_11_duplicate_rows(
    realdata_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "toyhom.db"
    source = str(realdata_dir / TOYHOM)
    code, out, err = run("import", "--db", str(db), *TOYHOM_OPTIONS, source)
    assert (code, err) == (0, "")
    assert summary(out) == "390 new, 0 updated, 0 unchanged, 11 duplicate rows, 0 failed"
    conn = sqlite3.connect(db)
    titles = [row[0] for row in conn.execute("SELECT title FROM questions WHERE is_partial = 0")]
    conn.close()
    assert len(titles) == 390
    assert {"高血压的标准是多少？", "高血压的标准是多少?"} <= set(titles)
    code, out, _ = run("import", "--db", str(db), *TOYHOM_OPTIONS, source)
    assert summary(out) == "0 new, 0 updated, 390 unchanged, 11 duplicate rows, 0 failed"
    export_import_export(db, tmp_path)


def test_questiondoctor_gives_120_questions_with_all_413_answers(
    realdata_dir: Path, tmp_path: Path
) -> None:
    source = realdata_dir / "questiondoctor-sample.json"
    rows = json.loads(source.read_text(encoding="utf-8"))
    db = tmp_path / "questiondoctor.db"
    code, out, _ = run("import", "--db", str(db), *QUESTIONDOCTOR_OPTIONS, str(source))
    assert code == 0
    assert summary(out) == "120 new, 0 updated, 0 unchanged, 293 added replies, 0 failed"

    conn = sqlite3.connect(db)
    untagged = conn.execute(
        "SELECT count(*) FROM questions q JOIN specialties s ON s.id = q.specialty_id "
        "WHERE s.name = 'Untagged' AND q.is_partial = 0"
    ).fetchone()[0]
    assert untagged == len({r["question_text"] for r in rows if not r["tags"]}) == 12
    stored = Counter(
        url
        for (url,) in conn.execute(
            "SELECT q.source_url FROM replies r JOIN questions q ON q.id = r.question_id"
        )
    )
    answers = {
        (url, doctor, body)
        for url, doctor, body in conn.execute(
            "SELECT q.source_url, r.doctor, r.body FROM reply_bodies r "
            "JOIN questions q ON q.id = r.question_id"
        )
    }
    ids = [row[0] for row in conn.execute("SELECT id FROM questions")]
    conn.close()
    assert stored == Counter(row["url"] for row in rows)  # every answer, under its question
    assert answers == {(row["url"], row["answer_author"], row["answer"]) for row in rows}
    assert len(ids) == 120 and not any(is_site_id(qid) for qid in ids)

    code, out, _ = run("import", "--db", str(db), *QUESTIONDOCTOR_OPTIONS, str(source))
    assert summary(out) == "0 new, 0 updated, 413 unchanged, 0 failed"
    export_import_export(db, tmp_path)


def test_the_readme_questiondoctor_command_is_the_answer_rows_profile(
    realdata_dir: Path, tmp_path: Path
) -> None:
    """The same database either way (the command filed untagged questions under
    ``Unspecified``, the profile under ``Untagged``)."""
    source = str(realdata_dir / "questiondoctor-sample.json")
    exports = []
    for name, options in (
        ("command", QUESTIONDOCTOR_OPTIONS),
        ("profile", ("--profile", "answer-rows")),
    ):
        db, export = tmp_path / f"{name}.db", tmp_path / f"{name}.jsonl"
        assert run("import", "--db", str(db), *options, source)[0] == 0
        assert run("export", "--db", str(db), "-o", str(export))[0] == 0
        exports.append(export.read_bytes())
    assert exports[0] == exports[1]
