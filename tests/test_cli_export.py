"""`qatui export`: formats, filters and bookmarks."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from qatui.cli import EXIT_OK, EXIT_USAGE, main
from qatui.corpus.export import NOT_MEDICAL_ADVICE
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.userstate import STATE_DB_ENV, UserState, use_state_of_corpus
from tests.hostile import plain_database


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


def _bookmarked(db: Path, tmp_path: Path) -> None:
    """Bookmarks made as the reader makes them (the state bound to this corpus first): two with
    notes, one of a question the corpus no longer holds."""
    with UserState.open(tmp_path / "state.db") as state:
        store = Store.open(db)
        use_state_of_corpus(state, CorpusReader(store.conn), db)
        store.close()
        state.add_bookmark(4, "Ankle sprain", "Orthopedics", "Ask about the brace\nand ice")
        state.add_bookmark(2, "Rash", "Dermatology", "")
        state.add_bookmark(77, "A page since removed", "Urology", "Why was it removed?")


def test_bookmarks_keep_their_notes_in_every_format(db: Path, tmp_path: Path) -> None:
    """The notes were lost: ``--bookmarks`` wrote the bookmarked questions' records only, and
    left out, unsaid, a bookmark whose question is not in the corpus."""
    _bookmarked(db, tmp_path)
    code, out, _ = run("export", "--db", str(db), "--bookmarks")
    assert code == EXIT_OK
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(item["id"], item["note"]) for item in lines] == [
        (77, "Why was it removed?"),
        (2, ""),
        (4, "Ask about the brace\nand ice"),
    ]
    assert [item["record"] and item["record"]["title"] for item in lines] == [
        None,
        "Rash",
        "Ankle sprain",
    ]
    code, out, _ = run("export", "--db", str(db), "--bookmarks", "--format", "json")
    document = json.loads(out)
    assert document["notice"] == NOT_MEDICAL_ADVICE
    assert [item["note"] for item in document["bookmarks"]] == [item["note"] for item in lines]
    code, out, _ = run("export", "--db", str(db), "--bookmarks", "--format", "markdown")
    assert out.startswith(f"# Bookmarks\n\n*{NOT_MEDICAL_ADVICE}*\n")
    assert "*Question 77 is not in this corpus.*" in out
    assert "**Note:** Ask about the brace" in out and "and ice" in out
    assert out.count("**Note:**") == 2


def test_bookmarks_with_filters_keep_only_those_the_filters_match(db: Path, tmp_path: Path) -> None:
    _bookmarked(db, tmp_path)
    code, out, _ = run("export", "--db", str(db), "--bookmarks", "--specialty", "Orthopedics")
    assert code == EXIT_OK
    assert [(item["id"], item["note"]) for item in map(json.loads, out.splitlines())] == [
        (4, "Ask about the brace\nand ice")
    ]


def test_bookmarks_of_a_rebuilt_corpus_export_before_the_reader_opens_it(
    db: Path, tmp_path: Path
) -> None:
    """The state belongs to a corpus (issue 11 #8); a corpus rebuilt at the same path takes the
    earlier one's bookmarks for its questions, in ``qatui export`` as in the reader."""
    state = UserState.open(tmp_path / "state.db")
    store = Store.open(db)
    use_state_of_corpus(state, CorpusReader(store.conn), db)
    store.close()
    state.add_bookmark(2, "Rash")
    state.close()
    records = tmp_path / "records.jsonl"
    assert run("export", "--db", str(db), "-o", str(records))[0] == EXIT_OK
    db.unlink()  # rebuilt from its export: a new corpus (a new id), the same questions
    assert run("import", "--db", str(db), str(records))[0] == EXIT_OK
    code, out, _ = run("export", "--db", str(db), "--bookmarks")
    assert (code, ids_of(out)) == (EXIT_OK, [2])


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


# -- failures keep what was there -------------------------------------------------------------


def _damaged_after_the_first_pages(path: Path) -> Path:
    """A corpus whose last third is overwritten: an export reads the first pages, then fails."""
    plain_database(path, count=300)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size * 2 // 3)
        handle.write(random.Random(3).randbytes(size // 3))
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "json", "markdown"])
def test_a_failing_export_leaves_the_output_file_as_it_was(tmp_path: Path, fmt: str) -> None:
    db = _damaged_after_the_first_pages(tmp_path / "damaged.db")
    target = tmp_path / "out" / "export.txt"
    target.parent.mkdir()
    target.write_text("an earlier export\n", encoding="utf-8")
    code, out, err = run("export", "--db", str(db), "--format", fmt, "-o", str(target))
    assert (code, out) == (EXIT_USAGE, "")
    assert "is damaged" in err
    assert target.read_text(encoding="utf-8") == "an earlier export\n"
    assert [p.name for p in target.parent.iterdir()] == ["export.txt"]


def test_an_export_replaces_the_file_a_symlink_names(db: Path, tmp_path: Path) -> None:
    real = tmp_path / "exports" / "latest.jsonl"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    assert run("export", "--db", str(db), "-o", str(link))[0] == EXIT_OK
    assert link.is_symlink()
    assert ids_of(real.read_text(encoding="utf-8")) == [1, 2, 3, 4]
    assert real.stat().st_mode & 0o777 == 0o600


def test_an_export_to_a_device_is_written_directly(db: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null here")
    assert run("export", "--db", str(db), "-o", "/dev/null")[0] == EXIT_OK
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


# -- the state database is not the corpus -----------------------------------------------------


def test_bookmarks_without_a_state_file_say_how_bookmarks_are_made(
    db: Path, tmp_path: Path
) -> None:
    code, out, err = run("export", "--db", str(db), "--bookmarks")
    assert (code, out) == (EXIT_USAGE, "")
    assert err == (
        f"qatui export: no bookmarks to export: {tmp_path / 'state.db'} does not exist yet "
        f"(bookmark questions in the reader with m, or choose the state database with "
        f"{STATE_DB_ENV})\n"
    )


def _damaged_state(path: Path) -> None:
    with UserState.open(path) as state:
        for number in range(1, 200):
            state.add_bookmark(number, f"Bookmark {number} " + "note " * 50)
            state.record_open(number, f"Bookmark {number}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(random.Random(5).randbytes(size // 4))


STATE_FILES: dict[str, Callable[[Path], object]] = {
    "empty": lambda path: path.write_bytes(b""),
    "not SQLite": lambda path: path.write_text("my notes\n" * 100),
    "damaged": _damaged_state,
}


@pytest.mark.parametrize("kind", sorted(STATE_FILES))
def test_a_broken_state_database_is_named_and_the_corpus_is_not_blamed(
    db: Path, tmp_path: Path, kind: str
) -> None:
    state = tmp_path / "state.db"
    STATE_FILES[kind](state)
    code, out, err = run("export", "--db", str(db), "--bookmarks")
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith(f"qatui export: no bookmarks to export: the state database {state} ")
    assert "The corpus is not affected." in err
    assert f"{db} is damaged" not in err
    assert STATE_DB_ENV in err
    assert run("export", "--db", str(db))[0] == EXIT_OK  # the corpus is fine
