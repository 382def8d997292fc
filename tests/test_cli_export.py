"""`qatui export`: formats, filters and bookmarks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qatui.cli import EXIT_OK, EXIT_USAGE, main
from qatui.corpus.export import NOT_MEDICAL_ADVICE
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.writer import Store
from qatui.userstate import STATE_DB_ENV, UserState


def page(number: int, title: str, specialty: str, asked_on: str) -> Record:
    return Record(
        id=number,
        title=title,
        specialty=specialty,
        question=f"About {title} [Read More] `x`.",
        asker=Asker("Mei", "30~39", "female"),
        asked_on=asked_on,
        replies=(Reply("Lin Wei", specialty, "A reply.", asked_on),),
    )


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STATE_DB_ENV, str(tmp_path / "state.db"))
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    with store.transaction():
        store.upsert(page(1, "Knee pain", "Orthopedics", "2016-03-05"))
        store.upsert(page(2, "Rash", "Dermatology", "2016-11-30"))
        store.upsert(page(3, "Kidney stone", "Urology", "2018-02-02"))
        store.upsert(page(4, "Ankle sprain", "Orthopedics", "2019-07-07"))
    store.close()
    return path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def ids_of(jsonl: str) -> list[int]:
    return [json.loads(line)["id"] for line in jsonl.splitlines()]


def test_default_export_is_unchanged_jsonl(db: Path) -> None:
    code, out, _ = run("export", "--db", str(db))
    assert code == EXIT_OK
    assert ids_of(out) == [1, 2, 3, 4]
    first = json.loads(out.splitlines()[0])
    assert first["title"] == "Knee pain"
    assert first["reply"]["doctor"] == "Lin Wei"


def test_filters_by_specialty_case_insensitively(db: Path) -> None:
    code, out, _ = run("export", "--db", str(db), "--specialty", "orthopedics")
    assert code == EXIT_OK
    assert ids_of(out) == [1, 4]


def test_filters_by_date_bounds(db: Path) -> None:
    assert ids_of(run("export", "--db", str(db), "--since", "2016-11")[1]) == [2, 3, 4]
    assert ids_of(run("export", "--db", str(db), "--until", "2016")[1]) == [1, 2]
    both = run("export", "--db", str(db), "--since", "2017", "--until", "2018-02-02")[1]
    assert ids_of(both) == [3]


def test_json_export_with_filters(db: Path) -> None:
    code, out, _ = run("export", "--db", str(db), "--format", "json", "--specialty", "Urology")
    assert code == EXIT_OK
    assert [item["title"] for item in json.loads(out)] == ["Kidney stone"]


def test_bad_date_and_unknown_specialty_are_usage_errors(db: Path) -> None:
    code, out, err = run("export", "--db", str(db), "--since", "March")
    assert (code, out) == (EXIT_USAGE, "")
    assert "'March' is not a year, year-month or date" in err
    code, out, err = run("export", "--db", str(db), "--specialty", "Astrology\x1b[2J")
    assert (code, out) == (EXIT_USAGE, "")
    assert "no specialty named 'Astrology'" in err
    assert "\x1b" not in err


def test_markdown_export(db: Path) -> None:
    code, out, _ = run("export", "--db", str(db), "--format", "markdown", "--until", "2016")
    assert code == EXIT_OK
    assert out.startswith(f"*{NOT_MEDICAL_ADVICE}*\n")
    assert out.count(NOT_MEDICAL_ADVICE) == 1
    assert [line for line in out.splitlines() if line.startswith("# ")] == [
        "# Knee pain",
        "# Rash",
    ]
    assert "About Knee pain \\[Read More\\] \\`x\\`." in out
    assert "- **Specialty:** Dermatology" in out


def test_markdown_export_of_nothing_still_carries_the_notice(db: Path) -> None:
    code, out, _ = run("export", "--db", str(db), "--format", "markdown", "--since", "2030")
    assert code == EXIT_OK
    assert out == f"*{NOT_MEDICAL_ADVICE}*\n"


def test_bookmarks_only(db: Path, tmp_path: Path) -> None:
    with UserState.open(tmp_path / "state.db") as state:
        state.add_bookmark(4, "Ankle sprain")
        state.add_bookmark(2, "Rash")
        state.add_bookmark(99, "Not in this corpus")
    code, out, _ = run("export", "--db", str(db), "--bookmarks")
    assert code == EXIT_OK
    assert ids_of(out) == [2, 4]
    code, out, _ = run("export", "--db", str(db), "--bookmarks", "--specialty", "Orthopedics")
    assert ids_of(out) == [4]


def test_bookmarks_without_a_state_file(db: Path, tmp_path: Path) -> None:
    code, out, err = run("export", "--db", str(db), "--bookmarks")
    assert (code, out) == (EXIT_USAGE, "")
    assert "no bookmarks to export" in err
    assert not (tmp_path / "state.db").exists()


def test_output_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    code, out, _ = run("export", "--db", str(db), "--format", "markdown", "-o", str(target))
    assert (code, out) == (EXIT_OK, "")
    assert target.read_text(encoding="utf-8").count("\n---\n") == 4


def test_export_help_documents_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = capsys.readouterr().out
    for option in ("--format", "markdown", "--specialty", "--since", "--until", "--bookmarks"):
        assert option in shown
