"""Keys in the reader's dialogs: what closes them, what moves in them, what they never swallow,
and the destructive actions that ask first."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.command import CommandList
from textual.containers import VerticalScroll
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from qatui.config import load_config
from qatui.corpus.filters import Filters
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.screens.bookmarks import BookmarksScreen
from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
from qatui.tui.screens.export_dialog import ExportScreen
from qatui.tui.screens.help import HelpScreen
from qatui.tui.screens.history import HistoryScreen
from qatui.tui.screens.timeline import TimelineScreen
from qatui.tui.startup import make_app
from qatui.tui.state_bridge import BOOKMARK_MARK
from qatui.tui.widgets.histogram import Histogram
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from qatui.tui.widgets.related_links import RelatedLinks
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.userstate import UserState
from tests.tui.state_helpers import SIZE, move_to, notices, saved_state, state_app
from tests.tui.waiting import typed_in_a_burst, wait_until

KNEE = "Knee pain when climbing stairs"


def typed_at_once(app: QATuiApp, *keys: str) -> None:
    """Queue ``keys`` as a terminal delivers a burst of typing: all before any is handled."""
    for key in keys:
        app.post_message(events.Key(key, None if len(key) > 1 else key))


def help_lines(app: QATuiApp) -> list[str]:
    """Every line the help screen shows."""
    text = "\n".join(str(static.render()) for static in app.screen.query(Static))
    return text.splitlines()


def stored(db: Path, tmp_path: Path) -> UserState:
    """The state the reader over ``db`` keeps: that corpus's own (a state file holds many)."""
    return saved_state(db, tmp_path)


async def test_keys_typed_right_after_enter_never_reach_the_note(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"first note")
        typed_at_once(app, "enter", "j", "j", "j", "m")
        await settle(pilot)
    state = stored(reader_db, tmp_path)
    bookmark = state.bookmark(question_id)
    assert bookmark is not None and bookmark.note == "first note"
    state.close()


async def test_keys_typed_before_the_note_dialog_is_up_never_run_as_commands(
    reader_db: Path, tmp_path: Path
) -> None:
    """``m`` then at once ``s`` and ``e``: no sort change and no export dialog."""
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        move_to(app, KNEE)
        before = app.reader.filters
        typed_at_once(app, "m", "s", "e")
        await settle(pilot)
        assert app.reader.filters == before
        assert not any(isinstance(screen, ExportScreen) for screen in app.screen_stack)
        assert isinstance(app.screen, NoteScreen)


async def test_letters_reaching_the_note_dialog_before_its_field_has_the_focus_join_the_note(
    reader_db: Path, tmp_path: Path
) -> None:
    """Keys the app hands the dialog while it is still opening are not lost, ``q`` included."""
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        note = NoteScreen(KNEE)
        app.push_screen(note)
        assert app.focused is None
        typed_at_once(app, "q", "u", "i")
        await settle(pilot)
        assert app.screen is note
        assert note.query_one(Input).value == "qui"


async def test_q_and_move_keys_type_letters_into_the_note(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m", *"quick jog", "space", "G", "enter")
        await settle(pilot)
    state = stored(reader_db, tmp_path)
    bookmark = state.bookmark(question_id)
    assert bookmark is not None and bookmark.note == "quick jog G"
    state.close()


async def test_m_on_a_bookmarked_question_asks_before_removing_it(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m", *"keep me", "enter")
        await settle(pilot)
        for answer in ("escape", "q", "n"):
            await pilot.press("m")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)
            assert app.query_one(QuestionList).marks[question_id] == BOOKMARK_MARK
        state = stored(reader_db, tmp_path)
        bookmark = state.bookmark(question_id)
        assert bookmark is not None and bookmark.note == "keep me"
        await pilot.press("m", "y")
        await settle(pilot)
        assert not state.is_bookmarked(question_id)
        assert question_id not in app.query_one(QuestionList).marks
        state.close()


async def test_d_in_the_bookmarks_list_asks_before_removing(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = move_to(app, KNEE)
        await pilot.press("m", *"keep me", "enter")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        bookmarks = app.screen
        assert isinstance(bookmarks, BookmarksScreen)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack[-1] is bookmarks
        state = stored(reader_db, tmp_path)
        assert state.is_bookmarked(question_id)
        await pilot.press("delete", "y")
        await settle(pilot)
        assert app.screen_stack[-1] is bookmarks
        assert not state.is_bookmarked(question_id)
        state.close()


async def test_g_and_shift_g_move_in_the_specialties_and_related_panes(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        nav = app.query_one(SpecialtyNav)
        await pilot.press("1", "G")
        assert nav.highlighted == nav.option_count - 1
        await pilot.press("g")
        assert nav.highlighted == 0
        await pilot.press("2")
        move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        related = app.query_one(RelatedLinks)
        options = [related.get_option_at_index(i) for i in range(related.option_count)]
        enabled = [i for i, option in enumerate(options) if not option.disabled]
        assert len(enabled) >= 2
        await pilot.press("4", "G")
        assert related.highlighted == enabled[-1]
        await pilot.press("g")
        assert related.highlighted == enabled[0]


async def test_space_pages_down_in_the_specialties_and_related_panes(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(pilot)
        nav = app.query_one(SpecialtyNav)
        await pilot.press("1", "g", "space")
        assert nav.highlighted is not None and nav.highlighted > 1  # a page, not a row
        await pilot.press("2")
        move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        related = app.query_one(RelatedLinks)
        await pilot.press("4", "g")
        first = related.highlighted
        await pilot.press("space")
        await settle(pilot)
        assert related.highlighted is not None and first is not None
        assert related.highlighted > first


async def test_g_in_a_short_related_pane_shows_the_heading_above_the_first_link(
    reader_db: Path,
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(pilot)
        move_to(app, KNEE)
        await pilot.press("enter")
        await settle(pilot)
        related = app.query_one(RelatedLinks)
        await pilot.press("4", "G")
        await settle(pilot)
        assert related.scroll_y > 0  # the pane is short: its end is scrolled to
        await pilot.press("g")
        await settle(pilot)
        assert related.scroll_y == 0 and related.highlighted == 1  # after "Similar Q&A"


async def test_q_closes_every_dialog_but_types_in_a_search_field(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # a page is open: Export offers it
        await settle(pilot)
        for key, dialog in (
            ("B", BookmarksScreen),
            ("H", HistoryScreen),
            ("t", TimelineScreen),
            ("e", ExportScreen),
            ("question_mark", HelpScreen),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, dialog)
            await pilot.press("q")
            await settle(pilot)
            assert app.screen_stack[-1] is app.reader, dialog
            assert app.is_running
        await pilot.press("H", "slash", *"qj")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#state-search", Input).value == "qj"


async def test_j_k_g_shift_g_move_in_the_dialog_lists(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        choices = app.screen.query_one("#export-choices", OptionList)
        assert choices.highlighted == 0
        await pilot.press("j", "j")
        assert choices.highlighted == 2
        await pilot.press("k")
        assert choices.highlighted == 1
        await pilot.press("G")
        assert choices.highlighted == choices.option_count - 1
        await pilot.press("g")
        assert choices.highlighted == 0
        await pilot.press("escape", "t")
        await settle(pilot)
        chart = app.screen.query_one(Histogram)
        assert len(chart.bars) > 2 and chart.cursor == len(chart.bars) - 1
        await pilot.press("g")
        assert chart.cursor == 0
        await pilot.press("j")
        assert chart.cursor == 1
        await pilot.press("G")
        assert chart.cursor == len(chart.bars) - 1


async def test_help_scrolls_with_j_space_and_shift_g(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_y > 10
        await pilot.press("j")
        await settle(pilot)
        assert body.scroll_y == 1
        await pilot.press("space")
        await settle(pilot)
        assert body.scroll_y > 2
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0


async def test_help_shows_the_keys_the_config_gave(reader_db: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[keys]\n"app.toggle_read" = "z"\n"app.timeline" = "ctrl+t"\n')
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        lines = help_lines(app)
        read_line = next(line for line in lines if "app.toggle_read" in line)
        timeline_line = next(line for line in lines if "app.timeline" in line)
        assert read_line.split()[0] == "z"
        assert timeline_line.split()[0] == "Ctrl+t"


async def test_an_unknown_key_id_warns_in_one_line(reader_db: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[keys]\n"app.timelin" = "z"\n')
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (warning,) = notices(app)
        assert "did you mean app.timeline" in warning
        assert "\n" not in warning and len(warning) < 140


async def test_the_palettes_keys_command_opens_the_one_help(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Keys")
        hits = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: hits.option_count > 0, "the Keys command")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not app.reader.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack[-1] is app.reader


async def test_the_palette_zooms_the_pane_as_z_does_and_has_no_second_maximise(
    reader_db: Path,
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(QuestionList).focus()
        await pilot.press("ctrl+p", *"maxim")
        hits = app.screen.query_one(CommandList)
        await pilot.pause(0.3)
        assert not [
            hits.get_option_at_index(n).prompt
            for n in range(hits.option_count)
            if "Maximize" in str(hits.get_option_at_index(n).prompt)
        ]
        await pilot.press("escape")
        await palette_prompts(pilot, app, "zoom", 1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.maximized is app.query_one(QuestionList)
        await palette_prompts(pilot, app, "zoom out", 1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.maximized is None


async def test_dates_are_checked_on_enter_and_blur_and_the_bar_keeps_its_layout(
    reader_db: Path,
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search_width = app.query_one("#search").region.width
        await pilot.press("d", "2")
        await settle(pilot)
        since = app.query_one("#since", Input)
        assert not since.has_class("-invalid") and notices(app) == []
        await pilot.press(*"01")
        await settle(pilot)
        assert not since.has_class("-invalid") and notices(app) == []
        await pilot.press("tab")  # leaving the field checks it
        await settle(pilot)
        assert since.has_class("-invalid")
        (warning,) = notices(app)
        assert "'201' is not a year" in warning
        assert app.query_one("#search").region.width == search_width
        assert app.reader.filters == Filters()
        since.focus()
        await pilot.press("end", "9", "enter")
        await settle(pilot)
        assert not since.has_class("-invalid")
        assert app.reader.filters.since == "2019-01-01"


async def test_markup_typed_into_a_date_field_is_shown_as_text(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for typed in ("[/]", "[@click=app.quit]x", "[b]2020"):
            since = app.query_one("#since", Input)
            since.focus()
            since.value = typed
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause()
            assert app.is_running
            assert any(repr(typed) in text for text in notices(app)), typed
            assert since.has_class("-invalid")


async def test_the_open_page_marks_the_words_of_the_search_on_now(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"pain")
        await wait_until(pilot, lambda: app.reader.filters.search == "pain", "the search")
        await pilot.press("enter", "enter")  # to the results, then open the best one
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        title = str(app.query_one("#reader-title", Static).render())
        assert reader.matches
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert app.reader.filters.search is None
        assert reader.matches == []
        page = app.query_one("#reader-question", Static).render()
        assert isinstance(page, Content) and not page.spans  # no word marked any more
        await pilot.press("n")
        assert reader.match_index == -1
        assert not reader.border_subtitle
        await settle(pilot)
        assert notices(app)[-1] == "n and N go through a search's matches: search first with /."
        word = title.split()[0].lower()
        await pilot.press("slash", *word)
        await wait_until(pilot, lambda: app.reader.filters.search == word, "the new search")
        assert reader.matches and all(
            str(app.query_one(f"#{m.static_id}", Static).render())[m.start : m.end].lower() == word
            for m in reader.matches
        )
        await pilot.press("enter", "n")  # to the results, then the first word in the page
        assert reader.match_index == 0


async def palette_prompts(pilot: Pilot[int], app: QATuiApp, typed: str, at_least: int) -> list[str]:
    """The palette's hits for ``typed``, in order, once it lists ``at_least`` of them."""
    await settle(pilot)
    await pilot.press("ctrl+p", *typed)
    hits = app.screen.query_one(CommandList)
    await wait_until(pilot, lambda: hits.option_count >= at_least, f"hits for {typed!r}")
    return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]


async def test_the_palette_puts_a_title_starting_with_the_words_above_fuzzy_names(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "rash.db")
    with store.transaction():
        for title, specialty in (
            ("Lump in the neck", "Breast and Thyroid"),
            ("Rash [Urgent] on both arms", "Dermatology"),
        ):
            store.upsert(Record(title=title, specialty=specialty, question="What is it?"))
    store.close()
    app = make_app(tmp_path / "rash.db")
    async with app.run_test(size=SIZE) as pilot:
        prompts = await palette_prompts(pilot, app, "Rash", at_least=2)
        assert prompts[0].startswith("Rash [Urgent] on both arms"), prompts
        assert any("Breast and Thyroid" in prompt for prompt in prompts[1:])


async def test_the_palette_puts_the_name_starting_with_the_words_first(tmp_path: Path) -> None:
    """ "su": "Surgery" above "Plastic Surgery" and "Pediatric Surgery" (equal fuzzy scores)."""
    store = Store.open(tmp_path / "surgery.db")
    with store.transaction():
        for n, specialty in enumerate(("Plastic Surgery", "Pediatric Surgery", "Surgery")):
            store.upsert(Record(title=f"Question {n}", specialty=specialty, question="Why?"))
    store.close()
    app = make_app(tmp_path / "surgery.db")
    async with app.run_test(size=SIZE) as pilot:
        prompts = await palette_prompts(pilot, app, "su", at_least=3)
        assert prompts[0] == "Specialty: Surgery", prompts


async def test_words_typed_at_once_after_slash_go_into_the_search_box(reader_db: Path) -> None:
    """``/itch`` typed fast: the letters are the search, never commands (``i`` folds More Info,
    ``t`` opens the timeline, ``c`` and ``h`` run others)."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        folded = app.reader.more_info_folded
        typed_in_a_burst(app, "slash", *"itch")
        await settle(pilot)
        assert not any(isinstance(screen, TimelineScreen) for screen in app.screen_stack)
        assert app.reader.more_info_folded == folded
        assert app.query_one("#search", Input).value == "itch"


async def test_a_date_typed_at_once_after_d_goes_into_the_from_field(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_in_a_burst(app, "d", *"2016")
        await settle(pilot)
        assert app.query_one("#since", Input).value == "2016"


async def test_enter_in_a_date_field_applies_it_and_gives_the_list_the_keys(
    reader_db: Path,
) -> None:
    """``d 2020`` Enter ``x``: the list from 2020 on, then ``x`` clears it (it used to be typed
    into the field: ``2020x``)."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_in_a_burst(app, "d", *"2020", "enter")
        await settle(pilot)
        assert app.reader.filters.since == "2020-01-01"
        assert app.focused is app.query_one(QuestionList)
        await pilot.press("x")
        await settle(pilot)
        assert app.reader.filters.since is None
        assert app.query_one("#since", Input).value == ""


async def test_keys_typed_at_once_after_enter_in_the_search_box_are_the_lists(
    reader_db: Path,
) -> None:
    """``/knee`` Enter ``j j`` typed fast: the search is knee and the keys are the list's
    (they used to be typed into the box: ``kneejj``, no results), acting on its results."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_in_a_burst(app, "slash", *"knee", "enter", "j", "j")
        await wait_until(pilot, lambda: app.reader.filters.search == "knee", "knee searched")
        await settle(pilot)
        listing = app.query_one(QuestionList)
        assert app.query_one("#search", Input).value == "knee"
        assert app.focused is listing
        assert listing.matching == 3
        assert listing.cursor == 2


async def test_slash_in_the_empty_search_box_starts_a_search_not_a_word(
    reader_db: Path,
) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"knee")
        await wait_until(pilot, lambda: app.reader.filters.search == "knee", "knee searched")
        await pilot.press("escape")  # clears the search; the box keeps the focus
        await settle(pilot)
        box = app.query_one("#search", Input)
        assert app.focused is box and box.value == ""
        await pilot.press("slash", *"ankle")
        await wait_until(pilot, lambda: app.reader.filters.search == "ankle", "ankle searched")
        assert box.value == "ankle"
        await pilot.press("slash")  # within words it is a character like any other
        assert box.value == "ankle/"


async def test_keys_typed_at_once_after_a_pane_number_are_that_panes(reader_db: Path) -> None:
    """``3 G`` typed fast: the reading pane goes to its end (``G`` used to reach the list and
    jump to its last question)."""
    app = make_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the first question; the list keeps the focus
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        assert reader.max_scroll_y > 0
        listing = app.query_one(QuestionList)
        typed_in_a_burst(app, "3", "G")
        await wait_until(pilot, lambda: reader.scroll_y == reader.max_scroll_y, "page's end")
        assert app.focused is reader
        assert listing.cursor == 0


async def test_the_history_search_does_not_offer_notes_it_cannot_search(
    reader_db: Path, tmp_path: Path
) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, screen_type, says_notes in (
            ("H", HistoryScreen, False),
            ("B", BookmarksScreen, True),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            placeholder = str(app.screen.query_one("#state-search", Input).placeholder)
            assert ("notes" in placeholder) is says_notes, placeholder
            await pilot.press("escape")
            await settle(pilot)
