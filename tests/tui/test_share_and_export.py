"""Citation to the clipboard, and exports of the question, the bookmarks and the list."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from qatui.corpus.export import (
    NOT_MEDICAL_ADVICE,
    bookmarks_json,
    citation,
    iter_filtered_records,
    list_json,
    record_markdown,
)
from qatui.corpus.filters import Filters
from qatui.corpus.model import Record
from qatui.corpus.render import PARTIAL_WORDS
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.export_files import ExportRequest, export_name, write_export
from qatui.tui.messages import SpecialtyChosen
from qatui.tui.scenes import settle
from qatui.tui.screens.export_dialog import ExportScreen
from qatui.tui.widgets.question_list import QuestionList
from qatui.userstate import UserState
from tests.tui.corpus_builder import HOSTILE_TITLE
from tests.tui.state_helpers import SIZE, move_to, notices, rows, saved_state, state_app

KNEE = "Knee pain when climbing stairs"
ACNE = "Acne in my thirties"
CHOICES = [
    ("question", "markdown"),
    ("question", "json"),
    ("bookmarks", "markdown"),
    ("bookmarks", "json"),
    ("list", "markdown"),
    ("list", "json"),
]


def exported(tmp_path: Path) -> list[Path]:
    """The exported files, JSON before Markdown."""
    return sorted((tmp_path / "exports").iterdir(), key=lambda path: (path.suffix, path.name))


def corpus_records(db: Path, filters: Filters) -> list[Record]:
    """The full pages ``filters`` match, by id, read straight from the database."""
    store = Store.open(db)
    records = list(iter_filtered_records(CorpusReader(store.conn), filters))
    store.close()
    return records


async def choose_export(pilot, app: QATuiApp, what: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    assert isinstance(app.screen, ExportScreen)
    wanted = ExportRequest(what, fmt)  # type: ignore[arg-type]
    index = app.screen.requests.index(wanted)
    await pilot.press(*["down"] * index, "enter")
    await settle(pilot)
    for worker in list(app.workers):
        await worker.wait()
    await settle(pilot)


async def test_c_copies_a_citation_of_the_open_question(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert any("Open a question first" in text for text in notices(app))
        assert app.clipboard == ""
        move_to(app, HOSTILE_TITLE)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        assert app.reader.page is not None
        expected = citation(app.reader.page.record)
        assert app.clipboard == expected
        assert HOSTILE_TITLE in expected and "(Dermatology)" in expected
        assert "asked 2022-04-04" in expected and "Dr. Lin Wei" in expected
        assert expected in notices(app)
        assert app.is_running  # the markup-like title did not act


async def test_export_offers_the_question_only_when_one_is_open(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert [(r.what, r.format) for r in screen.requests] == CHOICES[2:]
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        assert [(r.what, r.format) for r in app.screen.requests] == CHOICES  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert not (tmp_path / "exports").exists()


async def test_export_the_open_question_as_markdown_and_json(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.page is not None
        record = app.reader.page.record
        await choose_export(pilot, app, "question", "markdown")
        await choose_export(pilot, app, "question", "json")
        files = exported(tmp_path)
        assert [f.suffix for f in files] == [".json", ".md"]
        assert all(f.name.startswith(f"question-{question_id}-") for f in files)
        assert any(str(files[0]) in text for text in notices(app))
    markdown = files[1].read_text(encoding="utf-8")
    assert markdown == record_markdown(record)
    assert markdown.startswith(f"# {KNEE}\n") and NOT_MEDICAL_ADVICE in markdown
    assert "- **Reply delay:** same day" in markdown
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["notice"] == NOT_MEDICAL_ADVICE
    exported_record = data["record"]
    assert exported_record == record.to_json()
    assert exported_record["id"] == question_id
    assert exported_record["title"] == KNEE
    assert exported_record["specialty"] == "Orthopedics"
    assert exported_record["asked_on"] == "2016-03-05"
    assert exported_record["asker"] == {"name": "Mei", "age": "30~39", "gender": "female"}
    assert exported_record["reply"]["doctor"] == "Lin Wei"
    assert exported_record["reply"]["replied_on"] == "2016-03-05"
    assert [s["title"] for s in exported_record["similar"]] == [
        "Ankle sprain that does not heal",
        "Hip clicking at night",
    ]
    assert [f["topic"] for f in exported_record["related_faq"]] == ["Knee Pain", "Sprain"]
    assert (files[0].stat().st_mode & 0o777) == (files[1].stat().st_mode & 0o777) != 0o600


async def test_export_the_bookmarks_with_their_notes(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for title, note in ((KNEE, "stairs"), (ACNE, "")):
            move_to(app, title)
            await pilot.press("m", *note, "enter")
            await settle(pilot)
        await choose_export(pilot, app, "bookmarks", "json")
        await choose_export(pilot, app, "bookmarks", "markdown")
        assert any("Exported 2 bookmarks" in text for text in notices(app))
    json_file, md_file = exported(tmp_path)
    state = saved_state(reader_db, tmp_path)
    bookmarks = state.bookmarks()
    state.close()
    records = {r.id: r for r in corpus_records(reader_db, Filters()) if r.id is not None}
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert data == bookmarks_json(bookmarks, records)
    assert [(b["title"], b["note"]) for b in data["bookmarks"]] == [(ACNE, ""), (KNEE, "stairs")]
    assert [b["record"]["title"] for b in data["bookmarks"]] == [ACNE, KNEE]
    assert all(b["bookmarked_at"] for b in data["bookmarks"])
    markdown = md_file.read_text(encoding="utf-8")
    assert markdown.startswith("# Bookmarks\n") and NOT_MEDICAL_ADVICE in markdown
    assert markdown.index(f"## {ACNE}") < markdown.index(f"## {KNEE}")
    assert "**Note:** stairs" in markdown


async def test_export_the_filtered_list(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.post_message(SpecialtyChosen("Urology"))
        await settle(pilot)
        filters = app.reader.filters
        listed = [question_id for question_id, _ in rows(app)]
        await choose_export(pilot, app, "list", "json")
        await choose_export(pilot, app, "list", "markdown")
    json_file, md_file = exported(tmp_path)
    assert json_file.name.startswith("list-urology-")
    data = json.loads(json_file.read_text(encoding="utf-8"))
    by_id = {record.id: record for record in corpus_records(reader_db, filters)}
    assert data == list_json([by_id[question_id] for question_id in listed], filters)
    assert data["count"] == 4
    assert data["filters"]["specialty"] == "Urology"
    assert {r["specialty"] for r in data["records"]} == {"Urology"}
    assert {r["title"] for r in data["records"]} == {
        "Frequent urination at night",
        "Burning when urinating",
        "Kidney stone pain",
        "Blood in urine once",
    }
    markdown = md_file.read_text(encoding="utf-8")
    assert markdown.startswith("# Questions: Urology\n")
    assert markdown.count("\n---\n") == 4 and NOT_MEDICAL_ADVICE in markdown


async def test_export_of_the_list_writes_every_row_it_counts_in_its_order(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        listed = rows(app)
        assert listing.matching == len(listed) == 13  # 12 full pages and 1 partial
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert "every question (13 questions)" in app.screen.list_words
        await pilot.press("escape")
        await choose_export(pilot, app, "list", "json")
        await choose_export(pilot, app, "list", "markdown")
        assert any("Exported 13 questions" in text for text in notices(app))
    json_file, md_file = exported(tmp_path)
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert data["count"] == 13
    assert [record["title"] for record in data["records"]] == [title for _, title in listed]
    assert [record.get("partial", False) for record in data["records"]].count(True) == 1
    markdown = md_file.read_text(encoding="utf-8")
    assert markdown.count("\n---\n") == 13 and markdown.count(PARTIAL_WORDS) == 1


def test_export_names() -> None:
    import datetime as dt

    when = dt.datetime(2024, 5, 1, 14, 3, 1)
    assert export_name(ExportRequest("question", "markdown"), when, 42) == (
        "question-42-20240501-140301.md"
    )
    assert export_name(ExportRequest("bookmarks", "json"), when) == "bookmarks-20240501-140301.json"
    assert export_name(ExportRequest("list", "json"), when, about="Urology, 2016-01-01 to …") == (
        "list-urology-2016-01-01-to-20240501-140301.json"
    )
    assert export_name(ExportRequest("list", "markdown"), when, about="") == (
        "list-20240501-140301.md"
    )


async def test_export_of_a_searched_list_holds_what_the_search_shows(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"knee", "enter")
        await settle(pilot)
        assert app.reader.filters.search == "knee"
        shown = {title for _, title in rows(app)}
        assert len(shown) == 3
        await choose_export(pilot, app, "list", "json")
    (json_file,) = exported(tmp_path)
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert data["count"] == 3
    assert {record["title"] for record in data["records"]} == shown


def strings_in(value: object) -> set[str]:
    """Every string in a decoded JSON document."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for item in value.values() for s in strings_in(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings_in(item)}
    return set()


def test_in_app_json_exports_escape_what_a_terminal_acts_on(
    reader_db: Path, tmp_path: Path
) -> None:
    """Issue 15 #21: the list and bookmark exports wrote C1 and bidi controls from a hand-made
    database raw; they are escaped now, as in ``qatui export``, and decode to the same text."""
    hostile = "Knee\u202e pain\x85 after\u2028 surgery"
    conn = sqlite3.connect(reader_db)
    conn.execute("UPDATE questions SET title = ? WHERE title LIKE 'Knee pain%'", (hostile,))
    conn.commit()
    question_id = conn.execute("SELECT id FROM questions WHERE title = ?", (hostile,)).fetchone()
    conn.close()
    corpus = Corpus.open(reader_db)
    state = UserState.temporary()
    state.add_bookmark(question_id[0], hostile, "Orthopedics", "note \u202e\x9b31m")
    try:
        for what in ("list", "bookmarks"):
            result = write_export(
                ExportRequest(what, "json"),
                tmp_path / "out",
                corpus=corpus,
                state=state,
                filters=Filters(),
            )
            text = result.path.read_text(encoding="utf-8")
            assert not any(char in text for char in "\u202e\x85\u2028\x9b"), what
            assert hostile in strings_in(json.loads(text)), what  # lossless
    finally:
        corpus.close()
        state.close()
