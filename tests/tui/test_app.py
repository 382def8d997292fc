"""Pilot tests: every binding and pane of the reader, on a small corpus built in the test."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from functools import partial
from pathlib import Path

from rich.cells import cell_len
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, Static

from qatui.corpus.filters import Filters
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import FaqLink, Record, SimilarLink
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.messages import DateRangeChanged, SpecialtyChosen
from qatui.tui.scenes import settle
from qatui.tui.screens.help import HelpScreen
from qatui.tui.startup import make_app
from qatui.tui.widgets.filter_bar import quick_range
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import PARTIAL_NOTE, ReadingPane
from qatui.tui.widgets.related_links import RelatedLinks, two_lines
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.tui.widgets.status_line import StatusLine
from tests.tui.corpus_builder import HOSTILE_TITLE, build_reader_corpus, record
from tests.tui.state_helpers import related_prompts
from tests.tui.waiting import wait_until

SIZE = (120, 40)


def question_list(app: QATuiApp) -> QuestionList:
    return app.query_one(QuestionList)


def shown_title(app: QATuiApp) -> str:
    return str(app.query_one("#reader-title", Static).render())


def searching(app: QATuiApp, words: str) -> bool:
    """Whether the list shows the search for ``words``."""
    return app.reader.filters.search == words


async def enter_date(pilot: Pilot[int], app: QATuiApp, field_id: str, text: str) -> None:
    """Type ``text`` into a date field and press Enter there."""
    field = app.query_one(f"#{field_id}", Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await settle(pilot)


async def palette_hits(pilot: Pilot[int], app: QATuiApp) -> None:
    """Wait until the command palette lists its first hit."""
    hits = app.screen.query_one(CommandList)
    await wait_until(pilot, lambda: hits.option_count > 0, "a hit in the command palette")


async def choose_related(pilot: Pilot[int], app: QATuiApp, option_id: str) -> None:
    """Focus the related pane, move to one of its links and press Enter."""
    await pilot.press("4")
    related = app.query_one(RelatedLinks)
    related.highlighted = related.get_option_index(option_id)
    await pilot.press("enter")


def row_titles(app: QATuiApp) -> list[str]:
    listing = question_list(app)
    return [row.title for i in range(listing.row_count) if (row := listing.row_at(i))]


async def test_startup_shows_rows_newest_first_and_counts(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = question_list(app)
        assert app.focused is listing
        # 12 full pages and 1 partial (the hip link) = 13 rows.
        assert listing.matching == 13
        titles = row_titles(app)
        assert titles[0] == "Shoulder stiffness in the morning"  # 2022-12-30, newest
        assert "Questions 13" in str(listing.border_title)
        nav = app.query_one(SpecialtyNav)
        assert nav.names == [None, "Dermatology", "Orthopedics", "Urology"]


async def test_cursor_keys_move_within_the_list(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = question_list(app)
        await pilot.press("j", "j", "down")
        assert listing.cursor == 3
        await pilot.press("k", "up")
        assert listing.cursor == 1
        await pilot.press("G")
        assert listing.cursor == 12
        await pilot.press("g")
        assert listing.cursor == 0
        await pilot.press("end")
        assert listing.cursor == 12
        await pilot.press("home")
        assert listing.cursor == 0
        await pilot.press("pagedown")
        assert listing.cursor == 12  # the list is shorter than a page
        await pilot.press("pageup")
        assert listing.cursor == 0


async def test_page_keys_move_by_a_screen_in_a_long_list(tmp_path: Path) -> None:
    app = make_app(build_reader_corpus(tmp_path / "long.db", extra=500))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = question_list(app)
        height = listing.scrollable_content_region.height
        await pilot.press("pagedown")
        assert listing.cursor == height - 1
        await pilot.press("pagedown")
        assert listing.cursor == 2 * (height - 1)
        await pilot.press("pageup")
        assert listing.cursor == height - 1
        await pilot.press("G")
        await settle(pilot)
        assert listing.matching is not None
        assert listing.cursor == listing.matching - 1 == 512
        assert listing.current_row is not None
        assert listing.current_row.is_partial  # partial questions (no date) sort last


async def test_enter_opens_the_question_in_the_reading_and_related_panes(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(app) == "Shoulder stiffness in the morning"
        assert app.reader.page is not None and not app.reader.page.is_partial
        meta = str(app.query_one("#reader-meta", Static).render())
        assert "Orthopedics" in meta and "Mei · 30~39 · female · asked 2022-12-30" in meta


async def test_clicking_a_row_opens_it(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(QuestionList, offset=(5, 3))  # border row + 2 -> third row
        await settle(pilot)
        assert question_list(app).cursor == 2
        assert shown_title(app) == row_titles(app)[2]


async def test_choosing_a_specialty_filters_the_list(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        assert isinstance(app.focused, SpecialtyNav)
        await pilot.press("down", "down", "enter")  # All, Dermatology, Orthopedics
        await settle(pilot)
        listing = question_list(app)
        assert app.reader.filters.specialty == "Orthopedics"
        assert listing.matching == 5  # 4 full + the partial hip question
        assert {row.specialty for i in range(5) if (row := listing.row_at(i))} == {"Orthopedics"}
        assert "5 of 13" in str(listing.border_title)
        assert listing.has_focus


async def test_date_filter_and_counts_follow_it(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert app.focused is app.query_one("#since", Input)
        await pilot.press(*"2020")
        await settle(pilot)
        assert app.reader.filters.since is None  # checked on Enter or on leaving the field
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.filters.since == "2020-01-01"
        assert question_list(app).matching == 5  # 2020-01-15 .. 2022-12-30
        assert question_list(app).has_focus  # Enter applied it: the keys are the list's
        await pilot.press("d", "tab", *"2021-06", "tab")  # 'to', left with Tab
        await settle(pilot)
        assert app.reader.filters.until == "2021-06-30"
        assert question_list(app).matching == 3  # 2020-01-15, 2020-11-11, 2021-02-02


async def test_specialty_counts_follow_the_date_filter(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await enter_date(pilot, app, "since", "2022")
        nav = app.query_one(SpecialtyNav)
        labels = [str(nav.get_option_at_index(i).prompt) for i in range(nav.option_count)]
        assert labels[0].split() == ["●", "All", "2"]  # applied: marked
        assert any(label.split() == ["Dermatology", "1"] for label in labels)
        assert any(label.split() == ["Urology", "0"] for label in labels)


async def test_invalid_date_is_marked_and_changes_nothing(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await enter_date(pilot, app, "since", "2016-13")
        field = app.query_one("#since", Input)
        assert field.has_class("-invalid")
        assert app.reader.filters == Filters()
        assert question_list(app).matching == 13
        assert any("not a real date" in n.message for n in app._notifications)
        await pilot.press("end", "backspace", "backspace", "backspace", "enter")
        await settle(pilot)
        assert not field.has_class("-invalid")
        assert app.reader.filters.since == "2016-01-01"


async def test_quick_date_choice_sets_both_bounds(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.post_message(DateRangeChanged(*quick_range("2016")))
        await settle(pilot)
        assert (app.reader.filters.since, app.reader.filters.until) == ("2016-01-01", "2016-12-31")
        assert question_list(app).matching == 2
        assert app.query_one("#since", Input).value == "2016-01-01"


async def _open_first_with(pilot, app: QATuiApp, title: str) -> None:  # type: ignore[no-untyped-def]
    titles = row_titles(app)
    question_list(app).cursor = titles.index(title)
    await pilot.press("enter")
    await settle(pilot)
    assert shown_title(app) == title


async def test_similar_link_to_a_full_question_opens_it_in_place(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await pilot.press("4")
        related = app.query_one(RelatedLinks)
        assert app.focused is related
        await pilot.press("enter")  # first link: the ankle page, which is in the corpus
        await settle(pilot)
        assert shown_title(app) == "Ankle sprain that does not heal"
        assert not app.query_one("#reader-partial").display


async def test_similar_link_to_a_partial_question_says_so(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await pilot.press("4", "down", "enter")  # second link: hip, known only from the link
        await settle(pilot)
        assert shown_title(app) == "Hip clicking at night"
        assert app.reader.page is not None and app.reader.page.is_partial
        assert app.query_one("#reader-partial").display
        assert str(app.query_one("#reader-partial", Static).render()) == PARTIAL_NOTE
        assert "My hip clicks..." in str(app.query_one("#reader-question", Static).render())


async def test_listed_as_similar_by_links_back(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Ankle sprain that does not heal")
        prompts = related_prompts(app)
        assert "Listed as similar by" in prompts
        await pilot.press("4", "enter")
        await settle(pilot)
        assert shown_title(app) == "Knee pain when climbing stairs"


async def test_faq_topic_lists_the_pages_that_link_to_it(reader_db: Path) -> None:
    """As the topic index counts them: from any specialty, and not the pages that only hold
    the topic's words ("Ankle sprain…" and "Back pain…" say "knee pain")."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await choose_related(pilot, app, "faq-0")  # Related FAQ: Knee Pain (Orthopedics)
        await settle(pilot)
        assert app.reader.filters.topic == FaqLink("Knee Pain", "Orthopedics")
        assert app.reader.filters.specialty is None
        assert set(row_titles(app)) == {"Knee pain when climbing stairs", "Burning when urinating"}
        assert app.focused is question_list(app)
        assert "topic: Knee Pain (Orthopedics)" in app.query_one(StatusLine).text


async def test_a_topic_is_its_pages_wherever_it_is_chosen(reader_db: Path) -> None:
    """From the Related pane as from the topic index: a search and dates that were on are
    dropped (the list is the index's count of pages); a specialty chosen next narrows it."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.filters = Filters(search="knee", since="2016-01-01", until="2016-12-31")
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await choose_related(pilot, app, "faq-0")  # Related FAQ: Knee Pain (Orthopedics)
        await settle(pilot)
        knee_pain = FaqLink("Knee Pain", "Orthopedics")
        assert app.reader.filters == Filters(topic=knee_pain)
        assert set(row_titles(app)) == {"Knee pain when climbing stairs", "Burning when urinating"}
        app.reader.post_message(SpecialtyChosen("Urology"))
        await settle(pilot)
        assert app.reader.filters == Filters(topic=knee_pain, specialty="Urology")
        assert row_titles(app) == ["Burning when urinating"]


async def test_a_topic_chosen_in_the_zoomed_related_pane_shows_its_list(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await pilot.press("4", "z")
        assert app.screen.maximized is app.query_one(RelatedLinks)
        related = app.query_one(RelatedLinks)
        related.highlighted = related.get_option_index("faq-0")
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.filters.topic == FaqLink("Knee Pain", "Orthopedics")
        assert app.screen.maximized is None  # the panes back, the list focused with its rows
        assert app.focused is question_list(app)


async def test_a_new_page_shows_its_links_from_the_top(tmp_path: Path) -> None:
    """The Related pane scrolled to the end of one page's links shows the next page's from
    their first heading; an undated link's second line ends with no '·'."""
    store = Store.open(tmp_path / "links.db")
    with store.transaction():
        topics = tuple(FaqLink(f"Topic {n}", "Urology") for n in range(30))
        store.upsert(
            Record(title="Many links", specialty="Urology", question="Q?", related_faq=topics)
        )
        similar = (SimilarLink("Many links", None, None, "Urology"),)  # undated: it lists it
        store.upsert(Record(title="One link", specialty="Urology", question="Q?", similar=similar))
    store.close()
    app = make_app(tmp_path / "links.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Many links")
        related = app.query_one(RelatedLinks)
        prompts = related_prompts(app)
        assert prompts[-1] == "One link\n  Urology"  # listed by it: no date, no '·'
        await pilot.press("4", "G")
        await settle(pilot)
        assert related.scroll_y > 0  # the last links in view
        await pilot.press("2")  # the list
        await _open_first_with(pilot, app, "One link")
        assert related.scroll_y == 0


def test_a_links_second_line_names_only_what_it_has() -> None:
    assert two_lines("Rash", None, "Dermatology", None).plain == "Rash\n  Dermatology"
    assert two_lines("Rash", "Dr. Lin", "Dermatology").plain == "Rash\n  Dr. Lin · Dermatology"


async def test_back_and_forward_restore_questions_and_filters(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, "Knee pain when climbing stairs")
        await pilot.press("4", "enter")
        await settle(pilot)
        assert shown_title(app) == "Ankle sprain that does not heal"
        await pilot.press("b")
        await settle(pilot)
        assert shown_title(app) == "Knee pain when climbing stairs"
        await pilot.press("f")
        await settle(pilot)
        assert shown_title(app) == "Ankle sprain that does not heal"
        # A topic changes the filters; back restores the filters that were on.
        await pilot.press("b")
        await settle(pilot)
        await choose_related(pilot, app, "faq-0")
        await settle(pilot)
        assert app.reader.filters.topic == FaqLink("Knee Pain", "Orthopedics")
        await pilot.press("alt+left")
        await settle(pilot)
        assert app.reader.filters.topic is None and app.reader.filters.specialty is None
        await pilot.press("alt+right")
        await settle(pilot)
        assert app.reader.filters.topic == FaqLink("Knee Pain", "Orthopedics")


async def test_o_flips_the_order(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert not app.reader.filters.newest_first
        listing = question_list(app)
        rows = [row for i in range(listing.row_count) if (row := listing.row_at(i))]
        dated = [row.title for row in rows if not row.is_partial]
        assert dated[0] == "Knee pain when climbing stairs"  # 2016-03-05, oldest
        assert dated[-1] == "Shoulder stiffness in the morning"
        assert "oldest first" in str(question_list(app).border_subtitle)


async def test_x_clears_every_filter(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.post_message(SpecialtyChosen("Urology"))
        await settle(pilot)
        await enter_date(pilot, app, "since", "2018")
        assert app.reader.filters.active
        question_list(app).focus()
        await pilot.press("x")
        await settle(pilot)
        assert not app.reader.filters.active
        assert app.query_one("#since", Input).value == ""
        assert question_list(app).matching == 13


async def test_i_folds_the_more_info_article(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        more = app.query_one("#reader-more-info")
        assert more.display
        assert "not the doctor's reply" in str(
            app.query_one("#reader-more-heading", Static).render()
        )
        await pilot.press("i")
        assert not more.display
        await pilot.press("i")
        assert more.display


async def test_help_lists_every_binding(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for binding in QATuiApp.BINDINGS + QuestionList.BINDINGS + ReadingPane.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_every_binding_has_a_description() -> None:
    for binding in QATuiApp.BINDINGS + QuestionList.BINDINGS + ReadingPane.BINDINGS:
        assert binding.description  # type: ignore[union-attr]
        assert binding.id  # type: ignore[union-attr]


async def test_slash_focuses_search_and_escape_clears_it(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        search = app.query_one("#search", Input)
        assert app.focused is search
        await pilot.press(*"knee")
        await wait_until(pilot, lambda: app.reader.filters.search == "knee", "the search applied")
        assert question_list(app).matching == 3
        await pilot.press("escape")
        await settle(pilot)
        assert search.value == "" and app.reader.filters.search is None
        assert question_list(app).matching == 13


async def test_number_keys_and_tab_move_between_panes(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, pane in (
            ("1", "specialties"),
            ("2", "questions"),
            ("3", "reader"),
            ("4", "related"),
        ):
            await pilot.press(key)
            assert app.focused is app.query_one(f"#{pane}")
        await pilot.press("2", "tab")
        assert app.focused is app.query_one("#reader")
        await pilot.press("shift+tab")
        assert app.focused is question_list(app)
        await pilot.press("3", "escape")
        assert app.focused is question_list(app)


async def test_reading_pane_scrolls_with_keys(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "3")
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        await pilot.press("G")
        await pilot.pause()
        assert reader.scroll_y == reader.max_scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert reader.scroll_y == 0
        await pilot.press("j")
        await pilot.pause()
        assert reader.scroll_y == 1


async def test_hostile_text_is_shown_exactly_and_never_acts(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_with(pilot, app, HOSTILE_TITLE)
        assert shown_title(app) == HOSTILE_TITLE
        question = str(app.query_one("#reader-question", Static).render())
        assert "[/]" in question and "[link=https://x]y[/link]" in question
        assert "\x1b" not in question
        await pilot.click("#reader-title")
        await settle(pilot)
        assert app.is_running  # [@click=app.quit] did not act


async def test_80x24_layout_stacks_every_pane_without_overlap(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        regions = [
            app.query_one(f"#{pane}").region
            for pane in ("specialties", "questions", "reader", "related")
        ]
        for region in regions:
            assert region.width > 0 and region.height >= 2
            assert region.right <= 80 and region.bottom <= 24
        for n, first in enumerate(regions):
            for second in regions[n + 1 :]:
                assert not first.overlaps(second)


async def test_120x40_layout_puts_the_list_beside_the_page(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-wide")
        specialties, questions, reader = (
            app.query_one(f"#{p}").region for p in ("specialties", "questions", "reader")
        )
        assert specialties.bottom <= questions.y and questions.right <= reader.x


async def _search(pilot: Pilot[int], app: QATuiApp, text: str) -> None:
    await pilot.press("slash", *text)
    # The search is debounced: wait until the typed words are the list's.
    await wait_until(
        pilot, lambda: app.reader.filters.search == (text.strip() or None), "the search applied"
    )


async def test_search_as_you_type_shows_ranked_hits_with_snippets(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "lifti")  # a prefix while typing
        listing = question_list(app)
        assert app.reader.filters.search == "lifti"
        assert listing.matching == 1
        hit = listing.row_at(0)
        assert hit is not None and hit.snippet.text and hit.title == "Back pain after lifting"
        assert listing.lines_per_row == 2
        assert hit.snippet.spans  # the matched word is marked in the snippet
        assert "search: lifti" in app.query_one(StatusLine).text
        assert str(listing.border_title) == "Questions 1 matching of 13"  # the chips say the rest


async def test_enter_searches_the_words_whole_as_qatui_search_does(reader_db: Path) -> None:
    """While typing, the last word is a prefix (``lifti`` finds lifting); Enter submits the
    words and the list is then what ``qatui search`` gives for them."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "lifti")
        listing = question_list(app)
        assert listing.matching == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.reader.filters.search_whole, "the words submitted")
        assert listing.matching == 0
        await pilot.press("slash", "backspace")  # "lift": typing again, a prefix again
        await wait_until(pilot, lambda: app.reader.filters.search == "lift", "lift searched")
        assert not app.reader.filters.search_whole
        assert listing.matching == 1
        await pilot.press(*"ing", "enter")
        await wait_until(pilot, lambda: app.reader.filters.search_whole, "lifting submitted")
        with sqlite3.connect(reader_db) as conn:
            whole = ListQuery(Filters(search="lifting"), typed=False).count(CorpusReader(conn))
        assert listing.matching == whole == 1


async def test_a_snippet_cut_at_the_panes_edge_ends_in_an_ellipsis(tmp_path: Path) -> None:
    question = "Tinnitus in my left ear " + "since the flight, and it is louder at night " * 3
    store = Store.open(tmp_path / "long.db")
    store.upsert(record("Ringing ears", "Otolaryngology", "2020-01-02", question=question))
    store.close()
    app = make_app(tmp_path / "long.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "tinnitus")
        listing = question_list(app)
        hit = listing.row_at(0)
        assert hit is not None and hit.snippet.text.startswith("Tinnitus in my left ear")
        width = listing.scrollable_content_region.width
        assert 4 + len(hit.snippet.text) > width
        shown = listing.render_line(1).text  # the row's second line: its snippet
        assert cell_len(shown) == width
        assert shown == "    " + hit.snippet.text[: width - 5] + "…"
        listing.styles.width = len(hit.snippet.text) + 20  # room for all of it
        await settle(pilot)
        assert listing.render_line(1).text.rstrip() == "    " + hit.snippet.text


async def test_search_ranks_title_hits_first_and_r_switches_to_date(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "knee pain")
        await pilot.press("enter")  # submit: focus goes to the results
        await settle(pilot)
        listing = question_list(app)
        assert app.focused is listing
        first = listing.row_at(0)
        # The only title hit ranks first although it is the oldest page.
        assert first is not None and first.title == "Knee pain when climbing stairs"
        await pilot.press("r")
        await settle(pilot)
        assert not app.reader.filters.ranked
        dated = [row.asked_on or "" for i in range(3) if (row := listing.row_at(i))]
        assert dated == sorted(dated, reverse=True)


async def test_search_keeps_the_other_filters(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.post_message(SpecialtyChosen("Urology"))
        await settle(pilot)
        await _search(pilot, app, "what")  # in every question of the small corpus
        assert app.reader.filters.specialty == "Urology"
        assert question_list(app).matching == 4
        await enter_date(pilot, app, "until", "2018")
        assert question_list(app).matching == 2  # 2017-03-03 and 2018-05-01


async def test_n_and_shift_n_jump_between_highlighted_words(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await _search(pilot, app, "pain")
        await pilot.press("enter", "enter")  # results, then open the best one
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        count = len(reader.matches)
        assert count >= 2
        assert str(reader.border_subtitle) == f"{count} matches · n/N: go to"
        await pilot.press("n")
        assert reader.match_index == 0
        assert str(reader.border_subtitle) == f"match 1 of {count}"
        await pilot.press("n")
        assert reader.match_index == 1
        assert str(reader.border_subtitle) == f"match 2 of {count}"
        await pilot.press("N", "N")
        assert reader.match_index == len(reader.matches) - 1  # wraps around
        assert str(reader.border_subtitle) == f"match {count} of {count}"
        first = reader.matches[0]
        text = str(app.query_one(f"#{first.static_id}", Static).render())
        assert text[first.start : first.end].lower() == "pain"


async def test_escape_clears_the_search_and_restores_the_list(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "urine")
        assert question_list(app).matching == 1
        await pilot.press("enter")  # to the results
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.reader.filters.search is None
        assert app.query_one("#search", Input).value == ""
        assert question_list(app).matching == 13
        assert question_list(app).lines_per_row == 1


async def test_clearing_a_search_puts_the_cursor_on_the_open_question(reader_db: Path) -> None:
    """It went back to the top of the whole list, away from the page being read."""
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _search(pilot, app, "urine")
        await pilot.press("enter", "enter")  # to the results, and open the one found
        await settle(pilot)
        opened = app.reader.page
        assert opened is not None
        await pilot.press("escape")
        await settle(pilot)
        listing = question_list(app)
        assert listing.matching == 13 and listing.cursor > 0
        row = listing.row_at(listing.cursor)
        assert row is not None and row.id == opened.id
        assert app.query_one(StatusLine).text.endswith(f"{listing.cursor + 1} of 13")


async def test_any_typed_query_is_safe(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text in ('"unbalanced', "NEAR(", "a:b ^c", "-", "OR", "[bold]", "((", "***", "c++"):
            field = app.query_one("#search", Input)
            field.value = text
            await wait_until(pilot, partial(searching, app, text.strip()), "the search applied")
            assert app.is_running
            assert question_list(app).matching is not None


async def test_command_palette_jumps_to_a_specialty(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Specialty: Urol")
        await palette_hits(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.filters.specialty == "Urology"
        assert question_list(app).matching == 4


async def test_command_palette_opens_a_question_by_title(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"kidney sto")
        await palette_hits(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(app) == "Kidney stone pain"


async def test_command_palette_sets_a_year(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Date: year 2019")
        await palette_hits(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        assert (app.reader.filters.since, app.reader.filters.until) == ("2019-01-01", "2019-12-31")
        assert question_list(app).matching == 2


async def test_a_page_asked_for_while_the_first_is_loading_still_arrives(tmp_path: Path) -> None:
    app = make_app(build_reader_corpus(tmp_path / "long.db", extra=500))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = question_list(app)
        listing.load(ListQuery(app.reader.filters))  # a reload: page 0 is pending again
        assert 0 in listing._pending
        listing.row_at(0)  # a frame drawn meanwhile asks for the pending page...
        listing.row_at(250)  # ...and for another one
        await settle(pilot)
        assert listing.row_at(250) is not None
        await pilot.press("G")
        await settle(pilot)
        assert listing.current_row is not None  # the last rows are shown, not "loading…"


async def test_o_sorts_ranked_search_results_by_date_and_says_so(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.filters = replace(app.reader.filters, search="pain")
        await settle(pilot)
        status = app.query_one(StatusLine)
        assert "oldest first" not in status.text and "best matches" in str(
            question_list(app).border_subtitle
        )
        await pilot.press("o")
        await settle(pilot)
        filters = app.reader.filters
        assert not filters.ranked and not filters.newest_first  # was: ranked, chip said "oldest"
        assert "oldest first" in str(question_list(app).border_subtitle)
        assert "oldest first" in status.text
        listing = question_list(app)
        dates = [row.asked_on or "" for i in range(listing.row_count) if (row := listing.row_at(i))]
        assert dates == sorted(dates)


async def test_o_without_a_search_leaves_later_searches_ranked(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.reader.filters.ranked and not app.reader.filters.newest_first
        app.reader.filters = replace(app.reader.filters, search="pain")
        await settle(pilot)
        assert "best matches" in str(question_list(app).border_subtitle)
        assert "oldest first" not in app.query_one(StatusLine).text  # ranked: no other order


async def test_s_in_a_search_by_date_shows_no_delay_chip(reader_db: Path) -> None:
    app = make_app(reader_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.filters = replace(app.reader.filters, search="pain", ranked=False)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "reply delay" not in app.query_one(StatusLine).text  # the list is by date
        assert "newest first" in str(question_list(app).border_subtitle)
