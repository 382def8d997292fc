"""The command line: import, show, export, stats, their exit codes, and where the database is."""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qatui import cli
from qatui.corpus.ingest.identity import derived_id
from qatui.corpus.model import Record
from qatui.corpus.store.schema import SCHEMA_VERSION
from qatui.corpus.store.writer import Outcome, Store
from qatui.paths import default_db_path

PAGE = """{title} - {specialty}

Share to:

Subject of {title}

Question of {title}, with [bold]brackets[/] and an escape \x1b[31mred\x1b[0m.

Ada, 30~39 year old female. Ask Date: {date}

Dr. Lai Yicheng reply {specialty}

Reply to {title}.

Reply Date: {date}

More Info

Article about {title}.

Similar Q&A

{link}

Excerpt of the question...

Dr. Fan Sheng reply {link_specialty}
Excerpt of the reply...

[Read More] {link}

Related FAQ

Breast Cancer

({specialty})
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write_page(
    folder: Path,
    name: str,
    title: str,
    *,
    specialty: str = "Oncology",
    link: str = "Elsewhere",
    link_specialty: str = "Oncology",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = PAGE.format(
        title=title,
        specialty=specialty,
        date="2016/01/03",
        link=link,
        link_specialty=link_specialty,
    )
    path.write_text(text)
    return path


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    write_page(folder, "1.txt", "First", link="Second", link_specialty="Surgery")
    write_page(folder, "2.txt", "Second", specialty="Surgery", link="First")
    write_page(folder, "3.txt", "Third", link="Never imported")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "corpus.db")


def test_import_summary_and_exit_zero(pages: Path, db: str) -> None:
    code, out, err = run("import", "--db", db, str(pages))
    assert code == 0
    assert out == f"imported into {db}: 3 new, 0 updated, 0 unchanged, 0 failed\n"
    assert err == ""


def test_reimport_reports_unchanged_then_updated(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    assert run("import", "--db", db, str(pages))[1].endswith(
        "0 new, 0 updated, 3 unchanged, 0 failed\n"
    )
    page = pages / "3.txt"
    page.write_text(page.read_text().replace("Reply to Third.", "A new reply."))
    assert run("import", "--db", db, str(pages))[1].endswith(
        "0 new, 1 updated, 2 unchanged, 0 failed\n"
    )


def test_failed_inputs_give_non_zero_exit_and_good_pages_are_imported(
    pages: Path, db: str, tmp_path: Path
) -> None:
    (pages / "broken.txt").write_text("A heading without separator\n\nmore\n")
    (pages / "records.jsonl").write_text('{"title": "From JSONL", "specialty": "Urology"}\n{oops\n')
    code, out, err = run("import", "--db", db, str(pages), str(tmp_path / "missing.txt"))
    assert code == cli.EXIT_INPUT_FAILED
    assert out.endswith("4 new, 0 updated, 0 unchanged, 3 failed\n")
    failures = err.splitlines()
    assert f"  failed: {pages / 'broken.txt'}:1: expected a heading" in failures[0]
    assert f"{pages / 'records.jsonl'}:2: not valid JSON" in err
    assert "missing.txt: cannot read" in err
    code, out, _ = run("stats", "--db", db)
    assert "questions: 4 full" in out


def test_import_with_map_and_encoding(tmp_path: Path, db: str) -> None:
    scraped = tmp_path / "scraped.csv"
    scraped.write_bytes(
        "question_title,dept,question_date,user\n膝蓋痛,骨科,2018.02.03,小明\n".encode("big5")
    )
    code, out, err = run(
        "import",
        "--db",
        db,
        "--encoding",
        "big5",
        "--map",
        "title=question_title",
        "--map",
        "specialty=dept",
        "--map",
        "asked_on=question_date",
        "--map",
        "asker.name=user",
        str(scraped),
    )
    assert (code, err) == (0, "")
    qid = derived_id("骨科", "膝蓋痛", "2018-02-03")
    code, out, _ = run("show", "--db", db, "--json", str(qid))
    record = json.loads(out)
    assert (record["title"], record["asked_on"], record["asker"]["name"]) == (
        "膝蓋痛",
        "2018-02-03",
        "小明",
    )


@pytest.mark.parametrize("pair", ["title", "nonsense=x"])
def test_bad_map_is_a_usage_error(pages: Path, db: str, pair: str) -> None:
    code, out, err = run("import", "--db", db, "--map", pair, str(pages))
    assert code == cli.EXIT_USAGE
    assert "--map" in err
    assert out == ""


def test_import_from_stdin(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = b'{"title": "A", "specialty": "S"}\n{"title": "B", "specialty": "S"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    code, out, _ = run("import", "--db", db, "-")
    assert code == 0
    assert "2 new" in out


def test_show_text_is_safe_to_print(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    qid = derived_id("Oncology", "First", "2016-01-03")
    code, out, _ = run("show", "--db", db, str(qid))
    assert code == 0
    assert out.startswith("First - Oncology\n")
    assert "[bold]brackets[/]" in out
    assert "\x1b" not in out
    assert "Reply to First." in out
    assert "Article about First." in out


def test_show_json_is_the_record(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    qid = derived_id("Oncology", "First", "2016-01-03")
    code, out, _ = run("show", "--db", db, str(qid), "--json")
    assert code == 0
    record = json.loads(out)
    assert record["id"] == qid
    assert record["question"] == "Question of First, with [bold]brackets[/] and an escape red."
    assert record["reply"]["replied_on"] == "2016-01-03"
    assert record["similar"][0]["title"] == "Second"
    assert record["related_faq"] == [{"topic": "Breast Cancer", "specialty": "Oncology"}]


def test_show_unknown_id(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    code, out, err = run("show", "--db", db, "12345")
    assert code == cli.EXIT_INPUT_FAILED
    assert out == ""
    assert "12345" in err


def test_export_jsonl_and_json(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    code, jsonl, _ = run("export", "--db", db, "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in jsonl.splitlines()]
    assert sorted(r["title"] for r in records) == ["First", "Second", "Third"]
    code, document, _ = run("export", "--db", db, "--format", "json")
    assert code == 0
    assert json.loads(document) == records


def test_export_to_a_file(pages: Path, db: str, tmp_path: Path) -> None:
    run("import", "--db", db, str(pages))
    target = tmp_path / "out.jsonl"
    code, out, _ = run("export", "--db", db, "-o", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == run("export", "--db", db)[1]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_import_export_import_export_round_trips(
    pages: Path, tmp_path: Path, db: str, fmt: str
) -> None:
    run("import", "--db", db, str(pages))
    exported = tmp_path / f"export.{fmt}"
    run("export", "--db", db, "--format", fmt, "-o", str(exported))
    second = str(tmp_path / "second.db")
    code, out, _ = run("import", "--db", second, str(exported))
    assert (code, out.endswith("3 new, 0 updated, 0 unchanged, 0 failed\n")) == (0, True)
    again = tmp_path / f"again.{fmt}"
    run("export", "--db", second, "--format", fmt, "-o", str(again))
    assert again.read_bytes() == exported.read_bytes()
    qid = str(derived_id("Surgery", "Second", "2016-01-03"))
    assert run("show", "--db", second, "--json", qid) == run("show", "--db", db, "--json", qid)


def test_stats(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    code, out, _ = run("stats", "--db", db)
    assert code == 0
    assert out.startswith(f"database: {db} (")
    assert "questions: 3 full, 1 partial" in out
    assert "asked: 2016-01-03 to 2016-01-03" in out
    specialties = out.split("the reader counts too):\n")[1].split("by year:")[0]
    assert [line.split() for line in specialties.splitlines()] == [
        ["2", "+1", "Oncology"],
        ["1", "Surgery"],
    ]
    assert out.split("by year:\n")[1].split() == ["2016", "3"]


def test_newer_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    for command in (["stats"], ["export"], ["show", "1"]):
        code, out, err = run(*command, "--db", str(path))
        assert code == cli.EXIT_USAGE
        assert str(path) in err
        assert out == ""
    assert path.read_bytes() == before


# -- where the database is ------------------------------------------------------------------


def imported_into(out: str) -> str:
    return out.split("imported into ")[1].split(":")[0]


def test_db_option_beats_environment(
    pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QATUI_DB", str(tmp_path / "env.db"))
    option = str(tmp_path / "option.db")
    assert imported_into(run("import", "--db", option, str(pages))[1]) == option
    assert imported_into(run("--db", option, "import", str(pages))[1]) == option
    assert not (tmp_path / "env.db").exists()


def test_environment_beats_the_default(
    pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QATUI_DB", str(tmp_path / "env.db"))
    assert imported_into(run("import", str(pages))[1]) == str(tmp_path / "env.db")
    assert not default_db_path().exists()


def test_default_is_in_the_user_data_folder(pages: Path, user_dirs: Path) -> None:
    assert default_db_path() == user_dirs / "data" / "qatui" / "corpus.db"
    code, out, _ = run("import", str(pages))
    assert code == 0
    assert imported_into(out) == str(default_db_path())


def test_stats_on_a_chosen_database_does_not_build_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QATUI_DB", str(tmp_path / "chosen.db"))
    code, out, err = run("stats")
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert "chosen.db does not exist" in err
    assert not default_db_path().exists()
    assert not (tmp_path / "chosen.db").exists()


def test_stats_on_the_default_database_builds_the_sample(sample_pages_dir: Path) -> None:
    code, out, _ = run("stats")
    assert code == 0
    assert default_db_path().exists()
    pages = len(list(sample_pages_dir.glob("*.txt")))
    assert f"questions: {pages} full" in out


def test_import_into_the_default_database_does_not_build_the_sample(pages: Path) -> None:
    run("import", str(pages))
    assert "questions: 3 full" in run("stats")[1]


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    Store.open(tmp_path / "m.db").close()
    result = subprocess.run(
        [sys.executable, "-m", "qatui", "stats", "--db", str(tmp_path / "m.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "questions: 0 full" in result.stdout


def test_every_command_and_option_has_help() -> None:
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = {choice.dest: choice.help for choice in commands._choices_actions}
    assert set(lines) == set(cli.COMMANDS)
    parsers = cli.command_parsers(parser)
    for name, line in lines.items():
        assert line, f"qatui {name} has no help line"
        for option in parsers[name]._actions:
            assert option.help, f"qatui {name} {option.option_strings or option.dest} has no help"


# -- failures that are not the input's fault ------------------------------------------------


def test_database_failure_mid_import_keeps_earlier_batches(
    pages: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upsert = Store.upsert
    calls = 0

    def failing_upsert(self: Store, record: Record) -> Outcome:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real_upsert(self, record)

    monkeypatch.setattr(Store, "upsert", failing_upsert)
    code, _, err = run("import", "--db", db, "--batch-size", "2", str(pages))
    assert code == cli.EXIT_INPUT_FAILED
    assert "disk I/O error" in err
    assert "rolled back" in err
    assert "Traceback" not in err
    monkeypatch.setattr(Store, "upsert", real_upsert)
    assert "questions: 2 full" in run("stats", "--db", db)[1]


def test_show_id_beyond_sqlite_integers(pages: Path, db: str) -> None:
    run("import", "--db", db, str(pages))
    code, out, err = run("show", "--db", db, str(2**70))
    assert code == cli.EXIT_INPUT_FAILED
    assert out == ""
    assert "no question" in err


def test_export_to_a_folder_that_does_not_exist(pages: Path, db: str, tmp_path: Path) -> None:
    run("import", "--db", db, str(pages))
    target = tmp_path / "no" / "such" / "out.jsonl"
    code, _, err = run("export", "--db", db, "-o", str(target))
    assert code == cli.EXIT_USAGE
    assert str(target) in err
