"""Importing inputs into a store: formats, folders, failures, batches, re-import, round trip."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.importer import expand_paths, import_paths, import_records, read_source
from qatui.corpus.ingest.sample import build_sample_database
from qatui.corpus.model import Record
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Outcome, Store

MakeStore = Callable[..., Store]
"""The ``make_store`` fixture (see conftest.py)."""

PAGE = """{title} - {specialty}

Share to:

Subject of {title}

Question of {title}.

Ada, 30~39 year old female. Ask Date: {date}

Dr. Lai Yicheng reply {specialty}

Reply to {title}.

Reply Date: {date}
{similar}
Related FAQ

Breast Cancer

({specialty})
"""

SIMILAR_ENTRY = """
Similar Q&A

{title}

Excerpt of the question...

Dr. Fan Sheng reply {specialty}
Excerpt of the reply...

[Read More] {title}
"""


def page_text(
    title: str, specialty: str = "Oncology", date: str = "2016/01/03", similar: str | None = None
) -> str:
    link = SIMILAR_ENTRY.format(title=similar, specialty=specialty) if similar else ""
    return PAGE.format(title=title, specialty=specialty, date=date, similar=link)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def titles(store: Store, *, partial: bool = False) -> list[str]:
    return sorted(
        row[0]
        for row in store.conn.execute(
            "SELECT title FROM questions WHERE is_partial = ?", (int(partial),)
        )
    )


def export_jsonl(store: Store) -> str:
    return "".join(
        json.dumps(record.to_json(), ensure_ascii=False) + "\n"
        for record in CorpusReader(store.conn).iter_records()
    )


# -- inputs ---------------------------------------------------------------------------------


def test_folders_are_read_recursively_in_order(tmp_path: Path) -> None:
    write(tmp_path / "b" / "2.txt", "x")
    write(tmp_path / "a.txt", "x")
    write(tmp_path / "b" / "c" / "1.jsonl", "x")
    write(tmp_path / "b" / "notes.md", "x")
    write(tmp_path / "b" / "data.CSV", "x")
    found = list(expand_paths([str(tmp_path), "-", "given.md"]))
    assert found == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "2.txt"),
        str(tmp_path / "b" / "c" / "1.jsonl"),
        str(tmp_path / "b" / "data.CSV"),
        "-",
        "given.md",
    ]


def test_mixed_inputs_import_with_failures_named(tmp_path: Path, make_store: MakeStore) -> None:
    write(tmp_path / "in" / "good.txt", page_text("Good page"))
    write(tmp_path / "in" / "bad.txt", "No heading separator\n")
    write(tmp_path / "in" / "empty.txt", "")
    write(tmp_path / "in" / "binary.txt", b"\x00\x01\x02PK")
    records = [{"title": "From JSON", "specialty": "Surgery"}, {"specialty": "Surgery"}]
    write(tmp_path / "in" / "r.json", json.dumps(records))
    write(tmp_path / "in" / "r.csv", "title,specialty,asked_on\nFrom CSV,Urology,2017.05.06\n")
    store = make_store()
    report = import_paths(store, [str(tmp_path / "in"), str(tmp_path / "missing.txt")])
    assert (report.new, report.updated, report.unchanged) == (3, 0, 0)
    failed = {Path(f.source).name: f for f in report.failures}
    assert sorted(failed) == ["bad.txt", "binary.txt", "empty.txt", "missing.txt", "r.json"]
    assert failed["bad.txt"].line == 1
    assert failed["r.json"].line == 2
    assert "cannot read" in failed["missing.txt"].reason
    assert titles(store) == ["From CSV", "From JSON", "Good page"]


def test_json_and_csv_with_mapping(tmp_path: Path, make_store: MakeStore) -> None:
    rows = [{"question_title": "Q1", "dept": "ENT", "question_date": "2018.02.03", "user": "Bo"}]
    write(tmp_path / "s.jsonl", "\n".join(json.dumps(r) for r in rows))
    write(tmp_path / "s.csv", "question_title,dept,question_date,user\nQ2,ENT,2018-02-04,Cy\n")
    mapping = {
        "title": "question_title",
        "specialty": "dept",
        "asked_on": "question_date",
        "asker.name": "user",
    }
    store = make_store()
    report = import_paths(store, [str(tmp_path)], mapping=mapping)
    assert (report.new, report.failed) == (2, 0)
    rows_out = store.conn.execute(
        "SELECT title, asked_on, asker_name FROM questions ORDER BY title"
    ).fetchall()
    assert rows_out == [("Q1", "2018-02-03", "Bo"), ("Q2", "2018-02-04", "Cy")]


def test_format_option_overrides_the_suffix(tmp_path: Path, make_store: MakeStore) -> None:
    write(tmp_path / "dump.dat", json.dumps({"title": "T", "specialty": "S"}))
    store = make_store()
    assert import_paths(store, [str(tmp_path / "dump.dat")], fmt="json").new == 1


def test_encoding_option(tmp_path: Path, make_store: MakeStore) -> None:
    path = write(tmp_path / "big5.txt", page_text("乳癌治療", "腫瘤科").encode("big5"))
    store = make_store()
    report = import_paths(store, [str(path)])
    assert report.failed == 1
    assert "--encoding" in report.failures[0].reason
    report = import_paths(store, [str(path)], encoding="big5")
    assert (report.new, report.failed) == (1, 0)
    assert titles(store) == ["乳癌治療"]


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps({"title": "T", "specialty": "S"}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (record,) = list(read_source("-"))
    assert isinstance(record, Record)
    assert record.title == "T"


def test_stdin_page_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"no heading\n")))
    (error,) = list(read_source("-"))
    assert isinstance(error, CorpusInputError)
    assert str(error).startswith("<stdin>:1:")


# -- re-import, updates, partial questions --------------------------------------------------


def test_reimport_reports_unchanged(tmp_path: Path, make_store: MakeStore) -> None:
    for n in range(3):
        write(tmp_path / f"{n}.txt", page_text(f"Page {n}"))
    store = make_store()
    assert import_paths(store, [str(tmp_path)]).new == 3
    before = export_jsonl(store)
    report = import_paths(store, [str(tmp_path)])
    assert (report.new, report.updated, report.unchanged, report.failed) == (0, 0, 3, 0)
    assert export_jsonl(store) == before


def test_changed_page_reports_updated(tmp_path: Path, make_store: MakeStore) -> None:
    path = write(tmp_path / "p.txt", page_text("Page"))
    store = make_store()
    import_paths(store, [str(path)])
    write(path, page_text("Page").replace("Reply to Page.", "A corrected reply."))
    report = import_paths(store, [str(path)])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    assert titles(store) == ["Page"]


@pytest.mark.parametrize("order", ["link-first", "page-first"])
def test_similar_link_and_full_page_in_either_order(
    tmp_path: Path, make_store: MakeStore, order: str
) -> None:
    linking = write(tmp_path / "linking.txt", page_text("Linking", similar="Target"))
    target = write(tmp_path / "target.txt", page_text("Target", date="2017/03/04"))
    first, second = (linking, target) if order == "link-first" else (target, linking)
    store = make_store()
    import_paths(store, [str(first)])
    import_paths(store, [str(second)])
    assert titles(store) == ["Linking", "Target"]
    assert titles(store, partial=True) == []
    (target_id,) = store.conn.execute("SELECT id FROM questions WHERE title = 'Target'").fetchone()
    assert store.conn.execute("SELECT target_id FROM similar_links").fetchall() == [(target_id,)]
    page = CorpusReader(store.conn).page(target_id)
    assert page is not None
    assert page.record.asked_on == "2017-03-04"
    assert [row.title for row in page.listed_by] == ["Linking"]


def test_partial_filled_in_the_same_batch(tmp_path: Path, make_store: MakeStore) -> None:
    write(tmp_path / "1.txt", page_text("Linking", similar="Target"))
    write(tmp_path / "2.txt", page_text("Target"))
    store = make_store()
    report = import_paths(store, [str(tmp_path)])
    assert (report.new, report.failed) == (2, 0)
    assert titles(store) == ["Linking", "Target"]
    assert titles(store, partial=True) == []


def test_orphan_partial_dropped_on_reimport(tmp_path: Path, make_store: MakeStore) -> None:
    path = write(tmp_path / "p.txt", page_text("Page", similar="Old link"))
    store = make_store()
    import_paths(store, [str(path)])
    assert titles(store, partial=True) == ["Old link"]
    write(path, page_text("Page", similar="New link"))
    assert import_paths(store, [str(path)]).updated == 1
    assert titles(store, partial=True) == ["New link"]


# -- batches --------------------------------------------------------------------------------


def test_failing_batch_is_rolled_back_and_earlier_batches_stay(
    tmp_path: Path, make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(7):
        write(tmp_path / f"{n}.txt", page_text(f"Page {n}", similar=f"Link {n}"))
    store = make_store()
    real_upsert = Store.upsert
    calls = 0

    def failing_upsert(self: Store, record: Record) -> Outcome:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("disk on fire")
        return real_upsert(self, record)

    monkeypatch.setattr(Store, "upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_paths(store, [str(tmp_path)], batch_size=2)
    assert titles(store) == ["Page 0", "Page 1", "Page 2", "Page 3"]
    assert titles(store, partial=True) == ["Link 0", "Link 1", "Link 2", "Link 3"]
    assert not store.conn.in_transaction

    monkeypatch.setattr(Store, "upsert", real_upsert)
    report = import_paths(store, [str(tmp_path)], batch_size=2)
    assert (report.new, report.unchanged, report.failed) == (3, 4, 0)


def test_one_bad_record_does_not_spoil_its_batch(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store()
    real_upsert = Store.upsert

    def refuse_b(self: Store, record: Record) -> Outcome:
        result = real_upsert(self, record)
        if record.title == "B":
            raise ValueError("B is not wanted")
        return result

    monkeypatch.setattr(Store, "upsert", refuse_b)
    records = [Record(title=t, specialty="S", question="q") for t in "ABC"]
    report = import_records(store, records)
    assert (report.new, report.failed) == (2, 1)
    assert "B is not wanted" in report.failures[0].reason
    assert titles(store) == ["A", "C"]


def test_progress_counts_every_input(tmp_path: Path, make_store: MakeStore) -> None:
    for n in range(5):
        write(tmp_path / f"{n}.txt", page_text(f"Page {n}"))
    write(tmp_path / "bad.txt", "bad\n")
    seen: list[int] = []
    import_paths(make_store(), [str(tmp_path)], batch_size=2, progress=seen.append)
    assert sum(seen) == 6


# -- round trip -----------------------------------------------------------------------------


def test_pages_export_import_export_is_identical(tmp_path: Path, make_store: MakeStore) -> None:
    write(tmp_path / "p" / "1.txt", page_text("One", similar="Two"))
    write(tmp_path / "p" / "2.txt", page_text("Two", "Surgery", "2018/07/08", similar="Three"))
    write(tmp_path / "p" / "3.txt", page_text("小美的問題", "腫瘤科", similar="One"))
    indented = page_text("Indented", date="2019/01/02").replace(
        "Reply to Indented.", "\u3000\u3000Reply\n    indented [b]x[/b]\n\n\nend"
    )
    write(tmp_path / "p" / "4.txt", indented)
    first = make_store("first.db")
    assert import_paths(first, [str(tmp_path / "p")]).failed == 0
    exported = export_jsonl(first)
    write(tmp_path / "export.jsonl", exported)
    second = make_store("second.db")
    report = import_paths(second, [str(tmp_path / "export.jsonl")])
    assert (report.new, report.failed) == (4, 0)
    assert export_jsonl(second) == exported
    partials = "SELECT id, title FROM questions WHERE is_partial = 1 ORDER BY id"
    assert second.conn.execute(partials).fetchall() == first.conn.execute(partials).fetchall()
    assert import_paths(first, [str(tmp_path / "export.jsonl")]).unchanged == 4


# -- the bundled sample ---------------------------------------------------------------------


def test_whole_sample_imports_without_failures(
    sample_pages_dir: Path, make_store: MakeStore
) -> None:
    store = make_store()
    report = import_paths(store, [str(sample_pages_dir)])
    assert report.failures == []
    assert report.new == len(list(sample_pages_dir.glob("*.txt")))
    links, resolved = store.conn.execute(
        "SELECT count(*), coalesce(sum(t.is_partial = 0), 0) FROM similar_links l "
        "JOIN questions t ON t.id = l.target_id"
    ).fetchone()
    assert links > 0
    assert resolved / links > 0.5, f"only {resolved} of {links} Similar Q&A links resolve"


def test_sample_database_is_built_from_the_sample_pages(
    sample_pages_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "data" / "corpus.db"
    report = build_sample_database(path)
    assert report.failures == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["corpus.db"]
    store = Store.open(path)
    try:
        assert len(titles(store)) == len(list(sample_pages_dir.glob("*.txt")))
    finally:
        store.close()


def test_interrupted_sample_build_leaves_no_database(
    sample_pages_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upsert = Store.upsert
    calls = 0

    def interrupted(self: Store, record: Record) -> Outcome:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real_upsert(self, record)

    monkeypatch.setattr(Store, "upsert", interrupted)
    path = tmp_path / "corpus.db"
    with pytest.raises(KeyboardInterrupt):
        build_sample_database(path)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(Store, "upsert", real_upsert)
    assert build_sample_database(path).failures == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.db"]
