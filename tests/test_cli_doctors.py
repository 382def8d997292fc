"""``--doctor`` and ``--hospital`` on ``qatui search`` and ``qatui export``; ``qatui topics``."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

import qatui.cli as cli
from qatui.corpus.model import FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.writer import Store


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def page(
    n: int, asked_on: str, *replies: tuple[str, str | None], topics: tuple[FaqLink, ...] = ()
) -> Record:
    return Record(
        id=n,
        title=f"Knee question {n}",
        specialty="Orthopedics",
        question="My knee hurts when I climb stairs.",
        asked_on=asked_on,
        replies=tuple(
            Reply(doctor, "Orthopedics", "Rest it.", asked_on, hospital)
            for doctor, hospital in replies
        ),
        related_faq=topics,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Lai replies to 1 and 2 (2 with Chou too); Chou alone to 3; nobody to 4."""
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    knee = FaqLink("Knee pain", "Orthopedics")
    with store.transaction():
        store.upsert(page(1, "2016-03-05", ("Lai", "Taipei General"), topics=(knee,)))
        store.upsert(
            page(
                2,
                "2019-07-01",
                ("Lai", "Taipei General"),
                ("Chou", "Tainan Municipal"),
                topics=(knee, FaqLink("Sprain [bold]", None)),
            )
        )
        store.upsert(page(3, "2020-01-01", ("Chou", "Tainan Municipal"), topics=(knee,)))
        store.upsert(page(4, "2021-01-01"))
    store.close()
    return str(path)


def ids(out: str) -> list[int]:
    return sorted(json.loads(line)["id"] for line in out.splitlines())


def test_search_by_doctor_and_hospital(db: str) -> None:
    code, out, err = run("search", "--db", db, "knee", "--doctor", "lai", "--json")
    assert (code, err, ids(out)) == (0, "", [1, 2])
    code, out, _ = run(
        "search", "--db", db, "knee", "--doctor", "Chou", "--since", "2020", "--json"
    )
    assert ids(out) == [3]
    code, out, _ = run("search", "--db", db, "knee", "--hospital", "TAINAN MUNICIPAL", "--json")
    assert ids(out) == [2, 3]
    code, out, _ = run("search", "--db", db, "knee", "--doctor", "Lai")
    assert out.splitlines()[-1] == "2 of 2 matching questions, best first"


def test_an_unknown_doctor_is_a_usage_error_naming_close_ones(db: str) -> None:
    code, out, err = run("search", "--db", db, "knee", "--doctor", "Cho")
    assert (code, out) == (2, "")
    assert (
        err == "qatui search: no doctor named 'Cho' replied to any question "
        "(names holding it: 'Chou')\n"
    )
    code, _, err = run("export", "--db", db, "--hospital", "Nowhere")
    assert (
        code == 2 and err == "qatui export: no hospital named 'Nowhere' replied to any question\n"
    )


def test_export_by_doctor(db: str) -> None:
    code, out, err = run("export", "--db", db, "--doctor", "Chou")
    assert (code, err) == (0, "")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [2, 3]
    code, out, _ = run("export", "--db", db, "--doctor", "Lai", "--until", "2018")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1]


def test_topics_lists_each_topic_with_its_pages(db: str) -> None:
    code, out, err = run("topics", "--db", db)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "  pages  specialty    topic",
        "      3  Orthopedics  Knee pain",
        "      1  -            Sprain [bold]",
        "2 topics",
    ]
    code, out, _ = run("topics", "--db", db, "--json", "--specialty", "orthopedics")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"topic": "Knee pain", "specialty": "Orthopedics", "pages": 3}
    ]
    code, out, _ = run("topics", "--db", db, "--json", "--contains", "sprain")
    assert [json.loads(line)["topic"] for line in out.splitlines()] == ["Sprain [bold]"]


def test_the_topic_column_starts_after_the_longest_specialty(tmp_path: Path) -> None:
    """``Obstetrics and Gynecology`` (25 characters) pushed its topics a cell to the right of
    the others in a column 24 wide."""
    path = tmp_path / "corpus.db"
    store = Store.open(path)
    for n, specialty in enumerate(("Obstetrics and Gynecology", "Urology", "婦產科")):
        record = page(n + 1, "2020-01-01", topics=(FaqLink("Abdominal Pain", specialty),))
        store.upsert(replace(record, specialty=specialty))
    store.close()
    code, out, _ = run("topics", "--db", str(path))
    lines = out.splitlines()[:4]
    assert code == 0
    starts = {
        cell_len(line[: line.index(topic)])
        for line, topic in zip(lines, ["topic", *["Abdominal Pain"] * 3], strict=True)
    }
    assert starts == {2 + 7 + 2 + 25}


def test_topics_of_an_unknown_specialty_say_which_have_topics(db: str) -> None:
    code, out, err = run("topics", "--db", db, "--specialty", "Urology")
    assert (code, out) == (2, "")
    assert err == (
        "qatui topics: no topics of specialty 'Urology' (specialties with topics: Orthopedics)\n"
    )


def test_topic_lists_the_pages_that_link_to_it(db: str) -> None:
    code, out, err = run("export", "--db", db, "--topic", "knee PAIN")  # any case
    assert (code, err, ids(out)) == (0, "", [1, 2, 3])  # the 3 pages `qatui topics` counts
    code, out, _ = run("search", "--db", db, "knee", "--topic", "Sprain [bold]", "--json")
    assert ids(out) == [2]
    code, out, _ = run("export", "--db", db, "--topic", "Knee pain", "--since", "2019")
    assert ids(out) == [2, 3]


def test_a_topic_of_several_specialties_is_named_with_one(db: str) -> None:
    store = Store.open(db)
    with store.transaction():
        store.upsert(page(5, "2022-01-01", topics=(FaqLink("Knee pain", "Surgery"),)))
    store.close()
    code, out, err = run("export", "--db", db, "--topic", "Knee pain")
    assert (code, out) == (2, "")
    assert err == (
        "qatui export: topic 'Knee pain' is in 2 specialties: name one, "
        "'Knee pain (Orthopedics)' or 'Knee pain (Surgery)'\n"
    )
    code, out, _ = run("export", "--db", db, "--topic", "knee pain (surgery)")
    assert (code, ids(out)) == (0, [5])
    code, out, err = run("search", "--db", db, "knee", "--topic", "Knee")
    assert (code, out) == (2, "")
    assert err == (
        "qatui search: no topic named 'Knee' (topics with those words: "
        "Knee pain (Orthopedics); Knee pain (Surgery))\n"
    )


def test_export_says_how_many_partial_questions_it_leaves_out(db: str) -> None:
    code, out, err = run("export", "--db", db)
    assert (code, err, len(out.splitlines())) == (0, "", 4)  # no partial: nothing to say
    store = Store.open(db)
    with store.transaction():
        linked = (SimilarLink("Only a link"), SimilarLink("Another link"))
        store.upsert(
            Record(title="Linking", specialty="Orthopedics", question="Q?", similar=linked)
        )
    store.close()
    code, out, err = run("export", "--db", db)
    assert (code, len(out.splitlines())) == (0, 5)
    assert err == (
        "qatui export: 2 partial questions left out (known only from Similar Q&A links; "
        "the reader's list export keeps them, marked)\n"
    )
