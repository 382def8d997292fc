"""Partial questions (known only from a Similar Q&A link) in exports: marked as such, and
imported back as partials, not as full questions made of a link's excerpts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.export import list_json, record_markdown
from qatui.corpus.filters import Filters
from qatui.corpus.ingest.importer import import_paths
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.render import PARTIAL_WORDS
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Outcome, Store

MakeStore = Callable[..., Store]

LINK = SimilarLink("Ankle sprain", "My ankle...", "Zhou Ping", "Orthopedics", "Rest it...")


def page(n: int, title: str, *similar: SimilarLink) -> Record:
    return Record(
        id=n,
        title=title,
        specialty="Orthopedics",
        question=f"Question {n}.",
        asked_on=f"2020-01-0{n}",
        replies=(Reply("Lin", "Orthopedics", f"Reply {n}.", f"2020-01-0{n + 1}"),),
        similar=similar,
    )


@pytest.fixture
def linked(make_store: MakeStore) -> Store:
    """Two pages, one linking to a page the corpus does not hold (so a partial of it)."""
    store = make_store()
    with store.transaction():
        store.upsert(page(1, "Knee pain", LINK))
        store.upsert(page(2, "Hip pain"))
    return store


def partials(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        "SELECT q.id, q.title, s.name, q.question, q.reply_text, q.doctor FROM questions q "
        "JOIN specialties s ON s.id = q.specialty_id WHERE q.is_partial = 1 ORDER BY q.id"
    ).fetchall()


def exported(store: Store, path: Path) -> Path:
    reader = CorpusReader(store.conn)
    records = list(ListQuery(Filters()).records_as_listed(reader))
    path.write_text(json.dumps(list_json(records, Filters())), encoding="utf-8")
    return path


def test_an_export_marks_its_partials(linked: Store) -> None:
    records = list(ListQuery(Filters()).records_as_listed(CorpusReader(linked.conn)))
    marked = {record.title: record.to_json().get("partial") for record in records}
    assert marked == {"Knee pain": None, "Hip pain": None, "Ankle sprain": True}
    partial = next(record for record in records if record.partial)
    assert record_markdown(partial).count(PARTIAL_WORDS) == 1
    assert PARTIAL_WORDS not in record_markdown(records[0])


def test_an_export_imports_back_with_its_partials_partial(
    linked: Store, make_store: MakeStore, tmp_path: Path
) -> None:
    path = exported(linked, tmp_path / "list.json")
    copy = make_store("copy.db")
    report = import_paths(copy, [str(path)])
    # The page linking to it came first and made the partial: new to this file all the same.
    assert (report.new, report.new_partial, report.unchanged, report.failed) == (2, 1, 0, 0)
    assert partials(copy) == partials(linked)
    assert CorpusReader(copy.conn).stats().partial == 1
    # Into the corpus it came from, nothing is new; the same file twice in one import, its
    # second rows are duplicate rows.
    again = import_paths(linked, [str(path)])
    assert (again.new, again.new_partial, again.unchanged) == (0, 0, 3)
    twice = import_paths(make_store("twice.db"), [str(path), str(path)])
    assert (twice.new, twice.new_partial, twice.duplicate_rows) == (2, 1, 3)


def test_a_partial_record_alone_is_the_partial_its_page_links_to(
    linked: Store, make_store: MakeStore, tmp_path: Path
) -> None:
    data = json.loads(exported(linked, tmp_path / "list.json").read_text(encoding="utf-8"))
    only = tmp_path / "only.json"
    only.write_text(json.dumps([r for r in data["records"] if r.get("partial")]), "utf-8")
    copy = make_store("copy.db")
    report = import_paths(copy, [str(only)])
    assert (report.new, report.new_partial, report.failed) == (0, 1, 0)
    assert "1 new partial (known only from a link)" in report.summary()
    assert partials(copy) == partials(linked)
    # The page that links to it finds it, as it would a partial it made.
    with copy.transaction():
        assert copy.upsert(page(1, "Knee pain", LINK)) is Outcome.NEW
    assert partials(copy) == partials(linked)
    target = copy.conn.execute("SELECT target_id FROM similar_links").fetchone()[0]
    assert target == partials(linked)[0][0]
    # Its full page fills it; a partial record of a page that is here changes nothing.
    with copy.transaction():
        copy.upsert(page(3, "Ankle sprain"))
        assert copy.upsert(CorpusReader(linked.conn).record(target)) is Outcome.UNCHANGED  # type: ignore[arg-type]
    assert partials(copy) == []


@pytest.mark.parametrize(("cell", "partial"), [("true", True), ("no", False), ("", False)])
def test_the_partial_mark_in_a_csv(
    tmp_path: Path, make_store: MakeStore, cell: str, partial: bool
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(f"title,specialty,question,partial\nAnkle sprain,Surgery,My ankle,{cell}\n")
    store = make_store()
    report = import_paths(store, [str(path)])
    assert (report.new_partial, report.new) == ((1, 0) if partial else (0, 1))


def test_a_partial_mark_that_is_not_yes_or_no_is_an_error_of_its_line(
    tmp_path: Path, make_store: MakeStore
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("title,specialty,question,partial\nA,Surgery,B,false\nC,Surgery,D,maybe\n")
    report = import_paths(make_store(), [str(path)])
    assert (report.new, report.failed) == (1, 1)
    error = report.failures[0]
    assert isinstance(error, CorpusInputError)
    assert (error.source, error.line) == (str(path), 3)
    assert "'partial' should be true or false" in str(error)
