"""The reader screen: the panes, the filters they show, opening questions, back and forward.

The screen owns the list's filters (one reactive). Its watcher pushes them down to the panes
through small intent methods (``FilterBar.show``, ``SpecialtyNav.select``,
``QuestionList.load``); panes, the command palette and the timeline post what the user did, and
the handlers here turn that into one assignment. Every query runs in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer, Input

from qatui.corpus.filters import Filters, SortOrder
from qatui.corpus.listing import ListQuery
from qatui.corpus.model import FaqLink
from qatui.corpus.people import Person
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.topics import TopicRow
from qatui.tui.commands import DateCommands, QuestionCommands, SpecialtyCommands, TopicCommands
from qatui.tui.corpus_worker import query_and_post
from qatui.tui.messages import (
    DateRangeChanged,
    PersonChosen,
    QuestionChosen,
    QuestionPageLoaded,
    SimilarQuestionsLoaded,
    SpecialtyChosen,
    SpecialtyCountsLoaded,
    TopicChosen,
    WorkFailed,
)
from qatui.tui.place_history import History
from qatui.tui.reading_state import ReadingStateActions
from qatui.tui.source_link import open_in_browser
from qatui.tui.state_bridge import JobDone, StateAwareCorpus, load_marks, next_view
from qatui.tui.widgets.filter_bar import FilterBar
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from qatui.tui.widgets.related_links import RelatedLinks
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.tui.widgets.status_line import StatusLine
from qatui.userstate import UserState

LOADING_DELAY_S = 0.15
PANE_IDS = ("specialties", "questions", "reader", "related")


@dataclass(frozen=True)
class Place:
    """Where the reader was: the open question and the filters that were on."""

    question_id: int | None
    filters: Filters


class ReaderScreen(ReadingStateActions):
    """Browse the corpus: specialties, questions, the open page and its related links."""

    COMMANDS = {SpecialtyCommands, QuestionCommands, DateCommands, TopicCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (200, "-roomy")]
    """Narrow: the panes stacked; wide: the list above the specialty picker, left of the page;
    roomy: the specialties, the list and the page side by side."""
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, StatusLine"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="app.search"),
        Binding("question_mark,f1", "app.help", "Help", id="app.help"),
        Binding("b,alt+left", "go_back", "Back", show=False, id="app.back"),
        Binding("f,alt+right", "go_forward", "Forward", show=False, id="app.forward"),
        Binding("o", "flip_order", "Order", show=False, id="app.flip_order"),
        Binding("x", "clear_filters", "Clear", id="app.clear_filters"),
        Binding("z", "toggle_maximise", "Zoom", id="app.maximise"),
        Binding("i", "toggle_more_info", "More Info", show=False, id="app.toggle_more_info"),
        Binding("y", "copy_source", "Copy source URL", show=False, id="app.copy_source"),
        Binding("w", "open_source", "Open source in browser", show=False, id="app.open_source"),
        Binding("n", "next_match", "Next match", show=False, id="app.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="app.previous_match"),
        Binding("plus", "show_more", "Show more of a long page", show=False, id="app.show_more"),
        Binding("r", "toggle_ranking", "Rank/date", show=False, id="app.toggle_ranking"),
        Binding("d", "focus_dates", "Dates", show=False, id="app.dates"),
        Binding("m", "toggle_bookmark", "Bookmark", show=False, id="app.toggle_bookmark"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="app.toggle_read"),
        Binding("U", "undo_removal", "Undo bookmark removal", show=False, id="app.undo"),
        Binding("v", "cycle_view", "View: all/unread/bookmarked", show=False, id="app.cycle_view"),
        Binding("s", "cycle_sort", "Sort: date/reply delay", show=False, id="app.cycle_sort"),
        Binding("B", "bookmarks", "Bookmarks list", show=False, id="app.bookmarks"),
        Binding("H", "history", "History list", show=False, id="app.history"),
        Binding("t", "timeline", "Timeline", tooltip="Timeline and facets", id="app.timeline"),
        Binding("T", "topics", "Topic index", show=False, id="app.topics"),
        Binding("D", "person_list('doctor')", "The doctor's replies", show=False, id="app.doctor"),
        Binding(
            "h", "person_list('hospital')", "The hospital's replies", show=False, id="app.hospital"
        ),
        Binding("c", "copy_citation", "Copy citation", show=False, id="app.copy_citation"),
        Binding("e", "export", "Export", show=False, id="app.export"),
        Binding(
            "1",
            "focus_pane('specialties')",
            "Specialties pane",
            show=False,
            id="app.pane_specialties",
        ),
        Binding(
            "2", "focus_pane('questions')", "Questions pane", show=False, id="app.pane_questions"
        ),
        Binding("3", "focus_pane('reader')", "Reading pane", show=False, id="app.pane_reader"),
        Binding("4", "focus_pane('related')", "Related pane", show=False, id="app.pane_related"),
        Binding("escape", "back_out", "Back out", show=False, id="app.back_out"),
    ]

    filters: reactive[Filters] = reactive(Filters, always_update=True, init=False, repaint=False)
    """What the question list shows. Every change of filters is an assignment to this. The panes
    repaint what changed in them; the screen itself is not repainted (a whole-screen frame)."""

    def __init__(
        self,
        corpus: Corpus,
        state: UserState,
        *,
        export_folder: Path,
        more_info_folded: bool = False,
    ) -> None:
        super().__init__(corpus, state, export_folder)
        self.more_info_folded = more_info_folded
        self.history: History[Place] = History()
        self.specialty_names: list[str] = []
        self._counted: Filters | None = None
        self._held_counts: list[tuple[str, int]] | None = None
        """Specialty counts that came before the list's new rows, shown with them."""
        self._loading_timer: Timer | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._set_width_class(self.app.size.width)
        yield FilterBar(id="filter-bar")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield SpecialtyNav(id="specialties")
                yield QuestionList(self.corpus, first_query=ListQuery(self.filters), id="questions")
            with Vertical(id="right"):
                yield ReadingPane(id="reader")
                yield RelatedLinks(id="related")
        yield StatusLine(self.corpus.path.name, read_only=self.corpus.read_only, id="status")
        yield Footer()

    def _set_width_class(self, width: int) -> None:
        """The breakpoint class for ``width`` now, as Textual sets it on the first resize: the
        panes are styled and laid out once, not again after the first frame."""
        names = {name: False for _, name in self.HORIZONTAL_BREAKPOINTS}
        reached = [name for least, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= least]
        if reached:
            names[reached[-1]] = True
        self.update_classes(names, animate=False)

    def on_mount(self) -> None:
        self._show_filters(self.filters)
        self.query_one(QuestionList).focus()
        self.query_one(FilterBar).on_submit = self._search_submitting
        self.run_state_job(load_marks)

    def on_descendant_focus(self) -> None:
        """In the stacked (narrow) layout, give the reading side the room while it is in use."""
        focused = self.focused
        reading = focused is not None and focused.id in ("reader", "related")
        self.query_one("#panes").set_class(reading, "-reading")

    def _focus_list(self) -> None:
        """Focus the question list at once, so that keys typed after Enter are the list's
        (``Screen.set_focus`` leaves a focused list alone; ``focus()`` would repaint it a frame
        before its new rows, which then wait for the next one)."""
        questions = self.query_one(QuestionList)
        if self.maximized is not None and self.maximized is not questions:
            self.minimize()  # the list's new rows, not a zoomed pane over them
        self.set_focus(questions)

    def _search_submitting(self) -> None:
        """Enter in the search box: the list takes the focus at once, and the list keys typed
        next wait for the results (:meth:`_search_changed` asks for them)."""
        questions = self.query_one(QuestionList)
        self.set_focus(questions)
        questions.expect_new_list()

    @on(QuestionList.PositionChanged)
    def _position_changed(self, message: QuestionList.PositionChanged) -> None:
        self.query_one(StatusLine).show_position(message.position)

    def action_toggle_maximise(self) -> None:
        """Give the focused pane the whole screen, or put the panes back."""
        # Textual writes the frame that changes the layout as the old layout's dirty spans,
        # each line cut at a span's end: a wide (CJK) character across that end reaches the
        # terminal as a blank. The frame after it paints the whole screen again.
        self.call_after_refresh(self.refresh, repaint=True, layout=False)
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        pane = next(
            (
                node
                for node in (focused, *(focused.ancestors if focused else ()))
                if node is not None and node.id in PANE_IDS
            ),
            None,
        )
        if pane is None or not self.maximize(pane, container=False):
            self.app.bell()

    # -- the filters, pushed down to the panes -----------------------------------------------

    def list_filters(self) -> Filters:
        return self.filters

    def watch_filters(self, old: Filters, filters: Filters) -> None:
        self._show_filters(filters)
        if old.search and not filters.search and self.page is not None:
            # A search cleared: back to the page being read, where the list now holds it (the
            # cursor stays at the top when it is not there).
            self.query_one(QuestionList).move_to(self.page.id)

    def _show_filters(self, filters: Filters) -> None:
        """Every pane shows ``filters``; the counts are reread when what they follow changed.
        The panes change as the list shows its new rows: one frame, not one before the rows."""
        query = ListQuery(filters)
        self.query_one(FilterBar).show(filters)
        recount = query.counts_filters != self._counted
        self.query_one(QuestionList).load(
            query, when_shown=partial(self._show_list_panes, query, select=not recount)
        )
        if recount:
            self._counted = query.counts_filters
            self._load_counts(query.counts_filters)

    def _show_list_panes(self, query: ListQuery, *, select: bool) -> None:
        """What the other panes show of the list now on screen."""
        filters = query.filters
        self.query_one(FilterBar).show_dates()
        status = self.query_one(StatusLine)
        status.show_filters(filters)
        status.show_position(self.query_one(QuestionList).position)
        self.query_one(ReadingPane).set_highlight(query.highlight)
        counts, self._held_counts = self._held_counts, None
        if counts is not None:
            self.query_one(SpecialtyNav).show_counts(counts, filters.specialty)
        elif select:
            self.query_one(SpecialtyNav).select(filters.specialty)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _load_counts(self, filters: Filters) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: reader.specialty_counts(filters),
            SpecialtyCountsLoaded,
            "counting specialties failed",
        )

    @on(SpecialtyCountsLoaded)
    def _counts_loaded(self, message: SpecialtyCountsLoaded) -> None:
        self.specialty_names = [name for name, _ in message.counts]
        if self.query_one(QuestionList).awaiting_rows:
            self._held_counts = message.counts  # shown with the list's rows, in one frame
        else:
            self.query_one(SpecialtyNav).show_counts(message.counts, self.filters.specialty)

    # -- what the user chose in a pane or the palette ------------------------------------------

    @on(SpecialtyChosen)
    def _specialty_chosen(self, message: SpecialtyChosen) -> None:
        self.filters = replace(self.filters, specialty=message.specialty)
        self._focus_list()

    @on(DateRangeChanged)
    def _dates_changed(self, message: DateRangeChanged) -> None:
        if (message.since, message.until) != (self.filters.since, self.filters.until):
            # (unchanged: e.g. the quick-date picker saying "Any time" as it mounts, no reload)
            self.filters = replace(self.filters, since=message.since, until=message.until)
        if message.submitted:
            self._focus_list()

    @on(FilterBar.SearchChanged)
    def _search_changed(self, message: FilterBar.SearchChanged) -> None:
        text = message.text.strip() or None
        whole = message.submitted and text is not None  # Enter: the last word is whole
        if (text, whole) != (self.filters.search, self.filters.search_whole):
            self.filters = replace(self.filters, search=text, search_whole=whole)
        if message.submitted:
            self._focus_list()
            self.query_one(QuestionList).new_list_asked()

    @on(QuestionList.SuggestionTaken)
    def _suggestion_taken(self, message: QuestionList.SuggestionTaken) -> None:
        self.filters = replace(self.filters, search=message.text, search_whole=True)

    @on(TopicChosen)
    def _topic_chosen(self, message: TopicChosen) -> None:
        """The pages that link to the topic, in any specialty: the topic index's count of them,
        wherever it was chosen (the other filters dropped, the list's order kept; a search or
        specialty chosen next narrows it); ``b`` goes back."""
        self.remember_place()
        self.filters = replace(
            self.filters.cleared(), topic=FaqLink(message.topic, message.specialty)
        )
        self.remember_place()
        self._focus_list()

    @on(PersonChosen)
    def _person_chosen(self, message: PersonChosen) -> None:
        """A doctor's (or hospital's) name: every question they replied to, the other filters
        dropped (the list's order kept); ``b`` goes back."""
        self.remember_place()
        chosen = self.filters.cleared()
        if message.person == "doctor":
            self.filters = replace(chosen, doctor=message.name)
        else:
            self.filters = replace(chosen, hospital=message.name)
        self.remember_place()
        self._focus_list()

    def action_person_list(self, person: Person) -> None:
        """D (h): the list of the open page's (first) doctor (hospital)."""
        names = [name for kind, name in self.query_one(ReadingPane).people if kind == person]
        if not names:
            what = "doctor" if person == "doctor" else "hospital"
            words = f"This page names no {what}." if self.page else "Open a question first."
            self.notify(words, severity="warning", markup=False)
            return
        self.post_message(PersonChosen(person, names[0]))

    def action_topics(self) -> None:
        """The topic index: every Related FAQ topic, its specialty and its pages."""
        from qatui.tui.screens.topics import TopicScreen  # not needed for the first frame

        self.app.push_screen(TopicScreen(self.corpus), self._topic_picked)

    def _topic_picked(self, row: TopicRow | None) -> None:
        """A topic of the index: its questions in the whole corpus (the other filters dropped)."""
        if row is not None:
            self.post_message(TopicChosen(row.topic, row.specialty))

    # -- opening questions -----------------------------------------------------------------

    @on(QuestionChosen)
    def _question_chosen(self, message: QuestionChosen) -> None:
        self.open_question(message.question_id)

    def open_question(self, question_id: int, *, remember: bool = True) -> None:
        """Load a question into the reading and related panes (in a worker)."""
        if remember:
            self.history.visit(Place(question_id, self.filters))
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self._loading_timer = self.set_timer(LOADING_DELAY_S, self._show_loading)
        self._load_page(question_id)

    def _show_loading(self) -> None:
        self.query_one(ReadingPane).loading = True

    def _stop_loading(self) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self.query_one(ReadingPane).loading = False

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _load_page(self, question_id: int) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: reader.page(question_id),
            lambda page: QuestionPageLoaded(page, question_id),
            "opening the question failed",
        )

    @on(QuestionPageLoaded)
    def _page_loaded(self, message: QuestionPageLoaded) -> None:
        self._stop_loading()
        if message.page is None:
            self.notify(
                f"Question {message.question_id} is not in this corpus.",
                severity="warning",
                markup=False,
            )
            return
        self.page = message.page
        self.query_one(ReadingPane).show_page(
            message.page,
            more_info_folded=self.more_info_folded,
            highlight=ListQuery(self.filters).highlight,
        )
        self.query_one(RelatedLinks).show_page(message.page)
        self._load_similar(message.page.id)
        self.query_one(QuestionList).move_to(message.page.id)
        self.remember_opened(message.page)

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def _load_similar(self, question_id: int) -> None:
        from qatui.corpus.search.similar import similar_questions

        query_and_post(
            self,
            self.corpus,
            lambda reader: similar_questions(reader, question_id) or [],
            lambda rows: SimilarQuestionsLoaded(question_id, rows),
            "finding similar questions failed",
        )

    @on(SimilarQuestionsLoaded)
    def _similar_loaded(self, message: SimilarQuestionsLoaded) -> None:
        self.query_one(RelatedLinks).show_similar(message.question_id, message.rows)

    @on(WorkFailed)
    def _work_failed(self) -> None:
        """A page that failed to load stops showing "loading" (the app reports the failure)."""
        self._stop_loading()

    # -- back and forward ------------------------------------------------------------------

    def remember_place(self) -> None:
        self.history.visit(Place(self.page.id if self.page else None, self.filters))

    def _go_to(self, place: Place | None) -> None:
        if place is None:
            self.app.bell()
            return
        if place.filters != self.filters:
            self.filters = place.filters
            if self.page is not None and self.page.id == place.question_id:
                # Open already: the list reloaded under the old filters puts its cursor back.
                self.query_one(QuestionList).move_to(self.page.id)
        if place.question_id is not None and (
            self.page is None or self.page.id != place.question_id
        ):
            self.open_question(place.question_id, remember=False)

    def action_go_back(self) -> None:
        """Go back to what was open before (and the filters then)."""
        self._go_to(self.history.back())

    def action_go_forward(self) -> None:
        """Go forward again after going back."""
        self._go_to(self.history.forward())

    # -- list and pane actions -------------------------------------------------------------

    async def action_focus_search(self) -> None:
        await self.query_one(FilterBar).focus_search()

    async def action_focus_dates(self) -> None:
        await self.query_one(FilterBar).focus_dates()

    def action_focus_pane(self, pane_id: str) -> None:
        """The pane, focused at once: ``Widget.focus`` waits for the keys already queued, so
        ``3 G`` typed in one burst moved the list, not the reading pane."""
        self.set_focus(self.query_one(f"#{pane_id}"))

    def action_flip_order(self) -> None:
        """Newest first <-> oldest first (search results ranked best first are then sorted
        by date: the flip is what changes)."""
        filters = self.filters
        flipped = replace(filters, newest_first=not filters.newest_first)
        self.filters = replace(flipped, ranked=False) if filters.search else flipped

    def action_clear_filters(self) -> None:
        """Drop specialty, dates and search words; reread the counts (new imports show up)."""
        self._counted = None
        self.filters = self.filters.cleared()

    def action_toggle_more_info(self) -> None:
        """Fold or unfold the More Info article."""
        self.more_info_folded = not self.more_info_folded
        self.query_one(ReadingPane).set_more_info_folded(self.more_info_folded)

    def action_back_out(self) -> None:
        """Escape: leave a field or pane for the question list; clear a search being typed."""
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        questions = self.query_one(QuestionList)
        if isinstance(focused, Input) and focused.id == "search" and focused.value:
            self.filters = self.filters.without_text()
            return
        if focused is questions:
            if self.filters.search:
                self.filters = self.filters.without_text()
            return
        self.set_focus(questions)

    def action_next_match(self) -> None:
        """Jump to the next highlighted search word in the reading pane."""
        if self.query_one(ReadingPane).next_match(1) is None:
            self._no_match()

    def action_previous_match(self) -> None:
        """Jump to the previous highlighted search word in the reading pane."""
        if self.query_one(ReadingPane).next_match(-1) is None:
            self._no_match()

    def _no_match(self) -> None:
        self.app.bell()
        if self.page is None:
            words = "Open a question first."
        elif self.filters.search:
            words = "No search match on this page."
        else:
            words = "n and N go through a search's matches: search first with /."
        self.notify(words, severity="warning", timeout=3, markup=False)

    def action_show_more(self) -> None:
        """Show more of the long part of the page being read."""
        if not self.query_one(ReadingPane).show_more_here():
            self.app.bell()

    def action_toggle_ranking(self) -> None:
        """Search results: best matches first <-> newest first."""
        if not self.filters.search:
            self.notify("Ranking applies to a search: type one with /", markup=False)
            return
        self.filters = replace(self.filters, ranked=not self.filters.ranked)

    def action_cycle_view(self) -> None:
        """Show every question, only unread ones, or only bookmarked ones."""
        if not isinstance(self.corpus, StateAwareCorpus):
            self.notify("Views need the reading state.", severity="warning", markup=False)
            return
        self.filters = next_view(self.filters)

    def action_cycle_sort(self) -> None:
        """Sort by ask date or by reply delay (o flips the direction)."""
        order: SortOrder = "delay" if self.filters.order == "date" else "date"
        self.filters = replace(self.filters, order=order)
        if order == "delay" and ListQuery(self.filters).is_search:
            self.notify(
                "Search results keep their own order; the reply-delay order applies without one.",
                markup=False,
            )

    def action_timeline(self) -> None:
        """Questions per month or year, and the asker facets, under the current filters."""
        from qatui.tui.screens.timeline import TimelineScreen  # not needed for the first frame

        self.app.push_screen(TimelineScreen(self.corpus, self.filters), self._timeline_chosen)

    def _timeline_chosen(self, chosen: Filters | None) -> None:
        if chosen is not None and chosen != self.filters:
            self.filters = chosen

    # -- the question's source page ----------------------------------------------------------

    def _source_url(self) -> str | None:
        url = self.page.record.source_url if self.page is not None else None
        if not url:
            self.notify(
                "This question has no source URL." if self.page else "Open a question first.",
                severity="warning",
                markup=False,
            )
        return url or None

    def action_copy_source(self) -> None:
        """Copy the open question's source URL to the clipboard (OSC 52)."""
        url = self._source_url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(url, title="Source URL copied", markup=False)

    def action_open_source(self) -> None:
        """Open the open question's source page in the system browser."""
        url = self._source_url()
        if url is not None:
            self._open_in_browser(url)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        self.post_message(JobDone(open_in_browser(url)))
