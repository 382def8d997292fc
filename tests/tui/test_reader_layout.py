"""A reader built for reading: room for the page at every size, a status line, empty and
loading states, the source link, and the list cursor that follows what is open."""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Select, Static

from qatui.corpus.filters import Filters
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.messages import QuestionChosen
from qatui.tui.scenes import settle
from qatui.tui.startup import run_reader
from qatui.tui.widgets.filter_bar import CUSTOM_RANGE
from qatui.tui.widgets.question_list import EMPTY_CORPUS, NO_MATCH, QuestionList
from qatui.tui.widgets.specialty_nav import APPLIED_MARK, SpecialtyNav
from qatui.tui.widgets.status_line import StatusLine
from tests.tui.state_helpers import notices, row_line, rows, state_app

WIDE, NARROW, ROOMY = (120, 40), (80, 24), (200, 50)
SOURCE = "https://example.org/qa/7"


def region(app: QATuiApp, pane: str):  # type: ignore[no-untyped-def]
    return app.query_one(f"#{pane}").region


def notice_lines(app: QATuiApp) -> str:
    """The first lines an empty list draws, joined."""
    return " ".join(row_line(app, y).strip() for y in range(4)).strip()


def row_line_at(app: QATuiApp, y: int) -> str:
    """Line ``y`` of the screen as text."""
    return "".join(segment.text for segment in app.screen._compositor.render_strips()[y])


def status(app: QATuiApp) -> str:
    return app.query_one(StatusLine).text


def build_sourced_corpus(path: Path) -> Path:
    """Two questions: one with a source URL, one without."""
    store = Store.open(path)
    with store.transaction():
        for n, url in enumerate((SOURCE, None)):
            store.upsert(
                Record(
                    title=f"Question {n}",
                    specialty="Urology",
                    question="Why?",
                    asker=Asker("Mei", "30~39", "female"),
                    asked_on=f"2020-01-0{n + 1}",
                    replies=(Reply("Lin", "Urology", "Because.", "2020-01-09"),),
                    source_url=url,
                )
            )
    store.close()
    return path


# -- room for the page ----------------------------------------------------------------------


async def test_at_120x40_the_page_gets_the_width(reader_db: Path) -> None:
    """Before: reading pane 45 columns (41 inside), list 44, Specialties 30 and empty below."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        reader, questions = region(app, "reader"), region(app, "questions")
        assert reader.width >= 70 and reader.width > questions.width
        assert questions.right <= reader.x
        # The specialties are folded to the applied one above the list, until focused.
        specialties = region(app, "specialties")
        assert specialties.height == 3 and specialties.bottom <= questions.y
        await pilot.press("1")
        await settle(pilot)
        assert region(app, "specialties").height > 10


async def test_at_160_columns_the_list_keeps_room_for_its_titles(reader_db: Path) -> None:
    """Before: the specialties' column, the list and a 90-column page side by side left the
    list 34 columns (titles cut at 27 characters, no date)."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        reader, questions = region(app, "reader"), region(app, "questions")
        assert questions.width >= 60 and reader.width >= 90 and reader.width > questions.width
        first = app.query_one(QuestionList).row_at(0)
        assert first is not None and first.asked_on
        assert first.asked_on in row_line(app, 0)
        assert region(app, "specialties").height == 3  # folded above the list, as at 120


async def test_a_very_wide_screen_shows_the_doctor_column(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=(240, 60)) as pilot:
        await settle(pilot)
        first = app.query_one(QuestionList).row_at(0)
        assert first is not None and first.doctor
        assert first.doctor in row_line(app, 0)
        assert region(app, "reader").width > 100


async def test_a_roomy_screen_shows_specialties_as_wide_as_their_names_and_more_columns(
    reader_db: Path,
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=ROOMY) as pilot:
        await settle(pilot)
        specialties, questions = region(app, "specialties"), region(app, "questions")
        assert specialties.right <= questions.x
        assert specialties.width < 30  # "Orthopedics" and a count, not a fixed 30
        first = app.query_one(QuestionList).row_at(0)
        assert first is not None
        assert first.specialty in row_line(app, 0)  # the specialty column appears
        assert region(app, "reader").width >= 80


async def test_at_80x24_a_focused_reading_pane_gets_the_room(reader_db: Path) -> None:
    """Before: 8 lines for the page while Related kept 8 rows."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("enter", "3")
        await settle(pilot)
        assert region(app, "reader").height >= 12
        assert region(app, "related").height <= 3
        # The folded specialties keep one line: the applied one, not an empty title rule.
        top = region(app, "specialties").y
        assert region(app, "specialties").height == 1
        assert row_line_at(app, top).lstrip().startswith(f"{APPLIED_MARK} All")


async def test_z_maximises_the_focused_pane_and_brings_the_panes_back(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "3", "z")
        await settle(pilot)
        reader = app.query_one("#reader")
        assert app.screen.maximized is reader
        assert reader.region.width == WIDE[0]
        assert app.query_one(StatusLine).display  # the status line stays
        await pilot.press("z")
        await settle(pilot)
        assert app.screen.maximized is None
        await pilot.press("2", "z", "escape")
        await settle(pilot)
        assert app.screen.maximized is None


async def test_the_footer_fits_in_80_columns(reader_db: Path) -> None:
    """Before: ``x Clear filte▏`` and no room for the rest."""
    from textual.widgets._footer import FooterKey

    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        palette = next(key for key in keys if key.has_class("-command-palette"))
        shown = [key for key in keys if key is not palette]
        assert shown
        for key in shown:  # whole, and left of the palette key docked at the right
            assert key.region.right <= palette.region.x, key.description
            assert key.region.width >= key.get_content_width(app.size, app.size), key.description
        assert "Quit" in [key.description for key in shown]


async def test_the_help_titles_fit_in_80_columns(reader_db: Path) -> None:
    """Before: ``Keys (Esc/q: close · j/k/Space/g/G: scroll) · dim: the id to remap a key …``."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        for title in (body.border_title, body.border_subtitle):
            assert title is not None
            assert Content(str(title)).cell_length <= body.region.width - 4, title
        assert "config.toml" in str(body.border_subtitle)


# -- the status line --------------------------------------------------------------------------


async def test_the_status_line_shows_the_database_position_and_every_filter(
    reader_db: Path,
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert status(app).startswith("reader.db · 1 of 13")
        await pilot.press("j", "j")
        await settle(pilot)
        assert "3 of 13" in status(app)
        app.reader.filters = replace(
            Filters(), specialty="Urology", since="2018-01-01", gender="female", search="pain"
        )
        await settle(pilot)
        line = status(app)
        for chip in ("Urology", "2018-01-01 to …", "female", "search: pain"):
            assert f" {chip} " in line, line
        assert "1 of 1" in line


async def test_at_80_columns_the_status_line_says_how_many_filters_do_not_fit(
    reader_db: Path,
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.reader.filters = replace(
            Filters(),
            specialty="Urology",
            since="2018-01-01",
            gender="female",
            search="pain",
            newest_first=False,
            ranked=False,
        )
        await settle(pilot)
        line = app.query_one(StatusLine)
        shown = line.render_line(0).text.rstrip()
        assert len(shown) <= NARROW[0] and shown.endswith("more"), shown
        hidden = int(shown.rsplit("+", 1)[1].split()[0])
        assert hidden >= 1 and " Urology " in shown and "oldest first" not in shown
        assert " oldest first " in line.text  # the whole line, for tests and screen readers


async def test_the_status_line_says_read_only(
    reader_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qatui.corpus.store.writer.writable", lambda path: False)
    monkeypatch.setattr("qatui.corpus.store.reading.writable", lambda path: False)  # current file
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert status(app).startswith("reader.db · read-only · ")


# -- empty states -------------------------------------------------------------------------------


async def test_a_list_without_matches_says_so_and_how_to_clear(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.filters = Filters(since="2030-01-01")
        await settle(pilot)
        assert NO_MATCH in notice_lines(app)
        assert "no questions" in status(app)


async def test_an_empty_corpus_says_how_to_import_one(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty.db").close()
    app = state_app(tmp_path / "empty.db", tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert f"{EMPTY_CORPUS} --db" in notice_lines(app)
        assert "qatui import PATH" in EMPTY_CORPUS


def test_a_mistyped_database_path_is_an_error_not_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QATUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("QATUI_STATE_DB", str(tmp_path / "state.db"))
    started: list[Path] = []
    monkeypatch.setattr(QATuiApp, "run", lambda self: started.append(self.corpus.path))
    missing = tmp_path / "typo" / "corpus.db"
    assert run_reader(missing, build_sample=False) == 2
    assert not missing.parent.exists() and not started
    assert f"no database at {missing}" in capsys.readouterr().err


# -- the source -------------------------------------------------------------------------------


async def test_the_page_shows_its_source_and_y_copies_it(tmp_path: Path) -> None:
    app = state_app(build_sourced_corpus(tmp_path / "src.db"), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # Question 0: the older one, with a URL
        await settle(pilot)
        source = app.query_one("#reader-source", Static)
        assert source.display and SOURCE in str(source.render())
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == SOURCE
        await pilot.press("k", "enter", "y")  # Question 1: no URL, nothing shown or copied
        await settle(pilot)
        assert not source.display
        assert app.clipboard == SOURCE
        assert "This question has no source URL." in notices(app)


async def test_w_opens_the_source_in_a_browser_and_survives_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def no_browser(url: str) -> bool:
        opened.append(url)
        return False

    monkeypatch.setattr(webbrowser, "open", no_browser)
    app = state_app(build_sourced_corpus(tmp_path / "src.db"), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "w")
        await settle(pilot)
        assert opened == [SOURCE]
        assert any("No browser found" in notice for notice in notices(app))

        def broken(url: str) -> bool:
            raise webbrowser.Error("could not locate runnable browser")

        monkeypatch.setattr(webbrowser, "open", broken)
        await pilot.press("w")
        await settle(pilot)
        assert any("could not be started" in notice for notice in notices(app))
        assert app.is_running


# -- bugs 11, 12, 13, 16 -----------------------------------------------------------------------


async def test_the_quick_date_choice_says_custom_range_for_typed_dates(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.filters = Filters(since="2018-03-01", until="2020-06-30")
        await settle(pilot)
        assert app.query_one("#quick-date", Select).value == CUSTOM_RANGE
        app.reader.filters = Filters()
        await settle(pilot)
        assert app.query_one("#quick-date", Select).value != CUSTOM_RANGE


async def test_the_specialty_highlight_returns_to_the_applied_one(reader_db: Path) -> None:
    """Bug 12: ``1 j j j 2`` left the highlight on a specialty the list does not show."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("1", "j", "enter")  # choose the first specialty
        await settle(pilot)
        nav = app.query_one(SpecialtyNav)
        applied = app.reader.filters.specialty
        assert applied is not None
        await pilot.press("1", "j", "j", "2")
        await settle(pilot)
        assert nav.highlighted == nav.names.index(applied)
        marked = [
            i
            for i in range(nav.option_count)
            if str(nav.get_option_at_index(i).prompt).startswith(APPLIED_MARK)
        ]
        assert marked == [nav.names.index(applied)]


async def test_a_resize_keeps_the_list_cursor_on_screen(tmp_path: Path) -> None:
    from tests.tui.corpus_builder import build_reader_corpus

    app = state_app(build_reader_corpus(tmp_path / "long.db", extra=80), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press(*["j"] * 30)
        await settle(pilot)
        listing = app.query_one(QuestionList)
        assert listing.cursor == 30
        await pilot.resize_terminal(*NARROW)
        await settle(pilot)
        top = int(listing.scroll_offset.y)
        assert listing.cursor == 30
        assert top <= 30 < top + listing.scrollable_content_region.height


async def test_undated_questions_go_last_in_both_orders(reader_db: Path) -> None:
    """Bug 13: "oldest first" started with the undated partial pages."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        for newest_first in (True, False):
            app.reader.filters = Filters(newest_first=newest_first)
            await settle(pilot)
            loaded = [listing.row_at(i) for i in range(listing.row_count)]
            dated = [row.asked_on is not None for row in loaded if row is not None]
            assert dated[0] and not dated[-1], newest_first
            assert dated == sorted(dated, reverse=True)


async def test_sorting_by_reply_delay_shows_the_delay(reader_db: Path) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "same day" in row_line(app, 0)  # every reply in this corpus is same-day


async def test_opening_from_the_palette_moves_the_list_cursor_to_it(reader_db: Path) -> None:
    """Bug 16: Bookmarks, History and the palette opened a page the cursor did not follow."""
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        target_id, _ = rows(app)[5]
        app.reader.post_message(QuestionChosen(target_id))
        await settle(pilot)
        assert app.reader.page is not None and app.reader.page.id == target_id
        assert app.query_one(QuestionList).cursor == 5
        assert "6 of 13" in status(app)


async def test_panes_say_what_is_coming_before_anything_arrived() -> None:
    from textual.app import App, ComposeResult

    from qatui.tui.widgets.related_links import NOTHING_OPEN, RelatedLinks
    from qatui.tui.widgets.specialty_nav import LOADING

    class Panes(App[None]):
        def compose(self) -> ComposeResult:
            yield SpecialtyNav(id="specialties")
            yield RelatedLinks(id="related")

    app = Panes()
    async with app.run_test(size=WIDE) as pilot:
        nav = app.query_one(SpecialtyNav)
        assert str(nav.get_option_at_index(0).prompt) == LOADING
        nav.show_counts([("Urology", 3)], None)
        await pilot.pause()
        assert str(nav.get_option_at_index(0).prompt).split() == [APPLIED_MARK, "All", "3"]
        related = app.query_one(RelatedLinks)
        assert str(related.get_option_at_index(0).prompt) == NOTHING_OPEN


async def test_back_from_a_doctors_list_puts_the_cursor_on_the_open_question(
    reader_db: Path,
) -> None:
    app = state_app(reader_db, reader_db.parent)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        opened = app.reader.page
        assert opened is not None and "3 of 13" in status(app)
        await pilot.press("D")  # the doctor's list
        await settle(pilot)
        assert app.reader.filters.doctor is not None
        await pilot.press("b")
        await settle(pilot)
        questions = app.query_one(QuestionList)
        assert app.reader.filters.doctor is None and app.reader.page is opened
        current = questions.current_row
        assert current is not None and current.id == opened.id  # was: row 1
        assert "3 of 13" in status(app)
