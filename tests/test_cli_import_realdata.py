"""`qatui import` of real scraped data nobody here wrote (shared/realdata): the e-Hospital
spider's JSON, CSV and SQLite outputs through its profile, the Toyhom CSV and the
questionDoctor dump through --map, mapping mistakes, and --inspect."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qatui import cli
from tests.realdata import realdata_dir

SPIDER_FIELDS = (
    "question_id",
    "questioner_name",
    "questioner_gender",
    "questioner_age_range",
    "question_date",
    "question_text",
    "doctor_hospital",
    "doctor_department",
    "doctor_name",
    "reply_date",
    "answer_text",
)
SHOW_DETAIL = "https://sp1.hso.mohw.gov.tw/doctor/All/ShowDetail.php?q_no="


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def realdata() -> Path:
    return realdata_dir()


@pytest.fixture
def spider_rows(realdata: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(
        (realdata / "ehospital-spider-demo.json").read_text("utf-8")
    )
    return rows


def spider_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=SPIDER_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def spider_sqlite(rows: list[dict[str, str]], path: Path) -> Path:
    """The spider's own output: tw_e_hospital.sqlite, one table qanda, every column TEXT."""
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE qanda ({', '.join(f'{name} TEXT' for name in SPIDER_FIELDS)})")
    conn.executemany(
        f"INSERT INTO qanda VALUES ({', '.join('?' * len(SPIDER_FIELDS))})",
        [[row[name] for name in SPIDER_FIELDS] for row in rows],
    )
    conn.commit()
    conn.close()
    return path


def exported(db: Path) -> dict[int, dict[str, Any]]:
    code, out, _ = run("export", "--db", str(db))
    assert code == cli.EXIT_OK
    return {item["id"]: item for item in map(json.loads, out.splitlines())}


def site_text(text: str) -> str:
    """The site's text as a reader should see it: its escaping backslashes gone."""
    return text.replace("功\\能", "功能").replace("\\\\\\”", "”").replace("\\”", "”")


@pytest.mark.parametrize("kind", ["json", "csv", "sqlite"])
def test_the_spider_output_imports_with_its_profile_every_field_kept(
    tmp_path: Path, realdata: Path, spider_rows: list[dict[str, str]], kind: str
) -> None:
    source = {
        "json": lambda: realdata / "ehospital-spider-demo.json",
        "csv": lambda: spider_csv(spider_rows, tmp_path / "demo.csv"),
        "sqlite": lambda: spider_sqlite(spider_rows, tmp_path / "tw_e_hospital.sqlite"),
    }[kind]()
    db = tmp_path / "corpus.db"
    code, out, err = run("import", "--db", str(db), "--profile", "ehospital-spider", str(source))
    assert (code, err) == (cli.EXIT_OK, "")
    assert out.splitlines()[-1] == f"imported into {db}: 7 new, 0 updated, 0 unchanged, 0 failed"
    assert "text repaired (records): backslashes in 4" in out
    assert "titles made from the question's first sentence: 7" in out
    assert "not imported" not in out  # every input field has a place
    records = exported(db)
    assert sorted(records) == sorted(int(row["question_id"]) for row in spider_rows)
    for row in spider_rows:
        record = records[int(row["question_id"])]
        assert record["source_url"] == SHOW_DETAIL + row["question_id"]
        assert record["specialty"] == row["doctor_department"]
        assert record["asker"] == {
            "name": row["questioner_name"],
            "age": row["questioner_age_range"],
            "gender": row["questioner_gender"],
        }
        assert record["asked_on"] == row["question_date"].replace("/", "-")
        assert record["question"] == "\n".join(
            line.rstrip() for line in site_text(row["question_text"]).split("\n")
        ).strip("\n")
        reply = record["reply"]
        assert (reply["doctor"], reply["specialty"]) == (
            row["doctor_name"],
            row["doctor_department"],
        )
        assert reply["replied_on"] == row["reply_date"].replace("/", "-")
        assert reply["body"].replace("\n", "") == "".join(
            line.rstrip() for line in site_text(row["answer_text"]).split("\n")
        )
        assert reply.get("hospital") == (row["doctor_hospital"] or None)
        assert record["title"] and record["title"].rstrip("…") in record["question"]
        assert "\\" not in record["question"] + reply["body"]
    code, out, _ = run("search", "--db", str(db), "--json", "功能")
    assert code == cli.EXIT_OK
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == [4, 8]


def test_a_hospital_is_kept_exported_and_imported_again(
    tmp_path: Path, spider_rows: list[dict[str, str]]
) -> None:
    rows = [{**spider_rows[0], "doctor_hospital": "屏東醫院"}]
    source = spider_csv(rows, tmp_path / "one.csv")
    db = tmp_path / "corpus.db"
    assert run("import", "--db", str(db), "--profile", "ehospital-spider", str(source))[0] == 0
    (record,) = exported(db).values()
    assert record["reply"]["hospital"] == "屏東醫院"
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    again = tmp_path / "again.db"
    assert run("import", "--db", str(again), str(dump))[0] == 0
    assert exported(again) == exported(db)


def test_reimporting_the_spider_output_changes_nothing(tmp_path: Path, realdata: Path) -> None:
    db = tmp_path / "corpus.db"
    source = str(realdata / "ehospital-spider-demo.json")
    run("import", "--db", str(db), "--profile", "ehospital-spider", source)
    before = exported(db)
    code, out, _ = run("import", "--db", str(db), "--profile", "ehospital-spider", source)
    assert code == cli.EXIT_OK
    assert "0 new, 0 updated, 7 unchanged, 0 failed" in out
    assert exported(db) == before


def test_the_toyhom_sample_is_accepted_and_every_field_lands(
    tmp_path: Path, realdata: Path
) -> None:
    db = tmp_path / "corpus.db"
    source = realdata / "toyhom-neike-sample.gb18030.csv"
    code, out, err = run(
        "import", "--db", str(db), "--encoding", "gb18030", "--map", "specialty=department",
        "--map", "question=ask", "--map", "reply.body=answer", str(source),
    )  # fmt: skip
    assert (code, err) == (cli.EXIT_OK, "")
    assert "not imported" not in out and "titles made" not in out
    with source.open(encoding="gb18030", newline="") as rows:
        wanted = {
            (r["department"], r["title"], r["ask"], r["answer"]) for r in csv.DictReader(rows)
        }
    got = {
        (r["specialty"], r["title"], r["question"], r["reply"]["body"])
        for r in exported(db).values()
    }
    # Each stored question is one of the rows, field by field (how many rows are one question
    # is the store's part: identity, duplicates).
    assert got <= wanted and len(got) > 380


def test_the_questiondoctor_sample_maps_every_field(tmp_path: Path, realdata: Path) -> None:
    db = tmp_path / "corpus.db"
    source = realdata / "questiondoctor-sample.json"
    maps = [
        "title=question_text",
        "question=question_text",
        "specialty=tags[0]",
        "reply.body=answer",
        "reply.doctor=answer_author",
        "source_url=url",
    ]
    flags = [part for pair in maps for part in ("--map", pair)]
    code, out, err = run("import", "--db", str(db), *flags, str(source))
    assert code == cli.EXIT_OK
    rows = json.loads(source.read_text("utf-8"))
    untagged = sum(1 for row in rows if not row["tags"])
    assert f"{untagged} warnings" in out and "no specialty (column 'tags[0]' is empty)" in err
    assert (
        "input fields not imported (map them with --map FIELD=COLUMN to keep them): question" in out
    )
    by_url = {row["url"]: row for row in rows}
    for record in exported(db).values():
        row = by_url[record["source_url"]]
        assert record["title"] == record["question"] == row["question_text"].strip()
        assert record["specialty"] == (row["tags"][0] if row["tags"] else "Unspecified")
        assert record["reply"]["doctor"] == row["answer_author"]


def test_the_answer_rows_profile_reads_the_questiondoctor_sample(
    tmp_path: Path, realdata: Path
) -> None:
    db = tmp_path / "corpus.db"
    source = realdata / "questiondoctor-sample.json"
    code, out, err = run("import", "--db", str(db), "--profile", "answer-rows", str(source))
    assert (code, err) == (cli.EXIT_OK, "")
    assert "0 failed" in out and "not imported" not in out
    assert {r["specialty"] for r in exported(db).values()} >= {"Untagged"}


def test_a_mistyped_map_column_exits_non_zero_naming_the_columns(
    tmp_path: Path, realdata: Path
) -> None:
    db = tmp_path / "corpus.db"
    source = realdata / "questiondoctor-sample.json"
    code, out, err = run("import", "--db", str(db), "--map", "reply.body=anwser", str(source))
    assert code == cli.EXIT_INPUT_FAILED
    assert "no column 'anwser'" in err
    assert "its columns are: answer, answer_author, question, question_text, tags, url" in err
    assert "0 new" in out


def test_mapping_mistakes_on_the_command_line_are_usage_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    for argv, message in [
        (["--map", "titel=x"], "unknown record field 'titel'"),
        (["--profile", "nope"], "no profile 'nope'; there are: answer-rows"),
        (["--encoding", "rot13"], "'rot13' is not a text encoding"),
        (["--mapping", str(tmp_path / "missing.toml")], "cannot read"),
        (["--repair", "everything"], "unknown text repair 'everything'"),
    ]:
        code, _, err = run("import", "--db", db, *argv, "x.json")
        assert code == cli.EXIT_USAGE, argv
        assert message in err, (argv, err)


def test_a_mapping_file_on_the_command_line(tmp_path: Path, realdata: Path) -> None:
    mapping = tmp_path / "qd.toml"
    mapping.write_text(
        '[map]\ntitle = "question_text"\nspecialty = "tags[0]?"\n"reply.body" = "answer"\n'
        '[default]\nspecialty = "General"\n',
        encoding="utf-8",
    )
    db = tmp_path / "corpus.db"
    code, _, _ = run(
        "import",
        "--db",
        str(db),
        "--mapping",
        str(mapping),
        str(realdata / "questiondoctor-sample.json"),
    )
    assert code == cli.EXIT_OK
    assert "General" in {r["specialty"] for r in exported(db).values()}


def test_inspect_shows_columns_a_sample_and_a_mapping(
    tmp_path: Path, realdata: Path, spider_rows: list[dict[str, str]]
) -> None:
    code, out, _ = run("import", "--inspect", str(realdata / "questiondoctor-sample.json"))
    assert code == cli.EXIT_OK
    assert "json, 200 rows read" in out
    for column in ("answer", "answer_author", "question_text", "tags[0]", "url"):
        assert f"  {column} " in out
    assert "Dr. Ayman Darrag" in out  # a sample value
    assert "--map reply.body=answer --map reply.doctor=answer_author" in out
    assert "profiles that fit: answer-rows" in out
    sqlite = spider_sqlite(spider_rows, tmp_path / "tw_e_hospital.sqlite")
    code, out, _ = run("import", "--inspect", str(sqlite))
    assert code == cli.EXIT_OK
    assert "sqlite, 7 rows read" in out
    assert f"qatui import --profile ehospital-spider {sqlite}" in out
    assert not (tmp_path / "corpus.db").exists()


def test_inspect_of_something_unreadable_says_why(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text("<html/>")
    code, _, err = run("import", "--inspect", str(page))
    assert code == cli.EXIT_INPUT_FAILED
    assert ".html is not a format qatui imports" in err


def test_a_folder_import_lists_what_it_skipped(tmp_path: Path, realdata: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "demo.json").write_bytes((realdata / "ehospital-spider-demo.json").read_bytes())
    (folder / "notes.xml").write_text("<x/>")
    db = tmp_path / "corpus.db"
    code, out, err = run("import", "--db", str(db), "--profile", "ehospital-spider", str(folder))
    assert code == cli.EXIT_OK
    assert f"  skipped: {folder / 'notes.xml'}: .xml is not a format qatui imports" in err
    assert "skipped 1 files of no importable kind" in out
    assert out.splitlines()[-1].endswith("7 new, 0 updated, 0 unchanged, 0 failed")
