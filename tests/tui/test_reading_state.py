"""Reading state in the reader: history and read marks on opening, u/m/v, the Bookmarks and
History screens, and a state that outlives the corpus."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from qatui.corpus.filters import Filters
from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.screens.bookmarks import BookmarksScreen
from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
from qatui.tui.screens.history import HistoryScreen
from qatui.tui.screens.state_list import Entry
from qatui.tui.state_bridge import BOOKMARK_MARK, READ_MARK, view_of
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.status_line import StatusLine
from qatui.userstate import UserState
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.snapshot_diff import screen_rows
from tests.tui.state_helpers import (
    SIZE,
    move_to,
    notices,
    row_line,
    rows,
    saved_state,
    state_app,
)
from tests.tui.waiting import wait_until

KNEE = "Knee pain when climbing stairs"
ACNE = "Acne in my thirties"


def stored(db: Path, tmp_path: Path) -> UserState:
    return saved_state(db, tmp_path)


def shown_title(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.query_one("#reader-title", Static).render())


def option_texts(screen) -> list[str]:  # type: ignore[no-untyped-def]
    items = screen.query_one("#state-items", OptionList)
    return [str(items.get_option_at_index(i).prompt) for i in range(items.option_count)]


async def test_opening_records_history_and_marks_the_row_read(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row_line(app, 0).startswith("  ")  # nothing read yet
        await pilot.press("enter")
        await settle(pilot)
        question_id, title = rows(app)[0]
        assert app.query_one(QuestionList).marks == {question_id: READ_MARK}
        assert row_line(app, 0).startswith(READ_MARK + " ")
    state = stored(reader_db, tmp_path)
    assert state.is_read(question_id)
    assert [(e.question_id, e.title) for e in state.history()] == [(question_id, title)]
    state.close()


def screen_row_of(app: QATuiApp, title: str) -> str:
    """The row of the screen (as a screenshot shows it) holding ``title``."""
    rows = [row for row in screen_rows(app.export_screenshot()) if title in row]
    assert len(rows) == 1, rows
    return rows[0]


async def test_a_changed_mark_is_painted_on_the_screen(reader_db: Path, tmp_path: Path) -> None:
    """Only the rows whose mark changed are repainted: the screen shows the new mark (and the
    rows around it are left as they were drawn)."""
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        move_to(app, ACNE)
        await settle(pilot)
        assert READ_MARK not in screen_row_of(app, ACNE)
        await pilot.press("u")
        await settle(pilot)
        assert READ_MARK in screen_row_of(app, ACNE)
        await pilot.press("u")
        await settle(pilot)
        assert READ_MARK not in screen_row_of(app, ACNE)


async def test_u_marks_the_highlighted_row_read_then_unread(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, ACNE)
        await pilot.press("u")
        await settle(pilot)
        assert app.query_one(QuestionList).marks.get(question_id) == READ_MARK
        assert any(f"Marked read: {ACNE}" in text for text in notices(app))
        await pilot.press("u")
        await settle(pilot)
        assert question_id not in app.query_one(QuestionList).marks
        assert any(f"Marked unread: {ACNE}" in text for text in notices(app))
    state = stored(reader_db, tmp_path)
    assert not state.is_read(question_id)
    assert state.history() == []  # marking is not opening
    state.close()


async def test_u_acts_on_the_open_question_from_the_reading_pane(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        other_id = move_to(app, "Kidney stone pain")  # the list now highlights another row
        await pilot.press("3", "u")  # reading pane focused: the open question
        await settle(pilot)
    state = stored(reader_db, tmp_path)
    assert not state.is_read(question_id)
    assert not state.is_read(other_id)  # u left the highlighted row alone
    state.close()


async def test_m_bookmarks_with_a_note_and_m_again_removes_it(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"ask [b]x[/b]", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert app.query_one(QuestionList).marks[question_id] == BOOKMARK_MARK
        state = stored(reader_db, tmp_path)
        bookmark = state.bookmark(question_id)
        assert bookmark is not None
        assert (bookmark.title, bookmark.specialty, bookmark.note) == (
            KNEE,
            "Orthopedics",
            "ask [b]x[/b]",
        )
        await pilot.press("m", "y")  # asks first
        await settle(pilot)
        assert not state.is_bookmarked(question_id)
        assert question_id not in app.query_one(QuestionList).marks
        state.close()


async def test_escape_in_the_note_dialog_bookmarks_nothing(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "x", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert app.query_one(QuestionList).marks == {}
    state = stored(reader_db, tmp_path)
    assert state.bookmarks() == []
    state.close()


async def test_v_cycles_all_unread_and_bookmarked(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        read_id = move_to(app, KNEE)
        await pilot.press("u")
        marked_id = move_to(app, ACNE)
        await pilot.press("m", "enter")
        await settle(pilot)
        listing = app.query_one(QuestionList)
        await pilot.press("v")
        await settle(pilot)
        assert view_of(app.reader.filters) == "unread"
        assert listing.matching == 12
        assert read_id not in {question_id for question_id, _ in rows(app)}
        assert "unread" in app.query_one(StatusLine).text
        await pilot.press("v")
        await settle(pilot)
        assert view_of(app.reader.filters) == "bookmarked"
        assert rows(app) == [(marked_id, ACNE)]
        nav_counts = str(app.query_one("#specialties", OptionList).get_option_at_index(0).prompt)
        assert nav_counts.split() == ["●", "All", "1"]
        await pilot.press("v")
        await settle(pilot)
        assert view_of(app.reader.filters) == "all" and app.reader.filters == Filters()
        assert listing.matching == 13


async def test_bookmarks_screen_searches_opens_edits_and_removes(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for title, note in ((KNEE, "stairs"), (ACNE, "ask about creams")):
            move_to(app, title)
            await pilot.press("m", *note, "enter")
            await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        texts = option_texts(screen)
        assert [text.splitlines()[0] for text in texts] == [ACNE, KNEE]  # newest first
        assert "ask about creams" in texts[0]
        await pilot.press("slash", *"stairs")
        await settle(pilot)
        assert [text.splitlines()[0] for text in option_texts(screen)] == [KNEE]
        await pilot.press("enter")  # leaves the search field for the list
        await pilot.press("e")
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one(Input).value == "stairs"
        await pilot.press("ctrl+u", *"both knees", "enter")
        await settle(pilot)
        assert "both knees" in option_texts(screen)[0]
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(app) == KNEE
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("d", "y")  # asks first
        await settle(pilot)
        assert [text.splitlines()[0] for text in option_texts(app.screen)] == [KNEE]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BookmarksScreen)
    state = stored(reader_db, tmp_path)
    assert [(b.title, b.note) for b in state.bookmarks()] == [(KNEE, "both knees")]
    state.close()


async def test_history_screen_opens_again_and_clears_only_when_confirmed(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for title in (KNEE, ACNE):
            move_to(app, title)
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert [ACNE in t or KNEE in t for t in option_texts(screen)] == [True, True]
        assert ACNE in option_texts(screen)[0]  # the last opened first
        await pilot.press("down", "enter")
        await settle(pilot)
        assert shown_title(app) == KNEE
        await pilot.press("H")
        await settle(pilot)
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert len(option_texts(app.screen)) == 2
        await pilot.press("C", "y")
        await settle(pilot)
        assert option_texts(app.screen) == ["Nothing opened yet."]
        await pilot.press("escape")
    state = stored(reader_db, tmp_path)
    assert state.history() == []
    assert len(state.read_ids()) == 2  # read marks stay
    state.close()


async def test_state_survives_a_full_reimport(tmp_path: Path) -> None:
    corpus = build_reader_corpus(tmp_path / "corpus.db")
    app = state_app(corpus, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        read_id = move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        marked_id = move_to(app, ACNE)
        await pilot.press("m", *"keep", "enter")
        await settle(pilot)
    app.corpus.close()
    app.state.close()
    for leftover in tmp_path.glob("corpus.db*"):
        leftover.unlink()
    build_reader_corpus(tmp_path / "corpus.db")  # a fresh import of the same pages

    again = state_app(corpus, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        marks = again.query_one(QuestionList).marks
        assert marks == {read_id: READ_MARK, marked_id: BOOKMARK_MARK}
        line = row_line(again, [i for i, _ in rows(again)].index(read_id))
        assert line.startswith(READ_MARK)
        await pilot.press("v", "v")
        await settle(pilot)
        assert rows(again) == [(marked_id, ACNE)]
        await pilot.press("H")
        await settle(pilot)
        assert KNEE in option_texts(again.screen)[0]


async def test_another_corpus_does_not_show_this_ones_bookmarks(tmp_path: Path) -> None:
    """One state.db for every corpus: the bookmarks of one showed in another's reader."""
    first = build_reader_corpus(tmp_path / "first.db")
    app = state_app(first, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        marked_id = move_to(app, ACNE)
        await pilot.press("m", "enter")
        await settle(pilot)
    app.corpus.close()
    app.state.close()
    other = state_app(build_reader_corpus(tmp_path / "other.db"), tmp_path)
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert marked_id in [question_id for question_id, _ in rows(other)]
        assert other.query_one(QuestionList).marks == {}
    other.corpus.close()
    other.state.close()
    again = state_app(first, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.query_one(QuestionList).marks == {marked_id: BOOKMARK_MARK}


async def test_a_state_that_cannot_be_opened_gives_a_session_state_and_a_notice(
    reader_db: Path, tmp_path: Path
) -> None:
    (tmp_path / "state.db").mkdir()  # a folder where the file should be
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("this session only" in text for text in notices(app))
        await pilot.press("enter")
        await settle(pilot)
        assert READ_MARK in app.query_one(QuestionList).marks.values()
        assert app.state.path != tmp_path / "state.db"
    app.state.close()


class HeldBookmarksScreen(BookmarksScreen):
    """The bookmarks screen whose reading waits until the test lets it go on."""

    def __init__(self, state: UserState, go_on: threading.Event) -> None:
        super().__init__(state)
        self.go_on = go_on

    def fetch(self, search: str) -> tuple[list[Entry], int]:
        self.go_on.wait()
        return super().fetch(search)


async def test_the_bookmarks_list_says_loading_until_its_rows_arrive(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    go_on = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        move_to(app, KNEE)
        await pilot.press("m", *"stairs", "enter")
        await settle(pilot)
        screen = HeldBookmarksScreen(app.state, go_on)
        try:
            await app.push_screen(screen)
            await pilot.pause()
            assert option_texts(screen) == ["Loading…"]
            assert screen.current is None  # the placeholder is not an entry
        finally:
            go_on.set()
        await wait_until(pilot, lambda: option_texts(screen) != ["Loading…"], "rows arrive")
        assert [text.splitlines()[0] for text in option_texts(screen)] == [KNEE]


async def test_shift_u_puts_back_a_bookmark_removed_with_m_note_and_dates(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m", *"left knee", "enter")
        await settle(pilot)
        state = stored(reader_db, tmp_path)
        before = state.bookmark(question_id)
        assert before is not None and before.note == "left knee"
        await pilot.press("m", "y")
        await settle(pilot)
        assert not state.is_bookmarked(question_id)
        assert any("Bookmark removed" in text and "U undoes it" in text for text in notices(app))
        await pilot.press("U")
        await settle(pilot)
        assert state.bookmark(question_id) == before  # note, bookmarked and updated times
        assert app.query_one(QuestionList).marks[question_id] == BOOKMARK_MARK
        assert any(f"Bookmark restored: {KNEE}" in text for text in notices(app))
        await pilot.press("U")  # one removal, one undo
        await settle(pilot)
        assert any("Nothing to undo" in text for text in notices(app))
        assert state.bookmark(question_id) == before
        state.close()


async def test_shift_u_in_the_bookmarks_screen_puts_back_the_removed_one(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, ACNE)
        await pilot.press("m", *"creams", "enter")
        await settle(pilot)
        state = stored(reader_db, tmp_path)
        before = state.bookmark(question_id)
        await pilot.press("B")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        await pilot.press("d", "y")
        await settle(pilot)
        assert not [text for text in option_texts(screen) if ACNE in text]
        assert state.bookmark(question_id) is None
        await pilot.press("U")
        await settle(pilot)
        assert [text.splitlines()[0] for text in option_texts(screen)] == [ACNE]
        assert "creams" in option_texts(screen)[0]
        assert state.bookmark(question_id) == before
        state.close()


async def test_a_bookmarked_partial_question_shows_its_star(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        partial = "Hip clicking at night"  # known only from a Similar Q&A link
        index = [title for _, title in rows(app)].index(partial)
        assert row_line(app, index).startswith("◌ ")
        move_to(app, partial)
        await pilot.press("m")
        await pilot.press("enter")
        await settle(pilot)
        assert row_line(app, index).startswith(BOOKMARK_MARK + " ")  # was ◌: no sign of it
