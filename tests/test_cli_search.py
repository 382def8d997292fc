"""``qatui search``: JSON lines for scripts, a clean table for people, filters and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import qatui.cli as cli
from qatui.corpus.listing import COUNT_CAP, ListQuery
from qatui.corpus.model import Record, Reply
from qatui.corpus.search.suggest import FEW_MATCHES
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    rows = [
        Record(
            id=1,
            title="Sciatica after lifting",
            specialty="Orthopedics",
            question="Back pain running down the leg, sciatica?",
            asked_on="2016-03-05",
            replies=(Reply("Lai", "Orthopedics", "Rest first.", None),),
        ),
        Record(
            id=2,
            title="Leg numbness",
            specialty="Neurology",
            question="Is it sciatica or a nerve problem?",
            asked_on="2021-07-01",
        ),
        Record(
            id=3,
            title="坐骨神經痛怎麼辦",
            specialty="Neurology",
            question="久坐之後坐骨神經痛",
            asked_on="2019-01-01",
        ),
    ]
    with store.transaction():
        for row in rows:
            store.upsert(row)
        # Text that bypassed import cleaning: the command must still not pass it to a terminal.
        store.conn.execute(
            "INSERT INTO questions(id, specialty_id, title, question, asked_on) "
            "VALUES (4, 1, ?, ?, '2020-01-01')",
            ("Hostile \x1b]52;c;aGk=\x07sciatica\x1b[2J title", "sciatica \x9b31m [bold]x[/]"),
        )
    store.close()
    return str(path)


def test_json_lines_have_the_documented_fields(db: str) -> None:
    code, out, err = run("search", "--db", db, "sciatica", "--json")
    assert code == 0 and err == ""
    items = [json.loads(line) for line in out.splitlines()]
    assert items[0]["id"] == 1  # the title hit ranks first
    assert sorted(item["id"] for item in items) == [1, 2, 4]
    assert set(items[0]) == {"id", "title", "specialty", "date", "score", "snippet"}
    assert items[0]["specialty"] == "Orthopedics" and items[0]["date"] == "2016-03-05"
    assert isinstance(items[0]["score"], float)
    assert "sciatica" in items[0]["snippet"].lower()
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


def test_the_table_is_readable_and_clean(db: str) -> None:
    code, out, _ = run("search", "--db", db, "sciatica")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "specialty", "title"]
    assert "Sciatica after lifting" in lines[1]
    assert lines[-1] == "3 of 3 matching questions, best first"
    assert "[bold]x[/]" in out  # corpus text is shown as text
    assert all(ch == "\n" or ch.isprintable() for ch in out)


def test_filters_order_and_limit(db: str) -> None:
    def found(*options: str) -> list[int]:
        code, out, _ = run("search", "--db", db, "sciatica", "--json", *options)
        assert code == 0
        return [json.loads(line)["id"] for line in out.splitlines()]

    assert found("--specialty", "neurology") == [2]
    assert found("--since", "2017") == [4, 2]  # 4 has the word in its title
    assert found("--until", "2016-03") == [1]
    assert found("--order", "date") == [2, 4, 1]
    assert found("--order", "date", "--limit", "1") == [2]


def test_cjk_substrings_from_the_command_line(db: str) -> None:
    code, out, _ = run("search", "--db", db, "神經", "--json")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [3]


def test_operators_and_odd_input(db: str) -> None:
    code, out, _ = run("search", "--db", db, "--json", "--", 'sciatica -"nerve problem"')
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1, 4]
    for text in ('"unbalanced', "NEAR(", "a:b ^c", "(((", "x" * 5000):
        code, _, err = run("search", "--db", db, text)
        assert code in (0, 2) and "Traceback" not in err


@pytest.mark.parametrize("query", ["???", "-sciatica", ""])
def test_nothing_to_search_for_is_a_usage_error(db: str, query: str) -> None:
    code, out, err = run("search", "--db", db, "--", query)
    assert code == 2 and out == ""
    assert "nothing to search for" in err


def test_bad_options_are_usage_errors(db: str) -> None:
    assert run("search", "--db", db, "x", "--specialty", "Nope")[0] == 2
    code, _, err = run("search", "--db", db, "x", "--since", "March")
    assert code == 2 and "March" in err
    code, out, err = run("search", "--db", db, "pain", "--since", "2021", "--until", "2020")
    assert code == 2 and out == ""
    assert "--until 2020 is before --since 2021" in err
    assert run("search", "--db", db, "pain", "--since", "2020", "--until", "2020")[0] == 0
    for limit in ("0", "-1"):
        code, out, err = run("search", "--db", db, "pain", "--limit", limit)
        assert code == 2 and out == "" and "--limit must be 1 or more" in err


def test_no_results_is_not_an_error(db: str) -> None:
    code, out, err = run("search", "--db", db, "zebra")
    assert code == 0 and out == "" and "no matching questions" in err
    assert run("search", "--db", db, "zebra", "--json")[:2] == (0, "")


# -- did you mean ------------------------------------------------------------------------------


def test_a_misspelt_query_gets_a_suggestion_on_stderr(db: str) -> None:
    code, out, err = run("search", "--db", db, "sciatcia")
    assert code == 0
    assert out == ""
    assert err.splitlines() == ["did you mean: sciatica", "no matching questions"]


def test_json_ends_with_the_suggestion(db: str) -> None:
    code, out, err = run("search", "--db", db, "sciatcia leg", "--json")
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [{"did_you_mean": "sciatica leg"}]
    assert err == "did you mean: sciatica leg\n"


def test_a_query_that_finds_enough_gets_no_suggestion(db: str) -> None:
    code, out, err = run("search", "--db", db, "sciatica", "--json")
    assert code == 0
    assert len(out.splitlines()) == 3
    assert "did_you_mean" not in out
    assert err == ""


def test_a_word_the_corpus_holds_gets_no_suggestion_however_few_match(db: str) -> None:
    code, out, err = run("search", "--db", db, "nerve", "--json")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [2]
    assert err == ""


def test_a_suggestion_is_counted_for_only_when_the_hits_in_hand_are_too_few(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    caps: list[int | None] = []
    count = ListQuery.count

    def counted(query: ListQuery, reader: CorpusReader, cap: int | None = COUNT_CAP) -> int:
        caps.append(cap)
        return count(query, reader, cap=cap)

    monkeypatch.setattr(ListQuery, "count", counted)
    assert run("search", "--db", db, "sciatica", "--json")[2] == ""  # 3 hits: 3 match at least
    assert FEW_MATCHES not in caps
    assert run("search", "--db", db, "sciatica", "--json", "--limit", "1")[2] == ""
    assert FEW_MATCHES in caps  # 1 hit shown: were there 3 matches? (yes: no suggestion)
