"""`qatui import` options on small inputs made here: the mapping options, SQLite tables and
queries, dates, repairs turned off, a progress bar by bytes for one big file, the summary last."""

from __future__ import annotations

import io
import json
import shlex
import sqlite3
from pathlib import Path

import pytest

from qatui import cli
from qatui.cli import importing


def run(*argv: str, err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err or io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def exported(db: Path) -> list[dict[str, object]]:
    code, out, _ = run("export", "--db", str(db))
    assert code == cli.EXIT_OK
    return [json.loads(line) for line in out.splitlines()]


class Terminal(io.StringIO):
    """Standard error as a terminal: the progress bar shows."""

    def isatty(self) -> bool:
        return True


def test_mapping_options_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "old.jsonl"
    source.write_text(
        json.dumps({"no": "#17", "line": "tyio／女／(10~19),2000/08/16 提問：", "q": "痛？"})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    split = (
        "line=(?P<asker_name>[^／]+)／(?P<asker_gender>[^／]+)／\\((?P<asker_age>[^)]+)\\),"
        "(?P<asked_on>\\S+) 提問："
    )
    code, _, err = run(
        "import", "--db", str(db), "--map", "id=no", "--strip", "id=#", "--map", "question=q",
        "--set", "specialty=眼科", "--template", "source_url=https://x/{no}", "--split", split,
        str(source),
    )  # fmt: skip
    assert (code, err) == (cli.EXIT_OK, "")
    (record,) = exported(db)
    assert record["id"] == 17 and record["specialty"] == "眼科" and record["title"] == "痛"
    assert record["asker"] == {"name": "tyio", "age": "10~19", "gender": "女"}
    assert (record["asked_on"], record["source_url"]) == ("2000-08-16", "https://x/#17")


def test_sqlite_table_and_query_options(tmp_path: Path) -> None:
    path = tmp_path / "two.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE a (title TEXT, specialty TEXT)")
    conn.execute("CREATE TABLE b (title TEXT, specialty TEXT)")
    conn.execute("INSERT INTO a VALUES ('From a', 'S')")
    conn.execute("INSERT INTO b VALUES ('From b', 'S'), ('Also b', 'T')")
    conn.commit()
    conn.close()
    db = tmp_path / "c.db"
    code, _, err = run("import", "--db", str(db), str(path))
    assert code == cli.EXIT_INPUT_FAILED and "tables a, b: choose one with --table" in err
    assert run("import", "--db", str(db), "--table", "b", str(path))[0] == cli.EXIT_OK
    query = "SELECT title, specialty FROM a"
    assert run("import", "--db", str(db), "--query", query, str(path))[0] == cli.EXIT_OK
    assert sorted(str(r["title"]) for r in exported(db)) == ["Also b", "From a", "From b"]


def test_date_format_and_bad_dates(tmp_path: Path) -> None:
    source = tmp_path / "d.csv"
    source.write_text("title,specialty,asked_on\nA,S,16.08.2000\nB,S,31.02.2000\n")
    db = tmp_path / "c.db"
    code, out, err = run("import", "--db", str(db), "--date-format", "%d.%m.%Y", str(source))
    assert code == cli.EXIT_OK
    assert f"  warning: {source}:3: field 'asked_on'" in err and "'31.02.2000'" in err
    assert "1 warnings (listed above): those records are kept" in out
    dates = sorted((str(r["title"]), r["asked_on"]) for r in exported(db))
    assert dates == [("A", "2000-08-16"), ("B", None)]


def test_repairs_can_be_turned_off(tmp_path: Path) -> None:
    source = tmp_path / "r.jsonl"
    source.write_text(json.dumps({"title": "功\\能", "specialty": "S"}) + "\n")
    db = tmp_path / "c.db"
    code, out, _ = run("import", "--db", str(db), "--repair", "none", str(source))
    assert code == cli.EXIT_OK and "repaired" not in out
    assert [r["title"] for r in exported(db)] == ["功\\能"]


def test_one_big_file_shows_a_progress_bar_by_bytes_and_the_summary_comes_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PROGRESS_BYTES", 1024)
    source = tmp_path / "big.jsonl"
    lines = [json.dumps({"title": f"T{n}", "specialty": "S"}) for n in range(200)] + ["{}"]
    source.write_text("\n".join(lines) + "\n")
    db = tmp_path / "c.db"
    code, out, err = run("import", "--db", str(db), str(source), err=Terminal())
    assert code == cli.EXIT_INPUT_FAILED
    assert "importing" in err and "kB" in err  # the bar, counting bytes
    assert err.rindex("failed:") > err.rindex("importing")  # problems after the bar
    assert out.splitlines()[-1] == f"imported into {db}: 200 new, 0 updated, 0 unchanged, 1 failed"


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_import_commands_are_ones_qatui_accepts() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Importing real data", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = section.replace("\\\n", " ").splitlines()
    imports = [line.split("#")[0] for line in commands if line.startswith("qatui import")]
    assert len(imports) >= 5
    parser = cli.build_parser()
    for line in imports:
        args = parser.parse_args(shlex.split(line)[1:])
        assert importing.build_mapping(args) is not None, line
